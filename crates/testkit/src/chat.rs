//! [`ChatServer`]: a scripted OpenAI-compatible chat-completions server on a free loopback port.
//!
//! A test gives the replies in order ([`Reply`]); each `POST /v1/chat/completions` takes the
//! next one. Every request, on any path, is recorded ([`ChatRequest`]) so the test can check what
//! the client sent. HTTP is spoken by `tiny_http`, so no request parsing is written here.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use serde_json::{json, Value};

use crate::net::LOOPBACK;

/// The one path the server answers from its script.
const CHAT_PATH: &str = "/v1/chat/completions";

/// How often the serving thread looks at its stop flag while no request comes.
const STOP_POLL: Duration = Duration::from_millis(50);

/// One request the server received, as the client sent it.
#[derive(Clone, Debug)]
pub struct ChatRequest {
    /// The HTTP method (`POST`).
    pub method: String,
    /// The path with its query (`/v1/chat/completions`).
    pub path: String,
    /// The headers in the order received, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, or `Value::Null` when it is not JSON.
    pub body: Value,
}

impl ChatRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One scripted answer to a `POST /v1/chat/completions`.
#[derive(Clone, Debug)]
pub struct Reply {
    kind: ReplyKind,
    headers: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
enum ReplyKind {
    /// 200 with a chat completion whose message content is this text.
    Content(String),
    /// 200 with a chat completion whose message carries this refusal and no content.
    Refusal(String),
    /// Any status, content type and body, sent as given.
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
    /// No answer at all: the request is held until the server stops.
    Silent,
}

impl Reply {
    /// 200 with a proper chat-completion body around `text`, the request's model echoed.
    pub fn content(text: impl Into<String>) -> Self {
        Reply::of(ReplyKind::Content(text.into()))
    }

    /// 200 with a chat completion whose message is a refusal (OpenAI structured outputs):
    /// `content` is null and `refusal` holds `text`.
    pub fn refusal(text: impl Into<String>) -> Self {
        Reply::of(ReplyKind::Refusal(text.into()))
    }

    /// `code` with a JSON body (`application/json`).
    pub fn status(code: u16, body: &Value) -> Self {
        Reply::raw(code, "application/json", body.to_string())
    }

    /// `status` with any content type and body, sent as given.
    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Reply::of(ReplyKind::Raw {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
        })
    }

    /// Never answers: the connection stays open with no response until the server stops
    /// (for client timeouts).
    pub fn silent() -> Self {
        Reply::of(ReplyKind::Silent)
    }

    /// The 400 the official API gives for a model without structured outputs
    /// (`response_format` of type `json_schema`).
    pub fn rejects_json_schema() -> Self {
        Reply::status(
            400,
            &json!({"error": {
                "message": "Invalid parameter: 'response_format' of type 'json_schema' is not \
                            supported with this model. Learn more about supported models at the \
                            Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
                "type": "invalid_request_error",
                "param": "response_format",
                "code": null
            }}),
        )
    }

    /// A 400 refusing `response_format` of type `json_object`, worded as local servers word it
    /// (a bare `error` string naming `response_format`).
    pub fn rejects_json_object() -> Self {
        Reply::status(
            400,
            &json!({"error": "'response_format.type' must be 'json_schema' or 'text'"}),
        )
    }

    /// Adds a response header (for example `Retry-After`).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn of(kind: ReplyKind) -> Self {
        Reply {
            kind,
            headers: Vec::new(),
        }
    }
}

