//! [`Client`]: asks one question over HTTP, walking down the fallback ladder and waiting out
//! 429s. A blocking client: the command asks one question and waits for it, so no async
//! runtime is needed.

use std::io::ErrorKind;
use std::thread;
use std::time::SystemTime;

use serde_json::Value;

use crate::retry::{self, MAX_TRIES};
use crate::verdict::{judge, Asked, Verdict};
use crate::{AdvisorError, Answer, Endpoint, Format};

/// The most tokens a local server may answer with: the advice is a few short fields.
const MAX_TOKENS: u32 = 512;

/// A chat-completions client for one [`Endpoint`]. It remembers which [`Format`] the server
/// took, so that later questions (a loop) ask the right way at once.
#[derive(Debug)]
pub struct Client {
    endpoint: Endpoint,
    agent: ureq::Agent,
    format: Format,
}

/// One HTTP answer, read whole.
struct HttpAnswer {
    status: u16,
    content_type: String,
    body: String,
    retry_after: Option<String>,
    retry_after_ms: Option<String>,
}

impl Client {
    /// A client for `endpoint`, starting at [`Format::JsonSchema`]. Makes no request.
    pub fn new(endpoint: Endpoint) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(endpoint.timeout))
            // Statuses are judged here, with the server's body; redirects are reported, not
            // followed (a POST body is not resent elsewhere).
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("hexaboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Client {
            endpoint,
            agent,
            format: Format::JsonSchema,
        }
    }

    /// The format the next question will be asked in: the rung that last worked (or is next
    /// to try).
    pub fn format(&self) -> Format {
        self.format
    }

    /// The endpoint this client asks.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Asks once: `system` then `user`, for an answer following `schema` (named
    /// `schema_name`), with temperature 0.
    ///
    /// The answer's JSON is asked for as a strict JSON schema; when the server refuses that
    /// (400, 404, 422, 500 or 501 naming `response_format`), as `json_object` with the schema in
    /// the system message; when refused again, with no `response_format` at all, the JSON
    /// object then found in the answer's text. The rung that worked is kept for the next
    /// question. A 429 is waited out as the server says (each wait at most 30 s), three
    /// requests at most.
    ///
    /// # Errors
    ///
    /// An [`AdvisorError`] naming the cause and the setting to fix: a missing key for the
    /// official API (found before any request), a refused key, an unknown model, no endpoint
    /// at the URL, rate limiting, a timeout, no connection, an answer that is not a chat
    /// completion or holds no JSON object, a server failure, the model's refusal.
    pub fn ask(
        &mut self,
        system: &str,
        user: &str,
        schema_name: &str,
        schema: &Value,
    ) -> Result<Answer, AdvisorError> {
        self.endpoint.check_key()?;
        let url = self.endpoint.chat_url()?;
        loop {
            let mut body =
                self.format
                    .request(&self.endpoint.model, system, user, schema_name, schema);
            if !self.endpoint.is_official() {
                // A small local model held to a schema can write a string without end; the
                // official API bounds its answers itself (and its reasoning models refuse
                // `max_tokens`).
                body["max_tokens"] = MAX_TOKENS.into();
            }
            let (answer, tries) = self.post_with_retries(&url, &body)?;
            let asked = Asked {
                url: &url,
                base_url: &self.endpoint.base_url,
                model: &self.endpoint.model,
                key: self.endpoint.key().map(|k| k.expose()),
                format: self.format,
                tries,
            };
            match judge(answer.status, &answer.content_type, &answer.body, &asked) {
                Verdict::Answer(answer) => return Ok(answer),
                Verdict::Failed(error) => return Err(error),
                Verdict::StepDown(next) => self.format = next,
            }
        }
    }

    /// Posts `body`, trying again after a 429 as the server says, [`MAX_TRIES`] requests at
    /// most. Returns the last answer and how many requests were made.
    fn post_with_retries(
        &self,
        url: &str,
        body: &Value,
    ) -> Result<(HttpAnswer, u32), AdvisorError> {
        let mut tries = 0;
        loop {
            let answer = self.post(url, body)?;
            tries += 1;
            let quota_gone = answer.body.contains("insufficient_quota");
            if answer.status != 429 || tries >= MAX_TRIES || quota_gone {
                return Ok((answer, tries));
            }
            thread::sleep(retry::wait(
                answer.retry_after.as_deref(),
                answer.retry_after_ms.as_deref(),
                tries,
                SystemTime::now(),
            ));
        }
    }

    /// One request, its answer read whole.
    fn post(&self, url: &str, body: &Value) -> Result<HttpAnswer, AdvisorError> {
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        if let Some(key) = self.endpoint.key() {
            request = request.header("Authorization", format!("Bearer {}", key.expose()));
        }
        let mut response = request
            .send(body.to_string())
            .map_err(|e| self.transport_error(url, e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let retry_after_ms = header("retry-after-ms");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| self.transport_error(url, e))?;
        Ok(HttpAnswer {
            status,
            content_type,
            body,
            retry_after,
            retry_after_ms,
        })
    }

    /// The error for a request that got no complete HTTP answer.
    fn transport_error(&self, url: &str, source: ureq::Error) -> AdvisorError {
        let url = url.to_owned();
        match &source {
            ureq::Error::Timeout(_) => self.timeout(source),
            ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => self.timeout(source),
            ureq::Error::HostNotFound => AdvisorError::HostNotFound { url, source },
            ureq::Error::BadUri(_) => AdvisorError::InvalidUrl {
                base_url: self.endpoint.base_url.clone(),
            },
            _ => AdvisorError::Unreachable { url, source },
        }
    }

    fn timeout(&self, source: ureq::Error) -> AdvisorError {
        AdvisorError::Timeout {
            base_url: self.endpoint.base_url.clone(),
            timeout: self.endpoint.timeout,
            source,
        }
    }
}
