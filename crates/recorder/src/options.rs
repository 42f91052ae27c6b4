//! How a [`Recorder`] is set up, and what it tells an observer about each
//! message.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hexaboard_core::pipeline::{PipelineConfig, ReadingOutcome};
use hexaboard_core::status::Status;
use hexaboard_store::csv::{CsvFiles, CsvStore, StoreOptions, DEFAULT_GATHER_DELAY};
use hexaboard_store::rejects::{self, RejectsFile, DEFAULT_REJECTS_LIMIT};
use hexaboard_store::{StoreError, StoreNote};
use time::UtcOffset;

#[cfg(doc)]
use crate::Recorder;

/// How a [`Recorder`] is set up.
#[derive(Debug, Clone)]
pub struct RecorderOptions {
    /// UTC offset of the CSV's local timestamps (read once at start-up, before any thread).
    pub offset: UtcOffset,
    /// Routing, limits, thresholds and board cap.
    pub pipeline: PipelineConfig,
    /// Duplicate memory and sync interval of the CSV store. [`Recorder::open`] adds its own
    /// background `fsync`, and gathers the rows of QoS 0 messages for
    /// [`RecorderOptions::gather`].
    pub store: StoreOptions,
    /// How long the row of a QoS 0 message may wait in memory to be written with others
    /// (default [`DEFAULT_GATHER_DELAY`]; `None` writes every row as it comes). See
    /// [`StoreOptions::gather_at_most_once`].
    pub gather: Option<Duration>,
    /// The rejects file; default: the CSV path with `.rejects.jsonl` appended.
    pub rejects_path: Option<PathBuf>,
    /// Size cap of the rejects file in bytes (default 10 MiB).
    pub rejects_limit: u64,
}

impl RecorderOptions {
    /// Defaults, with timestamps at `offset`.
    pub fn new(offset: UtcOffset) -> RecorderOptions {
        RecorderOptions {
            offset,
            pipeline: PipelineConfig::default(),
            store: StoreOptions::default(),
            gather: Some(DEFAULT_GATHER_DELAY),
            rejects_path: None,
            rejects_limit: DEFAULT_REJECTS_LIMIT,
        }
    }

    /// Opens (or creates) the CSV at `csv_path` and the rejects file as these options say,
    /// for a [`Recorder`]: the CSV is synced by the recorder's own thread and the rows of QoS
    /// 0 messages are gathered for [`RecorderOptions::gather`].
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`CsvStore::open`] or [`RejectsFile::open`]: a file with another
    /// header, a path that cannot be opened or written.
    pub fn open_csv(&self, csv_path: impl AsRef<Path>) -> Result<CsvFiles, StoreError> {
        let csv_path = csv_path.as_ref();
        let csv = CsvStore::open(
            csv_path,
            self.offset,
            self.store
                .clone()
                .sync_elsewhere(true)
                .gather_at_most_once(self.gather),
        )?;
        let rejects_path = self
            .rejects_path
            .clone()
            .unwrap_or_else(|| rejects::default_path(csv_path));
        let rejects = RejectsFile::open(&rejects_path, self.offset, self.rejects_limit)?;
        Ok(CsvFiles::new(csv, rejects))
    }
}

/// What happened to one message, as shown to an observer ([`Recorder::on_record`]).
#[derive(Debug)]
pub enum Record<'a> {
    /// A reading, stored (at QoS 0 in the CSV possibly still gathered, to be written within
    /// the gather delay: see [`RecorderOptions::gather`]).
    Stored(&'a ReadingOutcome<'a>),
    /// A reading already stored (a redelivery): nothing written.
    Duplicate(&'a ReadingOutcome<'a>),
    /// A board status.
    Status {
        /// The board.
        board: &'a str,
        /// Online or offline.
        status: Status,
    },
    /// A payload that is not a reading or status, kept as a reject.
    Rejected {
        /// The topic it came on.
        topic: &'a str,
        /// What is wrong, in one line.
        error: &'a (dyn std::error::Error + 'static),
        /// Whether this is the first rejection of its kind (report each kind once).
        first_of_kind: bool,
        /// Whether the store's rejects are at their size cap, so it was counted but not
        /// written.
        not_written: bool,
    },
    /// Something about the store the user should know while recording goes on: the CSV was
    /// moved, deleted or replaced and opened again, or its duplicate journal failed.
    Note(&'a StoreNote),
    /// A message on a topic that is neither a sensor nor a status topic.
    Other {
        /// The topic.
        topic: &'a str,
        /// The payload.
        payload: &'a [u8],
    },
}
