//! The table of variables: for each, its name (the chapter's), flag, help, default, parser and
//! whether it is secret. Loading, [`Settings::describe`](super::Settings::describe), the
//! warning about misspelt names in `.env` and the `hexaboard` command's flags and `--help` are
//! all made from it.
//!
//! Adding a variable is a row here, its place in [`VARIABLES`], and its typed field in
//! [`ConnectionSettings`](super::ConnectionSettings) or [`AppSettings`](super::AppSettings)
//! (one line of their `resolve`).

use std::path::PathBuf;
use std::time::Duration;

use hexaboard_core::text::Lang;
use hexaboard_core::topic::TopicFilter;

use super::parse;
use super::protocol::{MqttVersion, Qos};
use super::secret::Secret;
use super::store::{self, StoreLocation};
use super::variable::{Fallback, Var, Variable};

/// The sensor topic filter when `TOPIC_SENSOR` is not set.
pub const DEFAULT_TOPIC_SENSOR: &str = "hexaboard/+/sensor/data";
/// The status topic filter when `TOPIC_STATUS` is not set.
pub const DEFAULT_TOPIC_STATUS: &str = "hexaboard/+/status";
/// The port when `MQTT_PORT` is not set: MQTT over TLS, as HiveMQ Cloud in the course.
pub const DEFAULT_PORT: u16 = 8883;
/// The port of plain MQTT: without `MQTT_TLS`, the only port where TLS is off.
pub(crate) const PLAIN_PORT: u16 = 1883;
/// The CSV file when `CSV_FILE` is not set, the chapter's name.
pub const DEFAULT_CSV_FILE: &str = "sensor_data.csv";

/// What [`Settings::describe`](super::Settings::describe) shows for a variable that is not set.
pub(crate) const NOT_SET: &str = "(not set)";

/// Every variable the settings read, in the order [`Settings::describe`](super::Settings::describe)
/// lists them and `hexaboard --help` shows their flags.
pub const VARIABLES: &[&dyn Variable] = &[
    &MQTT_BROKER,
    &MQTT_PORT,
    &MQTT_USER,
    &MQTT_PASSWORD,
    &TOPIC_SENSOR,
    &TOPIC_STATUS,
    &MQTT_TLS,
    &MQTT_CA_FILE,
    &MQTT_CERT_FILE,
    &MQTT_KEY_FILE,
    &MQTT_TLS_INSECURE,
    &MQTT_CLIENT_ID,
    &MQTT_QOS,
    &MQTT_VERSION,
    &MQTT_GROUP,
    &CSV_FILE,
    &STORE,
    &PGPASSWORD,
    &HEXABOARD_LANG,
    &HEXABOARD_TOKEN,
    &OPENAI_API_KEY,
    &OPENAI_BASE_URL,
    &OPENAI_MODEL,
    &OPENAI_TIMEOUT,
];

// Connection settings.

pub(crate) const MQTT_BROKER: Var<String> = Var::new(
    "MQTT_BROKER",
    "broker",
    "HOST",
    "Broker host name",
    parse::plain,
)
.check(parse::host);

pub(crate) const MQTT_PORT: Var<u16> = Var::new(
    "MQTT_PORT",
    "port",
    "PORT",
    "Broker port; 8883 is TLS, 1883 plain",
    parse::port,
)
.check(parse::nonzero_port)
.fallback(Fallback::Value(|| DEFAULT_PORT));

pub(crate) const MQTT_USER: Var<String> =
    Var::new("MQTT_USER", "user", "USER", "User name", parse::plain)
        .fallback(Fallback::Unset(NOT_SET));

pub(crate) const MQTT_PASSWORD: Var<Secret> = Var::new(
    "MQTT_PASSWORD",
    "password",
    "PASSWORD",
    "Password; prefer the variable, a flag shows in the process list",
    parse::secret,
)
.secret()
.fallback(Fallback::Unset(NOT_SET));

pub(crate) const TOPIC_SENSOR: Var<Vec<TopicFilter>> = Var::new(
    "TOPIC_SENSOR",
    "topic-sensor",
    "FILTERS",
    "Sensor topic filter(s), comma-separated",
    parse::filters,
)
.check(parse::some_filters)
.fallback(Fallback::Value(|| {
    vec![default_filter(DEFAULT_TOPIC_SENSOR)]
}));

