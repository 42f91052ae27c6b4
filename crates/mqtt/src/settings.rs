//! Settings of the MQTT session: broker, credentials, topics, TLS, client id, QoS, CSV file and
//! language.
//!
//! They come from the process environment, then from a `.env` file in the working directory,
//! with the names the chapter's Python uses, so a learner's `.env` works as it is. A real
//! environment variable wins over the same name in `.env`. Loading never changes the process
//! environment: the `.env` file is read into a map and merged, not exported.
//!
//! Code that does not want the environment builds the same [`Settings`] with
//! [`Settings::builder`]; both paths go through one validation, so both give the same errors.
//!
//! ```
//! use hexaboard_mqtt::settings::{Settings, Source};
//!
//! let settings = Settings::builder("localhost").port(1883).build()?;
//! assert_eq!(settings.server_uri(), "tcp://localhost:1883");
//! assert!(!settings.tls_enabled());
//! assert_eq!(settings.source("MQTT_PORT"), Some(&Source::Builder));
//! # Ok::<(), hexaboard_mqtt::settings::SettingsError>(())
//! ```
//!
//! A value set to the empty string (or only spaces) counts as not set, in every source, so
//! `MQTT_USER=` in `.env` means "no user", as `os.getenv` plus `if not user` would in Python.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io;
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// Every variable [`Settings`] reads, in the order [`Settings::describe`] lists them.
pub const VARIABLES: [&str; 16] = [
    "MQTT_BROKER",
    "MQTT_PORT",
    "MQTT_USER",
    "MQTT_PASSWORD",
    "TOPIC_SENSOR",
    "TOPIC_STATUS",
    "MQTT_TLS",
    "MQTT_CA_FILE",
    "MQTT_CERT_FILE",
    "MQTT_KEY_FILE",
    "MQTT_TLS_INSECURE",
    "MQTT_CLIENT_ID",
    "MQTT_QOS",
    "MQTT_VERSION",
    "CSV_FILE",
    "HEXABOARD_LANG",
];

/// The sensor topic filter when `TOPIC_SENSOR` is not set.
pub const DEFAULT_TOPIC_SENSOR: &str = "hexaboard/+/sensor/data";
/// The status topic filter when `TOPIC_STATUS` is not set.
pub const DEFAULT_TOPIC_STATUS: &str = "hexaboard/+/status";
/// The port when `MQTT_PORT` is not set: MQTT over TLS, as HiveMQ Cloud in the course.
pub const DEFAULT_PORT: u16 = 8883;
/// The CSV file when `CSV_FILE` is not set, the chapter's name.
pub const DEFAULT_CSV_FILE: &str = "sensor_data.csv";

/// The longest client id every MQTT 3.1.1 broker must accept (MQTT 3.1.1, section 3.1.3.1).
const PORTABLE_CLIENT_ID_LEN: usize = 23;

/// What [`Settings::describe`] shows instead of a password.
const MASK: &str = "********";
/// What [`Settings::describe`] shows for a variable that is not set.
const NOT_SET: &str = "(not set)";

// ---------------------------------------------------------------------------------------------
// Errors

/// Why settings could not be made. Every message is one line that names the variable, the bad
/// value (never the password) and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// `MQTT_BROKER` is set neither in the environment nor in `.env`.
    #[error("MQTT_BROKER is not set: copy .env.example to .env and fill it in")]
    MissingBroker,

    /// A variable holds a value that cannot be used.
    #[error("{var} is `{value}`: {expected}")]
    Invalid {
        /// The variable, such as `MQTT_PORT`.
        var: &'static str,
        /// The value it holds, with control characters escaped.
        value: String,
        /// What was expected instead, or what is wrong with the value.
        expected: String,
    },

    /// One of the topic filters of a variable is not a valid MQTT topic filter.
    #[error("{var} is `{value}`: {reason}")]
    InvalidTopicFilter {
        /// `TOPIC_SENSOR` or `TOPIC_STATUS`.
        var: &'static str,
        /// The whole value of the variable.
        value: String,
        /// The filter that is wrong (one item of a comma-separated list).
        filter: String,
        /// What is wrong with it, from [`validate_filter`].
        reason: String,
    },

    /// A password without a user name: brokers ignore or refuse such a login.
    #[error(
        "MQTT_PASSWORD is set but MQTT_USER is not: set MQTT_USER too, or remove MQTT_PASSWORD"
    )]
    PasswordWithoutUser,

    /// Only one half of the client certificate pair for mutual TLS is given.
    #[error(
        "{present} is set but {missing} is not: mutual TLS needs both the client certificate \
         (MQTT_CERT_FILE) and its key (MQTT_KEY_FILE)"
    )]
    IncompleteClientCert {
        /// The variable that is set.
        present: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },

    /// The `.env` file exists but a line of it is not `NAME=value`.
    ///
    /// The line's text is not part of the message: it may hold the password.
    #[error(
        "cannot parse `{}` line {line}: expected NAME=value \
         (put quotes around a value that holds spaces, quotes or #)",
        path.display()
    )]
    DotEnvSyntax {
        /// The `.env` file.
        path: PathBuf,
        /// The line (counting from 1) where the entry that cannot be parsed starts.
        line: usize,
    },

    /// The `.env` file exists but cannot be read.
    #[error("cannot read `{}`: check that it is a readable text file (UTF-8)", path.display())]
    DotEnvRead {
        /// The `.env` file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
}

