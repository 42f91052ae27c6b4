//! The five fields of a sensor payload: their names ([`Field`]), and their raw JSON text found
//! by `serde_json`.
//!
//! The raw text (`"A"` with its quotes, `25.50` as sent) lets the parser read a number the way
//! the chapter's Python does ([`crate::number::Number`] keeps `25` as `25`) and name exactly
//! what a board sent wrong, while `serde_json` checks the JSON itself: nesting, escapes,
//! duplicate keys, UTF-8.

use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

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

    /// The unit written after a value in messages (` °C`), empty for the board and light.
    pub(super) fn unit(self) -> &'static str {
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

/// The raw JSON text of each known field (`"A"` with its quotes, `25`, ...); `None` when the
/// key is absent or `null`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields<'a> {
    pub(crate) board: Option<&'a str>,
    pub(crate) temperature: Option<&'a str>,
    pub(crate) humidity: Option<&'a str>,
    pub(crate) light: Option<&'a str>,
    pub(crate) timestamp: Option<&'a str>,
}

#[derive(Deserialize)]
struct RawPayload<'a> {
    #[serde(borrow, default)]
    board: Option<&'a RawValue>,
    #[serde(borrow, default)]
    temperature: Option<&'a RawValue>,
    #[serde(borrow, default)]
    humidity: Option<&'a RawValue>,
    #[serde(borrow, default)]
    light: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
}

/// The fields of a JSON object text; unknown keys are skipped (and checked as JSON).
pub(crate) fn raw_fields(text: &str) -> Result<Fields<'_>, serde_json::Error> {
    let raw: RawPayload<'_> = serde_json::from_str(text)?;
    Ok(Fields {
        board: raw.board.map(RawValue::get),
        temperature: raw.temperature.map(RawValue::get),
        humidity: raw.humidity.map(RawValue::get),
        light: raw.light.map(RawValue::get),
        timestamp: raw.timestamp.map(RawValue::get),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_keeps_the_text_the_board_sent() {
        let text = r#"{"board": "A", "temperature": 25, "humidity": 60.50, "light": null,
                       "timestamp": 817349415, "rssi": {"dbm": -70}}"#;
        assert_eq!(
            raw_fields(text).unwrap(),
            Fields {
                board: Some("\"A\""),
                temperature: Some("25"),
                humidity: Some("60.50"),
                light: None,
                timestamp: Some("817349415"),
            }
        );
    }
}
