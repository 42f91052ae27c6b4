//! [`AdvisorError`]: why no answer came, in one line that names the cause and the setting to fix.
//!
//! No variant holds the API key; text the server sent back is shortened, stripped of control
//! characters and has the key masked before it is kept (see `server_text.rs`).

use std::time::Duration;

/// Why [`Client::ask`](crate::Client::ask) got no answer. `Display` is one line naming the cause
/// and the variable to change; [`AdvisorError::setting`] gives that variable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdvisorError {
    /// No key is set while the endpoint is the official API, which always needs one. Found
    /// before any request is made.
    #[error(
        "OPENAI_API_KEY is not set: {base_url} needs an API key; set OPENAI_API_KEY, \
         or point OPENAI_BASE_URL at a local server"
    )]
    MissingKey {
        /// The endpoint's base URL.
        base_url: String,
    },

    /// The base URL is not an `http://` or `https://` URL.
    #[error(
        "OPENAI_BASE_URL `{base_url}` is not an http:// or https:// URL: \
         set it like https://api.openai.com/v1"
    )]
    InvalidUrl {
        /// The base URL as given.
        base_url: String,
    },

    /// The server refused the key (HTTP 401 or 403).
    #[error("{url} refused the API key (HTTP {status}: {message}): check OPENAI_API_KEY")]
    KeyRefused {
        /// The URL asked.
        url: String,
        /// 401 or 403.
        status: u16,
        /// What the server said (shortened, key masked).
        message: String,
    },

    /// The server does not know the model.
    #[error("model `{model}` is not available at {base_url} ({message}): check OPENAI_MODEL")]
    ModelNotFound {
        /// The model asked for.
        model: String,
        /// The endpoint's base URL.
        base_url: String,
        /// What the server said (shortened, key masked).
        message: String,
    },

    /// HTTP 404 that is not about the model: nothing serves chat completions at that URL.
    #[error(
        "no chat-completions endpoint at {url}: check OPENAI_BASE_URL (it usually ends in /v1)"
    )]
    NoEndpoint {
        /// The URL asked.
        url: String,
    },

    /// HTTP 429 on every try, or a 429 saying the quota is used up (not retried).
    #[error(
        "{url} is rate limiting (HTTP 429 on {tries} tries: {message}): try again later, \
         or use a key whose account has a higher limit (OPENAI_API_KEY)"
    )]
    RateLimited {
        /// The URL asked.
        url: String,
        /// How many requests were made.
        tries: u32,
        /// What the server said last (shortened, key masked).
        message: String,
    },

    /// No complete answer within the endpoint's timeout.
    #[error(
        "no answer from {base_url} within {} s: raise OPENAI_TIMEOUT or check the server",
        timeout.as_secs_f64()
    )]
    Timeout {
        /// The endpoint's base URL.
        base_url: String,
        /// The timeout that ran out.
        timeout: Duration,
        /// What the HTTP client said.
        #[source]
        source: ureq::Error,
    },

    /// The host name of the base URL cannot be resolved.
    #[error("cannot resolve the host of {url}: check OPENAI_BASE_URL and the network")]
    HostNotFound {
        /// The URL asked.
        url: String,
        /// What the HTTP client said.
        #[source]
        source: ureq::Error,
    },

    /// No connection could be made (refused, TLS failure, network down).
    #[error("cannot connect to {url}: check OPENAI_BASE_URL and that the server runs")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// What the HTTP client said (the connection refusal, the TLS error, ...).
        #[source]
        source: ureq::Error,
    },

    /// The server answered, but not as a chat-completions server does (HTML, no `choices`,
    /// content that is not text, a redirect).
    #[error(
        "{url} did not answer like an OpenAI-compatible chat-completions server: {why}; \
         check OPENAI_BASE_URL"
    )]
    NotCompatible {
        /// The URL asked.
        url: String,
        /// What was wrong with the answer.
        why: String,
    },

    /// HTTP 5xx.
    #[error(
        "{url} failed with HTTP {status}: {message}; try again later or check the server \
         at OPENAI_BASE_URL"
    )]
    Server {
        /// The URL asked.
        url: String,
        /// The status, 500 to 599.
        status: u16,
        /// What the server said (shortened, key masked).
        message: String,
    },

    /// Any other HTTP 4xx: the server did not accept the request.
    #[error("{url} rejected the request with HTTP {status}: {message}; check OPENAI_MODEL")]
    Rejected {
        /// The URL asked.
        url: String,
        /// The status.
        status: u16,
        /// What the server said (shortened, key masked).
        message: String,
    },

    /// The model declined to answer (the `refusal` of OpenAI's structured outputs).
    #[error(
        "model `{model}` refused to answer: {refusal}; ask again, or choose another OPENAI_MODEL"
    )]
    Refused {
        /// The model that answered.
        model: String,
        /// Its refusal (shortened, key masked).
        refusal: String,
    },

    /// The answer's text holds no JSON object.
    #[error(
        "model `{model}` answered without a JSON object ({excerpt}): \
         choose a model that follows instructions (OPENAI_MODEL)"
    )]
    NoJson {
        /// The model that answered.
        model: String,
        /// The start of its answer (shortened, key masked).
        excerpt: String,
    },
}

impl AdvisorError {
    /// The environment variable to change to fix this, when one is to blame.
    pub fn setting(&self) -> Option<&'static str> {
        use AdvisorError as E;
        Some(match self {
            E::MissingKey { .. } | E::KeyRefused { .. } | E::RateLimited { .. } => "OPENAI_API_KEY",
            E::InvalidUrl { .. }
            | E::NoEndpoint { .. }
            | E::HostNotFound { .. }
            | E::Unreachable { .. }
            | E::NotCompatible { .. }
            | E::Server { .. } => "OPENAI_BASE_URL",
            E::ModelNotFound { .. } | E::Rejected { .. } | E::Refused { .. } | E::NoJson { .. } => {
                "OPENAI_MODEL"
            }
            E::Timeout { .. } => "OPENAI_TIMEOUT",
        })
    }
}
