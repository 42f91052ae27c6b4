//! [`Format`]: how the answer's JSON is asked for, the rungs of the fallback ladder.
//!
//! Servers differ: the official API takes a JSON schema (structured outputs) for most models;
//! llama-cpp-python's server takes only `json_object`, and holds the answer to a schema given
//! beside it (`{"type":"json_object","schema":…}`, which llama.cpp's server takes too); older
//! models of the official API take `json_object` alone; some servers take no
//! `response_format` at all. The client starts at the top and steps down when a server
//! refuses a rung.

use std::fmt;

use serde_json::{json, Value};

/// How the answer's JSON was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `response_format` of type `json_schema`, strict, with the schema.
    JsonSchema,
    /// `response_format` of type `json_object` with the schema beside it (local servers hold
    /// the answer to it), and the schema in the system message.
    JsonObjectSchema,
    /// `response_format` of type `json_object`, the schema in the system message.
    JsonObject,
    /// No `response_format`; the schema in the system message and the JSON object found in
    /// the answer's text.
    Plain,
}

impl Format {
    /// The next rung down, or `None` after [`Format::Plain`].
    pub(crate) fn next(self) -> Option<Format> {
        match self {
            Format::JsonSchema => Some(Format::JsonObjectSchema),
            Format::JsonObjectSchema => Some(Format::JsonObject),
            Format::JsonObject => Some(Format::Plain),
            Format::Plain => None,
        }
    }

    /// The request body asking `user` after `system` in this format.
    pub(crate) fn request(
        self,
        model: &str,
        system: &str,
        user: &str,
        schema_name: &str,
        schema: &Value,
    ) -> Value {
        let system = match self {
            Format::JsonSchema => system.to_owned(),
            Format::JsonObjectSchema | Format::JsonObject | Format::Plain => format!(
                "{system}\n\nAnswer with one JSON object that follows this JSON schema: {schema}"
            ),
        };
        let mut body = json!({
            "model": model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0,
        });
        let response_format = match self {
            Format::JsonSchema => Some(json!({
                "type": "json_schema",
                "json_schema": {"name": schema_name, "strict": true, "schema": schema},
            })),
            Format::JsonObjectSchema => Some(json!({"type": "json_object", "schema": schema})),
            Format::JsonObject => Some(json!({"type": "json_object"})),
            Format::Plain => None,
        };
        if let Some(format) = response_format {
            body["response_format"] = format;
        }
        body
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::JsonSchema => "json_schema",
            Format::JsonObjectSchema => "json_object+schema",
            Format::JsonObject => "json_object",
            Format::Plain => "plain",
        })
    }
}

/// The outermost JSON object in `text`: from its first `{` to its last `}`, when that is valid
/// JSON. Models asked without `response_format` often wrap their JSON in ```` ```json ````
/// fences or a sentence.
pub(crate) fn json_object_in(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let candidate = text.get(start..=end)?;
    serde_json::from_str::<Value>(candidate)
        .ok()
        .filter(Value::is_object)
        .map(|_| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_rung() {
        let names: Vec<String> = [
            Format::JsonSchema,
            Format::JsonObjectSchema,
            Format::JsonObject,
            Format::Plain,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            names,
            ["json_schema", "json_object+schema", "json_object", "plain"]
        );
    }

    #[test]
    fn the_ladder_goes_down_and_ends() {
        assert_eq!(Format::JsonSchema.next(), Some(Format::JsonObjectSchema));
        assert_eq!(Format::JsonObjectSchema.next(), Some(Format::JsonObject));
        assert_eq!(Format::JsonObject.next(), Some(Format::Plain));
        assert_eq!(Format::Plain.next(), None);
    }

    #[test]
    fn json_schema_request_keeps_the_system_message_and_sends_the_schema_strict() {
        let schema = json!({"type": "object"});
        let body = Format::JsonSchema.request("m", "sys", "usr", "advice", &schema);
        assert_eq!(body["messages"][0]["content"], "sys");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(body["response_format"]["json_schema"]["schema"], schema);
    }

    #[test]
    fn lower_rungs_put_the_schema_in_the_system_message() {
        let schema = json!({"type": "object"});
        let held = Format::JsonObjectSchema.request("m", "sys", "usr", "advice", &schema);
        assert_eq!(
            held["response_format"],
            json!({"type": "json_object", "schema": {"type": "object"}})
        );
        let object = Format::JsonObject.request("m", "sys", "usr", "advice", &schema);
        assert_eq!(object["response_format"], json!({"type": "json_object"}));
        let plain = Format::Plain.request("m", "sys", "usr", "advice", &schema);
        assert!(plain.get("response_format").is_none());
        for body in [held, object, plain] {
            let system = body["messages"][0]["content"].as_str().unwrap();
            assert!(
                system.starts_with("sys\n\nAnswer with one JSON object"),
                "{system}"
            );
            assert!(system.ends_with(r#"{"type":"object"}"#), "{system}");
        }
    }

    #[test]
    fn json_object_is_found_in_fences_and_prose() {
        assert_eq!(json_object_in(r#"{"a":1}"#), Some(r#"{"a":1}"#));
        assert_eq!(
            json_object_in("```json\n{\"a\":{\"b\":2}}\n```"),
            Some(r#"{"a":{"b":2}}"#)
        );
        assert_eq!(
            json_object_in("Here it is: {\"a\":1}. Done."),
            Some(r#"{"a":1}"#)
        );
    }

    #[test]
    fn text_without_a_json_object_gives_none() {
        assert_eq!(json_object_in("no json here"), None);
        assert_eq!(json_object_in("{not json}"), None);
        assert_eq!(json_object_in("} {"), None);
        assert_eq!(json_object_in("[1, 2]"), None);
    }
}
