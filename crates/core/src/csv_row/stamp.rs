//! The local receive time as the chapter writes it, `YYYY-MM-DD HH:MM:SS`, made once per
//! second.

use std::io::Write as _;

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::text::DateTime;

/// Formats local `YYYY-MM-DD HH:MM:SS` once per second: readings arrive many per second, and
/// a cached text makes the timestamp cost a comparison.
#[derive(Debug)]
pub(super) struct SecondCache {
    unix: i64,
    offset: Option<UtcOffset>,
    text: [u8; 19],
    len: usize,
}

impl Default for SecondCache {
    fn default() -> SecondCache {
        SecondCache {
            unix: i64::MIN,
            offset: None,
            text: [0; 19],
            len: 0,
        }
    }
}

impl SecondCache {
    pub(super) fn format(&mut self, at: OffsetDateTime, offset: UtcOffset) -> &[u8] {
        let unix = at.unix_timestamp();
        if unix != self.unix || self.offset != Some(offset) {
            let local = at.to_offset(offset);
            let local = DateTime(PrimitiveDateTime::new(local.date(), local.time()));
            let mut rest = &mut self.text[..];
            // 19 bytes hold every year of four digits; a later one is cut, never overflows.
            let _ = write!(rest, "{local}");
            self.len = 19 - rest.len();
            self.unix = unix;
            self.offset = Some(offset);
        }
        &self.text[..self.len]
    }
}