impl SettingsError {
    fn invalid(var: &'static str, value: &str, expected: impl Into<String>) -> Self {
        SettingsError::Invalid {
            var,
            value: shown(value),
            expected: expected.into(),
        }
    }
}

/// A value as it may appear in a one-line message: control characters escaped.
fn shown(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Small value types

/// A secret, such as the broker password. Its `Debug` and `Display` print `********`; the only
/// way to the text is [`Secret::expose`], so a password cannot reach a log by accident.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret text.
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The secret text itself: call this only where the secret is handed to the broker.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Secret(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Secret(text.to_owned())
    }
}

/// The language of the lines printed: the chapter's Korean (default) or English.
pub use hexaboard_core::text::Lang;

/// MQTT quality of service for subscriptions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qos {
    /// QoS 0: at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: at least once; a reading is acknowledged after it is stored.
    AtLeastOnce = 1,
    /// QoS 2: exactly once, at the cost of two round trips per message.
    ExactlyOnce = 2,
}

impl Qos {
    /// The QoS for the number 0, 1 or 2.
    pub fn from_number(n: u8) -> Option<Qos> {
        match n {
            0 => Some(Qos::AtMostOnce),
            1 => Some(Qos::AtLeastOnce),
            2 => Some(Qos::ExactlyOnce),
            _ => None,
        }
    }

    /// The number of the QoS, 0, 1 or 2 (paho-mqtt takes it as an `i32`).
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Qos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The MQTT protocol version spoken to the broker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MqttVersion {
    /// MQTT 3.1.1 (`MQTT_VERSION=3.1.1`, the default, what the chapter's paho uses).
    #[default]
    V311,
    /// MQTT 5 (`MQTT_VERSION=5`).
    V5,
}

impl fmt::Display for MqttVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MqttVersion::V311 => "3.1.1",
            MqttVersion::V5 => "5",
        })
    }
}

/// Where the value of a variable came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A real environment variable of the process.
    Environment,
    /// A line of this `.env` file.
    DotEnv(PathBuf),
    /// Not set anywhere: the default (or the value inferred from other settings) is used.
    Default,
    /// Set by code through [`SettingsBuilder`].
    Builder,
}

impl fmt::Display for Source {
    /// `environment`, the `.env` file's path, `default` or `code`, to follow "from".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("environment"),
            Source::DotEnv(path) => write!(f, "{}", path.display()),
            Source::Default => f.write_str("default"),
            Source::Builder => f.write_str("code"),
        }
    }
}

/// Defaults chosen by the program, not by the user: used where a variable is not set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Defaults {
    /// QoS for subscriptions when `MQTT_QOS` is not set.
    pub qos: Qos,
}

impl Defaults {
    /// Defaults for recording readings: QoS 1, so a reading the receiver did not store is sent
    /// again by the broker.
    pub fn recording() -> Self {
        Defaults {
            qos: Qos::AtLeastOnce,
        }
    }

    /// Defaults for the plain examples of the chapter: QoS 0, as the chapter's Python.
    pub fn examples() -> Self {
        Defaults {
            qos: Qos::AtMostOnce,
        }
    }
}

impl Default for Defaults {
    /// The same as [`Defaults::examples`].
    fn default() -> Self {
        Defaults::examples()
    }
}

