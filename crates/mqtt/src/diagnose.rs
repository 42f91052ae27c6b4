//! Finds out why a connect failed when paho-mqtt does not say.
//!
//! paho reports a refused TCP connection, an unknown CA, an expired certificate and a
//! plain-TCP broker on a TLS port all as `TcpTlsConnectFailure`. After such a failure this
//! module looks again, step by step, with the same settings:
//!
//! 1. the host name is resolved (`ToSocketAddrs`): a failure names `MQTT_BROKER`;
//! 2. a TCP connection is tried: "connection refused" names host and port;
//! 3. with TLS on, a TLS handshake of its own (OpenSSL, the same trust: `MQTT_CA_FILE` or the
//!    system's CAs, host name check unless `MQTT_TLS_INSECURE=1`, the client certificate)
//!    says whether the CA is unknown, the name does not match, the certificate expired, or
//!    the server does not speak TLS at all;
//! 4. with TLS off, a TLS handshake that succeeds means the port expects TLS.
//!
//! Each probe has a short timeout, so a diagnosis adds at most a few seconds to a failure.

use std::io::Read as _;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use openssl::ssl::{HandshakeError, SslConnector, SslFiletype, SslMethod, SslVerifyMode};
use openssl::x509::{X509VerifyResult, X509};
use paho_mqtt as paho;
use std::sync::{Arc, Mutex};

use crate::connack::from_connack;
use crate::connect_error::ConnectError;
use crate::settings::ConnectionSettings;

/// The longest a TCP connect of the diagnosis waits.
const TCP_PROBE: Duration = Duration::from_secs(3);
/// The longest a TLS handshake of the diagnosis waits for the server.
const TLS_PROBE: Duration = Duration::from_secs(3);
/// The TLS probe on a port that did not answer MQTT in time: short, since the timeout
/// message already names TLS.
const TLS_PROBE_AFTER_TIMEOUT: Duration = Duration::from_secs(1);

// OpenSSL's X509_V_ERR_* codes (x509_vfy.h).
const X509_V_ERR_CERT_NOT_YET_VALID: i32 = 9;
const X509_V_ERR_CERT_HAS_EXPIRED: i32 = 10;
const X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: i32 = 18;
const X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: i32 = 19;
const X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: i32 = 20;
const X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: i32 = 21;
const X509_V_ERR_HOSTNAME_MISMATCH: i32 = 62;
const X509_V_ERR_IP_ADDRESS_MISMATCH: i32 = 64;

/// Explains a failed connect: a CONNACK refusal directly, anything else by looking again.
///
/// `elapsed` is how long the failed attempt took; close to `timeout` means no answer came.
pub(crate) fn explain(
    settings: &ConnectionSettings,
    err: paho::Error,
    elapsed: Duration,
    timeout: Duration,
) -> ConnectError {
    let version = settings.mqtt_version().to_string();
    if let Some(e) = from_connack(&err, settings.client_id(), &version) {
        return e;
    }
    match err {
        paho::Error::MissingSslOptions
        | paho::Error::BadProtocol
        | paho::Error::BadMqttOption
        | paho::Error::WrongMqttVersion
        | paho::Error::BadStructure
        | paho::Error::Nul(_)
        | paho::Error::Utf8(_)
        | paho::Error::SslNotSupported => {
            return ConnectError::Settings {
                setting: None,
                source: err,
            }
        }
        _ => {}
    }
    let timed_out = matches!(err, paho::Error::Timeout | paho::Error::TcpConnectTimeout)
        || elapsed + Duration::from_millis(300) >= timeout;
    network(settings, err, timed_out, timeout)
}

