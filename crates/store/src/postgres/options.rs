//! The options of a [`PostgresStore`](super::PostgresStore): how long it waits between
//! attempts to reach a database that went away, who is told meanwhile, what stops the wait,
//! and the rejects' size cap.

use std::fmt;
use std::time::Duration;

use hexaboard_core::board_time::Tolerance;

use crate::rejects::DEFAULT_REJECTS_LIMIT;
use crate::StoreNote;

/// The first wait before connecting again to a database that went away: 0.5 s.
pub const DEFAULT_FIRST_RETRY: Duration = Duration::from_millis(500);

/// The longest wait between two attempts to connect again: 10 s. The wait doubles from
/// [`DEFAULT_FIRST_RETRY`] up to this.
pub const DEFAULT_MAX_RETRY: Duration = Duration::from_secs(10);

/// How often, at most, a wait checks [`PostgresOptions::should_stop`].
pub(super) const STOP_CHECK: Duration = Duration::from_millis(50);

/// Who is told what the store waits for: see [`PostgresOptions::notify`].
pub type Notifier = Box<dyn FnMut(&StoreNote) + Send>;

/// Whether to stop waiting: see [`PostgresOptions::should_stop`].
pub type StopSignal = Box<dyn Fn() -> bool + Send>;

/// Options of a [`PostgresStore`](super::PostgresStore).
pub struct PostgresOptions {
    pub(super) first_retry: Duration,
    pub(super) max_retry: Duration,
    pub(super) notify: Option<Notifier>,
    pub(super) should_stop: StopSignal,
    pub(super) rejects_limit: u64,
    pub(super) clock: Tolerance,
}

impl Default for PostgresOptions {
    /// Retries from 0.5 s doubling to 10 s, notes kept for
    /// [`Store::take_note`](crate::Store::take_note), never stopped, a 10 MiB rejects cap, the
    /// default clock tolerance.
    fn default() -> PostgresOptions {
        PostgresOptions {
            first_retry: DEFAULT_FIRST_RETRY,
            max_retry: DEFAULT_MAX_RETRY,
            notify: None,
            should_stop: Box::new(|| false),
            rejects_limit: DEFAULT_REJECTS_LIMIT,
            clock: Tolerance::default(),
        }
    }
}

impl fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("first_retry", &self.first_retry)
            .field("max_retry", &self.max_retry)
            .field("notify", &self.notify.is_some())
            .field("rejects_limit", &self.rejects_limit)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl PostgresOptions {
    /// The waits between attempts to connect again after the database went away: `first`,
    /// doubling up to `max` (defaults [`DEFAULT_FIRST_RETRY`], [`DEFAULT_MAX_RETRY`]).
    pub fn retry(mut self, first: Duration, max: Duration) -> PostgresOptions {
        self.first_retry = first;
        self.max_retry = max.max(first);
        self
    }

    /// Who is told, while a call waits for the database, that it waits
    /// ([`StoreNote::DatabaseWaiting`]) and that the database is back
    /// ([`StoreNote::DatabaseBack`]). Without one, the notes wait for
    /// [`Store::take_note`](crate::Store::take_note), which the caller reaches only after the
    /// call returns.
    pub fn notify(mut self, notify: Notifier) -> PostgresOptions {
        self.notify = Some(notify);
        self
    }

    /// What ends a wait for the database: once it returns true (a stop signal came), the
    /// waiting call fails, having stored nothing, so its message is not acknowledged and the
    /// broker sends it again to the next run. Checked every 50 ms while waiting.
    pub fn should_stop(mut self, should_stop: StopSignal) -> PostgresOptions {
        self.should_stop = should_stop;
        self
    }

    /// The rejects' size cap in bytes (default [`DEFAULT_REJECTS_LIMIT`], 10 MiB), counted as
    /// the bytes of the payloads kept in `rejects` (each cut at
    /// [`PAYLOAD_CUT`](crate::rejects::PAYLOAD_CUT)).
    pub fn rejects_limit(mut self, bytes: u64) -> PostgresOptions {
        self.rejects_limit = bytes;
        self
    }

    /// How far a board's clock may be from the receive time and still give `board_time`
    /// (default [`Tolerance::default`]).
    pub fn clock(mut self, tolerance: Tolerance) -> PostgresOptions {
        self.clock = tolerance;
        self
    }
}
