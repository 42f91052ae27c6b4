//! The CSV store: the chapter's `sensor_data.csv`, written so that no reading is lost.
//!
//! ```no_run
//! use hexaboard_core::reading::ReadingParser;
//! use hexaboard_store::csv::{CsvStore, StoreOptions};
//! use hexaboard_store::{Appended, MessageId};
//! use time::{OffsetDateTime, UtcOffset};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let offset = UtcOffset::from_hms(9, 0, 0)?; // the local offset, read once at start-up
//! let mut store = CsvStore::open("sensor_data.csv", offset, StoreOptions::default())?;
//! if store.created() {
//!     println!("✅ CSV 파일 생성: sensor_data.csv");
//! }
//! let (topic, payload) = ("hexaboard/A/sensor/data", br#"{"temperature":25,"humidity":60}"#);
//! let reading = ReadingParser::default().parse(payload, topic)?;
//! let id = MessageId::new(topic, payload, false);
//! match store.append(OffsetDateTime::now_utc(), &reading, id)? {
//!     Appended::Stored => {}    // the row is in the file: acknowledge the message
//!     Appended::Duplicate => {} // a redelivery of a stored message: acknowledge, store nothing
//!     Appended::Gathered => {}  // only with StoreOptions::gather_at_most_once, at QoS 0
//! }
//! store.close()?;
//! # Ok(())
//! # }
//! ```
//!
//! # What is promised
//!
//! - **Nothing is lost.** [`CsvStore::append`] hands the row to the operating system (one
//!   `write` on a file opened in append mode, no user-space buffer) before it returns, so the
//!   caller may acknowledge the message right after: a `SIGKILL` at any moment loses nothing,
//!   and what was not acknowledged is redelivered by the broker. Power loss is covered by
//!   `fsync`, done on [`CsvStore::sync`] / [`CsvStore::close`] and at most once per second of
//!   activity (inside `append`, or from [`CsvStore::maybe_sync`]).
//!   With [`StoreOptions::gather_at_most_once`], the rows of QoS 0 messages (which the broker
//!   never sends again, so no acknowledgement waits on them) are instead gathered for at most
//!   a few milliseconds and written together; the rows of QoS 1 and 2 messages never are.
//! - **Nothing is stored twice** by a redelivery: see [`MessageId`]. The digest of each stored
//!   message is written to `<csv>.seen` ([`journal_path`]) just before its row, with the
//!   length the CSV will have once the row is in (so a crash between the two is recognised),
//!   and the journal's digests are loaded at open. The journal is a ring of as many entries
//!   as are remembered, mapped into memory: an entry costs no system call, and is in the
//!   operating system's hands as soon as it is written, as a row is. If the journal cannot be
//!   written, recording goes on and [`CsvStore::take_note`] says so.
//! - **The chapter's bytes**: header once, CRLF line ends, an empty cell for a missing light.
//! - **A foreign file is never touched**: a CSV with another header is refused, unchanged.
//!
//! # The file moved, deleted or replaced while recording
//!
//! Every second of activity (each [`StoreOptions::interval`]) the store compares the path's
//! inode with the open file's, before writing a row (gathered rows: before writing them).
//! When the file was renamed away (log rotation), deleted, or replaced by another file, the
//! store does what the chapter's program does on every message:
//! it opens the path again, creating it with the header when it is missing, continuing it when
//! it has the chapter's header, refusing it otherwise. [`CsvStore::take_note`] then returns a
//! [`StoreNote::Reopened`]. Rows written between the change and the check (at most one
//! interval) went to the old file: kept if it was renamed, gone with it if it was deleted.
//! When the directory itself is gone, `append` fails with an error naming the path.
//!
//! # Devices and pipes
//!
//! A CSV path that is not a regular file (`/dev/stdout`, a FIFO) gets the header and rows but
//! no duplicate journal and no checks for replacement, as nothing can be read back from it.

mod file;
mod files;
mod follow;
mod gather;
mod options;
mod seen;
mod sync;

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

use hexaboard_core::csv_row::RowWriter;
use hexaboard_core::reading::Reading;
use time::{OffsetDateTime, UtcOffset};

