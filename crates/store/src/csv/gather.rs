//! Rows of QoS 0 messages gathered for a few milliseconds and written together
//! ([`StoreOptions::gather_at_most_once`](super::StoreOptions::gather_at_most_once)).

use std::time::Instant;

#[cfg(doc)]
use super::StoreOptions;
use super::{CsvStore, GATHER_LIMIT};
use crate::append::write_all_or_keep;
use crate::{Appended, StoreError};

impl CsvStore {
    /// Keeps the row just formatted with the gathered ones; writes them all once there are
    /// [`GATHER_LIMIT`] bytes. `now` starts a gathering (`None`: one is under way).
    pub(super) fn gather(&mut self, now: Option<Instant>) -> Result<Appended, StoreError> {
        let row_len = self.rows.row().len();
        self.gathered.extend_from_slice(self.rows.row());
        if let Some(now) = now {
            self.gathered_since.get_or_insert(now);
        }
        if self.gathered.len() >= GATHER_LIMIT {
            if let Err(e) = self.flush() {
                // This row is not stored, as the caller is told: take it back, unless part
                // of it went into the file for good (then the rest follows at the next write).
                if self.gathered.len() >= row_len {
                    self.gathered.truncate(self.gathered.len() - row_len);
                }
                if self.gathered.is_empty() {
                    self.gathered_since = None;
                }
                return Err(e);
            }
        }
        Ok(Appended::Gathered)
    }

    /// Writes the gathered rows of QoS 0 messages ([`StoreOptions::gather_at_most_once`]),
    /// in one `write`. Nothing to do when none are waiting.
    ///
    /// # Errors
    ///
    /// [`StoreError::Write`] naming the path and the OS error: the rows stay gathered, and a
    /// later flush tries them again. A part that went into the file is cut off again; where
    /// that is impossible (a pipe), it is no longer gathered, and the rest continues it.
    /// [`StoreError::Read`] or [`StoreError::Write`] when a row cut short by an earlier
    /// failure cannot be ended. The rows go to the file the path names: once per
    /// [`StoreOptions::interval`] the path is looked at first, with the errors of
    /// [`CsvStore::open`] when the file was moved or replaced and cannot be opened again.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        if self.gathered.is_empty() {
            return Ok(());
        }
        self.check_path(Instant::now())?;
        self.end_cut_line()?;
        if let Err((e, kept)) = write_all_or_keep(&self.file, &self.path, &self.gathered) {
            self.len = None;
            self.gathered.drain(..kept);
            // With nothing kept the file ends where it did; otherwise in part of a row
            // whose rest is the start of what is still gathered.
            self.check_line_end = self.regular && kept == 0;
            if self.gathered.is_empty() {
                self.gathered_since = None;
            }
            return Err(e);
        }
        self.len = self.len.map(|len| len + self.gathered.len() as u64);
        self.gathered.clear();
        self.gathered_since = None;
        self.dirty = true;
        self.last_write = Some(Instant::now());
        Ok(())
    }

    /// [`CsvStore::flush`] once the oldest gathered row has waited the gather delay.
    ///
    /// # Errors
    ///
    /// As [`CsvStore::flush`].
    pub fn flush_due(&mut self, now: Instant) -> Result<(), StoreError> {
        match self.flush_at() {
            Some(due) if due <= now => self.flush(),
            _ => Ok(()),
        }
    }

    /// When the gathered rows are due to be written, if any are waiting.
    pub fn flush_at(&self) -> Option<Instant> {
        let delay = self.options.gather?;
        self.gathered_since.map(|since| since + delay)
    }
}