/// One line of [`Settings::describe`]: a variable, its value as it may be shown, and where it
/// came from. `Display` writes `MQTT_BROKER = localhost (from .env)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// The variable, such as `MQTT_BROKER`.
    pub name: &'static str,
    /// The value as it may be shown: the password is `********`, an unset value `(not set)`.
    pub value: String,
    /// Where the value came from.
    pub source: Source,
}

impl fmt::Display for Described {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {} (from {})", self.name, self.value, self.source)
    }
}

// ---------------------------------------------------------------------------------------------
// Topic filters

/// Checks an MQTT topic filter: not empty, no NUL, `+` and `#` fill a whole level, `#` only as
/// the last level (MQTT 3.1.1 / 5, section 4.7).
///
/// # Errors
///
/// A lower-case reason, to follow the filter in a message.
pub fn validate_filter(filter: &str) -> Result<(), String> {
    hexaboard_core::topic::TopicFilter::new(filter)
        .map(drop)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Settings

/// Everything the MQTT session and the programs around it need to know, validated.
///
/// Made by [`Settings::from_env`] (the environment and `./.env`), [`Settings::from_sources`]
/// (any lookup and `.env` path, for tests) or [`Settings::builder`] (code only). `Debug` and
/// `Display` never show the password.
#[derive(Clone, Debug)]
pub struct Settings {
    broker: String,
    port: u16,
    user: Option<String>,
    password: Option<Secret>,
    sensor_topics: Vec<String>,
    status_topic: String,
    tls: bool,
    ca_file: Option<PathBuf>,
    client_cert: Option<(PathBuf, PathBuf)>,
    tls_insecure: bool,
    client_id: String,
    qos: Qos,
    mqtt_version: MqttVersion,
    csv_file: PathBuf,
    lang: Lang,
    sources: Vec<(&'static str, Source)>,
    notes: Vec<String>,
}

impl Settings {
    /// Settings from the process environment, then `./.env` if it exists, with
    /// [`Defaults::default`] (QoS 0).
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that is missing or malformed, or the `.env` line
    /// that cannot be parsed.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_env_with(Defaults::default())
    }

    /// Settings from the process environment, then `./.env` if it exists, with the program's
    /// own defaults (such as QoS 1 for recording).
    ///
    /// # Errors
    ///
    /// As [`Settings::from_env`].
    pub fn from_env_with(defaults: Defaults) -> Result<Settings, SettingsError> {
        Settings::from_sources_with(
            |name| std::env::var(name).ok(),
            Some(Path::new(".env")),
            defaults,
        )
    }

    /// Settings from a lookup standing for the environment, then the `.env` file at
    /// `dotenv_path` if given and present, with [`Defaults::default`].
    ///
    /// A `.env` file that does not exist is no error: it is simply not used.
    ///
    /// # Errors
    ///
    /// As [`Settings::from_env`].
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        dotenv_path: Option<&Path>,
    ) -> Result<Settings, SettingsError> {
        Settings::from_sources_with(env, dotenv_path, Defaults::default())
    }

    /// One variable as [`Settings::from_sources`] reads it, without needing the others (a
    /// summary of a CSV needs no broker): `env` first, then the `.env` file at `dotenv_path`,
    /// trimmed, an empty value counting as unset in both. A missing `.env` is no error.
    ///
    /// ```
    /// use hexaboard_mqtt::settings::Settings;
    ///
    /// let env = |name: &str| (name == "CSV_FILE").then(|| " lab.csv ".to_owned());
    /// assert_eq!(Settings::variable(env, None, "CSV_FILE")?.as_deref(), Some("lab.csv"));
    /// assert_eq!(Settings::variable(env, None, "HEXABOARD_LANG")?, None);
    /// # Ok::<(), hexaboard_mqtt::settings::SettingsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The `.env` file's errors, as [`Settings::from_sources`] reports them: it cannot be read,
    /// or a line of it cannot be parsed.
    pub fn variable(
        env: impl Fn(&str) -> Option<String>,
        dotenv_path: Option<&Path>,
        name: &str,
    ) -> Result<Option<String>, SettingsError> {
        let trimmed = |v: String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(value) = env(name).and_then(trimmed) {
            return Ok(Some(value));
        }
        let dotenv = match dotenv_path {
            Some(path) => DotEnv::read(path)?,
            None => None,
        };
        Ok(dotenv
            .and_then(|mut d| d.values.remove(name))
            .and_then(trimmed))
    }

    /// As [`Settings::from_sources`], with the program's own defaults.
    ///
    /// # Errors
    ///
    /// As [`Settings::from_env`].
    pub fn from_sources_with(
        env: impl Fn(&str) -> Option<String>,
        dotenv_path: Option<&Path>,
        defaults: Defaults,
    ) -> Result<Settings, SettingsError> {
        let dotenv = match dotenv_path {
            Some(path) => DotEnv::read(path)?,
            None => None,
        };
        let mut raw = Raw::default();
        for name in VARIABLES {
            if let Some(value) = env(name).filter(|v| !v.trim().is_empty()) {
                raw.set(name, value, Source::Environment);
            } else if let Some(dotenv) = &dotenv {
                if let Some(value) = dotenv.values.get(name).filter(|v| !v.trim().is_empty()) {
                    raw.set(name, value.clone(), Source::DotEnv(dotenv.path.clone()));
                }
            }
        }
        let mut settings = raw.resolve(&defaults)?;
        if let Some(dotenv) = &dotenv {
            settings.notes.extend(dotenv.notes(&settings));
        }
        Ok(settings)
    }

    /// A builder for settings made by code, without the environment.
    pub fn builder(broker: impl Into<String>) -> SettingsBuilder {
        let mut raw = Raw::default();
        raw.set("MQTT_BROKER", broker.into(), Source::Builder);
        SettingsBuilder {
            raw,
            defaults: Defaults::default(),
        }
    }

    /// The broker's host name or IP address (an IPv6 address without brackets).
    pub fn broker(&self) -> &str {
        &self.broker
    }

    /// The broker's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The user name, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The password, if any; it is only given with a user.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// The sensor topic filters to subscribe to (at least one, each valid).
    pub fn sensor_topics(&self) -> &[String] {
        &self.sensor_topics
    }

    /// The sensor topic filters, parsed (they were checked when the settings were made).
    pub fn sensor_filters(&self) -> Vec<hexaboard_core::TopicFilter> {
        self.sensor_topics
            .iter()
            .filter_map(|f| f.parse().ok())
            .collect()
    }

    /// The status topic filter, parsed.
    pub fn status_filter(&self) -> Option<hexaboard_core::TopicFilter> {
        self.status_topic.parse().ok()
    }

    /// The status topic filter to subscribe to.
    pub fn status_topic(&self) -> &str {
        &self.status_topic
    }

    /// Whether the connection uses TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls
    }

    /// The PEM file of the CA to trust instead of the system roots, if any.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// The client certificate and its key for mutual TLS, if any.
    pub fn client_cert(&self) -> Option<(&Path, &Path)> {
        self.client_cert
            .as_ref()
            .map(|(cert, key)| (cert.as_path(), key.as_path()))
    }

    /// Whether server certificate checks are skipped (`MQTT_TLS_INSECURE=1`).
    pub fn tls_insecure(&self) -> bool {
        self.tls_insecure
    }

    /// The client id: `MQTT_CLIENT_ID`, or a generated `hexaboard-…` id that every broker
    /// accepts. A generated id changes at every start; a persistent session needs a fixed one.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The QoS for subscriptions.
    pub fn qos(&self) -> Qos {
        self.qos
    }

    /// The MQTT protocol version.
    pub fn mqtt_version(&self) -> MqttVersion {
        self.mqtt_version
    }

    /// The CSV file readings are appended to.
    pub fn csv_file(&self) -> &Path {
        &self.csv_file
    }

    /// The language of printed lines.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Where the value of a variable came from, or `None` for a name that is not one of
    /// [`VARIABLES`].
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, source)| source)
    }

    /// The URI paho-mqtt connects to: `ssl://host:port` with TLS, else `tcp://host:port`; an
    /// IPv6 address is put in brackets.
    pub fn server_uri(&self) -> String {
        let scheme = if self.tls { "ssl" } else { "tcp" };
        if self.broker.parse::<Ipv6Addr>().is_ok() {
            format!("{scheme}://[{}]:{}", self.broker, self.port)
        } else {
            format!("{scheme}://{}:{}", self.broker, self.port)
        }
    }

    /// Whether the broker is this machine: `localhost`, 127.0.0.0/8 or `::1`. A password sent
    /// without TLS stays on the machine only then.
    pub fn is_loopback_host(&self) -> bool {
        let host = self.broker.trim_end_matches('.');
        if host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => ip.is_loopback(),
            Ok(IpAddr::V6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
    }

    /// One-line warnings about settings that work but are risky; a program prints them at
    /// every start.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.tls && self.tls_insecure {
            warnings.push(
                "MQTT_TLS_INSECURE=1: server certificate checks are OFF; use only for development"
                    .to_owned(),
            );
        }
        if !self.tls && self.password.is_some() && !self.is_loopback_host() {
            warnings.push(format!(
                "MQTT_TLS is off: MQTT_PASSWORD goes in clear text to {}:{}; \
                 turn MQTT_TLS on (port 8883) or use a broker on this machine",
                self.broker, self.port
            ));
        }
        if !self.tls && (self.ca_file.is_some() || self.client_cert.is_some()) {
            warnings.push(
                "MQTT_TLS is off: MQTT_CA_FILE, MQTT_CERT_FILE and MQTT_KEY_FILE are not used"
                    .to_owned(),
            );
        }
        if self.client_id.len() > PORTABLE_CLIENT_ID_LEN
            || !self
                .client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            warnings.push(format!(
                "MQTT_CLIENT_ID `{}` is longer than 23 characters or not only letters, digits \
                 and `-`: some brokers refuse it",
                self.client_id
            ));
        }
        warnings.extend(self.notes.iter().cloned());
        warnings
    }

    /// Every variable with the value as it may be shown and where it came from: the password
    /// is `********` (or `(not set)`), never its text.
    pub fn describe(&self) -> Vec<Described> {
        let opt_path = |p: Option<&Path>, none: &str| {
            p.map_or_else(|| none.to_owned(), |p| p.display().to_string())
        };
        let on_off = |b: bool| if b { "on" } else { "off" }.to_owned();
        VARIABLES
            .iter()
            .map(|&name| {
                let value = match name {
                    "MQTT_BROKER" => self.broker.clone(),
                    "MQTT_PORT" => self.port.to_string(),
                    "MQTT_USER" => self.user.clone().unwrap_or_else(|| NOT_SET.to_owned()),
                    "MQTT_PASSWORD" => if self.password.is_some() {
                        MASK
                    } else {
                        NOT_SET
                    }
                    .to_owned(),
                    "TOPIC_SENSOR" => self.sensor_topics.join(", "),
                    "TOPIC_STATUS" => self.status_topic.clone(),
                    "MQTT_TLS" => on_off(self.tls),
                    "MQTT_CA_FILE" => opt_path(self.ca_file(), "(not set: system roots)"),
                    "MQTT_CERT_FILE" => opt_path(self.client_cert().map(|c| c.0), NOT_SET),
                    "MQTT_KEY_FILE" => opt_path(self.client_cert().map(|c| c.1), NOT_SET),
                    "MQTT_TLS_INSECURE" => on_off(self.tls_insecure),
                    "MQTT_CLIENT_ID" => self.client_id.clone(),
                    "MQTT_QOS" => self.qos.to_string(),
                    "MQTT_VERSION" => self.mqtt_version.to_string(),
                    "CSV_FILE" => self.csv_file.display().to_string(),
                    _ => self.lang.to_string(),
                };
                let source = self.source(name).cloned().unwrap_or(Source::Default);
                Described {
                    name,
                    value,
                    source,
                }
            })
            .collect()
    }
}

