//! [`Limits`]: the physical ranges a reading must respect, and the payload size limit.

use std::ops::RangeInclusive;

/// Largest payload accepted by default: 64 KiB. A reading is under 100 bytes; anything near
/// this size is a broken or hostile publisher.
pub const DEFAULT_MAX_PAYLOAD: usize = 64 * 1024;

/// Physical limits a reading must respect, and the payload size limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest payload accepted, in bytes.
    pub max_payload: usize,
    /// Accepted temperatures in °C. Default −40..=125, the DHT family's widest range.
    pub temperature: RangeInclusive<f64>,
    /// Accepted relative humidity in %. Default 0..=100.
    pub humidity: RangeInclusive<f64>,
    /// Accepted light values. Default 0..=200,000 (lux in full sunlight; also any ADC count).
    pub light: RangeInclusive<f64>,
    /// Accepted board timestamps in seconds. Default 0..=2^33 (beyond the year 2200).
    pub timestamp: RangeInclusive<f64>,
    /// Longest board id accepted, in bytes. Default 64.
    pub max_board_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_payload: DEFAULT_MAX_PAYLOAD,
            temperature: -40.0..=125.0,
            humidity: 0.0..=100.0,
            light: 0.0..=200_000.0,
            timestamp: 0.0..=8_589_934_592.0,
            max_board_len: 64,
        }
    }
}
