//! The options of a [`CsvStore`](super::CsvStore).

use std::time::Duration;

/// How many stored digests are remembered for de-duplication by default. A redelivery is a
/// message the broker sent but saw no acknowledgement for, so it lies within the broker's
/// in-flight window (20 messages per client for mosquitto, 65,535 at most by the protocol);
/// 8,192 covers any broker's usual window with room to spare, in about 300 KiB.
pub const DEFAULT_SEEN_CAPACITY: usize = 8_192;

/// How often, at most, rows are synced to disk and the path is checked, by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// How long, at most, the row of a QoS 0 message waits in memory before it is written, when
/// rows are gathered ([`StoreOptions::gather_at_most_once`]): 10 ms, far below what a person
/// watching the file notices, and long enough that a flood of messages costs one `write`
/// per hundreds of rows.
pub const DEFAULT_GATHER_DELAY: Duration = Duration::from_millis(10);

/// How many bytes of gathered rows are written at once at most (about a thousand rows).
pub const GATHER_LIMIT: usize = 64 * 1024;

/// The longest gather delay: a longer one given to
/// [`StoreOptions::gather_at_most_once`] is taken as this.
pub const MAX_GATHER_DELAY: Duration = Duration::from_secs(3600);

/// Options of a [`CsvStore`](super::CsvStore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub(super) seen_capacity: usize,
    pub(super) journal: bool,
    pub(super) interval: Duration,
    pub(super) sync_elsewhere: bool,
    pub(super) gather: Option<Duration>,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            seen_capacity: DEFAULT_SEEN_CAPACITY,
            journal: true,
            interval: DEFAULT_INTERVAL,
            sync_elsewhere: false,
            gather: None,
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

    /// Gathers the rows of messages delivered at most once (QoS 0,
    /// [`MessageId::at_most_once`](super::MessageId::at_most_once)) in memory and writes
    /// them together, while they come less than `delay` after the last write (a row after a
    /// quiet time is written at once, so at a board's usual pace nothing waits). Gathered
    /// rows are written when [`GATHER_LIMIT`] bytes are waiting, before the row of any other
    /// message (so rows stay in the order they came), on
    /// [`CsvStore::flush`](super::CsvStore::flush), [`CsvStore::sync`](super::CsvStore::sync)
    /// and [`CsvStore::close`](super::CsvStore::close), and once the oldest has waited
    /// `delay`, which the owner of the store sees to by calling
    /// [`CsvStore::flush_due`](super::CsvStore::flush_due) (the
    /// recorder of `hexaboard-recorder` does, from a thread of its own). Default off:
    /// every row is written before `append` returns.
    ///
    /// The broker never sends a QoS 0 message again, so nothing here decides whether it is
    /// lost: a receiver killed with `SIGKILL` loses the rows gathered at that moment (at most
    /// `delay` of them), as it loses what the kernel and the broker hold for it unread. The
    /// rows of QoS 1 and 2 messages are never gathered. A delay over [`MAX_GATHER_DELAY`] is
    /// taken as that.
    pub fn gather_at_most_once(mut self, delay: Option<Duration>) -> StoreOptions {
        self.gather = delay.map(|delay| delay.min(MAX_GATHER_DELAY));
        self
    }
}