impl fmt::Display for Settings {
    /// One [`Described`] line a variable; the password is `********`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.describe().iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{line}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Builder

/// Builds [`Settings`] in code, without the environment; see [`Settings::builder`].
///
/// Values go through the same checks as the environment's, and errors name the variable that
/// would hold them, so a message reads the same whichever way settings were made.
#[derive(Debug)]
pub struct SettingsBuilder {
    raw: Raw,
    defaults: Defaults,
}

impl SettingsBuilder {
    fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.raw.set(name, value.into(), Source::Builder);
        self
    }

    /// The broker's port (default 8883).
    pub fn port(self, port: u16) -> Self {
        self.with("MQTT_PORT", port.to_string())
    }

    /// User name and password.
    pub fn credentials(self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        let password = password.into();
        self.with("MQTT_USER", user)
            .with("MQTT_PASSWORD", password.0)
    }

    /// A user name without a password.
    pub fn user(self, user: impl Into<String>) -> Self {
        self.with("MQTT_USER", user)
    }

    /// The sensor topic filters (default `hexaboard/+/sensor/data`).
    pub fn sensor_topics<I, S>(self, filters: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = filters
            .into_iter()
            .map(|f| f.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(",");
        self.with("TOPIC_SENSOR", joined)
    }

    /// The status topic filter (default `hexaboard/+/status`).
    pub fn status_topic(self, filter: impl Into<String>) -> Self {
        self.with("TOPIC_STATUS", filter)
    }

    /// TLS on or off (default: on, except for port 1883).
    pub fn tls(self, on: bool) -> Self {
        self.with("MQTT_TLS", if on { "on" } else { "off" })
    }

    /// The PEM file of the CA to trust instead of the system roots.
    pub fn ca_file(self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().display().to_string();
        self.with("MQTT_CA_FILE", path)
    }

    /// The client certificate and its key for mutual TLS.
    pub fn client_cert(self, cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        let cert = cert.as_ref().display().to_string();
        let key = key.as_ref().display().to_string();
        self.with("MQTT_CERT_FILE", cert).with("MQTT_KEY_FILE", key)
    }

    /// Skip server certificate checks (development only).
    pub fn tls_insecure(self, insecure: bool) -> Self {
        self.with("MQTT_TLS_INSECURE", if insecure { "1" } else { "0" })
    }

    /// A fixed client id (default: a generated one).
    pub fn client_id(self, id: impl Into<String>) -> Self {
        self.with("MQTT_CLIENT_ID", id)
    }

    /// The QoS for subscriptions (default: that of [`SettingsBuilder::defaults`], QoS 0).
    pub fn qos(self, qos: Qos) -> Self {
        self.with("MQTT_QOS", qos.to_string())
    }

    /// The MQTT version (default 3.1.1).
    pub fn mqtt_version(self, version: MqttVersion) -> Self {
        self.with("MQTT_VERSION", version.to_string())
    }

    /// The CSV file (default `sensor_data.csv`).
    pub fn csv_file(self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().display().to_string();
        self.with("CSV_FILE", path)
    }

    /// The language of printed lines (default Korean).
    pub fn lang(self, lang: Lang) -> Self {
        self.with("HEXABOARD_LANG", lang.code())
    }

    /// The program's defaults for what is not set.
    pub fn defaults(mut self, defaults: Defaults) -> Self {
        self.defaults = defaults;
        self
    }

    /// The settings, checked as those from the environment.
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that would hold the bad value.
    pub fn build(self) -> Result<Settings, SettingsError> {
        self.raw.resolve(&self.defaults)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and checking raw values

/// Raw text values by variable, with where each came from. Not `Debug`-derived: it holds the
/// password as text.
#[derive(Default)]
struct Raw {
    values: HashMap<&'static str, (String, Source)>,
}

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.values.keys()).finish()
    }
}

