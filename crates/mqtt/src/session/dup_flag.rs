//! The DUP flag of a received message: whether the broker says it sent this message before.
//!
//! The flag is the protocol's own mark of a resend (MQTT 3.1.1 §3.3.1.1, 5.0 §3.3.1.1), and
//! Paho C keeps it for every message it delivers (`MQTTAsync_message.dup`). `paho-mqtt` 0.14
//! holds that C struct in its `Message` but has no accessor for the field, and the struct is
//! private. Its `Debug` output, which the crate derives and so publishes field by field, is
//! the one way to it without `unsafe`: the flag is read there, the formatting stopped as soon
//! as the flag has been written (a few dozen bytes, before the payload).
//!
//! The accessor the crate lacks is a two-line change to `paho-mqtt`'s `message.rs`, kept as
//! `docs/paho-rust/message-is-duplicate.patch` to be offered upstream; once a release has it,
//! this module becomes `msg.is_duplicate()`. A test pins the reading on the version in use:
//! `crates/mqtt/tests/session_dup.rs` receives messages with and without the flag from a
//! scripted broker.

use std::fmt::{self, Write};

use paho_mqtt as paho;

/// Whether the broker set the DUP flag on `msg`. `false` when the flag cannot be found, which
/// makes a redelivery look new: stored again, never lost.
pub(crate) fn is_duplicate(msg: &paho::Message) -> bool {
    let mut scan = Scan::default();
    // The scan ends the formatting with an error once it has its answer.
    let _ = write!(scan, "{msg:?}");
    scan.found == Some(true)
}

/// What the scan looks for in the `Debug` text: `dup: ` followed by the flag's digit.
const FIELD: &[u8] = b"dup: ";
/// The `Debug` text before the flag is about 150 bytes; the scan gives up well after.
const GIVE_UP: usize = 512;

#[derive(Default)]
struct Scan {
    /// How many bytes of [`FIELD`] the text has just matched.
    matched: usize,
    seen: usize,
    found: Option<bool>,
}

impl Write for Scan {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &byte in s.as_bytes() {
            self.seen += 1;
            if self.matched == FIELD.len() {
                self.found = Some(byte != b'0');
                return Err(fmt::Error);
            }
            self.matched = if byte == FIELD[self.matched] {
                self.matched + 1
            } else {
                usize::from(byte == FIELD[0])
            };
        }
        if self.seen > GIVE_UP {
            return Err(fmt::Error);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Option<bool> {
        let mut scan = Scan::default();
        let _ = scan.write_str(text);
        scan.found
    }

    #[test]
    fn the_flag_is_read_from_the_field_and_nowhere_else() {
        assert_eq!(
            scanned("M { qos: 1, retained: 0, dup: 1, msgid: 3 }"),
            Some(true)
        );
        assert_eq!(
            scanned("M { qos: 1, retained: 0, dup: 0, msgid: 3 }"),
            Some(false)
        );
        assert_eq!(scanned("M { ddup: 1 }"), Some(true));
        assert_eq!(scanned("M { qos: 1 }"), None);
    }

    #[test]
    fn a_message_made_here_has_the_flag_clear() {
        let msg = paho::Message::new("hexaboard/A/sensor/data", "{}", 1);
        assert!(!is_duplicate(&msg));
        let mut scan = Scan::default();
        let _ = write!(scan, "{msg:?}");
        assert_eq!(scan.found, Some(false), "the Debug text names the flag");
    }
}
