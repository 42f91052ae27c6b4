//! [`BoardStats`]: one board's history, window, last values and alert, in constant memory.

use time::OffsetDateTime;

use super::{RollingWindow, Spread, Summary, Trend, TREND_READINGS};
use crate::judge::{AlertTransition, ThresholdAlert};

/// Sizes of a board's buffers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoardConfig {
    /// Readings kept for the [`Summary`] (default 100). Raised to [`TREND_READINGS`] if smaller,
    /// since the trend reads from the same history.
    pub history: usize,
    /// Temperatures kept for the challenge average (default 5).
    pub window: usize,
    /// The high-temperature alert every board starts with (raise at 25 °C, clear below 24 °C).
    pub alert: ThresholdAlert,
}

impl Default for BoardConfig {
    fn default() -> Self {
        Self {
            history: 100,
            window: RollingWindow::DEFAULT_CAPACITY,
            alert: ThresholdAlert::default(),
        }
    }
}

/// One board's statistics in constant memory.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardStats {
    temperatures: RollingWindow,
    humidities: RollingWindow,
    window: RollingWindow,
    last: Option<(f64, f64)>,
    total: u64,
    last_seen: Option<OffsetDateTime>,
    alert: ThresholdAlert,
}

impl BoardStats {
    /// Statistics with the default sizes: 100 readings of history, a window of 5.
    pub fn new() -> Self {
        Self::with_config(BoardConfig::default())
    }

    /// Statistics with the given buffer sizes; every buffer is allocated here, once.
    pub fn with_config(config: BoardConfig) -> Self {
        let history = config.history.max(TREND_READINGS);
        Self {
            temperatures: RollingWindow::new(history),
            humidities: RollingWindow::new(history),
            window: RollingWindow::new(config.window),
            last: None,
            total: 0,
            last_seen: None,
            alert: config.alert,
        }
    }

    /// Records one reading received at `received_at` and feeds the temperature to the board's
    /// alert, returning the alert's transition, if any. O(1), never allocates.
    pub fn update(
        &mut self,
        temperature: f64,
        humidity: f64,
        received_at: OffsetDateTime,
    ) -> Option<AlertTransition> {
        self.temperatures.push(temperature);
        self.humidities.push(humidity);
        self.window.push(temperature);
        self.last = Some((temperature, humidity));
        self.total += 1;
        self.last_seen = Some(received_at);
        self.alert.update(temperature)
    }

    /// The board's high-temperature alert.
    pub fn alert(&self) -> &ThresholdAlert {
        &self.alert
    }

    /// Forgets everything, keeping the buffers (used when a registry slot is reused).
    pub fn clear(&mut self) {
        self.temperatures.clear();
        self.humidities.clear();
        self.window.clear();
        self.last = None;
        self.total = 0;
        self.last_seen = None;
        self.alert.reset();
    }

    /// Average, minimum and maximum over the history, or `None` before the first reading.
    pub fn summary(&self) -> Option<Summary> {
        Some(Summary {
            count: self.temperatures.len(),
            temperature: Spread::of(&self.temperatures)?,
            humidity: Spread::of(&self.humidities)?,
        })
    }

    /// The trend of the last [`TREND_READINGS`] temperatures; see [`Trend::from_sums`].
    pub fn trend(&self) -> Trend {
        if self.temperatures.len() < TREND_READINGS {
            return Trend::NotEnoughData;
        }
        let half = TREND_READINGS / 2;
        let mut newest = self.temperatures.iter().rev();
        let last: f64 = newest.by_ref().take(half).sum();
        let previous: f64 = newest.take(half).sum();
        Trend::from_sums(previous, last)
    }

    /// The challenge window of the last temperatures (5 by default).
    pub fn window(&self) -> &RollingWindow {
        &self.window
    }

    /// The temperatures of the history, oldest first.
    pub fn temperatures(&self) -> &RollingWindow {
        &self.temperatures
    }

    /// The humidities of the history, oldest first.
    pub fn humidities(&self) -> &RollingWindow {
        &self.humidities
    }

    /// The newest temperature, if any.
    pub fn last_temperature(&self) -> Option<f64> {
        self.last.map(|(t, _)| t)
    }

    /// The newest humidity, if any.
    pub fn last_humidity(&self) -> Option<f64> {
        self.last.map(|(_, h)| h)
    }

    /// Every reading ever recorded, including those that left the history.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// When the newest reading was received, as handed to [`BoardStats::update`].
    pub fn last_seen(&self) -> Option<OffsetDateTime> {
        self.last_seen
    }
}

impl Default for BoardStats {
    fn default() -> Self {
        Self::new()
    }
}
