//! What every subcommand shares: settings from flags, the environment and `.env`; the local
//! UTC offset, read before any thread starts; the language; and the exit-code contract.

use std::path::{Path, PathBuf};

use hexaboard_core::text::Text;
use hexaboard_mqtt::settings::{Defaults, Settings, SettingsError};
use time::UtcOffset;

use crate::cli::SettingsArgs;

/// A mistake in the command line or the settings: exit code 2, not 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);

/// Exit code for an error: 2 for usage and configuration errors, 1 for runtime failures.
pub(crate) fn exit_code(error: &anyhow::Error) -> u8 {
    let usage = error.chain().any(|cause| {
        cause.is::<UsageError>() || cause.is::<hexaboard_mqtt::settings::SettingsError>()
    });
    if usage {
        2
    } else {
        1
    }
}

/// Start-up facts, gathered once before any thread runs.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// Local UTC offset (the `time` crate cannot read it once threads run).
    pub(crate) offset: UtcOffset,
    /// The flags given.
    pub(crate) args: SettingsArgs,
}

impl Context {
    /// Reads the local offset; call first thing in `main`.
    pub(crate) fn new(args: SettingsArgs) -> Context {
        let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
        Context { offset, args }
    }

    /// The settings: flags first, then the environment, then the `.env` file.
    ///
    /// # Errors
    ///
    /// A `SettingsError` naming the variable and the fix.
    pub(crate) fn settings(&self, defaults: Defaults) -> anyhow::Result<Settings> {
        let flags = self.flag_values();
        let env_file = self
            .args
            .env_file
            .clone()
            .unwrap_or_else(|| PathBuf::from(".env"));
        if self.args.env_file.is_some() && !env_file.exists() {
            return Err(
                UsageError(format!("--env-file {}: no such file", env_file.display())).into(),
            );
        }
        let lookup = |name: &str| {
            flags
                .iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| value.clone())
                .or_else(|| std::env::var(name).ok())
        };
        Ok(Settings::from_sources_with(
            lookup,
            Some(&env_file),
            defaults,
        )?)
    }

    /// The chapter's text in the language of `HEXABOARD_LANG` / `--lang`, without requiring
    /// the other settings (summary and plot need no broker).
    pub(crate) fn text(&self) -> Text {
        let code = self
            .args
            .lang
            .clone()
            // A broken `.env` is reported by whatever reads the rest of the settings.
            .or_else(|| self.variable("HEXABOARD_LANG").ok().flatten());
        let lang = code
            .and_then(|c| hexaboard_core::text::Lang::from_code(&c))
            .unwrap_or_default();
        Text::new(lang)
    }

    /// The CSV path from `--csv-file`, `CSV_FILE` or `.env`, else `sensor_data.csv`.
    ///
    /// # Errors
    ///
    /// A `.env` that cannot be read or parsed (a `SettingsError`, exit code 2).
    pub(crate) fn csv_file(&self) -> anyhow::Result<PathBuf> {
        if let Some(path) = &self.args.csv_file {
            return Ok(path.clone());
        }
        Ok(self
            .variable("CSV_FILE")?
            .map_or_else(|| PathBuf::from("sensor_data.csv"), PathBuf::from))
    }

    /// One setting from the environment or the `.env` file, read as the full settings are.
    fn variable(&self, name: &str) -> Result<Option<String>, SettingsError> {
        let env_file = self.args.env_file.as_deref().unwrap_or(Path::new(".env"));
        Settings::variable(|name| std::env::var(name).ok(), Some(env_file), name)
    }

    fn flag_values(&self) -> Vec<(&'static str, String)> {
        let a = &self.args;
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        [
            ("MQTT_BROKER", a.broker.clone()),
            ("MQTT_PORT", a.port.map(|p| p.to_string())),
            ("MQTT_USER", a.user.clone()),
            ("MQTT_PASSWORD", a.password.clone()),
            ("TOPIC_SENSOR", a.topic_sensor.clone()),
            ("TOPIC_STATUS", a.topic_status.clone()),
            ("MQTT_TLS", a.tls.clone()),
            ("MQTT_CA_FILE", path(&a.ca_file)),
            ("MQTT_CERT_FILE", path(&a.cert_file)),
            ("MQTT_KEY_FILE", path(&a.key_file)),
            ("MQTT_TLS_INSECURE", a.insecure.then(|| "1".to_owned())),
            ("MQTT_CLIENT_ID", a.client_id.clone()),
            ("MQTT_QOS", a.qos.map(|q| q.to_string())),
            ("MQTT_VERSION", a.mqtt_version.clone()),
            ("CSV_FILE", path(&a.csv_file)),
            ("HEXABOARD_LANG", a.lang.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}
