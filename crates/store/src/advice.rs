//! The advisor's audit trail: every call of the advisor kept where the readings are, so that a
//! user can see why a board's light changed, and so that the advisor sends at most one command
//! per board per interval ([`AdviceLog::last_applied`]).
//!
//! ```no_run
//! use hexaboard_store::advice::{AdviceEntry, AdviceFile, AdviceLog};
//! use time::OffsetDateTime;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut log: Box<dyn AdviceLog> = Box::new(AdviceFile::beside("sensor_data.csv")?);
//! log.keep(&AdviceEntry {
//!     at: OffsetDateTime::now_utc(),
//!     board: "A".into(),
//!     model: "gpt-4o-mini".into(),
//!     summary: r#"{"summary":{"board":"A","temperature":{"average":29.5}}}"#.into(),
//!     answer: Some(r#"{"explanation":"Warm.","action":"led_on","board":"A","color":[0,0,255],"brightness":80,"reason":"above 28 °C"}"#.into()),
//!     target: Some("A".into()),
//!     command: Some(r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#.into()),
//!     refusal: None,
//!     applied: true,
//! })?;
//! for entry in log.recent(Some("A"), 10)? {
//!     println!("{} {} {:?}", entry.at, entry.board, entry.command);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Three places keep it, one for each kind of store:
//!
//! | store | trail | where |
//! | --- | --- | --- |
//! | the chapter's CSV | [`AdviceFile`] | a JSON-lines file beside it: `sensor_data.csv.advice.jsonl` |
//! | SQLite | [`SqliteAdviceLog`] | the `advice` table of the same database |
//! | PostgreSQL | [`PostgresAdviceLog`] | the `advice` table of the same database |
//!
//! What every one of them promises:
//!
//! - **Kept before [`AdviceLog::keep`] returns**: the file's line is synced to disk, the
//!   database's row committed (SQLite syncs its log at that commit).
//! - **Kept exactly, up to a cap**: a text field holds whatever a model or a board sent
//!   (quotes, line breaks, `\u{0}`, any language). A field longer than [`FIELD_CAP`] bytes is
//!   cut at a character boundary and ends with [`CUT_MARKER`] and its full size, so a
//!   runaway answer cannot fill the disk. The time is kept in UTC to the microsecond.
//!   [`AdviceEntry::as_kept`] gives an entry as every trail gives it back.
//! - **Read back newest first**: by `at`, then by the order kept.

mod file;

use time::{OffsetDateTime, UtcOffset};

use crate::StoreError;

pub use file::{default_path, AdviceFile};

pub use crate::postgres::PostgresAdviceLog;
pub use crate::sqlite::SqliteAdviceLog;

/// The most bytes a text field of an [`AdviceEntry`] keeps: 16 KiB, marker included.
pub const FIELD_CAP: usize = 16 * 1024;

/// What ends a text field cut at [`FIELD_CAP`], followed by the field's full size in bytes and
/// `]`: `…[cut: 102400 bytes]`.
pub const CUT_MARKER: &str = "…[cut: ";

/// One call of the advisor, as kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdviceEntry {
    /// When the call was made (kept in UTC; RFC 3339 in the JSON-lines file).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The board advised.
    pub board: String,
    /// The model asked, as the server named it.
    pub model: String,
    /// The summary sent, as JSON text.
    pub summary: String,
    /// The raw content of the answer; `None` when the call failed.
    pub answer: Option<String>,
    /// The board the validated command is for.
    pub target: Option<String>,
    /// The validated command as the firmware reads it, e.g.
    /// `{"action":"led_on","color":[0,0,255],"brightness":80}`.
    pub command: Option<String>,
    /// Why a proposal was refused, or the error of a failed call.
    pub refusal: Option<String>,
    /// The command was sent and the broker acknowledged it.
    pub applied: bool,
}

