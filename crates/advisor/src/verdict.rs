//! What one HTTP answer means for the question: an [`Answer`], a refusal of the rung's
//! `response_format` (step down the ladder), or an [`AdvisorError`]. No I/O here: the client
//! hands in status, content type and body.

use serde_json::Value;

use crate::format::json_object_in;
use crate::server_text::{quote, ServerError};
use crate::{AdvisorError, Answer, Format};

/// What one HTTP answer means.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// A chat completion holding a JSON object.
    Answer(Answer),
    /// The server does not take this rung's `response_format`: ask again in this rung, the
    /// next one down.
    StepDown(Format),
    /// No answer.
    Failed(AdvisorError),
}

/// What the verdict needs to know about the request.
#[derive(Debug)]
pub(crate) struct Asked<'a> {
    /// The URL posted to.
    pub(crate) url: &'a str,
    /// The endpoint's base URL.
    pub(crate) base_url: &'a str,
    /// The model asked for.
    pub(crate) model: &'a str,
    /// The key sent, masked wherever server text is kept.
    pub(crate) key: Option<&'a str>,
    /// The rung the request was made in.
    pub(crate) format: Format,
    /// How many requests were made for this answer (more than one after 429s).
    pub(crate) tries: u32,
}

/// Words by which servers name the `response_format` they refuse.
const FORMAT_WORDS: [&str; 4] = [
    "response_format",
    "response format",
    "json_schema",
    "json_object",
];

/// Judges one HTTP answer.
pub(crate) fn judge(status: u16, content_type: &str, body: &str, asked: &Asked<'_>) -> Verdict {
    if (200..300).contains(&status) {
        return completion(content_type, body, asked);
    }
    let url = asked.url.to_owned();
    let error = ServerError::parse(body);
    let message = quote(&error.message, asked.key);
    let lower = body.to_lowercase();
    let names_format = FORMAT_WORDS.iter().any(|w| lower.contains(w));
    let failed = match status {
        401 | 403 => AdvisorError::KeyRefused {
            url,
            status,
            message,
        },
        429 => AdvisorError::RateLimited {
            url,
            tries: asked.tries,
            message,
        },
        400 | 404 | 422 | 500 | 501 if names_format => match asked.format.next() {
            Some(next) => return Verdict::StepDown(next),
            None => AdvisorError::Rejected {
                url,
                status,
                message,
            },
        },
        400 | 404 if model_missing(&error, asked.model) => AdvisorError::ModelNotFound {
            model: asked.model.to_owned(),
            base_url: asked.base_url.to_owned(),
            message,
        },
        404 => AdvisorError::NoEndpoint { url },
        300..=399 => AdvisorError::NotCompatible {
            url,
            why: format!("it redirects (HTTP {status})"),
        },
        500..=599 => AdvisorError::Server {
            url,
            status,
            message,
        },
        _ => AdvisorError::Rejected {
            url,
            status,
            message,
        },
    };
    Verdict::Failed(failed)
}

/// Whether the error says the model does not exist: OpenAI's `model_not_found` code, or a
/// message naming the model (Ollama: `model "x" not found, try pulling it first`).
fn model_missing(error: &ServerError, model: &str) -> bool {
    if error.code.as_deref() == Some("model_not_found") {
        return true;
    }
    let message = error.message.to_lowercase();
    !model.is_empty() && message.contains("model") && message.contains(&model.to_lowercase())
}

