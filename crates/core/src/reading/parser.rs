//! [`ReadingParser`]: from a payload's bytes to a checked [`Reading`], or an error naming the
//! field and what was found.

use std::borrow::Cow;
use std::ops::RangeInclusive;

use super::fields::raw_fields;
use super::{BoardSource, Field, Limits, Reading, ReadingError, UNKNOWN_BOARD};
use crate::number::{Number, NumberError};

/// Parses sensor payloads against a set of [`Limits`].
#[derive(Debug, Clone, Default)]
pub struct ReadingParser {
    limits: Limits,
}

impl ReadingParser {
    /// A parser with the given limits.
    pub fn new(limits: Limits) -> ReadingParser {
        ReadingParser { limits }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Parses `payload`, received on `topic`, into a reading.
    ///
    /// The board id is the payload's `board` (a string, or an integer as some firmwares send),
    /// else the board level of a `hexaboard/{board}/...` topic, else `Unknown`. Numbers may be
    /// JSON numbers or strings holding one (`"25"`); unknown extra fields are ignored.
    ///
    /// # Errors
    ///
    /// A [`ReadingError`] naming the field and what was found. Never panics, whatever the bytes.
    pub fn parse<'a>(
        &self,
        payload: &'a [u8],
        topic: &'a str,
    ) -> Result<Reading<'a>, ReadingError> {
        if payload.len() > self.limits.max_payload {
            return Err(ReadingError::TooLarge {
                size: payload.len(),
                limit: self.limits.max_payload,
            });
        }
        let text = std::str::from_utf8(payload).map_err(|e| ReadingError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        if text.trim_start().as_bytes().first() != Some(&b'{') {
            return Err(not_an_object(text));
        }
        let raw = raw_fields(text).map_err(json_error)?;

        let (board, board_source) = match raw.board {
            Some(value) => (self.board(value)?, BoardSource::Payload),
            None => match board_from_topic(topic) {
                Some(level) => (Cow::Borrowed(level), BoardSource::Topic),
                None => (Cow::Borrowed(UNKNOWN_BOARD), BoardSource::Unknown),
            },
        };
        let limits = &self.limits;
        let required = |field, value: Option<&str>, range| match value {
            Some(v) => number(field, v, range),
            None => Err(ReadingError::Missing { field }),
        };
        let optional =
            |field, value: Option<&str>, range| value.map(|v| number(field, v, range)).transpose();
        Ok(Reading {
            board,
            board_source,
            temperature: required(Field::Temperature, raw.temperature, &limits.temperature)?,
            humidity: required(Field::Humidity, raw.humidity, &limits.humidity)?,
            light: optional(Field::Light, raw.light, &limits.light)?,
            timestamp: optional(Field::Timestamp, raw.timestamp, &limits.timestamp)?,
        })
    }

    /// Whether a board id (without its quotes) is accepted: not blank, not over the limit.
    fn board_fits(&self, board: &str) -> bool {
        board.len() <= self.limits.max_board_len && !board.trim().is_empty()
    }

    fn board<'a>(&self, raw: &'a str) -> Result<Cow<'a, str>, ReadingError> {
        let board = match raw.as_bytes().first() {
            Some(b'"') => unquote(raw),
            Some(b'-' | b'0'..=b'9') if !raw.contains(['.', 'e', 'E']) => Cow::Borrowed(raw),
            _ => {
                return Err(ReadingError::WrongType {
                    field: Field::Board,
                    expected: "a string",
                    found: describe(raw),
                })
            }
        };
        if !self.board_fits(&board) {
            return Err(ReadingError::WrongType {
                field: Field::Board,
                expected: if board.trim().is_empty() {
                    "a non-empty string"
                } else {
                    "a shorter board id (see Limits::max_board_len)"
                },
                found: describe(raw),
            });
        }
        Ok(board)
    }
}

/// The board level of a Hexaboard topic: `B` in `hexaboard/B/sensor/data`.
pub fn board_from_topic(topic: &str) -> Option<&str> {
    let mut levels = topic.split('/');
    match (levels.next(), levels.next()) {
        (Some("hexaboard"), Some(board)) if !board.is_empty() => Some(board),
        _ => None,
    }
}

/// Reads one numeric field: a JSON number, or a string holding one.
fn number(field: Field, raw: &str, range: &RangeInclusive<f64>) -> Result<Number, ReadingError> {
    let text = match raw.as_bytes().first() {
        Some(b'"') => match unquote(raw) {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
        },
        Some(b'-' | b'0'..=b'9') => Cow::Borrowed(raw),
        _ => {
            return Err(ReadingError::WrongType {
                field,
                expected: "a number",
                found: describe(raw),
            })
        }
    };
    let n = Number::parse_json(&text).map_err(|e| match e {
        NumberError::NotANumber => ReadingError::WrongType {
            field,
            expected: "a number",
            found: describe(raw),
        },
        NumberError::NonFinite => ReadingError::NonFinite {
            field,
            found: shorten(raw),
        },
    })?;
    if !range.contains(&n.value()) {
        return Err(ReadingError::OutOfRange {
            field,
            value: n,
            min: *range.start(),
            max: *range.end(),
        });
    }
    Ok(n)
}

/// The text of a JSON string token, borrowed when it has no escapes.
fn unquote(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') && raw.len() >= 2 {
        return Cow::Borrowed(&raw[1..raw.len() - 1]);
    }
    // serde_json already validated the token, so this cannot fail; fall back to the raw text.
    serde_json::from_str::<String>(raw).map_or(Cow::Borrowed(raw), Cow::Owned)
}

/// A short description of a JSON value for error messages: `string "hot"`, `boolean true`.
fn describe(raw: &str) -> String {
    format!("{} {}", json_kind(raw), shorten(raw))
}

/// The kind of the JSON value `raw` (valid JSON, spaces before it allowed), by its first
/// character: `string`, `boolean`, `null`, `array`, `object` or `number`.
fn json_kind(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        Some(b'[') => "array",
        Some(b'{') => "object",
        _ => "number",
    }
}

/// At most 40 characters of `s`, with `…` when cut.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// The error for a payload whose first character is not `{`: not JSON at all, or JSON of
/// another kind.
fn not_an_object(text: &str) -> ReadingError {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Err(e) => json_error(e),
        Ok(_) => ReadingError::NotObject {
            found: json_kind(text),
        },
    }
}

fn json_error(e: serde_json::Error) -> ReadingError {
    ReadingError::NotJson { json: e.into() }
}