pub use files::CsvFiles;
pub use options::{
    StoreOptions, DEFAULT_GATHER_DELAY, DEFAULT_INTERVAL, DEFAULT_SEEN_CAPACITY, GATHER_LIMIT,
    MAX_GATHER_DELAY,
};
pub use seen::journal_path;

use crate::append::write_all;
use crate::{Appended, MessageId, StoreError, StoreNote};
use file::open_csv;
use seen::{Journal, Recent};

/// The chapter's CSV file, opened for appending readings.
#[derive(Debug)]
pub struct CsvStore {
    path: PathBuf,
    file: File,
    identity: (u64, u64),
    regular: bool,
    created: bool,
    /// A write failed: the file may end in part of a row.
    check_line_end: bool,
    /// The CSV's length, while it is known without asking the file system (each row adds
    /// its bytes); `None` after anything that may have changed it otherwise.
    len: Option<u64>,
    /// Makes each row; the store writes it itself, in one `write`.
    rows: RowWriter<std::io::Sink>,
    /// Rows of QoS 0 messages not yet written ([`StoreOptions::gather_at_most_once`]).
    gathered: Vec<u8>,
    /// When the oldest of `gathered` came.
    gathered_since: Option<Instant>,
    /// When rows were last written, to write at once a row that comes after a quiet time.
    last_write: Option<Instant>,
    options: StoreOptions,
    dirty: bool,
    last_sync: Instant,
    last_check: Instant,
    recent: Recent,
    journal: Option<Journal>,
    notes: VecDeque<StoreNote>,
}

impl CsvStore {
    /// Opens the CSV at `path`; timestamps are written as local time at `offset`.
    ///
    /// - Missing or empty: created with the chapter's header ([`CsvStore::created`] is true).
    /// - With the chapter's header: appended to. A last row cut short by a crash (it has no
    ///   line end) is removed, since its message was never acknowledged and comes again; a
    ///   [`StoreNote::CutRowRemoved`] shows what was removed.
    /// - With another header: refused and left untouched.
    ///
    /// The duplicate journal `<path>.seen` is opened (or created) beside a regular file, and
    /// its newest digests are loaded.
    ///
    /// # Errors
    ///
    /// [`StoreError::Header`] for a file with another header, [`StoreError::NotAJournal`] for
    /// a `.seen` file this program did not write, and [`StoreError::Open`],
    /// [`StoreError::Read`] or [`StoreError::Write`] naming the path and the OS error when the
    /// file cannot be opened, read, or given its header (`/dev/full`: the disk is full).
    pub fn open(
        path: impl AsRef<Path>,
        offset: UtcOffset,
        options: StoreOptions,
    ) -> Result<CsvStore, StoreError> {
        let path = path.as_ref().to_owned();
        let rows = RowWriter::new(std::io::sink(), offset);
        let opened = open_csv(&path)?;
        let mut recent = Recent::new(options.seen_capacity);
        let journal = if opened.regular && options.journal && options.seen_capacity > 0 {
            let csv_len = opened
                .file
                .metadata()
                .map_err(|e| StoreError::read(&path, e))?
                .len();
            Some(Journal::open(journal_path(&path), &mut recent, csv_len)?)
        } else {
            None
        };
        let now = Instant::now();
        let mut store = CsvStore {
            path,
            file: opened.file,
            identity: opened.identity,
            regular: opened.regular,
            created: opened.created,
            check_line_end: false,
            len: None,
            rows,
            gathered: Vec::new(),
            gathered_since: None,
            last_write: None,
            options,
            dirty: false,
            last_sync: now,
            last_check: now,
            recent,
            journal,
            notes: VecDeque::new(),
        };
        store.push_removed_cut_row(opened.removed_cut_row);
        Ok(store)
    }

    /// The CSV path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was created with the header when it was (last) opened.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Tells the user of a last row cut short that opening the file removed.
    fn push_removed_cut_row(&mut self, removed: Option<String>) {
        if let Some(row) = removed {
            self.notes.push_back(StoreNote::CutRowRemoved {
                path: self.path.clone(),
                row,
            });
        }
    }

