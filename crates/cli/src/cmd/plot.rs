//! `hexaboard plot`: temperature and humidity over time per board, as an SVG chart.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};
use hexaboard_core::text::DateTime;

use crate::cli::PlotArgs;
use crate::cmd::chart::{self, Labels, Series};
use crate::cmd::csv_file;
use crate::common::Context;

pub(crate) fn run(args: &PlotArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let path = match &args.file {
        Some(file) => file.clone(),
        None => context.csv_file()?,
    };
    let wanted: Option<Vec<String>> = args.boards.as_ref().map(|list| {
        list.split(',')
            .map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty())
            .collect()
    });
    let mut boards: BTreeMap<String, Series> = BTreeMap::new();
    let mut span: Option<(time::PrimitiveDateTime, time::PrimitiveDateTime)> = None;
    csv_file::read_rows(&path, text, |row| {
        if wanted.as_ref().is_some_and(|w| !w.contains(&row.board)) {
            return;
        }
        let t = row.timestamp.assume_utc().unix_timestamp();
        let series = boards.entry(row.board.clone()).or_insert_with(|| Series {
            board: row.board.clone(),
            ..Series::default()
        });
        if let Some(v) = row.temperature {
            series.temperature.push((t, v.value()));
        }
        if let Some(v) = row.humidity {
            series.humidity.push((t, v.value()));
        }
        span = Some(span.map_or((row.timestamp, row.timestamp), |(a, b)| {
            (a.min(row.timestamp), b.max(row.timestamp))
        }));
    })?;
    if let Some(wanted) = &wanted {
        for missing in wanted.iter().filter(|b| !boards.contains_key(*b)) {
            eprintln!("{}", text.plot_board_missing(missing));
        }
    }
    let Some((first, last)) = span else {
        bail!("{}: no readings to plot", path.display());
    };
    let mut series: Vec<Series> = boards.into_values().collect();
    for s in &mut series {
        // A CSV is in receive order, but merged files may not be.
        s.temperature.sort_by_key(|p| p.0);
        s.humidity.sort_by_key(|p| p.0);
    }
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let range = format!("{} – {}", DateTime(first), DateTime(last));
    let [title, temperature, humidity, comfortable] = text.plot_labels();
    let labels = Labels {
        title: title.to_owned(),
        subtitle: format!("{file}: {range}"),
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
