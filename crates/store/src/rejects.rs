//! The rejects file: every payload that is not a reading, kept as one JSON line with its
//! topic, receive time and what was wrong, so a maker can see what a board really sent.
//!
//! ```text
//! {"received_at":"2025-11-25T10:30:15+09:00","topic":"hexaboard/A/sensor/data","kind":"not_json","error":"payload is not valid JSON: ...","payload":"{temp: 25","payload_bytes":9,"payload_truncated":false}
//! ```
//!
//! - `payload` is the payload as text. Bytes that are not UTF-8 are shown as `\xNN` (so
//!   `0xFF` reads `\xFF`); such lines also carry `payload_base64` with the exact bytes, since
//!   the text alone cannot tell an invalid byte from a board that sent a backslash.
//! - Payloads are cut at [`PAYLOAD_CUT`] bytes (at a character boundary for text);
//!   `payload_truncated` says so and `payload_bytes` gives the full size.
//! - Lines end with `\n` ([JSON Lines](https://jsonlines.org)); control characters are
//!   escaped by `serde_json`, so a line never breaks inside.
//! - Each line is one `write` on a file opened in append mode, like the CSV rows.
//! - Once a line would take the file over its size cap, further rejects are counted
//!   ([`RejectsFile::not_written`]) and not written: a board sending garbage five times a
//!   second cannot fill the disk. The first one left out says so ([`Rejected::NotWritten`]).

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hexaboard_core::reading::ReadingError;
use serde::Serialize;
use time::{OffsetDateTime, UtcOffset};

use crate::append::{remove_cut_last_line, with_suffix, write_all};
use crate::rejects_cap::RejectsCap;
use crate::StoreError;

/// The default size cap of a rejects file: 10 MiB.
pub const DEFAULT_REJECTS_LIMIT: u64 = 10 * 1024 * 1024;

/// Payloads longer than this many bytes are cut in the rejects file.
pub const PAYLOAD_CUT: usize = 1024;

/// The default rejects path for a CSV path: `sensor_data.csv` → `sensor_data.csv.rejects.jsonl`.
pub fn default_path(csv: &Path) -> PathBuf {
    with_suffix(csv, ".rejects.jsonl")
}

/// What [`RejectsFile::write`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// The line was handed to the operating system.
    Written,
    /// The file reached its size cap: the reject was only counted.
    NotWritten {
        /// Whether this is the first one left out since the file was opened (warn the user
        /// once).
        first: bool,
    },
}

/// A JSON Lines file of rejected payloads.
#[derive(Debug)]
pub struct RejectsFile {
    path: PathBuf,
    file: File,
    offset: UtcOffset,
    cap: RejectsCap,
    line: Vec<u8>,
}

#[derive(Serialize)]
struct Line<'a> {
    received_at: &'a str,
    topic: &'a str,
    kind: &'a str,
    error: &'a str,
    payload: Cow<'a, str>,
    payload_bytes: usize,
    payload_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_base64: Option<String>,
}

const RECEIVED_AT: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

impl RejectsFile {
    /// Opens (or creates) the rejects file at `path`, writing receive times as local time at
    /// `offset`, and writing no line that would take it over `limit_bytes`
    /// ([`DEFAULT_REJECTS_LIMIT`] by default). A last line cut short by a crash is ended, so
    /// the next line stands on its own.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`], [`StoreError::Read`] or [`StoreError::Write`] naming the path
    /// and the OS error.
    pub fn open(
        path: impl AsRef<Path>,
        offset: UtcOffset,
        limit_bytes: u64,
    ) -> Result<RejectsFile, StoreError> {
        let path = path.as_ref().to_owned();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| StoreError::open(&path, e))?;
        let meta = file.metadata().map_err(|e| StoreError::read(&path, e))?;
        let mut size = 0;
        if meta.is_file() {
            remove_cut_last_line(&file, &path, None)?;
            size = file
                .metadata()
                .map_err(|e| StoreError::read(&path, e))?
                .len();
        }
        Ok(RejectsFile {
            path,
            file,
            offset,
            cap: RejectsCap::new(limit_bytes, size),
            line: Vec::with_capacity(2 * PAYLOAD_CUT),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's size in bytes, as far as this program knows.
    pub fn size(&self) -> u64 {
        self.cap.size()
    }

    /// How many rejects were left out since the file was opened, because of the size cap.
    pub fn not_written(&self) -> u64 {
        self.cap.not_written()
    }

    /// Keeps `payload`, received on `topic` at `received_at`, which failed to parse with
    /// `error`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Write`] naming the path and the OS error.
    pub fn write(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        error: &ReadingError,
        payload: &[u8],
    ) -> Result<Rejected, StoreError> {
        self.write_kind(received_at, topic, error.kind().as_str(), error, payload)
    }

    /// Like [`RejectsFile::write`], for a rejection that is not a [`ReadingError`]: `kind`
    /// is a short snake-case name, `error` the message.
    ///
    /// # Errors
    ///
    /// [`StoreError::Write`] naming the path and the OS error.
    pub fn write_kind(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        kind: &str,
        error: &dyn fmt::Display,
        payload: &[u8],
    ) -> Result<Rejected, StoreError> {
        let stamp = received_at
            .to_offset(self.offset)
            .format(RECEIVED_AT)
            .unwrap_or_else(|_| received_at.unix_timestamp().to_string());
        let (text, truncated, base64) = payload_text(payload);
        let line = Line {
            received_at: &stamp,
            topic,
            kind,
            error: &error.to_string(),
            payload: text,
            payload_bytes: payload.len(),
            payload_truncated: truncated,
            payload_base64: base64,
        };
        self.line.clear();
        serde_json::to_writer(&mut self.line, &line)
            .map_err(|e| StoreError::write(&self.path, e.into()))?;
        self.line.push(b'\n');
        if let Some(refused) = self.cap.refuse(self.line.len() as u64) {
            return Ok(refused);
        }
        write_all(&self.file, &self.path, &self.line)?;
        self.cap.add(self.line.len() as u64);
        Ok(Rejected::Written)
    }

    /// Syncs the file to disk.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sync`] naming the path and the OS error.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::sync(&self.path, e))
    }
}

/// The payload as text (invalid bytes as `\xNN`), whether it was cut, and the exact bytes in
/// base64 when they are not UTF-8.
fn payload_text(payload: &[u8]) -> (Cow<'_, str>, bool, Option<String>) {
    let truncated = payload.len() > PAYLOAD_CUT;
    if let Ok(text) = std::str::from_utf8(payload) {
        let mut end = text.len().min(PAYLOAD_CUT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        return (Cow::Borrowed(&text[..end]), truncated, None);
    }
    let cut = &payload[..payload.len().min(PAYLOAD_CUT)];
    let mut text = String::with_capacity(cut.len() + 16);
    for chunk in cut.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(text, "\\x{byte:02X}");
        }
    }
    let base64 = base64::engine::general_purpose::STANDARD.encode(cut);
    (Cow::Owned(text), truncated, Some(base64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        let payload = "가".repeat(400); // 3 bytes each: 1,200 bytes
        let (text, truncated, base64) = payload_text(payload.as_bytes());
        assert!(truncated);
        assert_eq!(text.len(), 1023);
        assert!(base64.is_none());
    }

    #[test]
    fn invalid_bytes_are_shown_and_kept_exactly() {
        let (text, truncated, base64) = payload_text(b"t=\xff\xfe25");
        assert_eq!(text, "t=\\xFF\\xFE25");
        assert!(!truncated);
        assert_eq!(base64.as_deref(), Some("dD3//jI1"));
    }
}