    /// The duplicate journal's path, when one is kept.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(Journal::path)
    }

    /// Appends `reading`, received at `received_at`, unless `id` is a redelivery of a message
    /// already stored (DUP flag set and digest among the recent ones).
    ///
    /// When this returns [`Appended::Stored`], the row has been handed to the operating
    /// system: the message may be acknowledged. No allocation is made in the steady state.
    ///
    /// # Errors
    ///
    /// [`StoreError::Write`] naming the path and the OS error (with a hint such as "the disk
    /// is full"): the row is not stored, and the message must not be acknowledged. The
    /// errors of [`CsvStore::open`] when the file was moved or replaced and cannot be opened
    /// again, and [`StoreError::Sync`] when a due `fsync` fails (the row is written).
    pub fn append(
        &mut self,
        received_at: OffsetDateTime,
        reading: &Reading<'_>,
        id: MessageId,
    ) -> Result<Appended, StoreError> {
        if id.is_redelivery(|digest| Ok::<_, StoreError>(self.recent.contains(digest)))? {
            return Ok(Appended::Duplicate);
        }
        // A row joins a gathering under way without reading the clock (the path is checked
        // when the rows are written, in `flush`). Otherwise it is gathered only while rows
        // come faster than one per delay: after a quiet time it is written at once, so at a
        // board's usual pace nothing ever waits.
        let ongoing =
            self.options.gather.is_some() && !id.is_remembered() && !self.gathered.is_empty();
        let start = if ongoing {
            None
        } else {
            let now = Instant::now();
            self.check_path(now)?;
            Some(now)
        };
        let gather = ongoing
            || start.is_some_and(|now| {
                self.options.gather.is_some_and(|delay| {
                    !id.is_remembered()
                        && self
                            .last_write
                            .is_some_and(|at| now.saturating_duration_since(at) < delay)
                })
            });
        if !gather {
            // Rows stay in the order they came.
            self.flush()?;
        }
        self.end_cut_line()?;
        let row_len = self.rows.format_reading(received_at, reading).len() as u64;
        // Only a row written now goes on from here, and it has read the clock.
        let Some(now) = start.filter(|_| !gather) else {
            return self.gather(start);
        };
        if id.is_remembered() {
            self.announce(id.digest(), row_len);
        }
        let written = write_all(&self.file, &self.path, self.rows.row());
        if let Err(e) = written {
            self.len = None;
            self.check_line_end = self.regular;
            let retracted = match self.journal.as_mut() {
                Some(journal) if id.is_remembered() => journal.retract(),
                _ => Ok(()),
            };
            if let Err(journal_error) = retracted {
                self.journal_failed(journal_error);
            }
            return Err(e);
        }
        self.len = self.len.map(|len| len + row_len);
        self.dirty = true;
        self.last_write = Some(now);
        if id.is_remembered() {
            // The journal has it already.
            self.recent.insert(id.digest());
        }
        if !self.options.sync_elsewhere {
            self.maybe_sync(now)?;
        }
        Ok(Appended::Stored)
    }

    /// The next note for the user (the file was reopened, the journal failed), oldest first.
    pub fn take_note(&mut self) -> Option<StoreNote> {
        self.notes.pop_front()
    }

    /// Writes a row's journal entry before the row itself, with the CSV's length once the row
    /// is in: a crash between the two is then recognised at the next open (see
    /// [`Journal::open`]), so the redelivered message is stored rather than skipped.
    fn announce(&mut self, digest: u128, row_len: u64) {
        let Some(journal) = &mut self.journal else {
            return;
        };
        // Asking the file system for the length before each row would cost a system call,
        // and on some file systems make the write that follows update timestamps through the
        // journal; the length is asked only when it may have changed behind our back.
        let len = match self.len {
            Some(len) => Ok(len),
            None => self
                .file
                .metadata()
                .map(|meta| meta.len())
                .map_err(|e| StoreError::read(&self.path, e)),
        };
        self.len = len.as_ref().ok().copied();
        let result = len.and_then(|len| journal.record(digest, len + row_len));
        if let Err(e) = result {
            self.journal_failed(e);
        }
    }

    fn journal_failed(&mut self, error: StoreError) {
        self.journal = None;
        self.notes.push_back(StoreNote::JournalFailed(error));
    }
}

impl Drop for CsvStore {
    /// Writes the gathered rows, as far as it can: a store dropped without
    /// [`CsvStore::close`] (an error path) keeps what it was given.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
