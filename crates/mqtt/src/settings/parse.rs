//! The parsers and checks of the variable table: text to typed value, and the rules a value
//! follows however it was given. Each failure is a [`Problem`], which the loader turns into a
//! [`SettingsError`] naming the variable and the value.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::time::Duration;

use hexaboard_core::text::{sanitize_for_terminal, Lang};
use hexaboard_core::topic::{TopicError, TopicFilter};

use super::error::SettingsError;
use super::protocol::{MqttVersion, Qos};
use super::secret::Secret;

/// What is wrong with a value, before it is known which variable held it.
#[derive(Debug)]
pub(crate) enum Problem {
    /// What was expected instead, to follow "`VAR` is `value`:".
    Expected(Cow<'static, str>),
    /// One filter of a list breaks a rule of MQTT topic filters.
    Filter {
        /// The filter, as written.
        filter: String,
        /// The rule it breaks.
        source: TopicError,
    },
}

impl Problem {
    fn expected(text: &'static str) -> Problem {
        Problem::Expected(Cow::Borrowed(text))
    }

    /// The error of `var` holding `value` (as it may be shown: a secret is already masked).
    pub(crate) fn into_error(self, var: &'static str, value: &str) -> SettingsError {
        let value = sanitize_for_terminal(value).into_owned();
        match self {
            Problem::Expected(expected) => SettingsError::Invalid {
                var,
                value,
                expected: expected.into_owned(),
            },
            Problem::Filter { filter, source } => SettingsError::InvalidTopicFilter {
                var,
                value,
                filter: sanitize_for_terminal(&filter).into_owned(),
                source,
            },
        }
    }
}

/// The value as UTF-8 text.
fn text(raw: &OsStr) -> Result<&str, Problem> {
    raw.to_str()
        .ok_or_else(|| Problem::expected("expected UTF-8 text"))
}

/// Any text, such as a user name.
pub(crate) fn plain(raw: &OsStr) -> Result<String, Problem> {
    text(raw).map(str::to_owned)
}

/// A secret text, spaces and all.
pub(crate) fn secret(raw: &OsStr) -> Result<Secret, Problem> {
    text(raw).map(Secret::new)
}

/// An `http://` or `https://` URL, kept without a trailing `/`.
pub(crate) fn base_url(raw: &OsStr) -> Result<String, Problem> {
    let url = text(raw)?.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.contains(char::is_whitespace) => Ok(url.to_owned()),
        _ => Err(Problem::expected(
            "expected an http:// or https:// URL, such as https://api.openai.com/v1 or \
             http://127.0.0.1:11434/v1",
        )),
    }
}

/// A positive number of seconds, fractions allowed.
pub(crate) fn seconds(raw: &OsStr) -> Result<Duration, Problem> {
    text(raw)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| Problem::expected("expected a number of seconds above 0, such as 30"))
}

/// A path, in the operating system's own encoding (not necessarily UTF-8).
pub(crate) fn path(raw: &OsStr) -> Result<PathBuf, Problem> {
    Ok(PathBuf::from(raw))
}

/// A broker host: a name or an IP address, without scheme or port. An IPv6 address may come
/// in brackets; it is kept without.
pub(crate) fn host(value: String) -> Result<String, Problem> {
    if value.contains("://") {
        return Err(Problem::expected(
            "expected a host name without scheme, such as abc123.s1.eu.hivemq.cloud \
             (the port goes in MQTT_PORT, TLS in MQTT_TLS)",
        ));
    }
    let unbracketed = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(&value);
    if unbracketed.parse::<Ipv6Addr>().is_ok() {
        return Ok(unbracketed.to_owned());
    }
    if value.contains(':') {
        return Err(Problem::expected(
            "expected a host name without port, such as abc123.s1.eu.hivemq.cloud \
             (the port goes in MQTT_PORT)",
        ));
    }
    let valid = value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(Problem::expected(
            "expected a host name or IP address, such as abc123.s1.eu.hivemq.cloud or 127.0.0.1",
        ));
    }
    Ok(value)
}

const PORT_RANGE: &str = "expected a port number 1-65535";

/// A port number.
pub(crate) fn port(raw: &OsStr) -> Result<u16, Problem> {
    text(raw)?
        .parse()
        .map_err(|_| Problem::expected(PORT_RANGE))
}

/// Port 0 means "any port" to the operating system, never a broker's port.
pub(crate) fn nonzero_port(port: u16) -> Result<u16, Problem> {
    if port == 0 {
        return Err(Problem::expected(PORT_RANGE));
    }
    Ok(port)
}

