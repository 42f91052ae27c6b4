//! The live table of `watch` and `demo`: one row per board with its last reading, rolling
//! average, minimum and maximum, trend, comfort judgement, alert state, online state and how
//! long since its last reading.
//!
//! The statistics come from the pipeline's [`Registry`]; a [`LiveTable`] adds what a live
//! view needs besides: the last values as the board sent them, the board's status messages
//! and the gaps between its readings, from which a silent board is judged stale (silent for
//! more than 3 times the median of its recent gaps, and at least 15 s, 3 times the firmware's
//! 5 s). It is updated on the message callback and rendered from the main thread, under one
//! mutex.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use hexaboard_core::cadence::Cadence;
use hexaboard_core::judge::{HumidityComfort, Judgement, TempComfort};
use hexaboard_core::pipeline::ReadingOutcome;
use hexaboard_core::stats::{Registry, Trend};
use hexaboard_core::status::Status;
use hexaboard_core::text::Text;

use crate::table;

#[derive(Debug, Default)]
struct BoardRow {
    temperature: String,
    humidity: String,
    judgement: Option<Judgement>,
    last_seen: Option<Instant>,
    cadence: Cadence,
    status: Option<Status>,
}

impl BoardRow {
    fn is_stale(&self, now: Instant) -> bool {
        self.last_seen
            .is_some_and(|seen| self.cadence.is_stale(now.saturating_duration_since(seen)))
    }
}

/// What the live view knows besides the pipeline's statistics.
#[derive(Debug, Default)]
pub(crate) struct LiveTable {
    boards: BTreeMap<String, BoardRow>,
    rejected: u64,
}

impl LiveTable {
    /// Notes a reading of `outcome` received at `now`.
    pub(crate) fn on_reading(&mut self, outcome: &ReadingOutcome<'_>, now: Instant) {
        // The pipeline forgot a board to stay under its cap: so does the table.
        if let Some(eviction) = &outcome.eviction {
            self.boards.remove(&*eviction.board);
        }
        let row = self
            .boards
            .entry(outcome.reading.board().to_owned())
            .or_default();
        row.temperature = outcome.reading.temperature().to_string();
        row.humidity = outcome.reading.humidity().to_string();
        row.judgement = Some(outcome.judgement);
        if let Some(seen) = row.last_seen {
            row.cadence.gap(now.saturating_duration_since(seen));
        }
        row.last_seen = Some(now);
    }

    /// Whether any board is silent for longer than it should be.
    pub(crate) fn any_stale(&self, now: Instant) -> bool {
        self.boards.values().any(|row| row.is_stale(now))
    }

    /// Notes a status message of `board`.
    ///
    /// A status of a board not in the table adds a row only below the board cap, so invented
    /// board ids cannot grow the table without bound.
    pub(crate) fn on_status(&mut self, board: &str, status: Status) {
        if let Some(row) = self.boards.get_mut(board) {
            row.status = Some(status);
        } else if self.boards.len() < Registry::DEFAULT_MAX_BOARDS {
            self.boards.entry(board.to_owned()).or_default().status = Some(status);
        }
    }

    /// Counts a rejected message.
    pub(crate) fn on_rejected(&mut self) {
        self.rejected += 1;
    }

    /// The table at `now`, with the statistics of `registry`, ending in a newline.
    pub(crate) fn render(&self, registry: &Registry, now: Instant, text: Text) -> String {
        let mut rows: Vec<[String; 10]> = vec![text.live_columns().map(str::to_owned)];
        for (board, row) in &self.boards {
            let stats = registry.get(board);
            let dash = || "-".to_owned();
            let avg = stats
                .and_then(|s| s.window().average())
                .map_or_else(dash, |a| format!("{a:.1}°C"));
            let min_max = stats.and_then(|s| s.summary()).map_or_else(dash, |s| {
                format!("{}~{}°C", s.temperature.min, s.temperature.max)
            });
            let trend = stats.map_or(Trend::NotEnoughData, |s| s.trend());
            let alert = stats.is_some_and(|s| s.alert().is_active());
            let state = if row.is_stale(now) {
                text.stale().to_string()
            } else {
                row.status.map_or_else(dash, |s| s.as_str().to_owned())
            };
            let last = row.last_seen.map_or_else(dash, |seen| {
                let secs = now.saturating_duration_since(seen).as_secs();
                text.seconds_ago(secs).to_string()
            });
            let (t, h) = if row.last_seen.is_some() {
                (
                    format!("{}°C", row.temperature),
                    format!("{}%", row.humidity),
                )
            } else {
                (dash(), dash())
            };
            rows.push([
                board.clone(),
                t,
                h,
                avg,
                min_max,
                text.trend(trend).to_owned(),
                row.judgement.map_or_else(dash, |j| comfort(text, j)),
                if alert {
                    text.high_temperature_cell().to_string()
                } else {
                    dash()
                },
                state,
                last,
            ]);
        }
        let mut out = table::render(&rows, &[]);
        if self.boards.is_empty() {
            let _ = writeln!(out, "{}", text.waiting_for_data().to_string().trim_end());
        }
        if self.rejected > 0 {
            let _ = writeln!(out, "{}", text.rejected_count(self.rejected));
        }
        out
    }
}

/// A board's judgement in one cell: the bands that are not comfortable (`너무 추움, 너무 건조`),
/// or `쾌적` when both are, in the words `summary` uses.
fn comfort(text: Text, judgement: Judgement) -> String {
    let temperature = (judgement.temperature != TempComfort::Comfortable)
        .then(|| text.temperature_comfort(judgement.temperature));
    let humidity = (judgement.humidity != HumidityComfort::Comfortable)
        .then(|| text.humidity_comfort(judgement.humidity));
    match (temperature, humidity) {
        (None, None) => text
            .temperature_comfort(TempComfort::Comfortable)
            .to_owned(),
        (Some(t), Some(h)) => format!("{t}, {h}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use hexaboard_core::text::Lang;

    use super::*;

    #[test]
    fn the_judgement_cell_uses_the_words_of_summary() {
        use HumidityComfort as H;
        use TempComfort as T;
        let cases = [
            (Lang::Ko, T::Comfortable, H::Comfortable, "쾌적"),
            (Lang::Ko, T::TooCold, H::TooDry, "너무 추움, 너무 건조"),
            (Lang::Ko, T::TooHot, H::Comfortable, "너무 더움"),
            (Lang::Ko, T::Comfortable, H::TooHumid, "너무 습함"),
            (Lang::En, T::TooCold, H::TooDry, "too cold, too dry"),
            (Lang::En, T::Comfortable, H::Comfortable, "comfortable"),
        ];
        for (lang, temperature, humidity, cell) in cases {
            let judgement = Judgement {
                temperature,
                humidity,
            };
            assert_eq!(comfort(Text::new(lang), judgement), cell);
        }
    }

    #[test]
    fn the_trend_cell_uses_the_words_of_summary() {
        let ko = Text::default();
        assert_eq!(ko.trend(Trend::Falling), "하락");
        assert_eq!(ko.trend(Trend::Rising), "상승");
    }
}
