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

use std::borrow::Cow;
use std::fmt;
use std::ops::RangeInclusive;

use thiserror::Error;

use crate::number::{Number, NumberError};

mod fields;

/// Largest payload accepted by default: 64 KiB. A reading is under 100 bytes; anything near
/// this size is a broken or hostile publisher.
pub const DEFAULT_MAX_PAYLOAD: usize = 64 * 1024;

/// The board id used when neither the payload nor the topic names one, as the chapter does
/// (`data.get("board", "Unknown")`).
pub const UNKNOWN_BOARD: &str = "Unknown";

/// A field of a sensor payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `board`: the board id.
    Board,
    /// `temperature` in °C.
    Temperature,
    /// `humidity` in %.
    Humidity,
    /// `light`: optional, the course firmware does not send it.
    Light,
    /// `timestamp`: the board's clock, seconds.
    Timestamp,
}

impl Field {
    /// The JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Board => "board",
            Field::Temperature => "temperature",
            Field::Humidity => "humidity",
            Field::Light => "light",
            Field::Timestamp => "timestamp",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Field::Temperature => " °C",
            Field::Humidity => " %",
            Field::Timestamp => " s",
            Field::Board | Field::Light => "",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    #[error("payload is not valid JSON: {message} at line {line}, column {column}")]
    NotJson {
        /// What the JSON parser found wrong.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
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

/// Physical limits a reading must respect, and the payload size limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest payload accepted, in bytes.
    pub max_payload: usize,
    /// Accepted temperatures in °C. Default −40..=125, the DHT family's widest range.
    pub temperature: RangeInclusive<f64>,
    /// Accepted relative humidity in %. Default 0..=100.
    pub humidity: RangeInclusive<f64>,
    /// Accepted light values. Default 0..=200,000 (lux in full sunlight; also any ADC count).
    pub light: RangeInclusive<f64>,
    /// Accepted board timestamps in seconds. Default 0..=2^33 (beyond the year 2200).
    pub timestamp: RangeInclusive<f64>,
    /// Longest board id accepted, in bytes. Default 64.
    pub max_board_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_payload: DEFAULT_MAX_PAYLOAD,
            temperature: -40.0..=125.0,
            humidity: 0.0..=100.0,
            light: 0.0..=200_000.0,
            timestamp: 0.0..=8_589_934_592.0,
            max_board_len: 64,
        }
    }
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
        let raw = fields::by_serde(text).map_err(|e| json_error(&e))?;

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
    let kind = match raw.as_bytes().first() {
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        Some(b'[') => "array",
        Some(b'{') => "object",
        _ => "number",
    };
    format!("{kind} {}", shorten(raw))
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
        Err(e) => json_error(&e),
        Ok(_) => ReadingError::NotObject {
            found: match text.trim_start().as_bytes().first() {
                Some(b'[') => "array",
                Some(b'"') => "string",
                Some(b't' | b'f') => "boolean",
                Some(b'n') => "null",
                _ => "number",
            },
        },
    }
}