impl Raw {
    fn set(&mut self, name: &'static str, value: String, source: Source) {
        self.values.insert(name, (value, source));
    }

    /// The value of a variable, trimmed; `None` when not set or blank.
    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|(v, _)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn resolve(&self, defaults: &Defaults) -> Result<Settings, SettingsError> {
        let broker = parse_host(
            self.get("MQTT_BROKER")
                .ok_or(SettingsError::MissingBroker)?,
        )?;

        let port = match self.get("MQTT_PORT") {
            None => DEFAULT_PORT,
            Some(v) => v.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| {
                SettingsError::invalid("MQTT_PORT", v, "expected a port number 1-65535")
            })?,
        };

        let user = self.get("MQTT_USER").map(str::to_owned);
        // The password is not trimmed: spaces may be part of it.
        let password = self
            .values
            .get("MQTT_PASSWORD")
            .map(|(v, _)| v)
            .filter(|v| !v.trim().is_empty())
            .map(|v| Secret::new(v.clone()));
        if password.is_some() && user.is_none() {
            return Err(SettingsError::PasswordWithoutUser);
        }

        let sensor_value = self.get("TOPIC_SENSOR").unwrap_or(DEFAULT_TOPIC_SENSOR);
        let sensor_topics = sensor_value
            .split(',')
            .map(|f| check_filter("TOPIC_SENSOR", sensor_value, f.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let status_value = self.get("TOPIC_STATUS").unwrap_or(DEFAULT_TOPIC_STATUS);
        let status_topic = check_filter("TOPIC_STATUS", status_value, status_value)?;

        let tls = match self.get("MQTT_TLS") {
            None => port != 1883,
            Some(v) => parse_switch(v).ok_or_else(|| {
                SettingsError::invalid("MQTT_TLS", v, "expected on or off (or true/false, 1/0)")
            })?,
        };
        let tls_insecure = match self.get("MQTT_TLS_INSECURE") {
            None => false,
            Some(v) => parse_switch(v).ok_or_else(|| {
                SettingsError::invalid(
                    "MQTT_TLS_INSECURE",
                    v,
                    "expected 1 to skip server certificate checks, or 0",
                )
            })?,
        };

        let ca_file = self.file("MQTT_CA_FILE", "the CA's certificate")?;
        let cert = self.file("MQTT_CERT_FILE", "the client certificate")?;
        let key = self.file("MQTT_KEY_FILE", "the client certificate's key")?;
        let client_cert = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(SettingsError::IncompleteClientCert {
                    present: "MQTT_CERT_FILE",
                    missing: "MQTT_KEY_FILE",
                })
            }
            (None, Some(_)) => {
                return Err(SettingsError::IncompleteClientCert {
                    present: "MQTT_KEY_FILE",
                    missing: "MQTT_CERT_FILE",
                })
            }
        };

