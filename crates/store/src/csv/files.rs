//! [`CsvFiles`]: the chapter's CSV and the rejects file beside it, as one [`Store`].

use std::fmt;
use std::time::Instant;

use hexaboard_core::reading::Reading;
use hexaboard_core::status::Status;
use time::OffsetDateTime;

use super::CsvStore;
use crate::{Appended, MessageId, Rejected, RejectsFile, Store, StoreError, StoreNote, SyncWork};

/// The CSV store as a recorder uses it: readings in the chapter's CSV ([`CsvStore`]),
/// rejected payloads in a JSON Lines file ([`RejectsFile`]), board statuses nowhere (the
/// chapter's CSV has no place for them).
#[derive(Debug)]
pub struct CsvFiles {
    csv: CsvStore,
    rejects: RejectsFile,
}

impl CsvFiles {
    /// The two files, opened.
    pub fn new(csv: CsvStore, rejects: RejectsFile) -> CsvFiles {
        CsvFiles { csv, rejects }
    }

    /// The CSV of readings.
    pub fn csv(&self) -> &CsvStore {
        &self.csv
    }

    /// The file of rejected payloads.
    pub fn rejects(&self) -> &RejectsFile {
        &self.rejects
    }
}

impl Store for CsvFiles {
    fn append(
        &mut self,
        received_at: OffsetDateTime,
        _topic: &str,
        reading: &Reading<'_>,
        id: MessageId,
    ) -> Result<Appended, StoreError> {
        self.csv.append(received_at, reading, id)
    }

    fn status(
        &mut self,
        _received_at: OffsetDateTime,
        _topic: &str,
        _board: &str,
        _status: Status,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    fn reject(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        kind: &str,
        error: &dyn fmt::Display,
        payload: &[u8],
    ) -> Result<Rejected, StoreError> {
        self.rejects
            .write_kind(received_at, topic, kind, error, payload)
    }

    fn take_note(&mut self) -> Option<StoreNote> {
        self.csv.take_note()
    }

    fn flush_at(&self) -> Option<Instant> {
        self.csv.flush_at()
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.csv.flush()
    }

    fn sync_work(&mut self, now: Instant) -> Option<SyncWork> {
        self.csv.sync_work(now)
    }

    /// Writes the gathered rows and syncs the CSV, then syncs the rejects file (each tried
    /// whatever the other did).
    fn close(&mut self) -> Result<(), StoreError> {
        let csv = self.csv.sync();
        let rejects = self.rejects.sync();
        csv.and(rejects)
    }
}