impl AdviceEntry {
    /// The entry as a trail keeps it and gives it back: `at` in UTC to the microsecond, each
    /// text field longer than [`FIELD_CAP`] bytes cut (see [`cap`]).
    pub fn as_kept(&self) -> AdviceEntry {
        let at = self.at.to_offset(UtcOffset::UTC);
        let at = at
            .replace_nanosecond(at.microsecond() * 1_000)
            .unwrap_or(at);
        let capped = |text: &Option<String>| text.as_deref().map(cap);
        AdviceEntry {
            at,
            board: cap(&self.board),
            model: cap(&self.model),
            summary: cap(&self.summary),
            answer: capped(&self.answer),
            target: capped(&self.target),
            command: capped(&self.command),
            refusal: capped(&self.refusal),
            applied: self.applied,
        }
    }

    /// Whether `board` is the board advised or the board of the command.
    pub(crate) fn concerns(&self, board: &str) -> bool {
        self.board == board || self.target.as_deref() == Some(board)
    }
}

/// `text` as kept: itself when it is at most [`FIELD_CAP`] bytes, else its start, cut at a
/// character boundary, followed by [`CUT_MARKER`], its full size in bytes and `]`, all in at
/// most [`FIELD_CAP`] bytes. Cutting a cut text again changes nothing.
pub fn cap(text: &str) -> String {
    if text.len() <= FIELD_CAP {
        return text.to_owned();
    }
    let marker = format!("{CUT_MARKER}{} bytes]", text.len());
    let mut end = FIELD_CAP - marker.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut kept = String::with_capacity(FIELD_CAP);
    kept.push_str(&text[..end]);
    kept.push_str(&marker);
    kept
}

/// Where advice is kept: see [the module](self).
pub trait AdviceLog: Send {
    /// Keeps `entry` ([`AdviceEntry::as_kept`]), durably before it returns: a synced line of
    /// the file, a committed row of the database.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming the file or database, the cause and the fix; nothing is kept
    /// then.
    fn keep(&mut self, entry: &AdviceEntry) -> Result<(), StoreError>;

    /// The newest `at` of an applied command ([`AdviceEntry::applied`]) for the board
    /// `target`, or `None` when none was applied to it.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming the file or database, the cause and the fix.
    fn last_applied(&mut self, target: &str) -> Result<Option<OffsetDateTime>, StoreError>;

    /// At most `limit` entries, newest first (by `at`, then by the order kept); with `board`,
    /// only those whose board advised or whose command's board is `board`.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming the file or database, the cause and the fix.
    fn recent(&mut self, board: Option<&str>, limit: usize)
        -> Result<Vec<AdviceEntry>, StoreError>;

    /// Where the advice is kept, for messages: a path, `sqlite:PATH`, or a URL without
    /// password.
    fn name(&self) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_kept_whole() {
        assert_eq!(cap("{\"a\":\"\u{0}\n\"}"), "{\"a\":\"\u{0}\n\"}");
        let exact = "x".repeat(FIELD_CAP);
        assert_eq!(cap(&exact), exact);
    }

    #[test]
    fn a_long_text_is_cut_at_a_character_boundary_with_its_size() {
        let text = "가".repeat(40_000); // 3 bytes each
        let kept = cap(&text);
        assert!(kept.len() <= FIELD_CAP, "{}", kept.len());
        assert!(
            kept.ends_with("…[cut: 120000 bytes]"),
            "{}",
            &kept[kept.len() - 40..]
        );
        let start = kept.strip_suffix("…[cut: 120000 bytes]").unwrap();
        assert!(start.chars().all(|c| c == '가'));
        assert!(start.len() > FIELD_CAP - 32);
        assert_eq!(cap(&kept), kept, "cutting again changes nothing");
    }

    #[test]
    fn times_are_kept_in_utc_to_the_microsecond() {
        let entry = AdviceEntry {
            at: time::macros::datetime!(2026-12-04 12:00:00.123456789 +09:00),
            board: "A".into(),
            model: "m".into(),
            summary: "{}".into(),
            answer: None,
            target: None,
            command: None,
            refusal: None,
            applied: false,
        };
        assert_eq!(
            entry.as_kept().at,
            time::macros::datetime!(2026-12-04 03:00:00.123456 UTC)
        );
    }
}
