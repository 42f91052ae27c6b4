//! What a server said, made safe to put in an error: the message picked out of its error body,
//! the key masked, control characters escaped, shortened to one readable line.

use serde_json::Value;

/// The most text of a server's message kept in an error.
const MAX_CHARS: usize = 200;

/// The error of a non-2xx answer, as far as its body tells.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ServerError {
    /// The human message: `error.message`, a bare `error` string, `message` or `detail`,
    /// else the body's text.
    pub(crate) message: String,
    /// `error.code`, else `error.type`, when given as a string.
    pub(crate) code: Option<String>,
}

impl ServerError {
    /// Reads the error out of a response body (OpenAI's `{"error":{"message",…}}`, a bare
    /// `{"error":"…"}` as local servers send, FastAPI's `{"detail":…}`, or plain text).
    pub(crate) fn parse(body: &str) -> ServerError {
        let Ok(json) = serde_json::from_str::<Value>(body) else {
            return ServerError {
                message: body.trim().to_owned(),
                code: None,
            };
        };
        let error = &json["error"];
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        let message = text(&error["message"])
            .or_else(|| error.as_str().map(str::to_owned))
            .or_else(|| text(&json["message"]))
            .or_else(|| text(&json["detail"]))
            .unwrap_or_else(|| body.trim().to_owned());
        let code = [&error["code"], &error["type"]]
            .into_iter()
            .find_map(|v| v.as_str().map(str::to_owned));
        ServerError { message, code }
    }
}

/// `text` made safe for an error line: each occurrence of `key` replaced by `***`, control
/// characters escaped, at most [`MAX_CHARS`] characters (then `…`); `(empty)` when empty.
pub(crate) fn quote(text: &str, key: Option<&str>) -> String {
    let masked = match key {
        Some(key) if !key.is_empty() => text.replace(key, "***"),
        _ => text.to_owned(),
    };
    let masked = masked.trim();
    if masked.is_empty() {
        return "(empty)".to_owned();
    }
    let mut out = String::new();
    for (i, c) in masked.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_error_gives_message_and_code() {
        let body = r#"{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
        let error = ServerError::parse(body);
        assert_eq!(error.message, "The model `x` does not exist");
        assert_eq!(error.code.as_deref(), Some("model_not_found"));
    }

    #[test]
    fn type_stands_in_for_a_missing_code() {
        let error = ServerError::parse(
            r#"{"error":{"message":"m","type":"invalid_request_error","code":null}}"#,
        );
        assert_eq!(error.code.as_deref(), Some("invalid_request_error"));
    }

    #[test]
    fn bare_error_string_detail_and_plain_text_are_read() {
        assert_eq!(
            ServerError::parse(r#"{"error":"model 'x' not found"}"#).message,
            "model 'x' not found"
        );
        assert_eq!(
            ServerError::parse(r#"{"detail":"Not Found"}"#).message,
            "Not Found"
        );
        assert_eq!(
            ServerError::parse(r#"{"detail":[{"loc":["body"]}]}"#).message,
            r#"[{"loc":["body"]}]"#
        );
        assert_eq!(ServerError::parse(" Bad Gateway\n").message, "Bad Gateway");
    }

    #[test]
    fn quote_masks_the_key_escapes_controls_and_shortens() {
        assert_eq!(
            quote("bad key sk-123 given", Some("sk-123")),
            "bad key *** given"
        );
        assert_eq!(quote("a\nb\u{1b}[31m", None), "a\\nb\\u{1b}[31m");
        let long = quote(&"x".repeat(500), None);
        assert_eq!(long.chars().count(), MAX_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(quote("  ", None), "(empty)");
    }
}
