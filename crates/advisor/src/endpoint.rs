//! [`Endpoint`]: the settings of one chat-completions endpoint, and what follows from them
//! without any network (the URL to post to, whether a key is required).

use std::time::Duration;

use hexaboard_mqtt::settings::Secret;

use crate::AdvisorError;

/// The host of the official API, which refuses every request without a key.
const OFFICIAL_HOST: &str = "api.openai.com";

/// The settings of one chat-completions endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`; a
    /// trailing `/` is tolerated. `/chat/completions` is appended.
    pub base_url: String,
    /// The model to ask.
    pub model: String,
    /// The API key, sent as `Authorization: Bearer …`; `None` (or empty) sends no
    /// `Authorization` header, which local servers accept.
    pub key: Option<Secret>,
    /// The time allowed for a whole request: connecting, sending and the complete answer.
    pub timeout: Duration,
}

impl Endpoint {
    /// The URL requests are posted to: the base URL without trailing `/`, then
    /// `/chat/completions`.
    ///
    /// # Errors
    ///
    /// [`AdvisorError::InvalidUrl`] when the base URL is not `http://` or `https://`.
    pub fn chat_url(&self) -> Result<String, AdvisorError> {
        if host(&self.base_url).is_none_or(str::is_empty) {
            return Err(AdvisorError::InvalidUrl {
                base_url: self.base_url.clone(),
            });
        }
        Ok(format!(
            "{}/chat/completions",
            self.base_url.trim_end_matches('/')
        ))
    }

    /// The key to send, when one is set and not empty.
    pub(crate) fn key(&self) -> Option<&Secret> {
        self.key.as_ref().filter(|k| !k.expose().is_empty())
    }

    /// Checks, before any request, that a key is set when the endpoint needs one.
    ///
    /// # Errors
    ///
    /// [`AdvisorError::MissingKey`] when there is no key and the host is the official API's.
    pub fn check_key(&self) -> Result<(), AdvisorError> {
        if self.is_official() && self.key().is_none() {
            return Err(AdvisorError::MissingKey {
                base_url: self.base_url.clone(),
            });
        }
        Ok(())
    }
}

impl Endpoint {
    /// Whether this is the official API (`api.openai.com`).
    pub fn is_official(&self) -> bool {
        host(&self.base_url).is_some_and(|h| h.eq_ignore_ascii_case(OFFICIAL_HOST))
    }
}

/// The host of an `http://` or `https://` URL (without port or user info), else `None`.
fn host(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    Some(host.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(base_url: &str, key: Option<&str>) -> Endpoint {
        Endpoint {
            base_url: base_url.into(),
            model: "m".into(),
            key: key.map(Secret::from),
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn host_is_found_behind_scheme_user_and_port() {
        assert_eq!(host("https://api.openai.com/v1"), Some("api.openai.com"));
        assert_eq!(host("HTTPS://API.OPENAI.COM./v1"), Some("API.OPENAI.COM"));
        assert_eq!(host("http://u:p@127.0.0.1:11434/v1"), Some("127.0.0.1"));
        assert_eq!(host("http://[::1]:8080/v1"), Some("::1"));
        assert_eq!(host("api.openai.com/v1"), None);
        assert_eq!(host("ftp://x/v1"), None);
    }

    #[test]
    fn only_the_official_host_is_the_official_api() {
        assert!(endpoint("https://api.openai.com/v1", None).is_official());
        assert!(endpoint("https://API.openai.com/v1/", None).is_official());
        assert!(!endpoint("http://127.0.0.1:11434/v1", None).is_official());
        assert!(!endpoint("https://api.openai.com.example/v1", None).is_official());
    }

    #[test]
    fn chat_url_tolerates_a_trailing_slash() {
        let url = endpoint("http://127.0.0.1:1/v1/", None).chat_url().unwrap();
        assert_eq!(url, "http://127.0.0.1:1/v1/chat/completions");
    }

    #[test]
    fn chat_url_refuses_what_is_not_http() {
        let err = endpoint("localhost:11434/v1", None).chat_url().unwrap_err();
        assert!(matches!(err, AdvisorError::InvalidUrl { .. }), "{err:?}");
        assert!(endpoint("http:///v1", None).chat_url().is_err());
    }

    #[test]
    fn the_official_host_needs_a_key_and_a_local_server_does_not() {
        let err = endpoint("https://api.openai.com/v1", None)
            .check_key()
            .unwrap_err();
        assert!(
            err.to_string().starts_with("OPENAI_API_KEY is not set: "),
            "{err}"
        );
        assert!(endpoint("https://api.openai.com/v1", Some(""))
            .check_key()
            .is_err());
        assert!(endpoint("https://api.openai.com/v1", Some("k"))
            .check_key()
            .is_ok());
        assert!(endpoint("http://127.0.0.1:11434/v1", None)
            .check_key()
            .is_ok());
    }
}
