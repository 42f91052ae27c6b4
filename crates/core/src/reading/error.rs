//! Why a payload is not a reading: [`ReadingError`], each variant naming the field and what
//! was found, and its [`ReadingErrorKind`] for counting.

use thiserror::Error;

use super::Field;
use crate::json_error::JsonError;
use crate::number::Number;

/// Why a payload is not a reading. Every variant names the field and what was found, so the
/// rejects file and the console can say exactly what a board sent wrong.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReadingError {
    /// The payload is larger than the configured limit.
    #[error("payload is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Size of the payload.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The payload is not UTF-8 text.
    #[error("payload is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The payload is not valid JSON (or repeats a key).
    #[error(
        "payload is not valid JSON: {} at line {}, column {}",
        .json.cause(),
        .json.line(),
        .json.column()
    )]
    NotJson {
        /// What the JSON parser found wrong, and where (in the message, so not also given as
        /// its source).
        json: JsonError,
    },
    /// The payload is JSON, but not an object.
    #[error("payload is a JSON {found}, expected an object like {{\"temperature\": 25, \"humidity\": 60}}")]
    NotObject {
        /// The kind of JSON value found (`array`, `string`, `number`, ...).
        found: &'static str,
    },
    /// A required field is absent or `null`.
    #[error("`{field}` is missing")]
    Missing {
        /// The field.
        field: Field,
    },
    /// A field has the wrong JSON type, or is a string that is not a number.
    #[error("`{field}` should be {expected}, found {found}")]
    WrongType {
        /// The field.
        field: Field,
        /// What the field should be.
        expected: &'static str,
        /// What was found, shortened.
        found: String,
    },
    /// A number that is not finite (`1e999`, `"NaN"`).
    #[error("`{field}` is not a finite number: {found}")]
    NonFinite {
        /// The field.
        field: Field,
        /// The text found, shortened.
        found: String,
    },
    /// A number outside the configured physical range.
    #[error("`{field}` is {value}{unit}, outside the range {min}..{max}{unit} a sensor can report", unit = field.unit())]
    OutOfRange {
        /// The field.
        field: Field,
        /// The value found.
        value: Number,
        /// Lowest accepted value.
        min: f64,
        /// Highest accepted value.
        max: f64,
    },
}

/// The kind of a [`ReadingError`], for counting and for reporting each kind once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReadingErrorKind {
    /// [`ReadingError::TooLarge`].
    TooLarge,
    /// [`ReadingError::NotUtf8`].
    NotUtf8,
    /// [`ReadingError::NotJson`].
    NotJson,
    /// [`ReadingError::NotObject`].
    NotObject,
    /// [`ReadingError::Missing`].
    Missing,
    /// [`ReadingError::WrongType`].
    WrongType,
    /// [`ReadingError::NonFinite`].
    NonFinite,
    /// [`ReadingError::OutOfRange`].
    OutOfRange,
}

impl ReadingErrorKind {
    /// A short snake-case name (`not_json`), used in the rejects file and in counters.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingErrorKind::TooLarge => "too_large",
            ReadingErrorKind::NotUtf8 => "not_utf8",
            ReadingErrorKind::NotJson => "not_json",
            ReadingErrorKind::NotObject => "not_object",
            ReadingErrorKind::Missing => "missing",
            ReadingErrorKind::WrongType => "wrong_type",
            ReadingErrorKind::NonFinite => "non_finite",
            ReadingErrorKind::OutOfRange => "out_of_range",
        }
    }
}

impl ReadingError {
    /// The kind of this error.
    pub fn kind(&self) -> ReadingErrorKind {
        match self {
            ReadingError::TooLarge { .. } => ReadingErrorKind::TooLarge,
            ReadingError::NotUtf8 { .. } => ReadingErrorKind::NotUtf8,
            ReadingError::NotJson { .. } => ReadingErrorKind::NotJson,
            ReadingError::NotObject { .. } => ReadingErrorKind::NotObject,
            ReadingError::Missing { .. } => ReadingErrorKind::Missing,
            ReadingError::WrongType { .. } => ReadingErrorKind::WrongType,
            ReadingError::NonFinite { .. } => ReadingErrorKind::NonFinite,
            ReadingError::OutOfRange { .. } => ReadingErrorKind::OutOfRange,
        }
    }

    /// The field concerned, when the error is about one field.
    pub fn field(&self) -> Option<Field> {
        match self {
            ReadingError::Missing { field }
            | ReadingError::WrongType { field, .. }
            | ReadingError::NonFinite { field, .. }
            | ReadingError::OutOfRange { field, .. } => Some(*field),
            _ => None,
        }
    }
}