        let client_id = match self.get("MQTT_CLIENT_ID") {
            None => generated_client_id(),
            Some(v) => {
                if v.chars()
                    .any(|c| matches!(c, '+' | '#' | '/') || c.is_whitespace() || c.is_control())
                {
                    return Err(SettingsError::invalid(
                        "MQTT_CLIENT_ID",
                        v,
                        "expected letters, digits and `-` (no spaces, `+`, `#` or `/`)",
                    ));
                }
                v.to_owned()
            }
        };

        let qos = match self.get("MQTT_QOS") {
            None => defaults.qos,
            Some(v) => v
                .parse::<u8>()
                .ok()
                .and_then(Qos::from_number)
                .ok_or_else(|| SettingsError::invalid("MQTT_QOS", v, "expected 0, 1 or 2"))?,
        };

        let mqtt_version = match self.get("MQTT_VERSION") {
            None => MqttVersion::V311,
            Some(v) => match v.to_ascii_lowercase().trim_start_matches('v') {
                "3.1.1" | "311" | "3" => MqttVersion::V311,
                "5" | "5.0" => MqttVersion::V5,
                _ => {
                    return Err(SettingsError::invalid(
                        "MQTT_VERSION",
                        v,
                        "expected 3.1.1 or 5",
                    ))
                }
            },
        };

