//! `hexaboard summary`: the next chapter's analysis of a recorded CSV, per board.
//!
//! Bad lines are reported on stderr with their line number and skipped; a last line cut short
//! (the recorder is still writing, or was stopped mid-row) is skipped with a note. A missing or
//! unreadable file, or one that does not start with the chapter's header, is an error (exit 1).

use std::io::Write as _;
use std::path::Path;

use hexaboard_core::stats::Spread;
use hexaboard_core::summary::{BoardSummary, CsvSummary};
use hexaboard_core::Text;
use serde::Serialize;

use crate::cli::{Format, SummaryArgs};
use crate::cmd::csv_file;
use crate::common::Context;
use crate::table;

/// What reading the file gave, besides the rows.
#[derive(Debug, Serialize)]
struct Report {
    file: String,
    rows: u64,
    bad_lines: Vec<u64>,
    partial_last_line: Option<u64>,
    boards: Vec<BoardSummary>,
}

pub(crate) fn run(args: &SummaryArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let path = match &args.file {
        Some(file) => file.clone(),
        None => context.csv_file()?,
    };
    let report = read(&path, text)?;
    let out = match args.format {
        Format::Table => table_text(&report, text),
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Csv => csv_text(&report)?,
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// Reads every row of `path` into a [`Report`], telling stderr about lines skipped.
fn read(path: &Path, text: Text) -> anyhow::Result<Report> {
    let mut summary = CsvSummary::new();
    let skipped = csv_file::read_rows(path, text, |row| summary.add(&row))?;
    Ok(Report {
        file: path.display().to_string(),
        rows: summary.rows(),
        bad_lines: skipped.bad_lines,
        partial_last_line: skipped.partial_last_line,
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
