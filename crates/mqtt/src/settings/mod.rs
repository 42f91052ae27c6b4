//! Settings: the broker connection ([`ConnectionSettings`]) and the application's own
//! ([`AppSettings`]: CSV file, store, language), from flags, the environment and a `.env` file.
//!
//! Values come from command-line flags (for the `hexaboard` command), then the process
//! environment, then a `.env` file in the working directory, with the names the chapter's
//! Python uses, so a learner's `.env` works as it is. [`Sources`] reads them once; the `.env`
//! file is read into a map and merged, never exported into the process environment. Each
//! settings type then parses only its own variables, so a program that only reads a CSV file
//! needs no broker, and a missing `MQTT_BROKER` is reported only by programs that connect.
//!
//! One table, [`VARIABLES`], says for each variable its flag, help, default, parser and
//! whether it is secret; loading, [`Settings::describe`] and the command's flags are all made
//! from it. Values are typed from the moment they are parsed: a `u16` port, [`Qos`], paths in
//! the operating system's encoding, [`TopicFilter`](hexaboard_core::topic::TopicFilter)s.
//!
//! Code that does not want the environment builds the same settings with
//! [`ConnectionSettings::builder`] and [`AppSettings::builder`]; both ways go through the
//! same checks, so both give the same errors.
//!
//! ```
//! use hexaboard_mqtt::settings::{Defaults, Settings, Source};
//!
//! let env = |name: &str| (name == "MQTT_BROKER").then(|| "localhost".to_owned());
//! let settings = Settings::from_sources_with(env, None, &Defaults::examples())?;
//! assert_eq!(settings.connection.server_uri(), "ssl://localhost:8883");
//! assert_eq!(settings.app.csv_file().to_str(), Some("sensor_data.csv"));
//! assert_eq!(settings.connection.source("MQTT_BROKER"), Some(&Source::Environment));
//! # Ok::<(), hexaboard_mqtt::settings::SettingsError>(())
//! ```
//!
//! | file | concept |
//! | --- | --- |
//! | `table.rs` | [`VARIABLES`]: every variable, its flag, help, default and parser |
//! | `variable.rs` | [`Variable`]: what a row of the table is |
//! | `parse.rs` | the parsers and checks of the rows |
//! | `sources.rs` | [`Sources`]: flags, environment and `.env` merged once; [`Source`] |
//! | `dotenv.rs` | the `.env` file and the warnings about it |
//! | `resolve.rs` | typed values from given ones, noted as [`Described`] lines |
//! | `connection.rs` | [`ConnectionSettings`], [`Defaults`] |
//! | `builder.rs` | [`ConnectionBuilder`] |
//! | `app.rs` | [`AppSettings`], [`AppBuilder`] |
//! | `advisor.rs` | [`AdvisorSettings`]: the advisor's chat-completions endpoint |
//! | `client_id.rs` | generated and stable client ids |
//! | `protocol.rs` | [`Qos`], [`MqttVersion`] |
//! | `store.rs` | [`StoreLocation`]: `STORE`, a CSV, SQLite or PostgreSQL, the password apart |
//! | `secret.rs` | [`Secret`] |
//! | `error.rs` | [`SettingsError`] |

mod advisor;
mod app;
mod builder;
mod client_id;
mod connection;
mod dotenv;
mod error;
mod parse;
mod protocol;
mod resolve;
mod secret;
mod sources;
mod store;
mod table;
mod variable;

use std::fmt;
use std::path::Path;

pub use advisor::AdvisorSettings;
pub use app::{AppBuilder, AppSettings};
pub use builder::ConnectionBuilder;
pub use connection::{ConnectionSettings, Defaults};
pub use error::SettingsError;
/// The language of the lines printed: the chapter's Korean (default) or English.
pub use hexaboard_core::text::Lang;
pub use protocol::{MqttVersion, Qos};
pub use resolve::Described;
pub use secret::Secret;
pub use sources::{Source, Sources};
pub use store::{shown as shown_store, PostgresUrl, StoreLocation};
pub use table::{
    DEFAULT_CSV_FILE, DEFAULT_OPENAI_BASE_URL, DEFAULT_OPENAI_TIMEOUT, DEFAULT_PORT,
    DEFAULT_TOPIC_SENSOR, DEFAULT_TOPIC_STATUS, VARIABLES,
};
pub use variable::Variable;

/// Both kinds of settings, for a program that connects and stores or prints.
///
/// `Debug` and `Display` never show the password.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Settings {
    /// The connection to the broker.
    pub connection: ConnectionSettings,
    /// The CSV file and the language.
    pub app: AppSettings,
}

impl Settings {
    /// Settings from a lookup standing for the environment, then the `.env` file at
    /// `dotenv_path` if given and present, with [`Defaults::default`]. (A lookup of values
    /// that need not be UTF-8, such as paths, goes to [`Sources::new`]; the process
    /// environment is [`Sources::from_env`].)
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that is missing or malformed, or the `.env` line
    /// that cannot be parsed.
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        dotenv_path: Option<&Path>,
    ) -> Result<Settings, SettingsError> {
        Settings::from_sources_with(env, dotenv_path, &Defaults::default())
    }

    /// As [`Settings::from_sources`], with the program's own defaults.
    ///
    /// # Errors
    ///
    /// As [`Settings::from_sources`].
    pub fn from_sources_with(
        env: impl Fn(&str) -> Option<String>,
        dotenv_path: Option<&Path>,
        defaults: &Defaults,
    ) -> Result<Settings, SettingsError> {
        Sources::new(env, dotenv_path)?.settings(defaults)
    }

    /// Every variable of the connection and the application with the value as it may be
    /// shown and where it came from, in the order of [`VARIABLES`]: the password is
    /// `********` (or `(not set)`), never its text. (The advisor's variables are
    /// [`AdvisorSettings::describe`]'s.)
    pub fn describe(&self) -> Vec<Described> {
        let mut lines: Vec<Described> = self
            .connection
            .describe()
            .iter()
            .chain(self.app.describe())
            .cloned()
            .collect();
        lines.sort_by_key(|d| table::position(d.name));
        lines
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
