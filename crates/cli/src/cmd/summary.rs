//! `hexaboard summary`: the next chapter's analysis of the recorded readings, per board, from
//! the chapter's CSV or a database, over the readings `--from`, `--to` and `--board` select.
//!
//! From a CSV, bad lines are reported on stderr with their line number and skipped; a last
//! line cut short (the recorder is still writing, or was stopped mid-row) is skipped with a
//! note. A missing or unreadable file, or one that does not start with the chapter's header, is
//! an error (exit 1). A database gives the same figures for the same readings, from its index:
//! per board the count, the first and last time and the newest 100 readings.

use std::io::Write as _;
use std::path::Path;

use hexaboard_core::stats::Spread;
use hexaboard_core::summary::{BoardSummary, CsvSummary};
use hexaboard_core::Text;
use hexaboard_store::history::{History, Selection};
use serde::Serialize;
use time::UtcOffset;

use crate::cli::{Format, SummaryArgs};
use crate::cmd::csv_file;
use crate::common::Context;
use crate::history_source::{self, local, Source};
use crate::table;

/// The readings behind each board's figures: the newest 100, as a live receiver keeps.
const NEWEST: usize = 100;

/// What reading the file gave, besides the rows.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) file: String,
    rows: u64,
    bad_lines: Vec<u64>,
    partial_last_line: Option<u64>,
    pub(crate) boards: Vec<BoardSummary>,
}

pub(crate) fn run(args: &SummaryArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let selection = args.history.selection(context.offset);
    let source = history_source::open(args.file.as_deref(), context)?;
    let report = report(source, &selection, text, context.offset)?;
    let out = match args.format {
        Format::Table => table_text(&report, text),
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Csv => csv_text(&report)?,
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// The figures of the readings `selection` selects in `source`.
///
/// # Errors
///
/// The file or the database cannot be read.
pub(crate) fn report(
    source: Source,
    selection: &Selection,
    text: Text,
    offset: UtcOffset,
) -> anyhow::Result<Report> {
    match source {
        Source::Csv(path) => read(&path, text, selection, offset),
        Source::Database(mut history) => ask(&mut *history, selection, offset),
    }
}

/// Reads every row of `path` into a [`Report`], telling stderr about lines skipped.
fn read(
    path: &Path,
    text: Text,
    selection: &Selection,
    offset: UtcOffset,
) -> anyhow::Result<Report> {
    let mut summary = CsvSummary::new();
    let skipped = csv_file::read_rows(path, text, |row| {
        if selection.contains(&row.board, row.timestamp.assume_offset(offset)) {
            summary.add(&row);
        }
    })?;
    Ok(Report {
        file: path.display().to_string(),
        rows: summary.rows(),
        bad_lines: skipped.bad_lines,
        partial_last_line: skipped.partial_last_line,
        boards: summary.boards(),
    })
}

/// Asks a database for each board's count, time span and newest readings.
fn ask(
    history: &mut dyn History,
    selection: &Selection,
    offset: UtcOffset,
) -> anyhow::Result<Report> {
    let mut summary = CsvSummary::new();
    for board in history.boards(selection, NEWEST)? {
        let newest = board.newest.iter().map(|reading| {
            (
                local(reading.received_at, offset),
                reading.temperature.value(),
                reading.humidity.value(),
            )
        });
        let span = (local(board.first, offset), local(board.last, offset));
        summary.add_known(&board.board, board.readings, span, newest);
    }
    Ok(Report {
        file: history.name().to_owned(),
        rows: summary.rows(),
        bad_lines: Vec::new(),
        partial_last_line: None,
        boards: summary.boards(),
    })
}

fn number(value: f64) -> String {
    format!("{value}")
}

fn spread_cells(spread: Option<Spread>, unit: &str) -> [String; 3] {
    match spread {
        Some(s) => [
            format!("{:.1}{unit}", s.average),
            format!("{}{unit}", number(s.min)),
            format!("{}{unit}", number(s.max)),
        ],
        None => ["-".to_owned(), "-".to_owned(), "-".to_owned()],
    }
}

fn table_text(report: &Report, text: Text) -> String {
    let boards = report.boards.len();
    let mut out = format!(
        "{}\n\n",
        text.summary_heading(&report.file, boards, report.rows)
    );
    if report.boards.is_empty() {
        out.push_str(&format!("{}\n", text.summary_empty()));
        return out;
    }
    let header: Vec<String> = text.summary_columns().map(str::to_owned).to_vec();
    let mut rows = vec![header];
    for b in &report.boards {
        let mut row = vec![b.board.clone(), b.count.to_string(), b.total.to_string()];
        row.extend(spread_cells(b.temperature, "°C"));
        row.extend(spread_cells(b.humidity, "%"));
        row.push(text.trend(b.trend).to_owned());
        row.push(
            b.temperature_comfort
                .map_or("-", |c| text.temperature_comfort(c))
                .to_owned(),
        );
        row.push(
            b.humidity_comfort
                .map_or("-", |c| text.humidity_comfort(c))
                .to_owned(),
        );
        row.push(b.first.clone());
        row.push(b.last.clone());
        rows.push(row);
    }
    out.push_str(&table::render(&rows, &[1, 2, 3, 4, 5, 6, 7, 8]));
    out.push('\n');
    out.push_str(&format!("{}\n", text.summary_method()));
    for b in report.boards.iter().filter(|b| b.incomplete > 0) {
        out.push_str(&format!(
            "{}\n",
            text.summary_incomplete(&b.board, b.incomplete)
        ));
    }
    out
}

fn csv_text(report: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "board",
        "count",
        "total",
        "incomplete",
        "temperature_avg",
        "temperature_min",
        "temperature_max",
        "humidity_avg",
        "humidity_min",
        "humidity_max",
        "trend",
        "temperature_comfort",
        "humidity_comfort",
        "first",
        "last",
    ])?;
    let spread = |s: Option<Spread>| match s {
        Some(s) => [number(s.average), number(s.min), number(s.max)],
        None => [String::new(), String::new(), String::new()],
    };
    let json_word = |v: serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    for b in &report.boards {
        let mut row = vec![
            b.board.clone(),
            b.count.to_string(),
            b.total.to_string(),
            b.incomplete.to_string(),
        ];
        row.extend(spread(b.temperature));
        row.extend(spread(b.humidity));
        row.push(b.trend.as_str().to_owned());
        row.push(json_word(serde_json::to_value(b.temperature_comfort)?));
        row.push(json_word(serde_json::to_value(b.humidity_comfort)?));
        row.push(b.first.clone());
        row.push(b.last.clone());
        w.write_record(&row)?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| e.into_error())?,
    )?)
}