/// A scripted chat-completions server on `127.0.0.1`, run on its own thread.
///
/// Each `POST /v1/chat/completions` gets the next [`Reply`] of the script (a 500 with an
/// OpenAI-style error once the script is used up); any other path gets OpenAI's 404. Dropping
/// the server ends its thread and closes the port.
///
/// ```no_run
/// use hexaboard_testkit::{ChatServer, Reply};
///
/// let server = ChatServer::start([Reply::content(r#"{"ok":true}"#)])?;
/// let url = format!("{}/chat/completions", server.base_url());
/// // ... a client posts to `url` ...
/// assert_eq!(server.requests().len(), 1);
/// # Ok::<(), anyhow::Error>(())
/// ```
#[derive(Debug)]
pub struct ChatServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<ChatRequest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ChatServer {
    /// Binds a free port on `127.0.0.1` and serves `script` on a new thread.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread cannot be spawned.
    pub fn start(script: impl IntoIterator<Item = Reply>) -> anyhow::Result<Self> {
        let server = tiny_http::Server::http((LOOPBACK, 0))
            .map_err(|e| anyhow!("binding the chat server on 127.0.0.1: {e}"))?;
        let addr = server
            .server_addr()
            .to_ip()
            .context("the chat server has no IP address")?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut serving = Serving {
            script: script.into_iter().collect(),
            requests: Arc::clone(&requests),
            held: Vec::new(),
        };
        let thread_stop = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("chat-server".into())
            .spawn(move || serving.run(&server, &thread_stop))
            .context("spawning the chat server thread")?;
        Ok(ChatServer {
            addr,
            requests,
            stop,
            thread: Some(thread),
        })
    }

    /// The base URL a client is configured with: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for ChatServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The serving thread's state.
struct Serving {
    script: VecDeque<Reply>,
    requests: Arc<Mutex<Vec<ChatRequest>>>,
    /// Requests given a silent reply, kept unanswered until the server stops.
    held: Vec<tiny_http::Request>,
}

impl Serving {
    /// Answers requests until `stop` is set; dropping `server` at the end closes the port.
    fn run(&mut self, server: &tiny_http::Server, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            match server.recv_timeout(STOP_POLL) {
                Ok(Some(request)) => self.answer(request),
                Ok(None) => {}
                Err(_) => break,
            }
        }
    }

    fn answer(&mut self, mut request: tiny_http::Request) {
        let mut text = String::new();
        let body = match request.as_reader().read_to_string(&mut text) {
            Ok(_) => serde_json::from_str(&text).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        let recorded = ChatRequest {
            method: request.method().as_str().to_owned(),
            path: request.url().to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|h| {
                    (
                        h.field.as_str().as_str().to_ascii_lowercase(),
                        h.value.as_str().to_owned(),
                    )
                })
                .collect(),
            body,
        };
        let model = recorded.body["model"].as_str().unwrap_or("").to_owned();
        let is_chat = recorded.method == "POST" && recorded.path == CHAT_PATH;
        let described = format!("{} {}", recorded.method, recorded.path);
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(recorded);

        let reply = if is_chat {
            self.script.pop_front().unwrap_or_else(|| {
                Reply::status(
                    500,
                    &json!({"error": {"message": "the scripted chat server has no reply left",
                                     "type": "server_error"}}),
                )
            })
        } else {
            Reply::status(
                404,
                &json!({"error": {"message": format!("Invalid URL ({described})"),
                                 "type": "invalid_request_error", "param": null, "code": null}}),
            )
        };
        let (status, content_type, body) = match reply.kind {
            ReplyKind::Silent => {
                self.held.push(request);
                return;
            }
            ReplyKind::Content(text) => (
                200,
                "application/json".to_owned(),
                completion(&model, &json!(text), &Value::Null),
            ),
            ReplyKind::Refusal(text) => (
                200,
                "application/json".to_owned(),
                completion(&model, &Value::Null, &json!(text)),
            ),
            ReplyKind::Raw {
                status,
                content_type,
                body,
            } => (status, content_type, body),
        };
        let mut response = tiny_http::Response::from_string(body).with_status_code(status);
        for (name, value) in
            std::iter::once(("Content-Type".to_owned(), content_type)).chain(reply.headers)
        {
            if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        }
        // The client may have given up already; that is its test's business.
        let _ = request.respond(response);
    }
}

/// A chat-completion body (one choice) with this message content and refusal.
fn completion(model: &str, content: &Value, refusal: &Value) -> String {
    json!({
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": refusal},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    })
    .to_string()
}
