//! The options of a [`SqliteStore`](super::SqliteStore).

use std::time::Duration;

use hexaboard_core::board_time::Tolerance;

use crate::csv::DEFAULT_INTERVAL;
use crate::rejects::DEFAULT_REJECTS_LIMIT;

/// Among how many of the newest readings a redelivery is looked for, by default (see
/// `docs/schema.md`). A redelivery lies within the broker's in-flight window (65,535 messages
/// at most by the protocol), so this covers any broker.
pub const DEFAULT_RECENT_CAPACITY: usize = 65_536;

/// How long a write waits for another program that holds the database locked, by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Options of a [`SqliteStore`](super::SqliteStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    pub(super) interval: Duration,
    pub(super) sync_elsewhere: bool,
    pub(super) recent_capacity: usize,
    pub(super) rejects_limit: u64,
    pub(super) busy_timeout: Duration,
    pub(super) size_limit: Option<u64>,
    pub(super) clock: Tolerance,
}

impl Default for SqliteOptions {
    fn default() -> SqliteOptions {
        SqliteOptions {
            interval: DEFAULT_INTERVAL,
            sync_elsewhere: false,
            recent_capacity: DEFAULT_RECENT_CAPACITY,
            rejects_limit: DEFAULT_REJECTS_LIMIT,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            size_limit: None,
            clock: Tolerance::default(),
        }
    }
}

impl SqliteOptions {
    /// The least time between two checkpoints, each of which makes the transactions
    /// committed before it durable against power loss (default [`DEFAULT_INTERVAL`]; zero
    /// checkpoints after every write).
    pub fn interval(mut self, interval: Duration) -> SqliteOptions {
        self.interval = interval;
        self
    }

    /// Leaves the periodic checkpoint to another thread, which takes it with
    /// [`Store::sync_work`](crate::Store::sync_work) (default off: a write checkpoints at
    /// most once per interval itself). A checkpoint syncs the disk, which can take a second
    /// on a busy disk; done on the thread that receives messages, it would hold up every
    /// message meanwhile.
    pub fn sync_elsewhere(mut self, on: bool) -> SqliteOptions {
        self.sync_elsewhere = on;
        self
    }

    /// Among how many of the newest readings (by `id`) a message flagged DUP is looked for
    /// (default [`DEFAULT_RECENT_CAPACITY`]): found there, it is a redelivery. A look covers
    /// this many rows at most, a range of the table's rowid.
    pub fn recent_capacity(mut self, capacity: usize) -> SqliteOptions {
        self.recent_capacity = capacity;
        self
    }

    /// How many bytes of rejected payloads the `rejects` table keeps before further rejects
    /// are only counted (default [`DEFAULT_REJECTS_LIMIT`], as the rejects file).
    pub fn rejects_limit(mut self, bytes: u64) -> SqliteOptions {
        self.rejects_limit = bytes;
        self
    }

    /// How long a write waits for another program that holds the database locked before it
    /// fails (default [`DEFAULT_BUSY_TIMEOUT`]).
    pub fn busy_timeout(mut self, timeout: Duration) -> SqliteOptions {
        self.busy_timeout = timeout;
        self
    }

    /// The largest size in bytes the database may grow to (default none: as the disk
    /// allows). A write that would pass it fails as on a full disk.
    pub fn size_limit(mut self, bytes: Option<u64>) -> SqliteOptions {
        self.size_limit = bytes;
        self
    }

    /// How far a board's clock may be from the receive time and still count as synced, for
    /// the `board_time` column (default [`Tolerance::default`], as the pipeline's).
    pub fn clock(mut self, tolerance: Tolerance) -> SqliteOptions {
        self.clock = tolerance;
        self
    }
}