pub(crate) const TOPIC_STATUS: Var<TopicFilter> = Var::new(
    "TOPIC_STATUS",
    "topic-status",
    "FILTER",
    "Status topic filter",
    parse::filter,
)
.fallback(Fallback::Value(|| default_filter(DEFAULT_TOPIC_STATUS)));

pub(crate) const MQTT_TLS: Var<bool> =
    Var::new("MQTT_TLS", "tls", "on|off", "TLS on or off", parse::tls)
        .fallback(Fallback::Derived(Some("on for 8883, off for 1883")));

pub(crate) const MQTT_CA_FILE: Var<PathBuf> = Var::new(
    "MQTT_CA_FILE",
    "ca-file",
    "PEM",
    "PEM file of the CA to trust instead of the system roots",
    parse::path,
)
.check(parse::ca_file)
.fallback(Fallback::Unset("(not set: system roots)"));

pub(crate) const MQTT_CERT_FILE: Var<PathBuf> = Var::new(
    "MQTT_CERT_FILE",
    "cert-file",
    "PEM",
    "Client certificate for mutual TLS",
    parse::path,
)
.check(parse::cert_file)
.fallback(Fallback::Unset(NOT_SET));

pub(crate) const MQTT_KEY_FILE: Var<PathBuf> = Var::new(
    "MQTT_KEY_FILE",
    "key-file",
    "PEM",
    "Client key for mutual TLS",
    parse::path,
)
.check(parse::key_file)
.fallback(Fallback::Unset(NOT_SET));

pub(crate) const MQTT_TLS_INSECURE: Var<bool> = Var::new(
    "MQTT_TLS_INSECURE",
    "insecure",
    "",
    "Skip server certificate checks, for development only",
    parse::tls_insecure,
)
.switch("1")
.fallback(Fallback::Value(|| false));

pub(crate) const MQTT_CLIENT_ID: Var<String> = Var::new(
    "MQTT_CLIENT_ID",
    "client-id",
    "ID",
    "Client id; a stable one keeps the persistent session",
    parse::plain,
)
.check(parse::client_id)
.fallback(Fallback::Derived(None));

pub(crate) const MQTT_QOS: Var<Qos> = Var::new(
    "MQTT_QOS",
    "qos",
    "QOS",
    "Subscription QoS 0, 1 or 2",
    parse::qos,
)
.fallback(Fallback::Derived(Some("1 for record, 0 otherwise")));

pub(crate) const MQTT_VERSION: Var<MqttVersion> = Var::new(
    "MQTT_VERSION",
    "mqtt-version",
    "VERSION",
    "MQTT protocol version 3.1.1 or 5",
    parse::mqtt_version,
)
.fallback(Fallback::Value(MqttVersion::default));

pub(crate) const MQTT_GROUP: Var<String> = Var::new(
    "MQTT_GROUP",
    "group",
    "NAME",
    "Share the stream with the other receivers of group NAME ($share/NAME/...)",
    parse::plain,
)
.check(parse::share_group)
.fallback(Fallback::Unset(
    "(not set: this receiver takes every message)",
));

// Application settings.

pub(crate) const CSV_FILE: Var<PathBuf> = Var::new(
    "CSV_FILE",
    "csv-file",
    "PATH",
    "CSV file of readings",
    parse::path,
)
.fallback(Fallback::Value(|| PathBuf::from(DEFAULT_CSV_FILE)));

pub(crate) const STORE: Var<StoreLocation> = Var::new(
    "STORE",
    "store",
    "STORE",
    "Where readings go: a .csv file, sqlite:PATH (or a .db file), postgres://USER@HOST/DB",
    store::location,
)
.shown_as(store::shown)
.fallback(Fallback::Unset("(not set: CSV_FILE)"));

pub(crate) const PGPASSWORD: Var<Secret> = Var::new(
    "PGPASSWORD",
    "pg-password",
    "PASSWORD",
    "PostgreSQL password when STORE's URL has none; prefer the variable",
    parse::secret,
)
.secret()
.fallback(Fallback::Unset(NOT_SET));