fn json_error(e: &serde_json::Error) -> ReadingError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; keep only the cause.
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    };
    ReadingError::NotJson {
        message,
        line: e.line(),
        column: e.column(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(payload: &str) -> Result<Reading<'_>, ReadingError> {
        static PARSER: std::sync::OnceLock<ReadingParser> = std::sync::OnceLock::new();
        PARSER
            .get_or_init(ReadingParser::default)
            .parse(payload.as_bytes(), "hexaboard/B/sensor/data")
    }

    fn error(payload: &str) -> String {
        parse(payload).unwrap_err().to_string()
    }

    #[test]
    fn firmware_payload_parses_with_every_field() {
        let r = parse(r#"{"board":"A","temperature":25,"humidity":60,"timestamp":1234567890}"#)
            .unwrap();
        assert_eq!(r.board(), "A");
        assert_eq!(r.board_source(), BoardSource::Payload);
        assert_eq!(r.temperature().as_str(), "25");
        assert_eq!(r.humidity().as_str(), "60");
        assert_eq!(r.light(), None);
        assert_eq!(r.timestamp().unwrap().value(), 1_234_567_890.0);
    }

    #[test]
    fn board_falls_back_to_the_topic_then_to_unknown() {
        let r = parse(r#"{"temperature":25,"humidity":60}"#).unwrap();
        assert_eq!((r.board(), r.board_source()), ("B", BoardSource::Topic));
        let p = ReadingParser::default();
        let r = p
            .parse(br#"{"temperature":25,"humidity":60}"#, "lab/sensor")
            .unwrap();
        assert_eq!(
            (r.board(), r.board_source()),
            ("Unknown", BoardSource::Unknown)
        );
    }

    #[test]
    fn board_with_escapes_is_unescaped_and_integer_board_is_accepted() {
        assert_eq!(
            parse(r#"{"board":"\uc13c","temperature":1,"humidity":2}"#)
                .unwrap()
                .board(),
            "센"
        );
        assert_eq!(
            parse(r#"{"board":7,"temperature":1,"humidity":2}"#)
                .unwrap()
                .board(),
            "7"
        );
    }

    #[test]
    fn numbers_in_strings_and_fractions_are_accepted() {
        let r = parse(r#"{"temperature":"25","humidity":" 60.50 ","light":800}"#).unwrap();
        assert_eq!(r.temperature().as_str(), "25");
        assert_eq!(r.humidity().as_str(), "60.5");
        assert_eq!(r.light().unwrap().as_str(), "800");
    }

    #[test]
    fn null_light_is_absent_and_extra_fields_are_ignored() {
        let r = parse(r#"{"temperature":25,"humidity":60,"light":null,"rssi":-70,"x":{"y":[1]}}"#)
            .unwrap();
        assert_eq!(r.light(), None);
    }

    #[test]
    fn every_error_names_the_field_and_what_was_found() {
        let table = [
            (r#"{"humidity":60}"#, "`temperature` is missing"),
            (r#"{"temperature":null,"humidity":60}"#, "`temperature` is missing"),
            (r#"{"temperature":25}"#, "`humidity` is missing"),
            (
                r#"{"temperature":true,"humidity":60}"#,
                "`temperature` should be a number, found boolean true",
            ),
            (
                r#"{"temperature":25,"humidity":[60]}"#,
                "`humidity` should be a number, found array [60]",
            ),
            (
                r#"{"temperature":1e999,"humidity":60}"#,
                "`temperature` is not a finite number: 1e999",
            ),
            (
                r#"{"temperature":"NaN","humidity":60}"#,
                "`temperature` is not a finite number: \"NaN\"",
            ),
            (
                r#"{"temperature":200,"humidity":60}"#,
                "`temperature` is 200 °C, outside the range -40..125 °C a sensor can report",
            ),
            (
                r#"{"temperature":20,"humidity":100.5}"#,
                "`humidity` is 100.5 %, outside the range 0..100 % a sensor can report",
            ),
            (
                r#"{"board":false,"temperature":20,"humidity":50}"#,
                "`board` should be a string, found boolean false",
            ),
            (
                r#"{"board":"","temperature":20,"humidity":50}"#,
                "`board` should be a non-empty string, found string \"\"",
            ),
            ("[1,2]", "payload is a JSON array, expected an object like {\"temperature\": 25, \"humidity\": 60}"),
            ("  42", "payload is a JSON number, expected an object like {\"temperature\": 25, \"humidity\": 60}"),
            (
                "{\"temperature\":25,\n \"humidity\":}",
                "payload is not valid JSON: expected value at line 2, column 13",
            ),
            ("hello", "payload is not valid JSON: expected value at line 1, column 1"),
            (
                r#"{"temperature":25,"temperature":26,"humidity":1}"#,
                "payload is not valid JSON: duplicate field `temperature` at line 1, column 31",
            ),
        ];
        for (payload, expected) in table {
            assert_eq!(error(payload), expected, "payload {payload}");
        }
    }

    #[test]
    fn unusual_payloads_are_read_as_json_reads_them() {
        // What a reading became (board, temperature, humidity, timestamp), or the error.
        let outcome = |payload: &str| match parse(payload) {
            Ok(r) => format!(
                "{} {} {} {:?}",
                r.board(),
                r.temperature(),
                r.humidity(),
                r.timestamp().map(|t| t.to_string())
            ),
            Err(e) => e.to_string(),
        };
        let table = [
            (r#"{"board":"\u0041","temperature":1,"humidity":2}"#, "A 1 2 None"),
            (r#"{"board": "거실", "temperature": 25, "humidity": 60}"#, "거실 25 60 None"),
            (r#"{"x":{"y":1},"temperature":1,"humidity":2}"#, "B 1 2 None"),
            (r#"{"light":null,"temperature":1,"humidity":2}"#, "B 1 2 None"),
            (r#"{"temperature":"25","humidity":2}"#, "B 25 2 None"),
            (r#"{"temperature":2.5e1,"humidity":2}"#, "B 25.0 2 None"),
            (r#"{"board":7,"temperature":1,"humidity":2}"#, "7 1 2 None"),
            (
                r#"{"temperature":1,"humidity":2,"timestamp":817349415}"#,
                "B 1 2 Some(\"817349415\")",
            ),
            (
                r#"{"temperature":1,"humidity":2,"timestamp":12345678901234567}"#,
                "`timestamp` is 12345678901234567 s, outside the range 0..8589934592 s a sensor can report",
            ),
            (
                r#"{"temperature":1,"humidity":2,}"#,
                "payload is not valid JSON: trailing comma at line 1, column 31",
            ),
            (
                r#"{"temperature":01,"humidity":2}"#,
                "payload is not valid JSON: invalid number at line 1, column 17",
            ),
            (
                r#"{"temperature":1,"humidity":2} x"#,
                "payload is not valid JSON: trailing characters at line 1, column 32",
            ),
            (
                "{\"temperature\":1,\"humidity\":\"a\u{1}\"}",
                "payload is not valid JSON: control character (\\u0000-\\u001F) found while parsing a string at line 1, column 30",
            ),
            (
                r#"{"temperature":25-,"humidity":2}"#,
                "payload is not valid JSON: expected `,` or `}` at line 1, column 18",
            ),
        ];
        for (payload, expected) in table {
            assert_eq!(outcome(payload), expected, "payload {payload}");
        }
    }

    #[test]
    fn oversized_and_non_utf8_payloads_are_refused_before_parsing() {
        let p = ReadingParser::new(Limits {
            max_payload: 10,
            ..Limits::default()
        });
        assert_eq!(
            p.parse(b"{\"temperature\":1}", "t").unwrap_err(),
            ReadingError::TooLarge {
                size: 17,
                limit: 10
            }
        );
        assert_eq!(
            ReadingParser::default()
                .parse(b"{\"a\xff\"}", "t")
                .unwrap_err(),
            ReadingError::NotUtf8 { offset: 3 }
        );
    }

    #[test]
    fn error_kinds_are_stable_names() {
        let e = parse(r#"{"temperature":25}"#).unwrap_err();
        assert_eq!(e.kind(), ReadingErrorKind::Missing);
        assert_eq!(e.kind().as_str(), "missing");
        assert_eq!(e.field(), Some(Field::Humidity));
    }

    #[test]
    fn ranges_are_configurable() {
        let p = ReadingParser::new(Limits {
            temperature: 0.0..=50.0,
            ..Limits::default()
        });
        let err = p
            .parse(br#"{"temperature":-1,"humidity":5}"#, "t")
            .unwrap_err();
        assert_eq!(err.kind(), ReadingErrorKind::OutOfRange);
    }
}
