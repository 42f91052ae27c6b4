//! When a board's silence means it is stale: silent for more than 3 times the median of its
//! recent gaps between readings, and at least 15 s (3 times the firmware's 5 s). `watch`, `demo`
//! and the page judge it so.
//!
//! ```
//! use std::time::Duration;
//! use hexaboard_core::cadence::Cadence;
//!
//! let mut cadence = Cadence::default();
//! for _ in 0..10 {
//!     cadence.gap(Duration::from_secs(10));
//! }
//! assert_eq!(cadence.stale_after(), Duration::from_secs(30));
//! assert!(!cadence.is_stale(Duration::from_secs(30)));
//! assert!(cadence.is_stale(Duration::from_secs(31)));
//! ```

use std::collections::VecDeque;
use std::time::Duration;

/// Gaps kept per board for its usual interval.
const GAPS_KEPT: usize = 20;

/// The shortest silence judged stale: 3 times the firmware's 5 s.
pub const MIN_STALE: Duration = Duration::from_secs(15);

/// The recent gaps between a board's readings.
#[derive(Debug, Clone, Default)]
pub struct Cadence {
    gaps: VecDeque<Duration>,
}

impl Cadence {
    /// Notes the time between a reading and the one before it.
    pub fn gap(&mut self, gap: Duration) {
        if self.gaps.len() == GAPS_KEPT {
            self.gaps.pop_front();
        }
        self.gaps.push_back(gap);
    }

    /// How long a silence may last before the board is stale.
    pub fn stale_after(&self) -> Duration {
        let mut gaps: Vec<Duration> = self.gaps.iter().copied().collect();
        gaps.sort_unstable();
        let median = gaps.get(gaps.len() / 2).copied().unwrap_or_default();
        (median * 3).max(MIN_STALE)
    }

    /// Whether a silence of `silence` since the last reading makes the board stale.
    pub fn is_stale(&self, silence: Duration) -> bool {
        silence > self.stale_after()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_without_gaps_yet_is_stale_after_15_seconds() {
        let cadence = Cadence::default();
        assert_eq!(cadence.stale_after(), MIN_STALE);
        assert!(cadence.is_stale(Duration::from_secs(16)));
    }

    #[test]
    fn the_median_of_the_last_20_gaps_sets_the_limit() {
        let mut cadence = Cadence::default();
        for _ in 0..30 {
            cadence.gap(Duration::from_secs(60));
        }
        for _ in 0..11 {
            cadence.gap(Duration::from_secs(1));
        }
        // 11 of the kept 20 are 1 s: the median is 1 s, the limit the minimum.
        assert_eq!(cadence.stale_after(), MIN_STALE);
    }
}
