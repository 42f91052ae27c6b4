//! LED control commands sent back to a board on `hexaboard/{board}/control/led`.
//!
//! The course firmware understands `{"action":"led_on","color":[R,G,B],"brightness":0-100}`
//! and `{"action":"led_off"}`. [`LedCommand`] builds them (values checked) and parses them
//! back, for a virtual board that acts on them.
//!
//! ```
//! use hexaboard_core::control::LedCommand;
//!
//! let on = LedCommand::on([0, 0, 255], 80).unwrap();
//! assert_eq!(on.to_json(), r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#);
//! assert_eq!(LedCommand::parse(on.to_json().as_bytes()), Ok(on));
//! assert!(LedCommand::on([0, 0, 255], 101).is_err());
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::json_error::JsonError;

/// The control topics of every board: a filter matching each [`LedCommand::topic`].
pub const CONTROL_TOPICS: &str = "hexaboard/+/control/led";

/// A command for a board's LED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum LedCommand {
    /// Light the LED.
    LedOn {
        /// Red, green, blue, each 0–255.
        color: [u8; 3],
        /// Brightness in percent, 0–100.
        brightness: u8,
    },
    /// Turn the LED off.
    LedOff,
}

/// A command that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ControlError {
    /// Brightness above 100.
    #[error("brightness is {0}, expected 0-100 (percent)")]
    Brightness(u32),
    /// A colour text that is not `R,G,B` with values 0–255.
    #[error("colour `{0}` is not R,G,B with each value 0-255 (for example 0,0,255 for blue)")]
    Color(String),
    /// A payload that is not a command: what the JSON parser said (in the message, so not
    /// also given as its source).
    #[error("not an LED command: {0}")]
    Payload(JsonError),
}

impl LedCommand {
    /// `led_on` with `color` and `brightness` (percent).
    ///
    /// # Errors
    ///
    /// [`ControlError::Brightness`] when `brightness` is above 100.
    pub fn on(color: [u8; 3], brightness: u32) -> Result<LedCommand, ControlError> {
        match u8::try_from(brightness) {
            Ok(b) if b <= 100 => Ok(LedCommand::LedOn {
                color,
                brightness: b,
            }),
            _ => Err(ControlError::Brightness(brightness)),
        }
    }

    /// The colour the LED shows after this command: black when it is off.
    pub fn shown_colour(&self) -> [u8; 3] {
        match self {
            LedCommand::LedOn { color, .. } => *color,
            LedCommand::LedOff => [0, 0, 0],
        }
    }

    /// The command's JSON, as the firmware expects it.
    pub fn to_json(&self) -> String {
        // Serialising this enum cannot fail: no maps with non-string keys, no floats.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The control topic of `board`.
    pub fn topic(board: &str) -> String {
        format!("hexaboard/{board}/control/led")
    }

    /// The board a control topic names ([`LedCommand::topic`] read back); `None` for any other
    /// topic.
    pub fn board_of(topic: &str) -> Option<&str> {
        topic
            .strip_prefix("hexaboard/")
            .and_then(|rest| rest.strip_suffix("/control/led"))
            .filter(|board| !board.is_empty() && !board.contains('/'))
    }

    /// Parses a command payload.
    ///
    /// # Errors
    ///
    /// [`ControlError::Payload`] with the JSON error, or [`ControlError::Brightness`].
    pub fn parse(payload: &[u8]) -> Result<LedCommand, ControlError> {
        let command: LedCommand =
            serde_json::from_slice(payload).map_err(|e| ControlError::Payload(e.into()))?;
        if let LedCommand::LedOn { brightness, .. } = command {
            if brightness > 100 {
                return Err(ControlError::Brightness(u32::from(brightness)));
            }
        }
        Ok(command)
    }
}

/// Parses `R,G,B` (spaces allowed), each 0–255.
///
/// # Errors
///
/// [`ControlError::Color`] naming the text.
pub fn parse_color(text: &str) -> Result<[u8; 3], ControlError> {
    let parts: Vec<Result<u8, _>> = text.split(',').map(|p| p.trim().parse::<u8>()).collect();
    match parts.as_slice() {
        [Ok(r), Ok(g), Ok(b)] => Ok([*r, *g, *b]),
        _ => Err(ControlError::Color(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn led_off_is_the_firmwares_json() {
        assert_eq!(LedCommand::LedOff.to_json(), r#"{"action":"led_off"}"#);
        assert_eq!(
            LedCommand::parse(br#"{ "action" : "led_off" }"#),
            Ok(LedCommand::LedOff)
        );
    }

    #[test]
    fn bad_commands_and_colours_are_refused_with_the_reason() {
        assert_eq!(
            LedCommand::on([1, 2, 3], 150).unwrap_err().to_string(),
            "brightness is 150, expected 0-100 (percent)"
        );
        assert!(
            LedCommand::parse(br#"{"action":"led_on","color":[0,0,256],"brightness":5}"#).is_err()
        );
        assert!(LedCommand::parse(br#"{"action":"dance"}"#).is_err());
        assert_eq!(
            LedCommand::parse(br#"{"action":"led_on","color":[0,0,1],"brightness":101}"#),
            Err(ControlError::Brightness(101))
        );
        assert_eq!(parse_color(" 0, 128 ,255"), Ok([0, 128, 255]));
        assert_eq!(
            parse_color("red").unwrap_err().to_string(),
            "colour `red` is not R,G,B with each value 0-255 (for example 0,0,255 for blue)"
        );
        assert!(parse_color("1,2,3,4").is_err());
        assert!(parse_color("1,2,300").is_err());
    }

    #[test]
    fn an_led_that_is_off_shows_black() {
        assert_eq!(LedCommand::LedOff.shown_colour(), [0, 0, 0]);
        assert_eq!(
            LedCommand::on([0, 0, 255], 5).unwrap().shown_colour(),
            [0, 0, 255]
        );
    }

    #[test]
    fn the_topic_names_the_board() {
        assert_eq!(LedCommand::topic("B"), "hexaboard/B/control/led");
        assert_eq!(LedCommand::board_of(&LedCommand::topic("B")), Some("B"));
        for other in [
            "hexaboard/B/status",
            "hexaboard//control/led",
            "hexaboard/a/b/control/led",
        ] {
            assert_eq!(LedCommand::board_of(other), None, "{other}");
        }
    }
}
