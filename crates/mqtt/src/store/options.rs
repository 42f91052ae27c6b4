//! The options of a [`CsvStore`](super::CsvStore).

use std::time::Duration;

/// How many stored digests are remembered for de-duplication by default.
pub const DEFAULT_SEEN_CAPACITY: usize = 65_536;

/// How often, at most, rows are synced to disk and the path is checked, by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// Options of a [`CsvStore`](super::CsvStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub(super) seen_capacity: usize,
    pub(super) journal: bool,
    pub(super) interval: Duration,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            seen_capacity: DEFAULT_SEEN_CAPACITY,
            journal: true,
            interval: DEFAULT_INTERVAL,
        }
    }
}

impl StoreOptions {
    /// How many stored messages are remembered to recognise redeliveries (default
    /// [`DEFAULT_SEEN_CAPACITY`], about 6 MiB of memory, taken at open; 0 turns de-duplication off).
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
}