/// Looks at name, TCP and TLS in turn.
fn network(
    settings: &ConnectionSettings,
    err: paho::Error,
    timed_out: bool,
    timeout: Duration,
) -> ConnectError {
    let host = settings.broker().to_owned();
    let port = settings.port();
    let addrs = match (host.as_str(), port).to_socket_addrs() {
        Ok(addrs) => addrs.collect::<Vec<_>>(),
        Err(source) => {
            let cause = source.to_string();
            let temporary = cause.contains("Temporary") || cause.contains("try again");
            return ConnectError::Dns {
                host,
                source,
                temporary,
            };
        }
    };
    let stream = match tcp_connect(&addrs) {
        TcpOutcome::Connected(stream) => stream,
        TcpOutcome::Refused => return ConnectError::ConnectionRefused { host, port },
        TcpOutcome::NoAnswer => {
            return ConnectError::Timeout {
                host,
                port,
                timeout,
            }
        }
        TcpOutcome::Failed(source) => return ConnectError::Network { host, port, source },
    };
    if settings.tls_enabled() {
        match tls_probe(settings, stream, TLS_PROBE) {
            Probe::Verify(e) => e,
            Probe::NotTls => ConnectError::NotTls { host, port },
            Probe::Alert(detail) => ConnectError::TlsHandshake { host, port, detail },
            Probe::NoAnswer => ConnectError::Timeout {
                host,
                port,
                timeout,
            },
            Probe::Established if timed_out => ConnectError::Timeout {
                host,
                port,
                timeout,
            },
            Probe::Established => ConnectError::Other {
                host,
                port,
                source: err,
            },
        }
    } else {
        let probe_time = if timed_out {
            TLS_PROBE_AFTER_TIMEOUT
        } else {
            TLS_PROBE
        };
        match tls_probe_insecure(stream, probe_time) {
            true => ConnectError::ExpectsTls { host, port },
            false if timed_out => ConnectError::Timeout {
                host,
                port,
                timeout,
            },
            false => ConnectError::Closed { host, port },
        }
    }
}

enum TcpOutcome {
    Connected(TcpStream),
    Refused,
    NoAnswer,
    Failed(std::io::Error),
}

fn tcp_connect(addrs: &[SocketAddr]) -> TcpOutcome {
    let mut outcome = TcpOutcome::Failed(std::io::Error::new(
        std::io::ErrorKind::AddrNotAvailable,
        "the name has no address",
    ));
    for addr in addrs {
        match TcpStream::connect_timeout(addr, TCP_PROBE) {
            Ok(stream) => return TcpOutcome::Connected(stream),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                outcome = TcpOutcome::Refused;
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => outcome = TcpOutcome::NoAnswer,
            Err(e) => {
                if !matches!(outcome, TcpOutcome::Refused | TcpOutcome::NoAnswer) {
                    outcome = TcpOutcome::Failed(e);
                }
            }
        }
    }
    outcome
}

/// What a TLS handshake of the diagnosis found.
enum Probe {
    /// The handshake succeeded: TLS and the certificate are fine.
    Established,
    /// The certificate check failed; the error says why.
    Verify(ConnectError),
    /// The server answered without TLS or closed the connection on the ClientHello.
    NotTls,
    /// The server sent a TLS alert (it refused something of ours).
    Alert(String),
    /// No answer within the probe's time.
    NoAnswer,
}

fn set_timeouts(stream: &TcpStream, timeout: Duration) {
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
}

/// A handshake with the session's own trust settings.
fn tls_probe(settings: &ConnectionSettings, stream: TcpStream, timeout: Duration) -> Probe {
    let host = settings.broker().to_owned();
    let port = settings.port();
    set_timeouts(&stream, timeout);
    let connector = match connector(settings) {
        Ok(c) => c,
        Err(e) => return Probe::Alert(format!("cannot set up TLS: {e}")),
    };
    let mut config = match connector.configure() {
        Ok(c) => c,
        Err(e) => return Probe::Alert(format!("cannot set up TLS: {e}")),
    };
    // The server's own certificate, kept by the verify callback: after a failed
    // verification OpenSSL does not keep it as the peer certificate.
    let leaf: Arc<Mutex<Option<X509>>> = Arc::default();
    if settings.tls_insecure() {
        config.set_verify(SslVerifyMode::NONE);
        config.set_verify_hostname(false);
    } else {
        let keep = Arc::clone(&leaf);
        config.set_verify_callback(SslVerifyMode::PEER, move |ok, ctx| {
            if ctx.error_depth() == 0 {
                if let Some(cert) = ctx.current_cert() {
                    *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(cert.to_owned());
                }
            }
            ok
        });
    }
    let leaf = move || leaf.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match config.connect(&host, stream) {
        Ok(mut tls) => {
            // TLS 1.3: a server that wants a client certificate says so only after the
            // client's side of the handshake is done; a short read shows its alert.
            let _ = tls
                .get_ref()
                .set_read_timeout(Some(Duration::from_millis(300)));
            let mut byte = [0u8; 1];
            match tls.read(&mut byte) {
                Err(e) if e.to_string().contains("alert") => Probe::Alert(short(&e.to_string())),
                _ => Probe::Established,
            }
        }
        Err(HandshakeError::WouldBlock(_)) => Probe::NoAnswer,
        Err(HandshakeError::SetupFailure(e)) => Probe::Alert(format!("cannot set up TLS: {e}")),
        Err(HandshakeError::Failure(mid)) => {
            let verify = mid.ssl().verify_result();
            let text = mid.error().to_string();
            if verify != X509VerifyResult::OK {
                let detail = verify.error_string().to_owned();
                let e = match verify.as_raw() {
                    X509_V_ERR_CERT_HAS_EXPIRED => ConnectError::CertificateExpired {
                        host,
                        port,
                        not_after: leaf()
                            .map(|c| c.not_after().to_string())
                            .unwrap_or_else(|| "unknown".to_owned()),
                    },
                    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
                    | X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
                    | X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
                    | X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE => ConnectError::UnknownCa {
                        host,
                        port,
                        ca_file: settings.ca_file().map(ToOwned::to_owned),
                        detail,
                    },
                    X509_V_ERR_HOSTNAME_MISMATCH | X509_V_ERR_IP_ADDRESS_MISMATCH => {
                        ConnectError::HostnameMismatch {
                            names: leaf()
                                .map(|c| names(&c))
                                .unwrap_or_else(|| "other names".to_owned()),
                            host,
                            port,
                        }
                    }
                    X509_V_ERR_CERT_NOT_YET_VALID => ConnectError::CertificateInvalid {
                        host,
                        port,
                        detail: format!("{detail}; check this machine's clock"),
                    },
                    _ => ConnectError::CertificateInvalid { host, port, detail },
                };
                Probe::Verify(e)
            } else if is_timeout(mid.error()) {
                Probe::NoAnswer
            } else if text.contains("alert") {
                Probe::Alert(short(&text))
            } else {
                Probe::NotTls
            }
        }
    }
}

