//! What a board's `timestamp` means.
//!
//! MicroPython on the ESP32 counts seconds from **2000-01-01**, not 1970, so read as Unix time
//! a Hexaboard timestamp lands about 30 years in the past; a board whose clock never synced
//! counts seconds since boot. [`BoardTime::interpret`] compares the raw value with the receive
//! time (passed in: this crate never reads the clock) and says which of these it is.
//!
//! ```
//! use hexaboard_core::board_time::{BoardTime, Tolerance};
//!
//! let received = 1_764_034_215; // 2025-11-25 01:30:15 UTC
//! let t = BoardTime::interpret(817_349_415.0, received, Tolerance::default());
//! assert_eq!(t, BoardTime::MicroPython2000 { unix: 1_764_034_215 });
//! assert!(matches!(BoardTime::interpret(42.0, received, Tolerance::default()),
//!                  BoardTime::Unsynced { .. }));
//! ```

use std::fmt;

/// Seconds between the Unix epoch (1970-01-01) and MicroPython's epoch (2000-01-01).
pub const MICROPYTHON_EPOCH_OFFSET: i64 = 946_684_800;

/// How far a board clock may be from the receive time and still count as synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// Largest accepted difference in seconds. Default: 26 hours, so a board that set its
    /// clock to local time instead of UTC (up to ±14 h) plus a day of drift still counts.
    pub seconds: i64,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance { seconds: 26 * 3600 }
    }
}

/// The meaning of a board timestamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoardTime {
    /// Unix seconds, close to the receive time.
    Unix {
        /// Unix seconds (whole seconds, fractions cut).
        unix: i64,
    },
    /// Seconds since 2000-01-01 (MicroPython's epoch), converted to Unix seconds.
    MicroPython2000 {
        /// The converted value in Unix seconds.
        unix: i64,
    },
    /// Neither epoch puts it near the receive time: seconds since boot, or a clock that never
    /// synced. The raw value is kept as it came.
    Unsynced {
        /// The value as the board sent it.
        raw: f64,
        /// Raw value minus the receive time, read as Unix seconds.
        skew: i64,
    },
}

impl BoardTime {
    /// Interprets a board's raw `timestamp` received at Unix second `received_at`.
    pub fn interpret(raw: f64, received_at: i64, tolerance: Tolerance) -> BoardTime {
        if !raw.is_finite() || raw.abs() > 1e15 {
            return BoardTime::Unsynced {
                raw,
                skew: i64::MAX,
            };
        }
        let secs = raw.trunc() as i64;
        let near = |unix: i64| (unix - received_at).abs() <= tolerance.seconds;
        if near(secs) {
            BoardTime::Unix { unix: secs }
        } else if near(secs + MICROPYTHON_EPOCH_OFFSET) {
            BoardTime::MicroPython2000 {
                unix: secs + MICROPYTHON_EPOCH_OFFSET,
            }
        } else {
            BoardTime::Unsynced {
                raw,
                skew: secs.saturating_sub(received_at),
            }
        }
    }

    /// The time in Unix seconds, when the board's clock is synced.
    pub fn unix(&self) -> Option<i64> {
        match *self {
            BoardTime::Unix { unix } | BoardTime::MicroPython2000 { unix } => Some(unix),
            BoardTime::Unsynced { .. } => None,
        }
    }

    /// A short name: `unix`, `micropython-2000`, `unsynced`.
    pub fn kind(&self) -> &'static str {
        match self {
            BoardTime::Unix { .. } => "unix",
            BoardTime::MicroPython2000 { .. } => "micropython-2000",
            BoardTime::Unsynced { .. } => "unsynced",
        }
    }
}

impl fmt::Display for BoardTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BoardTime::Unix { unix } => write!(f, "Unix time {unix}"),
            BoardTime::MicroPython2000 { unix } => write!(
                f,
                "MicroPython 2000-epoch time, {unix} as Unix time (+{MICROPYTHON_EPOCH_OFFSET} s)"
            ),
            BoardTime::Unsynced { raw, .. } => {
                write!(f, "unsynced board clock ({raw} s, since boot or never set)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_034_215;

    #[test]
    fn a_synced_unix_clock_is_taken_as_is() {
        let t = BoardTime::interpret((NOW - 3) as f64 + 0.75, NOW, Tolerance::default());
        assert_eq!(t, BoardTime::Unix { unix: NOW - 3 });
        assert_eq!(t.unix(), Some(NOW - 3));
    }

    #[test]
    fn a_micropython_2000_epoch_clock_is_moved_by_thirty_years() {
        let raw = (NOW - MICROPYTHON_EPOCH_OFFSET) as f64;
        let t = BoardTime::interpret(raw, NOW, Tolerance::default());
        assert_eq!(t, BoardTime::MicroPython2000 { unix: NOW });
        assert_eq!(t.kind(), "micropython-2000");
    }

    #[test]
    fn a_board_clock_on_korean_local_time_still_counts_as_synced() {
        let t = BoardTime::interpret((NOW + 9 * 3600) as f64, NOW, Tolerance::default());
        assert_eq!(t.kind(), "unix");
    }

    #[test]
    fn seconds_since_boot_and_far_values_are_unsynced_and_kept_raw() {
        for raw in [37.0, 1_234_567_890.0, (NOW + 30 * 86_400) as f64] {
            let t = BoardTime::interpret(raw, NOW, Tolerance::default());
            assert!(
                matches!(t, BoardTime::Unsynced { raw: r, .. } if r == raw),
                "{raw}"
            );
            assert_eq!(t.unix(), None);
        }
        let t = BoardTime::interpret(37.0, NOW, Tolerance::default());
        assert_eq!(
            t,
            BoardTime::Unsynced {
                raw: 37.0,
                skew: 37 - NOW
            }
        );
    }

    #[test]
    fn tolerance_is_configurable() {
        let tight = Tolerance { seconds: 60 };
        let t = BoardTime::interpret((NOW + 120) as f64, NOW, tight);
        assert_eq!(t.kind(), "unsynced");
    }

    #[test]
    fn non_finite_and_huge_values_never_panic() {
        for raw in [f64::NAN, f64::INFINITY, -1e300, 1e300] {
            assert_eq!(
                BoardTime::interpret(raw, NOW, Tolerance::default()).kind(),
                "unsynced"
            );
        }
    }
}