/// Reads a 2xx body as a chat completion.
fn completion(content_type: &str, body: &str, asked: &Asked<'_>) -> Verdict {
    let incompatible = |why: String| {
        Verdict::Failed(AdvisorError::NotCompatible {
            url: asked.url.to_owned(),
            why,
        })
    };
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        let kind = if content_type.is_empty() {
            "no content type"
        } else {
            content_type
        };
        return incompatible(format!(
            "the body is not JSON ({kind}: {})",
            quote(&body.chars().take(60).collect::<String>(), asked.key)
        ));
    };
    let Some(message) = json["choices"].get(0).map(|c| &c["message"]) else {
        return incompatible("the answer has no `choices`".to_owned());
    };
    let model = match json["model"].as_str() {
        Some(m) if !m.is_empty() => m.to_owned(),
        _ => asked.model.to_owned(),
    };
    if let Some(refusal) = message["refusal"].as_str().filter(|r| !r.trim().is_empty()) {
        return Verdict::Failed(AdvisorError::Refused {
            model,
            refusal: quote(refusal, asked.key),
        });
    }
    let Some(content) = message["content"].as_str() else {
        return incompatible("`choices[0].message.content` is not a text".to_owned());
    };
    match json_object_in(content) {
        Some(object) => Verdict::Answer(Answer {
            content: object.to_owned(),
            format: asked.format,
            model,
        }),
        None => Verdict::Failed(AdvisorError::NoJson {
            model,
            excerpt: quote(&content.chars().take(80).collect::<String>(), asked.key),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASKED: Asked<'static> = Asked {
        url: "http://h/v1/chat/completions",
        base_url: "http://h/v1",
        model: "gpt-x",
        key: Some("sk-secret"),
        format: Format::JsonSchema,
        tries: 1,
    };

    fn failed(verdict: Verdict) -> AdvisorError {
        match verdict {
            Verdict::Failed(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_completion_gives_its_content_and_the_model_that_answered() {
        let body = r#"{"model":"gpt-x-2024","choices":[{"message":{"content":" {\"a\":1} ","refusal":null}}]}"#;
        let Verdict::Answer(answer) = judge(200, "application/json", body, &ASKED) else {
            panic!("no answer");
        };
        assert_eq!(answer.content, r#"{"a":1}"#);
        assert_eq!(answer.model, "gpt-x-2024");
        assert_eq!(answer.format, Format::JsonSchema);
    }

    #[test]
    fn a_completion_without_model_names_the_model_asked() {
        let body = r#"{"choices":[{"message":{"content":"{}"}}]}"#;
        let Verdict::Answer(answer) = judge(200, "", body, &ASKED) else {
            panic!("no answer")
        };
        assert_eq!(answer.model, "gpt-x");
    }

    #[test]
    fn bodies_that_are_not_chat_completions_are_incompatible() {
        for body in [
            "<html>hi</html>",
            r#"{"object":"list"}"#,
            r#"{"choices":[]}"#,
            r#"{"choices":[{"message":{"content":7}}]}"#,
        ] {
            let error = failed(judge(200, "text/html", body, &ASKED));
            assert!(
                matches!(error, AdvisorError::NotCompatible { .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn a_format_refusal_steps_down_except_from_plain() {
        let body = r#"{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","param":"response_format"}}"#;
        for status in [400, 404, 422, 501] {
            assert!(
                matches!(
                    judge(status, "", body, &ASKED),
                    Verdict::StepDown(Format::JsonObjectSchema)
                ),
                "{status}"
            );
        }
        let plain = Asked {
            format: Format::Plain,
            ..ASKED
        };
        assert!(matches!(
            failed(judge(400, "", body, &plain)),
            AdvisorError::Rejected { status: 400, .. }
        ));
    }

    #[test]
    fn a_server_error_naming_the_format_steps_down() {
        // llama-cpp-python 0.3.36's server: its request validation failure is answered 500.
        let body = r#"{"error":{"message":"1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}","type":"internal_server_error","param":null,"code":null}}"#;
        assert!(matches!(
            judge(500, "application/json", body, &ASKED),
            Verdict::StepDown(Format::JsonObjectSchema)
        ));
        assert!(matches!(
            failed(judge(
                500,
                "",
                r#"{"error":{"message":"out of memory"}}"#,
                &ASKED
            )),
            AdvisorError::Server { status: 500, .. }
        ));
    }

    #[test]
    fn a_bad_request_about_something_else_does_not_step_down() {
        let body = r#"{"error":{"message":"This model's maximum context length is 8192 tokens"}}"#;
        assert!(matches!(
            failed(judge(400, "", body, &ASKED)),
            AdvisorError::Rejected { .. }
        ));
    }

    #[test]
    fn not_found_is_the_model_when_the_server_says_so_else_the_path() {
        let openai = r#"{"error":{"message":"The model `gpt-x` does not exist or you do not have access to it.","code":"model_not_found"}}"#;
        let ollama = r#"{"error":{"message":"model \"gpt-x\" not found, try pulling it first"}}"#;
        for body in [openai, ollama] {
            assert!(
                matches!(
                    failed(judge(404, "", body, &ASKED)),
                    AdvisorError::ModelNotFound { .. }
                ),
                "{body}"
            );
        }
        let path = r#"{"error":{"message":"Invalid URL (POST /v2/chat/completions)"}}"#;
        assert!(matches!(
            failed(judge(404, "", path, &ASKED)),
            AdvisorError::NoEndpoint { .. }
        ));
        assert!(matches!(
            failed(judge(404, "text/html", "<h1>Not Found</h1>", &ASKED)),
            AdvisorError::NoEndpoint { .. }
        ));
    }

    #[test]
    fn statuses_map_to_their_errors_with_the_key_masked() {
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret"}}"#;
        let error = failed(judge(401, "", body, &ASKED));
        assert!(matches!(
            error,
            AdvisorError::KeyRefused { status: 401, .. }
        ));
        assert!(!format!("{error} {error:?}").contains("sk-secret"));
        assert!(matches!(
            failed(judge(429, "", "{}", &ASKED)),
            AdvisorError::RateLimited { tries: 1, .. }
        ));
        assert!(matches!(
            failed(judge(503, "", "busy", &ASKED)),
            AdvisorError::Server { status: 503, .. }
        ));
        assert!(matches!(
            failed(judge(302, "", "", &ASKED)),
            AdvisorError::NotCompatible { .. }
        ));
    }

    #[test]
    fn a_refusal_is_its_own_error() {
        let body =
            r#"{"choices":[{"message":{"content":null,"refusal":"I can't help with that."}}]}"#;
        let error = failed(judge(200, "application/json", body, &ASKED));
        assert!(matches!(error, AdvisorError::Refused { .. }), "{error:?}");
        assert!(error.to_string().contains("I can't help with that."));
    }

    #[test]
    fn content_without_json_is_no_json() {
        let body = r#"{"choices":[{"message":{"content":"Sure! Turn the LED on."}}]}"#;
        assert!(matches!(
            failed(judge(200, "", body, &ASKED)),
            AdvisorError::NoJson { .. }
        ));
    }
}
