//! The options of a [`CsvStore`](super::CsvStore).

use std::time::Duration;

/// How many stored digests are remembered for de-duplication by default. A redelivery is a
/// message the broker sent but saw no acknowledgement for, so it lies within the broker's
/// in-flight window (20 messages per client for mosquitto, 65,535 at most by the protocol);
/// 8,192 covers any broker's usual window with room to spare, in about 300 KiB.
pub const DEFAULT_SEEN_CAPACITY: usize = 8_192;

/// How often, at most, rows are synced to disk and the path is checked, by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// Options of a [`CsvStore`](super::CsvStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub(super) seen_capacity: usize,
    pub(super) journal: bool,
    pub(super) interval: Duration,
    pub(super) sync_elsewhere: bool,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            seen_capacity: DEFAULT_SEEN_CAPACITY,
            journal: true,
            interval: DEFAULT_INTERVAL,
            sync_elsewhere: false,
        }
    }
}

impl StoreOptions {
    /// How many stored messages are remembered to recognise redeliveries (default
    /// [`DEFAULT_SEEN_CAPACITY`], about 300 KiB of memory, taken at open; 0 turns
    /// de-duplication off).
    pub fn seen_capacity(mut self, capacity: usize) -> StoreOptions {
        self.seen_capacity = capacity;
        self
    }

    /// Whether the remembered digests are kept in `<csv>.seen` to survive a restart (default
    /// on).
    pub fn journal(mut self, on: bool) -> StoreOptions {
        self.journal = on;
        self
    }

    /// The least time between two `fsync`s, and between two checks that the path still names
    /// the open file (default [`DEFAULT_INTERVAL`]; zero syncs and checks on every row).
    pub fn interval(mut self, interval: Duration) -> StoreOptions {
        self.interval = interval;
        self
    }

    /// Leaves the periodic `fsync` to another thread, which takes it with
    /// [`CsvStore::sync_work`](super::CsvStore::sync_work) (default off: `append` syncs at
    /// most once per interval itself). An `fsync` can take a second on a busy disk; done on
    /// the thread that receives messages, it would hold up every message meanwhile.
    pub fn sync_elsewhere(mut self, on: bool) -> StoreOptions {
        self.sync_elsewhere = on;
        self
    }
}
