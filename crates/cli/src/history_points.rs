//! Each board's temperature and humidity over a selection, from the chapter's CSV or a
//! database, as `plot` draws them and the page charts them: the readings, then, where a
//! retention pass deleted the readings, the means of their hours.

use std::collections::HashMap;

use hexaboard_core::number::Number;
use hexaboard_core::text::Text;
use hexaboard_store::history::Selection;
use hexaboard_store::retention::Period;
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
                each(Point {
                    board: &reading.board,
                    at,
                    temperature: Some(reading.temperature.value()),
                    humidity: Some(reading.humidity.value()),
                    readings: 1,
                });
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
