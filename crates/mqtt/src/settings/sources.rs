//! Where values come from: command-line flags, then the process environment, then the `.env`
//! file, merged once per run into [`Sources`], each value with its [`Source`]. Nothing is
//! parsed here: each settings type parses the variables it needs when it is made, so a
//! summary of a CSV needs no broker.

use std::any::Any;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

use super::advisor::AdvisorSettings;
use super::app::AppSettings;
use super::connection::{ConnectionSettings, Defaults};
use super::dotenv::DotEnv;
use super::error::SettingsError;
use super::table::{self, VARIABLES};
use super::variable::{Value, Var};
use super::Settings;

/// Where the value of a variable came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// A flag on the command line.
    Flag,
    /// A real environment variable of the process.
    Environment,
    /// A line of this `.env` file.
    DotEnv(PathBuf),
    /// Not set anywhere: the default (or the value inferred from other settings) is used.
    Default,
    /// Set by code through a builder.
    Builder,
}

impl fmt::Display for Source {
    /// `flag`, `environment`, the `.env` file's path, `default` or `code`, to follow "from".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Environment => f.write_str("environment"),
            Source::DotEnv(path) => write!(f, "{}", path.display()),
            Source::Default => f.write_str("default"),
            Source::Builder => f.write_str("code"),
        }
    }
}

/// A value given for a variable, not yet checked.
pub(crate) enum Given {
    /// Text from a flag, the environment or `.env`, as given (not trimmed).
    Text(OsString),
    /// A typed value from code; its type is that of the variable's row.
    Typed(Box<dyn Any + Send + Sync>),
}

/// The given values by variable, with where each came from. Not `Debug`-derived: it may hold
/// the password.
#[derive(Default)]
pub(crate) struct Values {
    entries: HashMap<&'static str, (Given, Source)>,
}

impl Values {
    /// Sets a variable from text; a blank text does not count.
    pub(crate) fn set_text(&mut self, name: &'static str, text: OsString, source: Source) {
        if !trimmed(&text).is_empty() {
            self.entries.insert(name, (Given::Text(text), source));
        }
    }

    /// Sets a variable from code.
    pub(crate) fn set_typed<T: Value>(&mut self, var: &Var<T>, value: T) {
        self.entries
            .insert(var.name, (Given::Typed(Box::new(value)), Source::Builder));
    }

    pub(crate) fn get(&self, name: &str) -> Option<&(Given, Source)> {
        self.entries.get(name)
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.entries
                    .iter()
                    .map(|(name, (_, source))| (name, source)),
            )
            .finish()
    }
}

/// `text` without the white space around it. Text that is not UTF-8 (a path, say) loses only
/// ASCII white space.
pub(crate) fn trimmed(text: &OsStr) -> &OsStr {
    if let Some(text) = text.to_str() {
        return OsStr::new(text.trim());
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        OsStr::from_bytes(text.as_bytes().trim_ascii())
    }
    #[cfg(not(unix))]
    text
}

/// The values of every variable, from flags, then the environment, then the `.env` file, read
/// once. A value that is empty or only spaces counts as not set, in every source, so
/// `MQTT_USER=` in `.env` means "no user", as `os.getenv` plus `if not user` would in Python.
///
/// ```
/// use hexaboard_mqtt::settings::{Defaults, Sources};
///
/// let env = |name: &str| match name {
///     "MQTT_BROKER" => Some("localhost"),
///     "CSV_FILE" => Some("lab.csv"),
///     _ => None,
/// };
/// let sources = Sources::new(env, None)?.with_flags([("MQTT_PORT", "1883")]);
/// assert_eq!(sources.app()?.csv_file().to_str(), Some("lab.csv"));
/// let connection = sources.connection(&Defaults::examples())?;
/// assert_eq!(connection.server_uri(), "tcp://localhost:1883");
/// # Ok::<(), hexaboard_mqtt::settings::SettingsError>(())
/// ```
pub struct Sources {
    values: Values,
    dotenv: Option<DotEnv>,
}