/// Comma-separated topic filters, each trimmed.
pub(crate) fn filters(raw: &OsStr) -> Result<Vec<TopicFilter>, Problem> {
    text(raw)?
        .split(',')
        .map(|f| one_filter(f.trim()))
        .collect()
}

/// A list of filters has at least one.
pub(crate) fn some_filters(filters: Vec<TopicFilter>) -> Result<Vec<TopicFilter>, Problem> {
    if filters.is_empty() {
        return Err(Problem::expected("expected at least one topic filter"));
    }
    Ok(filters)
}

/// One topic filter.
pub(crate) fn filter(raw: &OsStr) -> Result<TopicFilter, Problem> {
    one_filter(text(raw)?)
}

fn one_filter(filter: &str) -> Result<TopicFilter, Problem> {
    TopicFilter::new(filter).map_err(|source| Problem::Filter {
        filter: filter.to_owned(),
        source,
    })
}

/// `on`/`off` and the usual spellings of true and false, in any case.
fn switch(raw: &OsStr) -> Option<bool> {
    match raw.to_str()?.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Some(true),
        "off" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// `MQTT_TLS`.
pub(crate) fn tls(raw: &OsStr) -> Result<bool, Problem> {
    switch(raw).ok_or_else(|| Problem::expected("expected on or off (or true/false, 1/0)"))
}

/// `MQTT_TLS_INSECURE`.
pub(crate) fn tls_insecure(raw: &OsStr) -> Result<bool, Problem> {
    switch(raw)
        .ok_or_else(|| Problem::expected("expected 1 to skip server certificate checks, or 0"))
}

/// A PEM file that exists.
fn pem_file(path: PathBuf, what: &str) -> Result<PathBuf, Problem> {
    if path.is_file() {
        return Ok(path);
    }
    Err(Problem::Expected(Cow::Owned(format!(
        "no such file; give the path of the PEM file of {what}"
    ))))
}

/// `MQTT_CA_FILE` names an existing file.
pub(crate) fn ca_file(path: PathBuf) -> Result<PathBuf, Problem> {
    pem_file(path, "the CA's certificate")
}

/// `MQTT_CERT_FILE` names an existing file.
pub(crate) fn cert_file(path: PathBuf) -> Result<PathBuf, Problem> {
    pem_file(path, "the client certificate")
}

/// `MQTT_KEY_FILE` names an existing file.
pub(crate) fn key_file(path: PathBuf) -> Result<PathBuf, Problem> {
    pem_file(path, "the client certificate's key")
}

/// A client id: no wildcard or separator a broker would choke on, no space.
pub(crate) fn client_id(id: String) -> Result<String, Problem> {
    let bad = |c: char| matches!(c, '+' | '#' | '/') || c.is_whitespace() || c.is_control();
    if id.chars().any(bad) {
        return Err(Problem::expected(
            "expected letters, digits and `-` (no spaces, `+`, `#` or `/`)",
        ));
    }
    Ok(id)
}

/// A shared-subscription group: the `NAME` of `$share/NAME/...`, which MQTT 5 (§4.8.2)
/// forbids to hold `/`, `+` or `#`.
pub(crate) fn share_group(name: String) -> Result<String, Problem> {
    let bad = |c: char| matches!(c, '+' | '#' | '/') || c.is_whitespace() || c.is_control();
    if name.is_empty() || name.chars().any(bad) {
        return Err(Problem::expected(
            "expected a group name of letters, digits and `-` (no spaces, `+`, `#` or `/`), \
             such as recorders",
        ));
    }
    Ok(name)
}

/// 0, 1 or 2.
pub(crate) fn qos(raw: &OsStr) -> Result<Qos, Problem> {
    text(raw)?
        .parse::<u8>()
        .ok()
        .and_then(Qos::from_number)
        .ok_or_else(|| Problem::expected("expected 0, 1 or 2"))
}

/// `3.1.1` or `5`, in the usual spellings.
pub(crate) fn mqtt_version(raw: &OsStr) -> Result<MqttVersion, Problem> {
    match text(raw)?.to_ascii_lowercase().trim_start_matches('v') {
        "3.1.1" | "311" | "3" => Ok(MqttVersion::V311),
        "5" | "5.0" => Ok(MqttVersion::V5),
        _ => Err(Problem::expected("expected 3.1.1 or 5")),
    }
}

/// `ko` or `en` (or a locale name such as `en_US.UTF-8`).
pub(crate) fn lang(raw: &OsStr) -> Result<Lang, Problem> {
    Lang::from_code(text(raw)?).ok_or_else(|| Problem::expected("expected ko or en"))
}
