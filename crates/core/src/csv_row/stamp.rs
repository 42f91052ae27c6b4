//! The local receive time as the chapter writes it, `YYYY-MM-DD HH:MM:SS`, made once per
//! second.

use time::{OffsetDateTime, UtcOffset};

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
            let text = local_text(local.date(), local.time());
            self.len = text.len().min(19);
            self.text[..self.len].copy_from_slice(&text.as_bytes()[..self.len]);
            self.unix = unix;
            self.offset = Some(offset);
        }
        &self.text[..self.len]
    }
}

/// `YYYY-MM-DD HH:MM:SS`, as Python's `strftime("%Y-%m-%d %H:%M:%S")`.
pub fn local_text(date: time::Date, time: time::Time) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.year(),
        u8::from(date.month()),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}
