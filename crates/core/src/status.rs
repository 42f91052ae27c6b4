//! Board status payloads on `hexaboard/{board}/status`.
//!
//! The course firmware publishes plain text, not JSON: `online` when it starts and `offline`
//! as its last will. Surrounding whitespace and letter case are forgiven.
//!
//! ```
//! use hexaboard_core::status::Status;
//!
//! assert_eq!(Status::parse(b" Online\n"), Ok(Status::Online));
//! assert!(Status::parse(b"{\"status\":\"online\"}").is_err());
//! ```

use std::fmt;

use thiserror::Error;

/// Whether a board is online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The board announced itself.
    Online,
    /// The board said goodbye, or the broker published its last will.
    Offline,
}

/// A status payload that is neither `online` nor `offline`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("status should be `online` or `offline`, found {found}")]
pub struct StatusError {
    /// What was found, quoted and shortened (or described, when not text).
    pub found: String,
}

impl Status {
    /// Parses a status payload.
    ///
    /// # Errors
    ///
    /// [`StatusError`] for anything but `online` / `offline` (trimmed, any case).
    pub fn parse(payload: &[u8]) -> Result<Status, StatusError> {
        let text = match std::str::from_utf8(payload) {
            Ok(text) => text.trim(),
            Err(_) => {
                return Err(StatusError {
                    found: format!("{} bytes that are not UTF-8 text", payload.len()),
                })
            }
        };
        if text.eq_ignore_ascii_case("online") {
            Ok(Status::Online)
        } else if text.eq_ignore_ascii_case("offline") {
            Ok(Status::Offline)
        } else {
            let shown: String = text.chars().take(40).collect();
            let cut = if text.chars().count() > 40 { "…" } else { "" };
            Err(StatusError {
                found: format!("{:?}{cut}", shown),
            })
        }
    }

    /// `online` or `offline`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Online => "online",
            Status::Offline => "offline",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_and_offline_parse_in_any_case_with_whitespace() {
        for (payload, status) in [
            (&b"online"[..], Status::Online),
            (b"OFFLINE", Status::Offline),
            (b"  Online\r\n", Status::Online),
            (b"\toffline ", Status::Offline),
        ] {
            assert_eq!(Status::parse(payload), Ok(status));
        }
    }

    #[test]
    fn anything_else_is_an_error_that_shows_what_was_found() {
        assert_eq!(
            Status::parse(b"on line").unwrap_err().to_string(),
            "status should be `online` or `offline`, found \"on line\""
        );
        assert_eq!(
            Status::parse(b"").unwrap_err().to_string(),
            "status should be `online` or `offline`, found \"\""
        );
        assert_eq!(
            Status::parse(b"\xff\xfe").unwrap_err().to_string(),
            "status should be `online` or `offline`, found 2 bytes that are not UTF-8 text"
        );
        let long = "x".repeat(100);
        assert!(Status::parse(long.as_bytes())
            .unwrap_err()
            .found
            .ends_with("\"…"));
    }
}
