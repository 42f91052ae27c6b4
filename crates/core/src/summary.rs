//! The next chapter's analysis of a recorded CSV, per board.
//!
//! Rows read back with [`crate::csv_row::RowReader`] are fed one by one to a [`CsvSummary`];
//! each board gets a [`BoardStats`] (the last 100 readings), so the figures are those a live
//! receiver would show after the same readings: average, minimum and maximum of temperature and
//! humidity over the last 100, the trend of the last 20 temperatures, the comfort judgement of
//! the averages, and the first and last receive time.
//!
//! A row without a temperature or a humidity cannot enter the statistics; it is counted as
//! incomplete and left out.
//!
//! ```
//! use hexaboard_core::csv_row::RowReader;
//! use hexaboard_core::summary::CsvSummary;
//!
//! let csv = "Timestamp,Board,Temperature,Humidity,Light\r\n\
//!            2025-11-25 10:30:15,A,25,60,\r\n\
//!            2025-11-25 10:30:20,A,27,50,\r\n";
//! let mut summary = CsvSummary::new();
//! for row in RowReader::new(csv.as_bytes()) {
//!     summary.add(&row.unwrap());
//! }
//! let boards = summary.boards();
//! assert_eq!(boards[0].board, "A");
//! assert_eq!(boards[0].count, 2);
//! assert_eq!(boards[0].temperature.unwrap().average, 26.0);
//! assert_eq!(boards[0].trend.as_str(), "not enough data");
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use time::PrimitiveDateTime;

use crate::csv_row::Row;
use crate::judge::{judge, HumidityComfort, TempComfort, Thresholds};
use crate::stats::{BoardStats, Spread, Trend};
use crate::text::DateTime;

/// The figures of one board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardSummary {
    /// The board id, as written in the CSV.
    pub board: String,
    /// Readings the averages cover: the last 100 at most.
    pub count: usize,
    /// Every complete reading of the board in the file.
    pub total: u64,
    /// Rows of the board without a temperature or a humidity, left out of the figures.
    pub incomplete: u64,
    /// Temperature (°C) over the last `count` readings; `None` when no row was complete.
    pub temperature: Option<Spread>,
    /// Humidity (%) over the last `count` readings.
    pub humidity: Option<Spread>,
    /// Trend of the last 20 temperatures.
    pub trend: Trend,
    /// Comfort of the average temperature.
    pub temperature_comfort: Option<TempComfort>,
    /// Comfort of the average humidity.
    pub humidity_comfort: Option<HumidityComfort>,
    /// Receive time of the board's first row, `YYYY-MM-DD HH:MM:SS`.
    pub first: String,
    /// Receive time of the board's last row.
    pub last: String,
}

#[derive(Debug, Clone)]
struct Board {
    stats: BoardStats,
    /// Complete readings known only by their count ([`CsvSummary::add_known`]).
    earlier: u64,
    incomplete: u64,
    first: PrimitiveDateTime,
    last: PrimitiveDateTime,
}

/// Accumulates rows into per-board figures. Memory is bounded per board (100 readings).
#[derive(Debug, Clone, Default)]
pub struct CsvSummary {
    boards: BTreeMap<String, Board>,
    thresholds: Thresholds,
}

impl CsvSummary {
    /// A summary judged with the next chapter's bands (18–28 °C, 30–70 %).
    pub fn new() -> CsvSummary {
        CsvSummary::default()
    }

    /// A summary judged with other bands.
    pub fn with_thresholds(thresholds: Thresholds) -> CsvSummary {
        CsvSummary {
            boards: BTreeMap::new(),
            thresholds,
        }
    }

    /// Adds one row.
    pub fn add(&mut self, row: &Row) {
        let board = self.board(&row.board, row.timestamp);
        board.first = board.first.min(row.timestamp);
        board.last = board.last.max(row.timestamp);
        match (row.temperature, row.humidity) {
            (Some(t), Some(h)) => {
                board
                    .stats
                    .update(t.value(), h.value(), row.timestamp.assume_utc());
            }
            _ => board.incomplete += 1,
        }
    }

    /// Adds a board that a database knows by its count of complete readings (`total`), its
    /// first and last receive time (local) and its newest readings (local time, temperature,
    /// humidity; oldest first): the figures are those [`CsvSummary::add`] gives for all of
    /// its rows, as they use only the newest.
    pub fn add_known(
        &mut self,
        board: &str,
        total: u64,
        (first, last): (PrimitiveDateTime, PrimitiveDateTime),
        newest: impl IntoIterator<Item = (PrimitiveDateTime, f64, f64)>,
    ) {
        let board = self.board(board, first);
        let mut added = 0;
        for (at, t, h) in newest {
            board.stats.update(t, h, at.assume_utc());
            added += 1;
        }
        board.earlier += total.saturating_sub(added);
        board.first = board.first.min(first);
        board.last = board.last.max(last);
    }