impl Sources {
    /// The process environment, then `./.env` if it exists.
    ///
    /// # Errors
    ///
    /// The `.env` file cannot be read, or a line of it cannot be parsed.
    pub fn from_env() -> Result<Sources, SettingsError> {
        Sources::new(|name| std::env::var_os(name), Some(Path::new(".env")))
    }

    /// A lookup standing for the environment, then the `.env` file at `dotenv` if given and
    /// present (a `.env` file that does not exist is no error: it is simply not used). The
    /// lookup is asked for the table's variables only.
    ///
    /// # Errors
    ///
    /// As [`Sources::from_env`].
    pub fn new<V: Into<OsString>>(
        env: impl Fn(&str) -> Option<V>,
        dotenv: Option<&Path>,
    ) -> Result<Sources, SettingsError> {
        let dotenv = match dotenv {
            Some(path) => DotEnv::read(path)?,
            None => None,
        };
        let mut values = Values::default();
        for var in VARIABLES {
            let name = var.name();
            let from_env = env(name).map(Into::into);
            if let Some(text) = from_env.filter(|t| !trimmed(t).is_empty()) {
                values.set_text(name, text, Source::Environment);
            } else if let Some(dotenv) = &dotenv {
                if let Some(text) = dotenv.values.get(name) {
                    values.set_text(name, text.into(), Source::DotEnv(dotenv.path.clone()));
                }
            }
        }
        Ok(Sources { values, dotenv })
    }

    /// Values given as flags, by variable name: they win over the environment and `.env`.
    /// Names that are not in [`VARIABLES`](super::VARIABLES) and blank values are left out.
    #[must_use]
    pub fn with_flags<N, V>(mut self, flags: impl IntoIterator<Item = (N, V)>) -> Sources
    where
        N: AsRef<str>,
        V: Into<OsString>,
    {
        for (name, text) in flags {
            if let Some(var) = table::find(name.as_ref()) {
                self.values.set_text(var.name(), text.into(), Source::Flag);
            }
        }
        self
    }

    /// The settings of a connection to the broker, with the program's `defaults`, and the
    /// warnings about the `.env` file among its [warnings](ConnectionSettings::warnings).
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that is missing or malformed.
    pub fn connection(&self, defaults: &Defaults) -> Result<ConnectionSettings, SettingsError> {
        let mut settings = ConnectionSettings::resolve(&self.values, defaults)?;
        if let Some(dotenv) = &self.dotenv {
            let here = Source::DotEnv(dotenv.path.clone());
            let holds_password = settings.source("MQTT_PASSWORD") == Some(&here);
            settings.add_notes(dotenv.notes(holds_password));
        }
        Ok(settings)
    }

    /// The application's own settings (CSV file, language): no broker needed.
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that is malformed.
    pub fn app(&self) -> Result<AppSettings, SettingsError> {
        AppSettings::resolve(&self.values)
    }

    /// The advisor's endpoint (`OPENAI_*`): only the commands that ask a model read it.
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable: `OPENAI_MODEL` not set, a base URL that is
    /// not http(s), a timeout that is not a positive number of seconds.
    pub fn advisor(&self) -> Result<AdvisorSettings, SettingsError> {
        AdvisorSettings::resolve(&self.values)
    }

    /// Both, for a program that connects and stores.
    ///
    /// # Errors
    ///
    /// As [`Sources::connection`] and [`Sources::app`], in that order.
    pub fn settings(&self, defaults: &Defaults) -> Result<Settings, SettingsError> {
        Ok(Settings {
            connection: self.connection(defaults)?,
            app: self.app()?,
        })
    }
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sources")
            .field("values", &self.values)
            .field("dotenv", &self.dotenv.as_ref().map(|d| &d.path))
            .finish()
    }
}