/// Whether a handshake error is the socket's read timeout.
fn is_timeout(e: &openssl::ssl::Error) -> bool {
    e.io_error().is_some_and(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )
    })
}

/// Whether the server completes a TLS handshake at all (no certificate checks).
fn tls_probe_insecure(stream: TcpStream, timeout: Duration) -> bool {
    set_timeouts(&stream, timeout);
    let Ok(builder) = SslConnector::builder(SslMethod::tls_client()) else {
        return false;
    };
    let Ok(mut config) = builder.build().configure() else {
        return false;
    };
    config.set_verify(SslVerifyMode::NONE);
    config.set_verify_hostname(false);
    config.set_use_server_name_indication(false);
    config.connect("localhost", stream).is_ok()
}

/// A connector with the session's trust: the CA file or the system's CAs, and the client
/// certificate for mutual TLS.
fn connector(settings: &ConnectionSettings) -> Result<SslConnector, openssl::error::ErrorStack> {
    let mut builder = SslConnector::builder(SslMethod::tls_client())?;
    if let Some(ca) = settings.ca_file() {
        // Only this CA, as paho's trust store: a fresh store without the system's CAs.
        let store = openssl::x509::store::X509StoreBuilder::new()?;
        builder.set_cert_store(store.build());
        builder.set_ca_file(ca)?;
    }
    if let Some((cert, key)) = settings.client_cert() {
        builder.set_certificate_chain_file(cert)?;
        builder.set_private_key_file(key, SslFiletype::PEM)?;
    }
    Ok(builder.build())
}

/// The DNS names and IP addresses of a certificate, for a message.
fn names(cert: &openssl::x509::X509) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(sans) = cert.subject_alt_names() {
        for san in sans.iter() {
            if let Some(dns) = san.dnsname() {
                names.push(dns.to_owned());
            } else if let Some(ip) = san.ipaddress() {
                let ip = match ip.len() {
                    4 => <[u8; 4]>::try_from(ip).map(|b| std::net::IpAddr::from(b).to_string()),
                    16 => <[u8; 16]>::try_from(ip).map(|b| std::net::IpAddr::from(b).to_string()),
                    _ => Ok("?".to_owned()),
                };
                names.push(ip.unwrap_or_default());
            }
        }
    }
    if names.is_empty() {
        for cn in cert
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        {
            if let Ok(text) = cn.data().to_string() {
                names.push(text);
            }
        }
    }
    if names.is_empty() {
        "other names".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The first line of an OpenSSL error, without the long error-stack prefix.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text);
    match line.find("alert") {
        Some(i) => {
            let rest = &line[i..];
            rest.split(':').next().unwrap_or(rest).to_owned()
        }
        None => line.to_owned(),
    }
}
