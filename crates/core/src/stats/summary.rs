//! What a board's history says: the next chapter's [`Summary`] (a [`Spread`] per quantity) and
//! the [`Trend`] of its temperature.

use std::fmt;

use serde::Serialize;

use super::RollingWindow;

/// Average, minimum and maximum of one quantity over a board's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Arithmetic mean.
    pub average: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Spread {
    pub(super) fn of(window: &RollingWindow) -> Option<Self> {
        Some(Self {
            average: window.average()?,
            min: window.min()?,
            max: window.max()?,
        })
    }
}

/// The next chapter's summary of a board's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many readings the summary covers (at most the history capacity, 100 by default).
    pub count: usize,
    /// Temperature in °C.
    pub temperature: Spread,
    /// Relative humidity in %.
    pub humidity: Spread,
}

/// Direction of the temperature over the last [`TREND_READINGS`] readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Trend {
    /// The newer half sums to more than 5 % above the older half.
    #[serde(rename = "rising")]
    Rising,
    /// The newer half sums to more than 5 % below the older half.
    #[serde(rename = "falling")]
    Falling,
    /// Within 5 % either way (exactly 5 % counts as stable).
    #[serde(rename = "stable")]
    Stable,
    /// Fewer than [`TREND_READINGS`] readings so far.
    #[serde(rename = "not enough data")]
    NotEnoughData,
}

impl Trend {
    /// The chapter's word for the trend: `rising`, `falling`, `stable` or `not enough data`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Rising => "rising",
            Trend::Falling => "falling",
            Trend::Stable => "stable",
            Trend::NotEnoughData => "not enough data",
        }
    }

    /// The trend from the sum of the older half (`previous`) and of the newer half (`last`).
    ///
    /// The rule, 5 % measured against the size of the older sum:
    ///
    /// - `previous != 0`: rising when `last - previous > 5 % of |previous|`, falling when
    ///   `last - previous < -5 % of |previous|`, else stable. Taking `|previous|` keeps the
    ///   direction right below 0 °C: from -10 to -5 is warmer, so rising.
    /// - `previous == 0`: no percentage exists; rising when `last > 0`, falling when `last < 0`,
    ///   stable when both are 0.
    ///
    /// The comparison is made as `20 × difference` against `|previous|`, so sums of whole
    /// degrees land exactly on the boundary (200 → 210 is exactly 5 %, stable) instead of
    /// depending on how `0.05` rounds.
    pub fn from_sums(previous: f64, last: f64) -> Self {
        if previous == 0.0 {
            // No percentage of 0 exists: any move away from it counts as more than 5 %.
            return if last > 0.0 {
                Trend::Rising
            } else if last < 0.0 {
                Trend::Falling
            } else {
                Trend::Stable
            };
        }
        let scaled = (last - previous) * 20.0;
        if scaled > previous.abs() {
            Trend::Rising
        } else if scaled < -previous.abs() {
            Trend::Falling
        } else {
            Trend::Stable
        }
    }
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many temperatures the trend looks at: the last 10 against the 10 before.
pub const TREND_READINGS: usize = 20;
