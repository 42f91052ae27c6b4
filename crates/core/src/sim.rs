//! A virtual Hexaboard: readings like the course firmware's, for learning without hardware,
//! demos and load tests.
//!
//! The firmware reads a DHT11 every 5 s and publishes
//! `{"board": "A", "temperature": 25, "humidity": 60, "timestamp": 817349415}`: whole degrees
//! and percents, and MicroPython's `time.time()`, which counts from 2000-01-01. A
//! [`VirtualBoard`] does the same from a seed, with temperature and humidity drifting slowly
//! the way a room does, so statistics, trends and alerts have something real to work on.
//!
//! ```
//! use hexaboard_core::sim::VirtualBoard;
//!
//! let mut board = VirtualBoard::new("A", 7);
//! let payload = board.next_payload(1_764_034_215);
//! assert!(payload.starts_with(r#"{"board": "A", "temperature": "#));
//! assert!(payload.ends_with(r#""timestamp": 817349415}"#));
//! ```

use crate::board_time::MICROPYTHON_EPOCH_OFFSET;
use crate::control::LedCommand;

/// A simulated board: deterministic for a given id and seed.
#[derive(Debug, Clone)]
pub struct VirtualBoard {
    board: String,
    rng: u64,
    temperature: f64,
    humidity: f64,
    /// Where the room is heading; changes now and then.
    target: (f64, f64),
}

impl VirtualBoard {
    /// A board named `board` whose readings follow from `seed`.
    pub fn new(board: impl Into<String>, seed: u64) -> VirtualBoard {
        let board = board.into();
        // Mix the board id into the seed so boards started with one seed differ.
        let mut rng = seed ^ 0x9E37_79B9_7F4A_7C15;
        for b in board.bytes() {
            rng = (rng ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
        }
        let mut sim = VirtualBoard {
            board,
            rng,
            temperature: 0.0,
            humidity: 0.0,
            target: (0.0, 0.0),
        };
        sim.temperature = 20.0 + 6.0 * sim.unit();
        sim.humidity = 45.0 + 15.0 * sim.unit();
        sim.target = (sim.temperature, sim.humidity);
        sim
    }

    /// The board id.
    pub fn board(&self) -> &str {
        &self.board
    }

    /// The sensor topic, `hexaboard/{board}/sensor/data`.
    pub fn sensor_topic(&self) -> String {
        format!("hexaboard/{}/sensor/data", self.board)
    }

    /// The status topic, `hexaboard/{board}/status`.
    pub fn status_topic(&self) -> String {
        format!("hexaboard/{}/status", self.board)
    }

    /// The LED control topic, `hexaboard/{board}/control/led`.
    pub fn control_topic(&self) -> String {
        LedCommand::topic(&self.board)
    }

    /// The next reading as the firmware's JSON, stamped with MicroPython's clock at Unix
    /// second `now`.
    pub fn next_payload(&mut self, now: i64) -> String {
        let (t, h) = self.step();
        format!(
            r#"{{"board": "{}", "temperature": {t}, "humidity": {h}, "timestamp": {}}}"#,
            self.board,
            now - MICROPYTHON_EPOCH_OFFSET
        )
    }

    /// Advances the room by one reading and returns what a DHT11 would report: whole °C and %.
    pub fn step(&mut self) -> (i64, i64) {
        if self.unit() < 0.05 {
            // Someone opened a window or turned the heating on.
            self.target = (
                (self.temperature + 8.0 * (self.unit() - 0.5)).clamp(12.0, 34.0),
                (self.humidity + 20.0 * (self.unit() - 0.5)).clamp(20.0, 85.0),
            );
        }
        self.temperature += 0.1 * (self.target.0 - self.temperature) + 0.3 * (self.unit() - 0.5);
        self.humidity += 0.1 * (self.target.1 - self.humidity) + 0.8 * (self.unit() - 0.5);
        (
            self.temperature.round().clamp(0.0, 50.0) as i64,
            self.humidity.round().clamp(20.0, 90.0) as i64,
        )
    }

    /// A uniform number in `[0, 1)` (xorshift64*: small, fast, reproducible).
    fn unit(&mut self) -> f64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let x = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::ReadingParser;

    #[test]
    fn the_same_seed_gives_the_same_readings() {
        let mut a = VirtualBoard::new("A", 1);
        let mut b = VirtualBoard::new("A", 1);
        let (x, y): (Vec<_>, Vec<_>) = (0..50).map(|_| (a.step(), b.step())).unzip();
        assert_eq!(x, y);
        assert_ne!(
            VirtualBoard::new("B", 1).step(),
            VirtualBoard::new("B", 2).step()
        );
    }

    #[test]
    fn payloads_parse_as_readings_with_a_micropython_timestamp() {
        let mut board = VirtualBoard::new("A", 3);
        let payload = board.next_payload(1_764_034_215);
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), "hexaboard/A/sensor/data")
            .unwrap();
        assert_eq!(reading.board(), "A");
        assert_eq!(reading.timestamp().unwrap().value(), 817_349_415.0);
        assert!(
            !reading.temperature().as_str().contains('.'),
            "whole degrees like a DHT11"
        );
    }

    #[test]
    fn readings_drift_slowly_and_stay_plausible() {
        let mut board = VirtualBoard::new("A", 11);
        let mut last = board.step();
        for _ in 0..5000 {
            let next = board.step();
            assert!((0..=50).contains(&next.0) && (20..=90).contains(&next.1));
            assert!(
                (next.0 - last.0).abs() <= 2,
                "temperature jumped: {last:?} → {next:?}"
            );
            last = next;
        }
    }
}
