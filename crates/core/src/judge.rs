//! Comfort judgement, threshold alerts with hysteresis, and the LED colour of the control loop.
//!
//! - [`judge`] sorts a temperature and a humidity into the next chapter's bands: below 18 °C too
//!   cold, above 28 °C too hot; below 30 % too dry, above 70 % too humid. The bounds themselves
//!   are comfortable.
//! - [`ThresholdAlert`] is the chapter's "high temperature" warning (`>= 25`) made to report
//!   transitions only, with a lower clearing point so a 1 °C sensor cannot make it flap.
//! - [`led_color_for`] picks the colour the control loop sends back to the board.
//!
//! Values are plain `f64`, expected finite as a parsed reading guarantees.
//!
//! ```
//! use hexaboard_core::judge::{
//!     judge, led_color_for, AlertTransition, HumidityComfort, TempComfort, ThresholdAlert,
//!     Thresholds,
//! };
//!
//! let verdict = judge(29.0, 55.0, &Thresholds::default());
//! assert_eq!(verdict.temperature, TempComfort::TooHot);
//! assert_eq!(verdict.humidity, HumidityComfort::Comfortable);
//! assert!(!verdict.is_comfortable());
//! assert_eq!(led_color_for(verdict.temperature), [0, 0, 255]);
//!
//! // Raised at 25 °C, cleared only below 24 °C.
//! let mut alert = ThresholdAlert::default();
//! let transitions: Vec<_> = [24.0, 25.0, 24.0, 25.0, 23.0]
//!     .into_iter()
//!     .filter_map(|t| alert.update(t))
//!     .collect();
//! assert_eq!(transitions, [AlertTransition::Raised, AlertTransition::Cleared]);
//! ```

use serde::{Deserialize, Serialize};

/// The bounds of the comfortable band; values on a bound are comfortable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Below this temperature (°C) it is too cold. Default 18.
    pub too_cold_below: f64,
    /// Above this temperature (°C) it is too hot. Default 28.
    pub too_hot_above: f64,
    /// Below this relative humidity (%) it is too dry. Default 30.
    pub too_dry_below: f64,
    /// Above this relative humidity (%) it is too humid. Default 70.
    pub too_humid_above: f64,
}

impl Default for Thresholds {
    /// The next chapter's bands: 18–28 °C and 30–70 %.
    fn default() -> Self {
        Self {
            too_cold_below: 18.0,
            too_hot_above: 28.0,
            too_dry_below: 30.0,
            too_humid_above: 70.0,
        }
    }
}

/// How the temperature feels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TempComfort {
    /// Below [`Thresholds::too_cold_below`].
    TooCold,
    /// Within the band, bounds included.
    Comfortable,
    /// Above [`Thresholds::too_hot_above`].
    TooHot,
}

/// How the humidity feels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HumidityComfort {
    /// Below [`Thresholds::too_dry_below`].
    TooDry,
    /// Within the band, bounds included.
    Comfortable,
    /// Above [`Thresholds::too_humid_above`].
    TooHumid,
}

/// The judgement of one reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Judgement {
    /// Temperature band.
    pub temperature: TempComfort,
    /// Humidity band.
    pub humidity: HumidityComfort,
}

impl Judgement {
    /// Whether both temperature and humidity are comfortable.
    pub fn is_comfortable(&self) -> bool {
        self.temperature == TempComfort::Comfortable
            && self.humidity == HumidityComfort::Comfortable
    }
}

/// Judges a temperature (°C) and a relative humidity (%) against `thresholds`.
pub fn judge(temperature: f64, humidity: f64, thresholds: &Thresholds) -> Judgement {
    Judgement {
        temperature: judge_temperature(temperature, thresholds),
        humidity: judge_humidity(humidity, thresholds),
    }
}

/// The temperature band of `temperature` (°C).
pub fn judge_temperature(temperature: f64, thresholds: &Thresholds) -> TempComfort {
    band(
        temperature,
        (thresholds.too_cold_below, thresholds.too_hot_above),
        [
            TempComfort::TooCold,
            TempComfort::Comfortable,
            TempComfort::TooHot,
        ],
    )
}

/// The humidity band of `humidity` (%).
pub fn judge_humidity(humidity: f64, thresholds: &Thresholds) -> HumidityComfort {
    band(
        humidity,
        (thresholds.too_dry_below, thresholds.too_humid_above),
        [
            HumidityComfort::TooDry,
            HumidityComfort::Comfortable,
            HumidityComfort::TooHumid,
        ],
    )
}

