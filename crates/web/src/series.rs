//! A board's chart over a range: the readings the store holds, thinned on the server to at
//! most a given number of points per series, each bucket's lowest and highest kept.

use hexaboard_core::stats::thin_by;
use serde::Serialize;
use time::OffsetDateTime;

use crate::live::seconds;
use crate::view::SeriesView;

/// Where the charts' readings come from: the store, read back.
pub trait Archive: Send + Sync {
    /// Hands `each` every reading of `board` received in `[from, to)` and, where the store
    /// deleted readings, the hourly means standing in for them; for long ranges a store may
    /// give its per-minute rollups' lowest and highest instead of the readings they hold. A
    /// store that does not exist yet has no readings.
    ///
    /// # Errors
    ///
    /// The store cannot be read; the message is shown on the page.
    fn points(
        &self,
        board: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        each: &mut dyn FnMut(Point),
    ) -> Result<(), ArchiveError>;
}

/// Why the store could not be read.
pub type ArchiveError = Box<dyn std::error::Error + Send + Sync>;

/// One point of a board's series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// When it was received (or the middle of an hour).
    pub at: OffsetDateTime,
    /// °C, when known.
    pub temperature: Option<f64>,
    /// %, when known.
    pub humidity: Option<f64>,
    /// How many readings it stands for: 1 for a reading, a rollup's count for the first
    /// point of a rollup (its lowest, say), 0 for its other points.
    pub readings: u64,
}

/// What `/api/boards/{board}/readings` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The board.
    pub board: String,
    /// The range's start, Unix seconds.
    pub from: i64,
    /// The range's end.
    pub to: i64,
    /// Readings in the range (those a rollup stands for included).
    pub readings: u64,
    /// Temperatures.
    pub temperature: SeriesView,
    /// Humidities.
    pub humidity: SeriesView,
}

/// The most points a series may be asked for.
pub const MAX_POINTS: usize = 10_000;

/// The chart of `board` over `[from, to)` from `archive`, each series thinned to at most
/// `points` points (`points / 2` buckets, each giving its lowest and highest).
///
/// # Errors
///
/// The archive's.
pub fn chart(
    archive: &dyn Archive,
    board: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    points: usize,
) -> Result<Chart, ArchiveError> {
    let mut temperature = Vec::new();
    let mut humidity = Vec::new();
    let mut readings = 0;
    archive.points(board, from, to, &mut |p| {
        let t = seconds(p.at);
        if let Some(v) = p.temperature {
            temperature.push((t, v));
        }
        if let Some(v) = p.humidity {
            humidity.push((t, v));
        }
        readings += p.readings;
    })?;
    let (start, end) = (seconds(from), seconds(to));
    let points = points.clamp(2, MAX_POINTS);
    let width = ((end - start) / (points / 2) as f64).max(f64::MIN_POSITIVE);
    let thin = |mut series: Vec<(f64, f64)>| {
        series.sort_by(|a, b| a.0.total_cmp(&b.0));
        let thinned = if series.len() <= points {
            series
        } else {
            thin_by(&series, |t| ((t - start) / width).floor() as i64)
        };
        let (t, v) = thinned.into_iter().unzip();
        SeriesView { t, v }
    };
    Ok(Chart {
        board: board.to_owned(),
        from: from.unix_timestamp(),
        to: to.unix_timestamp(),
        readings,
        temperature: thin(temperature),
        humidity: thin(humidity),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use time::Duration;

    use super::*;

    /// A week of one board at one reading per 5 s, with one spike.
    struct Week;

    const START: OffsetDateTime = datetime!(2026-11-24 00:00:00 UTC);

    impl Archive for Week {
        fn points(
            &self,
            board: &str,
            from: OffsetDateTime,
            to: OffsetDateTime,
            each: &mut dyn FnMut(Point),
        ) -> Result<(), ArchiveError> {
            if board != "A" {
                return Ok(());
            }
            for i in 0..120_960 {
                let at = START + Duration::seconds(5 * i);
                if at < from || at >= to {
                    continue;
                }
                let t = if i == 77_777 {
                    41.0
                } else {
                    20.0 + (i % 7) as f64 / 10.0
                };
                each(Point {
                    at,
                    temperature: Some(t),
                    humidity: Some(40.0),
                    readings: 1,
                });
            }
            Ok(())
        }
    }

    #[test]
    fn a_week_is_thinned_to_the_points_asked_keeping_the_spike() {
        let end = START + Duration::days(7);
        let chart = chart(&Week, "A", START, end, 2000).unwrap();
        assert_eq!(chart.readings, 120_960);
        assert!(
            chart.temperature.t.len() <= 2000,
            "{}",
            chart.temperature.t.len()
        );
        assert!(chart.temperature.t.len() > 1000);
        assert!(chart.temperature.v.contains(&41.0), "the spike stays");
        assert!(chart.temperature.t.windows(2).all(|w| w[0] <= w[1]));
        assert!(chart.humidity.t.len() <= 2000);
    }

    #[test]
    fn a_short_range_keeps_every_reading_and_an_unknown_board_is_empty() {
        let chart_ = chart(&Week, "A", START, START + Duration::hours(1), 2000).unwrap();
        assert_eq!(chart_.temperature.t.len(), 720);
        let none = chart(&Week, "Z", START, START + Duration::hours(1), 2000).unwrap();
        assert!(none.temperature.t.is_empty() && none.readings == 0);
    }
}
