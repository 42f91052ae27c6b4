//! What every subcommand shares: settings from flags, the environment and `.env` (read once);
//! the local UTC offset, read before any thread starts; and the language.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hexaboard_core::text::Text;
use hexaboard_mqtt::settings::{
    AdvisorSettings, AppSettings, ConnectionSettings, Defaults, Sources, StoreLocation,
};
use time::UtcOffset;

use crate::cli::SettingsFlags;
use crate::failure::UsageError;

/// Start-up facts, gathered once before any thread runs, and the settings' sources, read
/// once when first needed.
#[derive(Debug)]
pub(crate) struct Context {
    /// Local UTC offset (the `time` crate cannot read it once threads run).
    pub(crate) offset: UtcOffset,
    flags: SettingsFlags,
    sources: OnceLock<Sources>,
}

impl Context {
    /// Reads the local offset; call first thing in `main`.
    pub(crate) fn new(flags: SettingsFlags) -> Context {
        let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
        Context {
            offset,
            flags,
            sources: OnceLock::new(),
        }
    }

    /// Flags, the environment and the `.env` file, read at the first call. (When the `.env`
    /// file cannot be read, nothing is kept, and the next call says so again.)
    ///
    /// # Errors
    ///
    /// `--env-file` names no file (a usage error), or the `.env` file cannot be read or
    /// parsed (a `SettingsError`): both exit code 2.
    fn sources(&self) -> anyhow::Result<&Sources> {
        if let Some(sources) = self.sources.get() {
            return Ok(sources);
        }
        let env_file = self.flags.env_file.as_deref();
        if let Some(path) = env_file.filter(|path| !path.exists()) {
            let message = format!("--env-file {}: no such file", path.display());
            return Err(UsageError(message).into());
        }
        let env_file = env_file.unwrap_or(Path::new(".env"));
        let sources = Sources::new(|name| std::env::var_os(name), Some(env_file))?
            .with_flags(self.flags.values.iter().cloned());
        Ok(self.sources.get_or_init(|| sources))
    }

    /// The settings of a connection to the broker, with the command's defaults.
    ///
    /// # Errors
    ///
    /// As [`Context::sources`], or a `SettingsError` naming the variable and the fix.
    pub(crate) fn connection(&self, defaults: &Defaults) -> anyhow::Result<ConnectionSettings> {
        Ok(self.sources()?.connection(defaults)?)
    }

    /// The CSV file and the language, which need no broker.
    ///
    /// # Errors
    ///
    /// As [`Context::connection`].
    pub(crate) fn app(&self) -> anyhow::Result<AppSettings> {
        Ok(self.sources()?.app()?)
    }

    /// The advisor's endpoint (`OPENAI_*`).
    ///
    /// # Errors
    ///
    /// As [`Context::app`].
    pub(crate) fn advisor(&self) -> anyhow::Result<AdvisorSettings> {
        Ok(self.sources()?.advisor()?)
    }

    /// The chapter's text in the language of `HEXABOARD_LANG` / `--lang`; Korean when the
    /// settings cannot be read (whatever reads them next reports why).
    pub(crate) fn text(&self) -> Text {
        Text::new(self.app().map(|app| app.lang()).unwrap_or_default())
    }

    /// The CSV of readings: `STORE` when it names a CSV file (where `record` writes), else
    /// the path from `--csv-file`, `CSV_FILE` or `.env`, else `sensor_data.csv`.
    ///
    /// # Errors
    ///
    /// As [`Context::app`].
    pub(crate) fn csv_file(&self) -> anyhow::Result<PathBuf> {
        let app = self.app()?;
        Ok(match app.store() {
            StoreLocation::Csv(path) => path.clone(),
            _ => app.csv_file().to_owned(),
        })
    }
}
