//! # hexaboard-advisor
//!
//! A blocking client for OpenAI-compatible chat-completions endpoints (the official API, and
//! local servers such as llama.cpp, Ollama, vLLM or LM Studio that speak the same protocol).
//! It asks one question for an answer in a JSON schema and gives back the JSON text; what the
//! answer means is decided elsewhere (`hexaboard-core`'s advice).
//!
//! | file | what it holds |
//! | --- | --- |
//! | `endpoint.rs` | [`Endpoint`]: base URL, model, key, timeout; the key check made before any request |
//! | `format.rs` | [`Format`]: the fallback ladder `json_schema` → `json_object` → plain, and the JSON object found in a text |
//! | `client.rs` | [`Client`]: the HTTP request, 429 waits, stepping down the ladder and remembering the rung |
//! | `verdict.rs` | what one HTTP answer means: an [`Answer`], step down, or an error (no I/O) |
//! | `retry.rs` | how long to wait after a 429 (`retry-after-ms`, `Retry-After`, 1 s then 2 s, at most 30 s) |
//! | `server_text.rs` | a server's error message picked out of its body, key masked, shortened |
//! | `error.rs` | [`AdvisorError`]: one line naming the cause and the setting to fix |
//!
//! ```no_run
//! use std::time::Duration;
//! use hexaboard_advisor::{Client, Endpoint};
//!
//! let mut client = Client::new(Endpoint {
//!     base_url: "http://127.0.0.1:11434/v1".into(),
//!     model: "llama3.2".into(),
//!     key: None, // a local server needs none; the official API does
//!     timeout: Duration::from_secs(30),
//! });
//! let schema = serde_json::json!({
//!     "type": "object",
//!     "properties": {"advice": {"type": "string"}},
//!     "required": ["advice"],
//!     "additionalProperties": false
//! });
//! let answer = client.ask("You advise on sensor data.", "Is 31 °C hot?", "advice", &schema)?;
//! println!("{} answered ({}): {}", answer.model, answer.format, answer.content);
//! # Ok::<(), hexaboard_advisor::AdvisorError>(())
//! ```
//!
//! The key is never printed: it is a [`Secret`](hexaboard_mqtt::settings::Secret), and any
//! text a server sends back is masked before it goes into an error.

mod client;
mod endpoint;
mod error;
mod format;
mod retry;
mod server_text;
mod verdict;

pub use client::Client;
pub use endpoint::Endpoint;
pub use error::AdvisorError;
pub use format::Format;

/// The answer to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The JSON object the model answered, as text (found inside fences or prose when the
    /// question was asked [`Format::Plain`]).
    pub content: String,
    /// How the JSON was asked for in the request that got this answer.
    pub format: Format,
    /// The model the server says answered, else the one asked for.
    pub model: String,
}
