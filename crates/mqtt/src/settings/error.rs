//! [`SettingsError`]: why settings could not be made, one line naming the variable and the fix.

use std::io;
use std::path::PathBuf;

use hexaboard_core::topic::TopicError;

/// Why settings could not be made. Every message is one line that names the variable, the bad
/// value (never the password) and what to do; where a deeper cause exists (a topic filter's
/// rule, the operating system's answer) it is the error's [`source`](std::error::Error::source),
/// which reporters such as `anyhow`'s `{:#}` print after the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A variable the program needs, such as `MQTT_BROKER`, is set nowhere.
    #[error("{var} is not set: copy .env.example to .env and fill it in")]
    Missing {
        /// The variable.
        var: &'static str,
    },

    /// A variable holds a value that cannot be used.
    #[error("{var} is `{value}`: {expected}")]
    Invalid {
        /// The variable, such as `MQTT_PORT`.
        var: &'static str,
        /// The value it holds, with control characters escaped (`********` for a secret).
        value: String,
        /// What was expected instead, or what is wrong with the value.
        expected: String,
    },

    /// One of the topic filters of a variable is not a valid MQTT topic filter; the source
    /// says which rule it breaks and how to write it.
    #[error("{var} is `{value}`")]
    InvalidTopicFilter {
        /// `TOPIC_SENSOR`, `TOPIC_STATUS`, or `MQTT_GROUP` (the shared filters it makes).
        var: &'static str,
        /// The whole value of the variable, with control characters escaped.
        value: String,
        /// The filter that is wrong (one item of a comma-separated list), escaped likewise.
        filter: String,
        /// The rule it breaks.
        #[source]
        source: TopicError,
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
        /// What the operating system (or the `.env` reader) said.
        #[source]
        source: io::Error,
    },
}
