//! `hexaboard plot`: temperature and humidity over time per board, as an SVG chart, from the
//! chapter's CSV or a database, over the readings `--from`, `--to` and `--board` select.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};
use hexaboard_core::number::Number;
use hexaboard_core::text::DateTime;
use time::{Duration, PrimitiveDateTime};

use crate::cli::PlotArgs;
use crate::cmd::chart::{self, Labels, Series};
use crate::cmd::csv_file;
use crate::common::Context;
use crate::history_source::{self, local, Source};

pub(crate) fn run(args: &PlotArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let selection = args.history.selection(context.offset);
    let mut points = Points::default();
    let name = match history_source::open(args.file.as_deref(), context)? {
        Source::Csv(path) => {
            csv_file::read_rows(&path, text, |row| {
                if selection.contains(&row.board, row.timestamp.assume_offset(context.offset)) {
                    let value = |n: Option<Number>| n.map(|n| n.value());
                    points.add(
                        &row.board,
                        row.timestamp,
                        value(row.temperature),
                        value(row.humidity),
                    );
                }
            })?;
            path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            )
        }
        Source::Database(mut history) => {
            history.readings(&selection, &mut |reading| {
                let at = local(reading.received_at, context.offset);
                let (t, h) = (reading.temperature.value(), reading.humidity.value());
                points.add(&reading.board, at, Some(t), Some(h));
                true
            })?;
            // Where a retention pass deleted the readings, their hours' means stand in: each
            // board's chart starts with its rollups of the hours that end by its first
            // reading still kept (the hour where `--from` falls included).
            let first_kept: BTreeMap<String, Option<i64>> = points
                .boards
                .iter()
                .map(|(board, series)| {
                    let first = series.temperature.iter().map(|p| p.0).min();
                    (board.clone(), first)
                })
                .collect();
            let mut hourly = selection.clone();
            hourly.from = selection.from.map(|from| from - Duration::HOUR);
            let mut hours = Vec::new();
            history.hours(&hourly, &mut |board, hour| {
                let end = local(hour.start + Duration::HOUR, context.offset);
                let before = first_kept
                    .get(board)
                    .copied()
                    .flatten()
                    .is_none_or(|first| end.assume_utc().unix_timestamp() <= first);
                if before {
                    let middle = local(hour.start + Duration::minutes(30), context.offset);
                    hours.push((board.to_owned(), middle, hour));
                }
                true
            })?;
            for (board, at, hour) in hours {
                points.add(
                    &board,
                    at,
                    Some(hour.temperature[1]),
                    Some(hour.humidity[1]),
                );
            }
            history.name().to_owned()
        }
    };
    for missing in selection
        .boards
        .iter()
        .filter(|b| !points.boards.contains_key(*b))
    {
        eprintln!("{}", text.plot_board_missing(missing));
    }
    let Points { boards, span } = points;
    let Some((first, last)) = span else {
        bail!("{name}: no readings to plot");
    };
    let mut series: Vec<Series> = boards.into_values().collect();
    for s in &mut series {
        // A CSV is in receive order, but merged files may not be.
        s.temperature.sort_by_key(|p| p.0);
        s.humidity.sort_by_key(|p| p.0);
    }
    let range = format!("{} – {}", DateTime(first), DateTime(last));
    let [title, temperature, humidity, comfortable] = text.plot_labels();
    let labels = Labels {
        title: title.to_owned(),
        subtitle: format!("{name}: {range}"),
        temperature: temperature.to_owned(),
        humidity: humidity.to_owned(),
        comfortable: comfortable.to_owned(),
    };
    let svg = chart::render(&series, &labels);
    std::fs::write(&args.output, svg)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let names: Vec<&str> = series.iter().map(|s| s.board.as_str()).collect();
    println!(
        "{}",
        text.plot_written(&args.output, &names.join(", "), &range)
    );
    Ok(())
}

/// The points of each board's series, by local time, and the time they span.
#[derive(Default)]
struct Points {
    boards: BTreeMap<String, Series>,
    span: Option<(PrimitiveDateTime, PrimitiveDateTime)>,
}

impl Points {
    fn add(&mut self, board: &str, at: PrimitiveDateTime, t: Option<f64>, h: Option<f64>) {
        let series = self
            .boards
            .entry(board.to_owned())
            .or_insert_with(|| Series {
                board: board.to_owned(),
                ..Series::default()
            });
        let x = at.assume_utc().unix_timestamp();
        if let Some(t) = t {
            series.temperature.push((x, t));
        }
        if let Some(h) = h {
            series.humidity.push((x, h));
        }
        self.span = Some(self.span.map_or((at, at), |(a, b)| (a.min(at), b.max(at))));
    }
}
