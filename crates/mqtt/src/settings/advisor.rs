//! [`AdvisorSettings`]: the chat-completions endpoint the advisor asks (`OPENAI_API_KEY`,
//! `OPENAI_BASE_URL`, `OPENAI_MODEL`, `OPENAI_TIMEOUT`), read only by the commands that ask.

use std::time::Duration;

use super::error::SettingsError;
use super::resolve::{self, Described, Resolver};
use super::secret::Secret;
use super::sources::{Source, Values};
use super::table::{OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_TIMEOUT};

/// The advisor's endpoint, validated. `Debug` never shows the key.
#[derive(Clone, Debug)]
pub struct AdvisorSettings {
    key: Option<Secret>,
    base_url: String,
    model: String,
    timeout: Duration,
    described: Vec<Described>,
}

impl AdvisorSettings {
    /// The advisor's variables in `values`, checked.
    pub(crate) fn resolve(values: &Values) -> Result<Self, SettingsError> {
        let mut r = Resolver::new(values);
        let key = r.optional(&OPENAI_API_KEY)?;
        let base_url = r.value(&OPENAI_BASE_URL)?;
        let model = r.value(&OPENAI_MODEL)?;
        let timeout = r.value(&OPENAI_TIMEOUT)?;
        Ok(AdvisorSettings {
            key,
            base_url,
            model,
            timeout,
            described: r.finish(),
        })
    }

    /// The API key (`OPENAI_API_KEY`), if set.
    pub fn key(&self) -> Option<&Secret> {
        self.key.as_ref()
    }

    /// The API's base URL without a trailing `/` (`OPENAI_BASE_URL`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The model asked (`OPENAI_MODEL`).
    pub fn model(&self) -> &str {
        &self.model
    }

    /// How long an answer may take (`OPENAI_TIMEOUT`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Where the value of a variable came from, or `None` for a name that is not one of the
    /// advisor's variables.
    pub fn source(&self, name: &str) -> Option<&Source> {
        resolve::source_of(&self.described, name)
    }

    /// The advisor's variables with their values (the key masked) and where each came from.
    pub fn describe(&self) -> &[Described] {
        &self.described
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::{SettingsError, Sources};

    fn advisor(env: &[(&str, &str)]) -> Result<super::AdvisorSettings, SettingsError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = move |name: &str| {
            env.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| std::ffi::OsString::from(v))
        };
        Sources::new(lookup, None)?.advisor()
    }

    #[test]
    fn defaults_to_the_official_api_and_needs_a_model() {
        let error = advisor(&[]).unwrap_err();
        assert!(
            error.to_string().starts_with("OPENAI_MODEL is not set"),
            "{error}"
        );
        let settings = advisor(&[("OPENAI_MODEL", "gpt-4o-mini")]).unwrap();
        assert_eq!(settings.base_url(), "https://api.openai.com/v1");
        assert_eq!(settings.timeout().as_secs(), 30);
        assert!(settings.key().is_none());
    }

    #[test]
    fn a_local_server_and_a_key_that_never_shows() {
        let settings = advisor(&[
            ("OPENAI_MODEL", "llama3.2"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/"),
            ("OPENAI_API_KEY", "sk-very-secret"),
            ("OPENAI_TIMEOUT", "2.5"),
        ])
        .unwrap();
        assert_eq!(settings.base_url(), "http://127.0.0.1:11434/v1");
        assert_eq!(settings.timeout().as_millis(), 2500);
        assert_eq!(settings.key().unwrap().expose(), "sk-very-secret");
        let lines: Vec<String> = settings
            .describe()
            .iter()
            .map(ToString::to_string)
            .collect();
        let shown = format!("{settings:?} {}", lines.join("\n"));
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("OPENAI_API_KEY = ********"), "{shown}");
    }

    #[test]
    fn bad_values_name_the_variable_and_the_form_expected() {
        let error = advisor(&[("OPENAI_MODEL", "m"), ("OPENAI_BASE_URL", "api.openai.com")])
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("OPENAI_BASE_URL is `api.openai.com`: expected an http"),
            "{error}"
        );
        let error = advisor(&[("OPENAI_MODEL", "m"), ("OPENAI_TIMEOUT", "0")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("OPENAI_TIMEOUT is `0`"), "{error}");
    }
}
