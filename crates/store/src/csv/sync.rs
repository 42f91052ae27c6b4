//! Written rows synced to disk: at most once per interval of activity, on close, or handed
//! to another thread as a [`SyncWork`].

use std::fs::File;
use std::path::Path;
use std::time::Instant;

use super::seen::Journal;
use super::CsvStore;
#[cfg(doc)]
use super::StoreOptions;
use crate::{StoreError, SyncWork};

/// The [`SyncWork`] of a CSV store: syncs the CSV and the journal to disk.
fn sync_files(path: &Path, csv: Option<&File>, journal: Option<&File>) -> Result<(), StoreError> {
    if let Some(csv) = csv {
        csv.sync_data().map_err(|e| StoreError::sync(path, e))?;
    }
    if let Some(journal) = journal {
        // The journal only ever makes duplicates rarer; failing to sync it loses nothing.
        let _ = journal.sync_data();
    }
    Ok(())
}

impl CsvStore {
    /// Syncs written rows to disk if the last sync is at least one interval old. Call it
    /// from time to time (each second, say) so that rows of a burst followed by silence are
    /// synced too.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sync`] naming the path and the OS error.
    pub fn maybe_sync(&mut self, now: Instant) -> Result<(), StoreError> {
        if self.dirty && now.saturating_duration_since(self.last_sync) >= self.options.interval {
            self.sync()?;
        }
        Ok(())
    }

    /// The `fsync` due now, to run on another thread: handles of the CSV and the journal, or
    /// `None` when nothing was written since the last one or the interval has not passed.
    /// Used with [`StoreOptions::sync_elsewhere`].
    pub fn sync_work(&mut self, now: Instant) -> Option<SyncWork> {
        if !self.dirty || now.saturating_duration_since(self.last_sync) < self.options.interval {
            return None;
        }
        self.last_sync = now;
        self.dirty = false;
        let csv = if self.regular {
            self.file.try_clone().ok()
        } else {
            None
        };
        let path = self.path.clone();
        let journal = self.journal.as_ref().and_then(Journal::try_clone_file);
        Some(SyncWork::new(move || {
            sync_files(&path, csv.as_ref(), journal.as_ref())
        }))
    }

    /// Writes the gathered rows ([`CsvStore::flush`]) and syncs written rows, and the
    /// duplicate journal, to disk (also when the gathered rows cannot be written).
    ///
    /// # Errors
    ///
    /// [`StoreError::Sync`] naming the path and the OS error, or the error of
    /// [`CsvStore::flush`].
    pub fn sync(&mut self) -> Result<(), StoreError> {
        // The rows written before stay worth syncing when the gathered ones cannot be written.
        let flushed = self.flush();
        self.last_sync = Instant::now();
        if self.regular {
            self.file
                .sync_data()
                .map_err(|e| StoreError::sync(&self.path, e))?;
        }
        if let Some(journal) = &self.journal {
            if let Err(e) = journal.sync() {
                self.journal_failed(e);
            }
        }
        self.dirty = false;
        flushed
    }

    /// Writes the gathered rows, syncs and closes the file.
    ///
    /// # Errors
    ///
    /// As [`CsvStore::sync`].
    pub fn close(mut self) -> Result<(), StoreError> {
        self.sync()
    }
}