        let csv_file = PathBuf::from(self.get("CSV_FILE").unwrap_or(DEFAULT_CSV_FILE));

        let lang = match self.get("HEXABOARD_LANG") {
            None => Lang::Ko,
            Some(v) => Lang::from_code(v)
                .ok_or_else(|| SettingsError::invalid("HEXABOARD_LANG", v, "expected ko or en"))?,
        };

        let sources = VARIABLES
            .iter()
            .map(|&name| {
                let source = match self.values.get(name) {
                    Some((v, source)) if !v.trim().is_empty() => source.clone(),
                    _ => Source::Default,
                };
                (name, source)
            })
            .collect();

        Ok(Settings {
            broker,
            port,
            user,
            password,
            sensor_topics,
            status_topic,
            tls,
            ca_file,
            client_cert,
            tls_insecure,
            client_id,
            qos,
            mqtt_version,
            csv_file,
            lang,
            sources,
            notes: Vec::new(),
        })
    }

    /// A file variable: `None` when not set, an error when the file does not exist.
    fn file(&self, name: &'static str, what: &str) -> Result<Option<PathBuf>, SettingsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => {
                let path = PathBuf::from(v);
                if path.is_file() {
                    Ok(Some(path))
                } else {
                    Err(SettingsError::invalid(
                        name,
                        v,
                        format!("no such file; give the path of the PEM file of {what}"),
                    ))
                }
            }
        }
    }
}

/// A broker host: a name or an IP address, without scheme or port. An IPv6 address may come in
/// brackets; it is kept without.
fn parse_host(value: &str) -> Result<String, SettingsError> {
    let bad = |expected: &str| SettingsError::invalid("MQTT_BROKER", value, expected);
    if value.contains("://") {
        return Err(bad(
            "expected a host name without scheme, such as abc123.s1.eu.hivemq.cloud \
             (the port goes in MQTT_PORT, TLS in MQTT_TLS)",
        ));
    }
    let unbracketed = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    if unbracketed.parse::<Ipv6Addr>().is_ok() {
        return Ok(unbracketed.to_owned());
    }
    if value.contains(':') {
        return Err(bad(
            "expected a host name without port, such as abc123.s1.eu.hivemq.cloud \
             (the port goes in MQTT_PORT)",
        ));
    }
    let valid = value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(bad(
            "expected a host name or IP address, such as abc123.s1.eu.hivemq.cloud or 127.0.0.1",
        ));
    }
    Ok(value.to_owned())
}

