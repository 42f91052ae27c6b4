//! The advisor's answer: one JSON object in a fixed schema, read back strictly.
//!
//! ```json
//! {"explanation": "…", "action": "led_on" | "led_off" | "none", "board": "B" | null,
//!  "color": [R, G, B] | null, "brightness": 0-100 | null, "reason": "…"}
//! ```
//!
//! Every field is required and no other is allowed, as OpenAI's structured outputs require of a
//! strict schema. The values are read as the model wrote them (the action as text, numbers as
//! integers of any size) so that [`Verdict`](super::Verdict) can refuse a wrong one with its
//! value; an answer that is not JSON, or not of this shape, is an [`AnswerError`].

use serde::Deserialize;
use serde_json::{json, Value};
use thiserror::Error;

use crate::json_error::JsonError;

/// The schema's name, as `response_format.json_schema.name` gives it.
pub const SCHEMA_NAME: &str = "hexaboard_advice";

/// The actions a model may propose: the LED commands and an explicit "no action".
pub const ACTIONS: [&str; 3] = ["led_on", "led_off", "none"];

/// The advice a model gave, as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// A short explanation for the user, in the user's language.
    pub explanation: String,
    /// `led_on`, `led_off` or `none` (anything else is refused).
    pub action: String,
    /// The board the command is for; `null` with `none`.
    pub board: Option<String>,
    /// `[R, G, B]` for `led_on`, each 0–255.
    pub color: Option<Vec<i64>>,
    /// Percent for `led_on`, 0–100.
    pub brightness: Option<i64>,
    /// Why this action.
    pub reason: String,
}

/// An answer that is not a proposal.
#[derive(Debug, Clone, Error)]
pub enum AnswerError {
    /// Not JSON at all: what the parser said (in the message, so not also given as its
    /// source).
    #[error("the model's answer is not JSON ({})", .0.cause())]
    NotJson(JsonError),
    /// JSON, but not the schema's object: a field missing, unknown or of the wrong type (in
    /// the message, so not also given as its source).
    #[error("the model's answer breaks the advice schema: {}", .0.cause())]
    Schema(JsonError),
}

impl Proposal {
    /// Reads a model's answer.
    ///
    /// # Errors
    ///
    /// [`AnswerError::NotJson`] or [`AnswerError::Schema`] with what the parser found.
    pub fn parse(answer: &str) -> Result<Proposal, AnswerError> {
        let value: Value =
            serde_json::from_str(answer.trim()).map_err(|e| AnswerError::NotJson(e.into()))?;
        serde_json::from_value(value).map_err(|e| AnswerError::Schema(e.into()))
    }
}

/// The JSON schema of [`Proposal`], strict: every field required, no other field.
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "explanation": {
                "type": "string",
                "description": "One or two short sentences for the user, in the user's language"
            },
            "action": { "type": "string", "enum": ACTIONS },
            "board": {
                "type": ["string", "null"],
                "description": "The board the command is for, one of the allowed boards; null with none"
            },
            "color": {
                "type": ["array", "null"],
                "items": { "type": "integer" },
                "description": "[R, G, B], each 0-255, for led_on; null otherwise"
            },
            "brightness": {
                "type": ["integer", "null"],
                "description": "Percent 0-100 for led_on; null otherwise"
            },
            "reason": { "type": "string", "description": "Why this action, briefly" }
        },
        "required": ["explanation", "action", "board", "color", "brightness", "reason"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"explanation":"ok","action":"none","board":null,"color":null,"brightness":null,"reason":"fine"}"#;

    #[test]
    fn a_proposal_is_read_as_written() {
        let proposal = Proposal::parse(GOOD).unwrap();
        assert_eq!(proposal.action, "none");
        assert_eq!(proposal.board, None);
        let big = Proposal::parse(&GOOD.replace(r#""brightness":null"#, r#""brightness":999"#));
        assert_eq!(big.unwrap().brightness, Some(999));
    }

    #[test]
    fn anything_outside_the_schema_is_an_error_naming_it() {
        let extra = GOOD.replace('}', r#","mood":"happy"}"#);
        let error = Proposal::parse(&extra).unwrap_err();
        assert!(matches!(error, AnswerError::Schema(_)), "{error}");
        assert!(
            error.to_string().contains("unknown field `mood`"),
            "{error}"
        );

        let missing = r#"{"explanation":"ok","action":"none"}"#;
        let error = Proposal::parse(missing).unwrap_err().to_string();
        assert!(error.contains("missing field"), "{error}");

        let error = Proposal::parse("Sure! Turn it blue.").unwrap_err();
        assert!(matches!(error, AnswerError::NotJson(_)), "{error}");
        assert!(Proposal::parse("[1,2]").is_err());
    }

    #[test]
    fn the_schema_is_strict_and_names_every_field_of_the_proposal() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], false);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let properties: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = required.clone();
        sorted.sort_unstable();
        let mut props = properties.clone();
        props.sort_unstable();
        assert_eq!(sorted, props);
        // Every required field present makes a proposal: the schema and the struct agree.
        assert!(Proposal::parse(GOOD).is_ok());
        assert_eq!(required.len(), GOOD.matches("\":").count());
    }
}
