//! Retention: how a database store keeps months of readings small and quick to chart.
//!
//! A pass ([`crate::sqlite::retain`], [`crate::postgres::retain`]) first adds every reading
//! not yet counted to the per-minute and per-hour rollups (`readings_minute`,
//! `readings_hour`: per board, the count, minimum, mean and maximum of temperature and
//! humidity), which never expire; then, when asked to keep `N` days, deletes the raw readings
//! received before `now − N days`, which the rollups now hold. A reading is counted once:
//! the store remembers the last reading rolled up (`rollup_progress`), in the same
//! transaction as the rollups. SQLite reuses the pages deleted readings leave, so a database
//! under a steady stream stops growing but for its rollups.

use time::{Duration, OffsetDateTime};

/// What a retention pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retained {
    /// Readings added to the rollups by this pass.
    pub rolled_up: u64,
    /// Raw readings deleted, being older than the days kept.
    pub deleted: u64,
}

/// How far back raw readings are kept: everything received before `now − days` goes, once
/// rolled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepDays(pub u32);

impl KeepDays {
    /// The first receive time kept at `now`.
    pub fn cutoff(self, now: OffsetDateTime) -> OffsetDateTime {
        now - Duration::days(i64::from(self.0))
    }
}

/// The period of a rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A minute (`readings_minute`).
    Minute,
    /// An hour (`readings_hour`).
    Hour,
}

impl Period {
    /// The table of its rollups.
    pub fn table(self) -> &'static str {
        match self {
            Period::Minute => "readings_minute",
            Period::Hour => "readings_hour",
        }
    }

    /// How long it lasts.
    pub fn duration(self) -> Duration {
        match self {
            Period::Minute => Duration::MINUTE,
            Period::Hour => Duration::HOUR,
        }
    }
}

/// A rollup of one board over one minute or hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rollup {
    /// When its minute or hour starts (UTC).
    pub start: OffsetDateTime,
    /// How many readings it holds.
    pub count: u64,
    /// Temperature: minimum, mean, maximum.
    pub temperature: [f64; 3],
    /// Humidity: minimum, mean, maximum.
    pub humidity: [f64; 3],
}