/// Which of `[below, within, above]` `value` falls in: below `low`, above `high`, or between
/// them, both bounds comfortable (the chapter's `if t < 18 ... elif t > 28`).
fn band<T>(value: f64, (low, high): (f64, f64), [below, within, above]: [T; 3]) -> T {
    if value < low {
        below
    } else if value > high {
        above
    } else {
        within
    }
}

/// The LED colour `[R, G, B]` the control loop sends for a temperature band: blue to say "too
/// hot", red to say "too cold", green when comfortable.
pub fn led_color_for(temperature: TempComfort) -> [u8; 3] {
    match temperature {
        TempComfort::TooHot => [0, 0, 255],
        TempComfort::TooCold => [255, 0, 0],
        TempComfort::Comfortable => [0, 255, 0],
    }
}

/// A change of a [`ThresholdAlert`]'s state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertTransition {
    /// The value reached the raise point; the alert is now active.
    Raised,
    /// The value fell below the clear point; the alert is no longer active.
    Cleared,
}

/// Why a [`ThresholdAlert`] could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlertError {
    /// The clear point lies above the raise point, so a value between them would both raise and
    /// clear the alert.
    #[error("alert clear point {clear} is above its raise point {raise}; use a clear point at or below the raise point")]
    ClearAboveRaise {
        /// The raise point given.
        raise: f64,
        /// The clear point given.
        clear: f64,
    },
    /// A point is NaN or infinite.
    #[error("alert points must be finite numbers, got raise {raise} and clear {clear}")]
    NotFinite {
        /// The raise point given.
        raise: f64,
        /// The clear point given.
        clear: f64,
    },
}

/// An alert raised at `value >= raise` and cleared only at `value < clear`, with
/// `clear <= raise`.
///
/// Why the gap: the course's DHT11 resolves whole degrees, so a room sitting near 25 °C reads
/// 24, 25, 24, 25, … A single threshold at 25 would warn and un-warn on every other reading,
/// the flapping the chapter's `>= 25` check shows. With the alert cleared only below 24, that
/// sequence raises once and stays raised until the room really cools to 23. [`update`] reports
/// only these transitions, so the caller warns once per episode instead of once per reading.
///
/// A value that is NaN changes nothing.
///
/// [`update`]: ThresholdAlert::update
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdAlert {
    raise: f64,
    clear: f64,
    active: bool,
}

impl ThresholdAlert {
    /// The chapter's high-temperature warning point, °C.
    pub const DEFAULT_RAISE: f64 = 25.0;
    /// One DHT11 step below [`ThresholdAlert::DEFAULT_RAISE`], °C.
    pub const DEFAULT_CLEAR: f64 = 24.0;

    /// An inactive alert raised at `>= raise` and cleared at `< clear`.
    ///
    /// `clear == raise` is allowed and gives a plain threshold without hysteresis.
    ///
    /// # Errors
    ///
    /// [`AlertError::NotFinite`] if a point is NaN or infinite, [`AlertError::ClearAboveRaise`]
    /// if `clear > raise`.
    pub fn new(raise: f64, clear: f64) -> Result<Self, AlertError> {
        if !raise.is_finite() || !clear.is_finite() {
            return Err(AlertError::NotFinite { raise, clear });
        }
        if clear > raise {
            return Err(AlertError::ClearAboveRaise { raise, clear });
        }
        Ok(Self {
            raise,
            clear,
            active: false,
        })
    }

    /// Feeds one value; returns the transition it causes, if any.
    pub fn update(&mut self, value: f64) -> Option<AlertTransition> {
        if !self.active && value >= self.raise {
            self.active = true;
            Some(AlertTransition::Raised)
        } else if self.active && value < self.clear {
            self.active = false;
            Some(AlertTransition::Cleared)
        } else {
            None
        }
    }

    /// Returns to the inactive state, keeping the points.
    pub fn reset(&mut self) {
        self.active = false;
    }

    /// Whether the alert is raised now.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// The raise point.
    pub fn raise(&self) -> f64 {
        self.raise
    }

    /// The clear point.
    pub fn clear(&self) -> f64 {
        self.clear
    }
}

impl Default for ThresholdAlert {
    /// Raised at 25 °C, cleared below 24 °C.
    fn default() -> Self {
        Self {
            raise: Self::DEFAULT_RAISE,
            clear: Self::DEFAULT_CLEAR,
            active: false,
        }
    }
}