pub(crate) const HEXABOARD_LANG: Var<Lang> = Var::new(
    "HEXABOARD_LANG",
    "lang",
    "ko|en",
    "Language of messages, ko or en",
    parse::lang,
)
.fallback(Fallback::Value(Lang::default));

pub(crate) const HEXABOARD_TOKEN: Var<Secret> = Var::new(
    "HEXABOARD_TOKEN",
    "token",
    "TOKEN",
    "Token the page of `serve` asks every visitor for; needed to take commands beyond \
     loopback. Prefer the variable",
    parse::secret,
)
.secret()
.fallback(Fallback::Unset("(not set: loopback only, or read-only)"));

// The advisor's settings.

/// The chat-completions endpoint when `OPENAI_BASE_URL` is not set: OpenAI's own API.
pub const DEFAULT_OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

pub(crate) const OPENAI_API_KEY: Var<Secret> = Var::new(
    "OPENAI_API_KEY",
    "openai-api-key",
    "KEY",
    "API key of the advisor's chat-completions server (a local server may need none); \
     prefer the variable",
    parse::secret,
)
.secret()
.fallback(Fallback::Unset(NOT_SET));

pub(crate) const OPENAI_BASE_URL: Var<String> = Var::new(
    "OPENAI_BASE_URL",
    "openai-base-url",
    "URL",
    "The advisor's OpenAI-compatible API, such as http://127.0.0.1:11434/v1 for Ollama",
    parse::base_url,
)
.fallback(Fallback::Value(|| DEFAULT_OPENAI_BASE_URL.to_owned()));

pub(crate) const OPENAI_MODEL: Var<String> = Var::new(
    "OPENAI_MODEL",
    "openai-model",
    "MODEL",
    "The model the advisor asks, such as gpt-4o-mini or llama3.2",
    parse::plain,
);

pub(crate) const OPENAI_TIMEOUT: Var<Duration> = Var::new(
    "OPENAI_TIMEOUT",
    "openai-timeout",
    "SECONDS",
    "Seconds the advisor waits for the model's answer",
    parse::seconds,
)
.fallback(Fallback::Value(|| DEFAULT_OPENAI_TIMEOUT));

/// How long the advisor waits for an answer when `OPENAI_TIMEOUT` is not set.
pub const DEFAULT_OPENAI_TIMEOUT: Duration = Duration::from_secs(30);

/// A default filter, valid by construction (the tests of this module parse each).
fn default_filter(filter: &'static str) -> TopicFilter {
    TopicFilter::new(filter).unwrap_or_else(|_| unreachable!("{filter} is a valid filter"))
}

/// The row of `name`, if it is one of [`VARIABLES`].
pub(crate) fn find(name: &str) -> Option<&'static dyn Variable> {
    VARIABLES.iter().copied().find(|v| v.name() == name)
}

/// Where `name` is in [`VARIABLES`] (past the end when it is not there).
pub(crate) fn position(name: &str) -> usize {
    VARIABLES
        .iter()
        .position(|v| v.name() == name)
        .unwrap_or(VARIABLES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_flags_are_unique_and_defaults_are_valid() {
        for (i, a) in VARIABLES.iter().enumerate() {
            for b in &VARIABLES[i + 1..] {
                assert_ne!(a.name(), b.name());
                assert_ne!(a.flag(), b.flag());
            }
        }
        assert_eq!(
            default_filter(DEFAULT_TOPIC_SENSOR).as_str(),
            DEFAULT_TOPIC_SENSOR
        );
        assert_eq!(
            default_filter(DEFAULT_TOPIC_STATUS).as_str(),
            DEFAULT_TOPIC_STATUS
        );
    }

    #[test]
    fn help_states_the_defaults_of_the_table() {
        let default = |name| find(name).and_then(|v| v.default_help());
        assert_eq!(default("MQTT_PORT").as_deref(), Some("8883"));
        assert_eq!(
            default("TOPIC_SENSOR").as_deref(),
            Some("hexaboard/+/sensor/data")
        );
        assert_eq!(default("HEXABOARD_LANG").as_deref(), Some("ko"));
        assert_eq!(default("MQTT_VERSION").as_deref(), Some("3.1.1"));
        assert_eq!(default("MQTT_CLIENT_ID"), None);
        assert_eq!(default("MQTT_USER"), None);
    }
}
