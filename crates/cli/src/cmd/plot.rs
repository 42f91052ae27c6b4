//! `hexaboard plot`: temperature and humidity over time per board, as an SVG chart, from the
//! chapter's CSV or a database, over the readings `--from`, `--to` and `--board` select.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _};
use hexaboard_core::text::DateTime;
use time::PrimitiveDateTime;

use crate::cli::PlotArgs;
use crate::cmd::chart::{self, Labels, Series};
use crate::common::Context;
use crate::history_points;
use crate::history_source::{self, local};

pub(crate) fn run(args: &PlotArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let selection = args.history.selection(context.offset);
    let mut points = Points::default();
    let source = history_source::open(args.file.as_deref(), context)?;
    let name = history_points::for_each(source, &selection, context.offset, text, &mut |p| {
        let at = local(p.at, context.offset);
        points.add(p.board, at, p.temperature, p.humidity);
    })?;
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