/// A topic filter of a variable, checked.
fn check_filter(var: &'static str, value: &str, filter: &str) -> Result<String, SettingsError> {
    validate_filter(filter).map_err(|reason| SettingsError::InvalidTopicFilter {
        var,
        value: shown(value),
        filter: shown(filter),
        reason,
    })?;
    Ok(filter.to_owned())
}

/// `on`/`off` and the usual spellings of true and false, in any case.
fn parse_switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Some(true),
        "off" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// `hexaboard-` and 12 hex digits: 22 characters of `[0-9a-z-]`, which every broker accepts
/// (MQTT 3.1.1 only promises 23 characters of letters and digits). The digits mix this host's
/// name, the process id, the time and std's per-process random hash keys, so two receivers on
/// one machine or started together get different ids.
fn generated_client_id() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    host_name().hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        now.as_nanos().hash(&mut hasher);
    }
    let suffix = format!("{:016x}", hasher.finish());
    format!("hexaboard-{}", &suffix[..12])
}

/// This machine's name, or an empty string when it cannot be found without a system call.
fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// The .env file

/// A `.env` file read into a map, without touching the process environment.
struct DotEnv {
    path: PathBuf,
    values: HashMap<String, String>,
    world_readable: bool,
}

impl DotEnv {
    /// The file's variables, or `None` when there is no file at `path`. When a name appears
    /// twice the first line wins, as with `dotenvy::dotenv`.
    fn read(path: &Path) -> Result<Option<DotEnv>, SettingsError> {
        let read_error = |source| SettingsError::DotEnvRead {
            path: path.to_owned(),
            source,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_error(e)),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut values = HashMap::new();
        let mut parsed = 0;
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((name, value)) => {
                    parsed += 1;
                    values.entry(name).or_insert(value);
                }
                Err(dotenvy::Error::LineParse(entry, _)) => {
                    return Err(SettingsError::DotEnvSyntax {
                        path: path.to_owned(),
                        line: line_of(text, &entry).unwrap_or(parsed + 1),
                    })
                }
                Err(dotenvy::Error::Io(e)) => return Err(read_error(e)),
                Err(e) => return Err(read_error(io::Error::other(e.to_string()))),
            }
        }
        Ok(Some(DotEnv {
            path: path.to_owned(),
            values,
            world_readable: world_readable(path),
        }))
    }

    /// Warnings about the file itself, once the settings are known.
    fn notes(&self, settings: &Settings) -> Vec<String> {
        let mut notes = Vec::new();
        let password_here =
            settings.source("MQTT_PASSWORD") == Some(&Source::DotEnv(self.path.clone()));
        if password_here && self.world_readable {
            let p = self.path.display();
            notes.push(format!("`{p}` is readable by every user: chmod 600 {p}"));
        }
        let mut unknown: Vec<&str> = self
            .values
            .keys()
            .map(String::as_str)
            .filter(|k| {
                ["MQTT_", "TOPIC_", "HEXABOARD_"]
                    .iter()
                    .any(|prefix| k.starts_with(prefix))
                    && !VARIABLES.contains(k)
            })
            .collect();
        unknown.sort_unstable();
        for name in unknown {
            notes.push(format!(
                "`{}` sets {name}, which hexaboard does not read: check the spelling",
                self.path.display()
            ));
        }
        notes
    }
}

/// The line (from 1) where `entry`, an entry dotenvy could not parse, starts in `text`. dotenvy
/// reports the entry's text, not its line; the text itself is never shown, as it may hold the
/// password.
fn line_of(text: &str, entry: &str) -> Option<usize> {
    let entry = entry.trim_end_matches(['\r', '\n']);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let rest = &text[start..];
        let ends_there = rest.get(entry.len()..).is_some_and(|after| {
            after.is_empty() || after.starts_with(['\r', '\n', ' ', '\t', '#'])
        });
        if rest.starts_with(entry) && ends_there {
            return Some(text[..start].matches('\n').count() + 1);
        }
        start += line.len();
    }
    None
}

#[cfg(unix)]
fn world_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o004 != 0)
}

#[cfg(not(unix))]
fn world_readable(_path: &Path) -> bool {
    false
}
