//! [`AppSettings`]: the application's own settings, which need no broker: the CSV file of
//! readings, where `record` keeps readings, and the language of printed lines.

use std::path::{Path, PathBuf};

use hexaboard_core::text::Lang;

use super::error::SettingsError;
use super::resolve::{self, Described, Resolver};
use super::secret::Secret;
use super::sources::{Source, Values};
use super::store::StoreLocation;
use super::table::{CSV_FILE, HEXABOARD_LANG, HEXABOARD_TOKEN, PGPASSWORD, STORE};
use super::variable::{Value, Var};

/// The CSV file, the store and the language, validated.
///
/// Made by [`Sources::app`](super::Sources::app) or [`AppSettings::builder`].
#[derive(Clone, Debug)]
pub struct AppSettings {
    csv_file: PathBuf,
    store: StoreLocation,
    /// `PGPASSWORD`, for a PostgreSQL URL named on the command line.
    pg_password: Option<Secret>,
    lang: Lang,
    /// `HEXABOARD_TOKEN`, the page's token.
    page_token: Option<Secret>,
    described: Vec<Described>,
}

impl AppSettings {
    /// The settings of the application variables in `values`, checked.
    pub(crate) fn resolve(values: &Values) -> Result<Self, SettingsError> {
        let mut r = Resolver::new(values);
        let csv_file: PathBuf = r.value(&CSV_FILE)?;
        let store = r.optional(&STORE)?;
        let pg_password = r.optional(&PGPASSWORD)?;
        let store = match store {
            Some(StoreLocation::Postgres(url)) => {
                StoreLocation::Postgres(url.or_password(pg_password.clone()))
            }
            Some(store) => store,
            None => StoreLocation::Csv(csv_file.clone()),
        };
        let lang = r.value(&HEXABOARD_LANG)?;
        let page_token = r.optional(&HEXABOARD_TOKEN)?;
        Ok(AppSettings {
            csv_file,
            store,
            pg_password,
            lang,
            page_token,
            described: r.finish(),
        })
    }

    /// A builder for application settings made by code, without the environment.
    pub fn builder() -> AppBuilder {
        AppBuilder {
            values: Values::default(),
        }
    }

    /// The CSV file readings are appended to (`CSV_FILE`).
    pub fn csv_file(&self) -> &Path {
        &self.csv_file
    }

    /// Where `record` keeps readings: `STORE`, else the CSV file ([`AppSettings::csv_file`]).
    /// A PostgreSQL URL without a password takes `PGPASSWORD`'s.
    pub fn store(&self) -> &StoreLocation {
        &self.store
    }

    /// A store named on the command line (`summary readings.db`), read as `STORE` is: a
    /// PostgreSQL URL without a password takes `PGPASSWORD`'s. `None` when `text` has none
    /// of the forms of a store ([`StoreLocation::parse`]).
    pub fn store_named(&self, text: &str) -> Option<StoreLocation> {
        StoreLocation::parse(text).map(|location| match location {
            StoreLocation::Postgres(url) => {
                StoreLocation::Postgres(url.or_password(self.pg_password.clone()))
            }
            other => other,
        })
    }

    /// The language of printed lines.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The token the page of `serve` asks for (`HEXABOARD_TOKEN`), if set.
    pub fn page_token(&self) -> Option<&Secret> {
        self.page_token.as_ref()
    }

    /// Where the value of a variable came from, or `None` for a name that is not one of the
    /// application's variables.
    pub fn source(&self, name: &str) -> Option<&Source> {
        resolve::source_of(&self.described, name)
    }

    /// The application's variables with their values and where each came from.
    pub fn describe(&self) -> &[Described] {
        &self.described
    }
}

/// Builds [`AppSettings`] in code; see [`AppSettings::builder`].
#[derive(Debug)]
#[must_use]
pub struct AppBuilder {
    values: super::sources::Values,
}

impl AppBuilder {
    fn set<T: Value>(mut self, var: &Var<T>, value: T) -> Self {
        self.values.set_typed(var, value);
        self
    }

    /// The CSV file (default `sensor_data.csv`).
    pub fn csv_file(self, path: impl AsRef<Path>) -> Self {
        self.set(&CSV_FILE, path.as_ref().to_owned())
    }

    /// Where `record` keeps readings (default: the CSV file).
    pub fn store(self, store: StoreLocation) -> Self {
        self.set(&STORE, store)
    }

    /// The PostgreSQL password, when the store's URL has none.
    pub fn pg_password(self, password: impl Into<Secret>) -> Self {
        self.set(&PGPASSWORD, password.into())
    }

    /// The language of printed lines (default Korean).
    pub fn lang(self, lang: Lang) -> Self {
        self.set(&HEXABOARD_LANG, lang)
    }

    /// The settings, checked as those from the environment.
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that would hold the bad value.
    pub fn build(self) -> Result<AppSettings, SettingsError> {
        AppSettings::resolve(&self.values)
    }
}