    fn board(&mut self, board: &str, at: PrimitiveDateTime) -> &mut Board {
        self.boards
            .entry(board.to_owned())
            .or_insert_with(|| Board {
                stats: BoardStats::new(),
                earlier: 0,
                incomplete: 0,
                first: at,
                last: at,
            })
    }

    /// How many rows were added, complete or not.
    pub fn rows(&self) -> u64 {
        self.boards
            .values()
            .map(|b| b.stats.total() + b.earlier + b.incomplete)
            .sum()
    }

    /// The figures of every board, sorted by board id.
    pub fn boards(&self) -> Vec<BoardSummary> {
        self.boards
            .iter()
            .map(|(id, b)| {
                let summary = b.stats.summary();
                let temperature = summary.map(|s| s.temperature);
                let humidity = summary.map(|s| s.humidity);
                let verdict = summary
                    .map(|s| judge(s.temperature.average, s.humidity.average, &self.thresholds));
                BoardSummary {
                    board: id.clone(),
                    count: summary.map_or(0, |s| s.count),
                    total: b.stats.total() + b.earlier,
                    incomplete: b.incomplete,
                    temperature,
                    humidity,
                    trend: b.stats.trend(),
                    temperature_comfort: verdict.map(|v| v.temperature),
                    humidity_comfort: verdict.map(|v| v.humidity),
                    first: DateTime(b.first).to_string(),
                    last: DateTime(b.last).to_string(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_row::RowReader;

    fn summarise(csv: &str) -> Vec<BoardSummary> {
        let mut s = CsvSummary::new();
        for row in RowReader::new(csv.as_bytes()).flatten() {
            s.add(&row);
        }
        s.boards()
    }

    #[test]
    fn a_board_known_by_its_count_and_newest_readings_gets_the_figures_of_all_its_rows() {
        let mut csv = String::from("Timestamp,Board,Temperature,Humidity,Light\r\n");
        for i in 0..150 {
            let t = 10 + i % 17;
            csv.push_str(&format!(
                "2025-01-01 00:{:02}:{:02},A,{t},{},\r\n",
                i / 60,
                i % 60,
                40 + i % 7
            ));
        }
        let rows: Vec<Row> = RowReader::new(csv.as_bytes()).flatten().collect();
        let mut known = CsvSummary::new();
        known.add_known(
            "A",
            150,
            (rows[0].timestamp, rows[149].timestamp),
            rows[50..].iter().map(|r| {
                let value = |n: Option<crate::number::Number>| n.unwrap().value();
                (r.timestamp, value(r.temperature), value(r.humidity))
            }),
        );
        assert_eq!(known.boards(), summarise(&csv));
        assert_eq!(known.rows(), 150);
    }

    #[test]
    fn only_the_last_hundred_readings_make_the_figures_but_all_are_counted() {
        let mut csv = String::from("Timestamp,Board,Temperature,Humidity,Light\r\n");
        // 50 readings at 10 °C, then 100 at 20 °C: the window holds only the 20s.
        for i in 0..150 {
            let t = if i < 50 { 10 } else { 20 };
            csv.push_str(&format!(
                "2025-01-01 00:{:02}:{:02},A,{t},50,\r\n",
                i / 60,
                i % 60
            ));
        }
        let a = &summarise(&csv)[0];
        assert_eq!((a.count, a.total), (100, 150));
        assert_eq!(a.temperature.unwrap().average, 20.0);
        assert_eq!(a.temperature.unwrap().min, 20.0);
        assert_eq!(a.trend, Trend::Stable);
        assert_eq!(a.temperature_comfort, Some(TempComfort::Comfortable));
        assert_eq!(
            (a.first.as_str(), a.last.as_str()),
            ("2025-01-01 00:00:00", "2025-01-01 00:02:29")
        );
    }

    #[test]
    fn rows_without_a_value_are_counted_apart() {
        let a = &summarise(
            "Timestamp,Board,Temperature,Humidity,Light\r\n\
             2025-01-01 00:00:00,A,,50,\r\n\
             2025-01-01 00:00:05,A,30,20,\r\n",
        )[0];
        assert_eq!((a.count, a.total, a.incomplete), (1, 1, 1));
        assert_eq!(a.temperature_comfort, Some(TempComfort::TooHot));
        assert_eq!(a.humidity_comfort, Some(HumidityComfort::TooDry));
        assert_eq!(a.first, "2025-01-01 00:00:00");
    }
}
