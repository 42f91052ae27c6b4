//! Each board's temperature and humidity over a selection, from the chapter's CSV or a
//! database, as `plot` draws them and the page charts them: the readings, then, where a
//! retention pass deleted the readings, the means of their hours; or, for the page's long
//! ranges, the per-minute rollups then the readings after them.

use std::collections::HashMap;

use hexaboard_core::number::Number;
use hexaboard_core::text::Text;
use hexaboard_store::history::{History, Selection, StoredReading};
use hexaboard_store::retention::Period;
use hexaboard_store::StoreError;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::cmd::csv_file;
use crate::history_source::Source;

/// One point of a board's series.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point<'a> {
    /// The board id.
    pub(crate) board: &'a str,
    /// When it was received (a CSV's local time read at `offset`), or the middle of an hour.
    pub(crate) at: OffsetDateTime,
    /// °C, when known.
    pub(crate) temperature: Option<f64>,
    /// %, when known.
    pub(crate) humidity: Option<f64>,
    /// How many readings it stands for: 1, or an hour's count for its mean.
    pub(crate) readings: u64,
}

impl<'a> Point<'a> {
    /// A reading of a database as a point.
    fn of(reading: &'a StoredReading) -> Point<'a> {
        Point {
            board: &reading.board,
            at: reading.received_at,
            temperature: Some(reading.temperature.value()),
            humidity: Some(reading.humidity.value()),
            readings: 1,
        }
    }
}

/// Hands `each` every reading of `source` that `selection` selects (a CSV's bad lines told on
/// stderr in `text`'s words and skipped), then, for a database, the hours' means that stand in
/// for deleted readings: each board's series starts with its rollups of the hours that end by
/// its first reading still kept (the hour where `selection.from` falls included). Returns the
/// source's name: the CSV's file name or the database's.
///
/// # Errors
///
/// A CSV that cannot be read or has another header; a database that cannot be read.
pub(crate) fn for_each(
    source: Source,
    selection: &Selection,
    offset: UtcOffset,
    text: Text,
    each: &mut dyn FnMut(Point<'_>),
) -> anyhow::Result<String> {
    let value = |n: Option<Number>| n.map(|n| n.value());
    match source {
        Source::Csv(path) => {
            csv_file::read_rows(&path, text, |row| {
                let at = row.timestamp.assume_offset(offset);
                if selection.contains(&row.board, at) {
                    each(Point {
                        board: &row.board,
                        at,
                        temperature: value(row.temperature),
                        humidity: value(row.humidity),
                        readings: 1,
                    });
                }
            })?;
            Ok(path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            ))
        }
        Source::Database(mut history) => {
            let mut first_kept: HashMap<String, OffsetDateTime> = HashMap::new();
            history.readings(selection, &mut |reading| {
                let at = reading.received_at;
                first_kept
                    .entry(reading.board.clone())
                    .and_modify(|first| *first = (*first).min(at))
                    .or_insert(at);
                each(Point::of(&reading));
                true
            })?;
            let mut hourly = selection.clone();
            hourly.from = selection.from.map(|from| from - Duration::HOUR);
            history.rollups(Period::Hour, &hourly, &mut |board, hour| {
                let end = hour.start + Duration::HOUR;
                if first_kept.get(board).is_none_or(|first| end <= *first) {
                    each(Point {
                        board,
                        at: hour.start + Duration::minutes(30),
                        temperature: Some(hour.temperature[1]),
                        humidity: Some(hour.humidity[1]),
                        readings: hour.count,
                    });
                }
                true
            })?;
            Ok(history.name().to_owned())
        }
    }
}

/// One board's selected readings of a database as per-minute rollups where a retention pass
/// made them (each minute its lowest and highest, at :20 and :40), then the readings after
/// them. The newest rollup may have been made while its minute was still going, so that
/// minute's readings are read instead. Without rollups (no retention pass yet), the readings.
///
/// # Errors
///
/// The database cannot be read.
pub(crate) fn minutes_then_readings(
    history: &mut dyn History,
    selection: &Selection,
    each: &mut dyn FnMut(Point<'_>),
) -> Result<(), StoreError> {
    let mut minutes = Vec::new();
    history.rollups(Period::Minute, selection, &mut |board, minute| {
        minutes.push((board.to_owned(), minute));
        true
    })?;
    let newest = minutes.pop();
    for (board, minute) in &minutes {
        let [t_low, _, t_high] = minute.temperature;
        let [h_low, _, h_high] = minute.humidity;
        each(Point {
            board,
            at: minute.start + Duration::seconds(20),
            temperature: Some(t_low),
            humidity: Some(h_low),
            readings: minute.count,
        });
        each(Point {
            board,
            at: minute.start + Duration::seconds(40),
            temperature: Some(t_high),
            humidity: Some(h_high),
            readings: 0,
        });
    }
    let mut rest = selection.clone();
    if let Some((_, newest)) = newest {
        rest.from = Some(newest.start);
    }
    history.readings(&rest, &mut |reading| {
        each(Point::of(&reading));
        true
    })
}
