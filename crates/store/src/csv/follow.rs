//! The CSV path followed while recording: opened again when the file was renamed away,
//! deleted or replaced, and a last line cut short by a failed write ended.

use std::os::unix::fs::MetadataExt;
use std::time::Instant;

use super::file::{open_csv, start_on_new_line, Opened};
use super::CsvStore;
use crate::{ReopenReason, StoreError, StoreNote};

impl CsvStore {
    /// Opens the path again if it no longer names the open file, looking at most once per
    /// interval of activity.
    pub(super) fn check_path(&mut self, now: Instant) -> Result<(), StoreError> {
        if self.regular && now.saturating_duration_since(self.last_check) >= self.options.interval {
            self.follow_path()?;
            self.last_check = now;
        }
        Ok(())
    }

    /// Ends a last line cut short by a failed write, so the next row starts on its own.
    pub(super) fn end_cut_line(&mut self) -> Result<(), StoreError> {
        if self.check_line_end {
            self.len = None;
            start_on_new_line(&self.file, &self.path)?;
            self.check_line_end = false;
        }
        Ok(())
    }

    /// Opens the path again if it no longer names the open file.
    fn follow_path(&mut self) -> Result<(), StoreError> {
        let reason = match std::fs::metadata(&self.path) {
            Ok(meta) if (meta.dev(), meta.ino()) == self.identity => return Ok(()),
            Ok(_) => ReopenReason::Replaced,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ReopenReason::Gone,
            Err(e) => return Err(StoreError::read(&self.path, e)),
        };
        let opened = open_csv(&self.path)?;
        // The old file's rows are already written; sync them where they now are.
        let _ = self.file.sync_data();
        let Opened {
            file,
            identity,
            regular,
            created,
            removed_cut_row,
        } = opened;
        self.file = file;
        self.identity = identity;
        self.regular = regular;
        self.created = created;
        self.push_removed_cut_row(removed_cut_row);
        self.check_line_end = false;
        self.len = None;
        self.notes.push_back(StoreNote::Reopened {
            path: self.path.clone(),
            reason,
            created,
        });
        if let Some(journal) = &mut self.journal {
            if let Err(e) = journal.follow(&self.recent) {
                self.journal_failed(e);
            }
        }
        Ok(())
    }
}
