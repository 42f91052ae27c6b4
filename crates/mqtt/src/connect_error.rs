//! Why a connection to the broker could not be made, in one line that names the cause and the
//! fix.
//!
//! paho-mqtt reports most failures vaguely (every TLS problem and "nothing listens" are both
//! `TcpTlsConnectFailure`), and its `Display` of a v3.1.1 CONNACK code prints `(0)`. So the
//! CONNACK codes are matched by variant (in `connack.rs`), and network and TLS failures are
//! examined again by the session with a name lookup, a TCP connect and a TLS handshake of its own.
//!
//! [`ConnectError::kind`] says whether trying again can help: a wrong password stays wrong, so
//! it is [`ConnectErrorKind::Fatal`] and reported at once; a broker that is not up yet is
//! [`ConnectErrorKind::Retryable`].

use std::path::PathBuf;
use std::time::Duration;

use paho_mqtt as paho;

/// Whether trying the connection again can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectErrorKind {
    /// A setting is wrong (credentials, TLS trust, protocol, client id): trying again gives the
    /// same answer, so the program should stop and say what to fix.
    Fatal,
    /// The broker or the network may come back (refused, no answer, name lookup failed for
    /// now, server unavailable): trying again later can succeed.
    Retryable,
}

/// Why the session could not connect. `Display` is one line with the cause and the fix,
/// naming the variable to change (`MQTT_BROKER`, `MQTT_PASSWORD`, `MQTT_CA_FILE`, ...).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// paho-mqtt could not use the settings (an option or file it refused).
    #[error("cannot use the MQTT settings{}", setting.map(|s| format!(": {s}")).unwrap_or_default())]
    Settings {
        /// The variable whose value paho-mqtt refused, when one is to blame.
        setting: Option<&'static str>,
        /// What paho-mqtt said.
        #[source]
        source: paho::Error,
    },

    /// A thread of the session could not be started (the process is out of threads or
    /// memory).
    #[error("cannot start the MQTT session's threads")]
    Thread {
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The broker's name cannot be resolved to an address.
    #[error("cannot resolve host `{host}`: check MQTT_BROKER and the network")]
    Dns {
        /// The host name.
        host: String,
        /// What the resolver said.
        #[source]
        source: std::io::Error,
        /// Whether the resolver said to try again later (no network yet, DNS server down).
        temporary: bool,
    },

    /// Nothing accepts TCP connections at the broker's address.
    #[error(
        "nothing listens on {host}:{port}: check MQTT_BROKER / MQTT_PORT and that the broker runs"
    )]
    ConnectionRefused {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },

    /// The TCP connection was made (or not refused) but no CONNACK came in time.
    #[error(
        "no MQTT answer from {host}:{port} within {} s: is it an MQTT broker? \
         wrong port (MQTT_PORT), or a TLS port spoken to without TLS (MQTT_TLS)?",
        timeout.as_secs_f64().ceil()
    )]
    Timeout {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The connect timeout that passed.
        timeout: Duration,
    },

    /// The broker closed the connection before it answered the CONNECT.
    #[error(
        "the broker at {host}:{port} closed the connection during connect: check MQTT_TLS, \
         MQTT_USER / MQTT_PASSWORD and MQTT_CLIENT_ID"
    )]
    Closed {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },

    /// CONNACK 4/5 (v3.1.1) or reason 0x86/0x87 (v5).
    #[error("username or password rejected ({code}), check MQTT_USER / MQTT_PASSWORD")]
    BadCredentials {
        /// The code as the broker sent it, such as `CONNACK 5` or `reason 0x87`.
        code: String,
    },

    /// CONNACK 1 or reason 0x84.
    #[error(
        "the broker does not accept MQTT {version} ({code}): set MQTT_VERSION to the other \
         version (3.1.1 or 5)"
    )]
    UnacceptableProtocol {
        /// The version asked for.
        version: String,
        /// The code as the broker sent it.
        code: String,
    },

    /// CONNACK 2 or reason 0x85.
    #[error(
        "the broker rejected client id `{client_id}` ({code}): set MQTT_CLIENT_ID to at most 23 \
         letters and digits, not used by another client"
    )]
    ClientIdRejected {
        /// The client id sent.
        client_id: String,
        /// The code as the broker sent it.
        code: String,
    },

    /// CONNACK 3, or v5 reasons 0x88 server unavailable, 0x89 busy, 0x97 quota exceeded,
    /// 0x9F connection rate exceeded: the broker may accept later.
    #[error("the broker is not taking connections now ({reason}, {code}): trying again later")]
    Unavailable {
        /// The reason in words.
        reason: &'static str,
        /// The code as the broker sent it.
        code: String,
    },

    /// Reason 0x8A: the broker has banned this client.
    #[error(
        "the broker has banned this client ({code}): ask the broker's operator, or check \
         MQTT_CLIENT_ID / MQTT_USER"
    )]
    Banned {
        /// The code as the broker sent it.
        code: String,
    },

    /// Reason 0x8C: the broker wants another authentication method.
    #[error(
        "the broker does not accept this authentication method ({code}): it needs another \
         login than MQTT_USER / MQTT_PASSWORD"
    )]
    BadAuthMethod {
        /// The code as the broker sent it.
        code: String,
    },

    /// Any other refusal in a CONNACK.
    #[error("the broker refused the connection: {reason} ({code})")]
    Refused {
        /// The reason in words, as paho names it.
        reason: String,
        /// The code as the broker sent it, such as `reason 0x9C`.
        code: String,
    },

    /// The server certificate is not signed by a CA this client trusts.
    #[error(
        "server certificate of {host}:{port} is not signed by a trusted CA ({detail}, trusting \
         {}): set MQTT_CA_FILE to your broker's CA, or MQTT_TLS_INSECURE=1 for development only",
        ca_file.as_ref().map_or_else(|| "the system's CAs".to_owned(), |p| format!("`{}`", p.display()))
    )]
    UnknownCa {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The CA file trusted, `None` for the system's CAs.
        ca_file: Option<PathBuf>,
        /// What OpenSSL said.
        detail: String,
    },

    /// The server certificate is valid but for other names.
    #[error(
        "server certificate of {host}:{port} is for {names}, not for `{host}`: set MQTT_BROKER \
         to one of those names, or MQTT_TLS_INSECURE=1 for development only"
    )]
    HostnameMismatch {
        /// The host asked for.
        host: String,
        /// The port.
        port: u16,
        /// The names the certificate is for.
        names: String,
    },

    /// The server certificate has expired.
    #[error(
        "server certificate of {host}:{port} expired (notAfter {not_after}): the broker's \
         certificate must be renewed (or this machine's clock is wrong)"
    )]
    CertificateExpired {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// The certificate's `notAfter`, as OpenSSL prints it.
        not_after: String,
    },

    /// The server certificate failed verification for another reason.
    #[error(
        "server certificate of {host}:{port} is not accepted ({detail}): check MQTT_CA_FILE, or \
         MQTT_TLS_INSECURE=1 for development only"
    )]
    CertificateInvalid {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What OpenSSL said.
        detail: String,
    },

    /// TLS was asked for but the server answered without TLS.
    #[error("the broker at {host}:{port} does not speak TLS: set MQTT_TLS=off or use port 8883")]
    NotTls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },

    /// TLS was off but the port speaks TLS.
    #[error("the broker at {host}:{port} expects TLS: set MQTT_TLS=on")]
    ExpectsTls {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },

    /// The TLS handshake failed on the broker's side (a TLS alert), for example because it
    /// wants a client certificate.
    #[error(
        "the TLS handshake with {host}:{port} failed ({detail}): the broker may want a client \
         certificate (MQTT_CERT_FILE / MQTT_KEY_FILE) or other TLS settings"
    )]
    TlsHandshake {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What OpenSSL said.
        detail: String,
    },

    /// The broker accepted the connection but refused a subscription (SUBACK 0x80 or a v5
    /// reason of 0x80 or more).
    #[error(
        "the broker refused the subscription to `{filter}`: check TOPIC_SENSOR / TOPIC_STATUS \
         and the broker's access rules for MQTT_USER"
    )]
    SubscribeRefused {
        /// The topic filter.
        filter: String,
    },

    /// The broker did not answer a subscription in time.
    #[error("the broker did not acknowledge the subscription to `{filter}` within {} s", timeout.as_secs_f64().ceil())]
    SubscribeTimeout {
        /// The topic filter.
        filter: String,
        /// The time waited.
        timeout: Duration,
    },

    /// A stop was asked for (Ctrl+C) while waiting to connect again.
    #[error("stopped before the connection was made")]
    Stopped,

    /// The TCP connection failed for another reason than a refusal or no answer (no route to
    /// the host, the network down, a name without an address).
    #[error("cannot connect to {host}:{port}")]
    Network {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// TCP and TLS work, but the MQTT connection failed in a way not explained more precisely.
    #[error("cannot connect to {host}:{port} (TLS itself works)")]
    Other {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// What paho-mqtt said.
        #[source]
        source: paho::Error,
    },
}

impl ConnectError {
    /// Whether trying again can help.
    pub fn kind(&self) -> ConnectErrorKind {
        use ConnectError as E;
        match self {
            E::Dns { temporary, .. } if *temporary => ConnectErrorKind::Retryable,
            E::ConnectionRefused { .. }
            | E::Timeout { .. }
            | E::Closed { .. }
            | E::Unavailable { .. }
            | E::SubscribeTimeout { .. }
            | E::Network { .. }
            | E::Other { .. } => ConnectErrorKind::Retryable,
            _ => ConnectErrorKind::Fatal,
        }
    }

    /// Whether this is [`ConnectErrorKind::Fatal`].
    pub fn is_fatal(&self) -> bool {
        self.kind() == ConnectErrorKind::Fatal
    }
}
