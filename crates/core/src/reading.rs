//! A sensor payload parsed into a typed [`Reading`].
//!
//! The course firmware publishes `{"board": "A", "temperature": 25, "humidity": 60,
//! "timestamp": 1234567890}` to `hexaboard/A/sensor/data`. Parsing checks everything a later
//! step relies on, so after [`ReadingParser::parse`] a [`Reading`] has a board and finite
//! numbers inside their physical ranges:
//!
//! ```
//! use hexaboard_core::reading::ReadingParser;
//!
//! let parser = ReadingParser::default();
//! let payload = br#"{"board":"A","temperature":25,"humidity":60.5,"timestamp":1234567890}"#;
//! let reading = parser.parse(payload, "hexaboard/A/sensor/data").unwrap();
//! assert_eq!(reading.board(), "A");
//! assert_eq!(reading.temperature().as_str(), "25");
//! assert_eq!(reading.humidity().value(), 60.5);
//! assert!(reading.light().is_none()); // the course firmware sends no light
//!
//! let err = parser.parse(br#"{"temperature":"hot","humidity":60}"#, "t").unwrap_err();
//! assert_eq!(err.to_string(), "`temperature` should be a number, found string \"hot\"");
//! ```
//!
//! Parsing borrows from the payload (no allocation for a board id without escapes) because it
//! runs once per message on the receive path.
//!
//! | file | holds |
//! | --- | --- |
//! | `parser.rs` | [`ReadingParser`]: the checks from bytes to a reading |
//! | `fields.rs` | [`Field`], and each field's raw JSON text found by `serde_json` |
//! | `limits.rs` | [`Limits`]: physical ranges and the payload size limit |
//! | `error.rs` | [`ReadingError`] and its [`ReadingErrorKind`] |

use std::borrow::Cow;

use crate::number::Number;

mod error;
mod fields;
mod limits;
mod parser;
#[cfg(test)]
mod tests;

pub use error::{ReadingError, ReadingErrorKind};
pub use fields::Field;
pub use limits::{Limits, DEFAULT_MAX_PAYLOAD};
pub use parser::{board_from_topic, ReadingParser};

/// The board id used when neither the payload nor the topic names one, as the chapter does
/// (`data.get("board", "Unknown")`).
pub const UNKNOWN_BOARD: &str = "Unknown";

/// Where a reading's board id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardSource {
    /// The payload's `board` field.
    Payload,
    /// The board level of the topic (`hexaboard/{board}/...`).
    Topic,
    /// Neither: the board is [`UNKNOWN_BOARD`].
    Unknown,
}

/// A sensor reading. It borrows the board id from the payload when it can.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading<'a> {
    board: Cow<'a, str>,
    board_source: BoardSource,
    temperature: Number,
    humidity: Number,
    light: Option<Number>,
    timestamp: Option<Number>,
}

impl<'a> Reading<'a> {
    /// Builds a reading from parts (for simulators and tests). No range checks are made.
    pub fn new(
        board: impl Into<Cow<'a, str>>,
        temperature: Number,
        humidity: Number,
        light: Option<Number>,
        timestamp: Option<Number>,
    ) -> Reading<'a> {
        Reading {
            board: board.into(),
            board_source: BoardSource::Payload,
            temperature,
            humidity,
            light,
            timestamp,
        }
    }

    /// The board id: the payload's `board`, else the topic's board level, else `Unknown`.
    pub fn board(&self) -> &str {
        &self.board
    }

    /// Where [`Reading::board`] came from.
    pub fn board_source(&self) -> BoardSource {
        self.board_source
    }

    /// Temperature in °C.
    pub fn temperature(&self) -> Number {
        self.temperature
    }

    /// Relative humidity in %.
    pub fn humidity(&self) -> Number {
        self.humidity
    }

    /// Light level, when the board sends one.
    pub fn light(&self) -> Option<Number> {
        self.light
    }

    /// The board's own timestamp (raw seconds; see [`crate::board_time`] for its meaning).
    pub fn timestamp(&self) -> Option<Number> {
        self.timestamp
    }

    /// A copy that owns its board id, to keep beyond the payload's lifetime.
    pub fn into_owned(self) -> Reading<'static> {
        Reading {
            board: Cow::Owned(self.board.into_owned()),
            board_source: self.board_source,
            temperature: self.temperature,
            humidity: self.humidity,
            light: self.light,
            timestamp: self.timestamp,
        }
    }
}
