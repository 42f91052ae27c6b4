//! [`JsonError`]: a `serde_json` error kept whole as the cause of a core error, cheap to clone
//! and comparable like the errors that hold it.

use std::fmt;
use std::sync::Arc;

/// A `serde_json` error, kept as the `source` of the error that reports it.
///
/// Its text is `serde_json`'s own; [`JsonError::cause`], [`JsonError::line`] and
/// [`JsonError::column`] give the parts a message lays out in its own words.
#[derive(Debug, Clone)]
pub struct JsonError(Arc<serde_json::Error>);

impl JsonError {
    /// What the parser found wrong, without the position `serde_json` appends
    /// (`expected value`, not `expected value at line 1 column 5`).
    pub fn cause(&self) -> String {
        let text = self.0.to_string();
        match text.rfind(" at line ") {
            Some(cut) => text[..cut].to_owned(),
            None => text,
        }
    }

    /// 1-based line of the error.
    pub fn line(&self) -> usize {
        self.0.line()
    }

    /// 1-based column of the error.
    pub fn column(&self) -> usize {
        self.0.column()
    }

    /// The `serde_json` error itself.
    pub fn get(&self) -> &serde_json::Error {
        &self.0
    }
}

impl From<serde_json::Error> for JsonError {
    fn from(e: serde_json::Error) -> JsonError {
        JsonError(Arc::new(e))
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Two errors are equal when `serde_json` describes them alike: the same kind, text and
/// position.
impl PartialEq for JsonError {
    fn eq(&self, other: &JsonError) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.classify() == other.0.classify()
                && self.0.to_string() == other.0.to_string())
    }
}

impl Eq for JsonError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> JsonError {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .unwrap_err()
            .into()
    }

    #[test]
    fn the_cause_and_position_are_apart_and_the_text_is_serde_jsons() {
        let e = error("{\n  \"a\": }");
        assert_eq!(
            (e.cause().as_str(), e.line(), e.column()),
            ("expected value", 2, 8)
        );
        assert_eq!(e.to_string(), "expected value at line 2 column 8");
    }

    #[test]
    fn errors_described_alike_are_equal() {
        assert_eq!(error("[1,"), error("[1,"));
        assert_ne!(error("[1,"), error("[1,]"));
    }
}
