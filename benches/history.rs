//! A week of readings in SQLite, read back as a user does: `hexaboard summary` of the database
//! and `hexaboard plot` of one board's week, against pandas doing the summary's figures from
//! the same readings' CSV (read_csv, the last 100 per board, mean/min/max), in turn.
//!
//! Run with `cargo build --release -p hexaboard-cli && cargo bench --bench history`. pandas
//! must be importable by `--python` (default `python3`; `pip install pandas` in a virtualenv
//! and pass its python). Options: `--boards N` (10), `--days N` (7), `--every SECONDS` (5),
//! `--rounds N` (5), `--hexaboard PATH` (target/release/hexaboard), `--dir PATH` (a temp dir).
//! Prints one JSON line per round and command, then the medians, the ratio of summary to
//! pandas (goal ≤ 0.2) and the goals of ≤ 0.3 s for the summary and the week's chart.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use hexaboard::core::csv_row::RowWriter;
use hexaboard::core::reading::ReadingParser;
use hexaboard::store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard::store::Store;
use rusqlite::{params, Connection};
use time::macros::{datetime, format_description};
use time::{Duration, OffsetDateTime, UtcOffset};

struct Options {
    boards: usize,
    days: i64,
    every: i64,
    rounds: usize,
    hexaboard: PathBuf,
    python: String,
    dir: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        boards: 10,
        days: 7,
        every: 5,
        rounds: 5,
        hexaboard: PathBuf::from("target/release/hexaboard"),
        python: String::from("python3"),
        dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match arg.as_str() {
            "--boards" => options.boards = value().parse().expect("a count"),
            "--days" => options.days = value().parse().expect("a count"),
            "--every" => options.every = value().parse().expect("seconds"),
            "--rounds" => options.rounds = value().parse().expect("a count"),
            "--hexaboard" => options.hexaboard = PathBuf::from(value()),
            "--python" => options.python = value(),
            "--dir" => options.dir = Some(PathBuf::from(value())),
            _ => {} // cargo bench passes --bench
        }
    }
    options
}

const START: OffsetDateTime = datetime!(2025-11-24 00:00:00 UTC);

/// Every reading of the week: (receive time, board, payload).
fn week(options: &Options) -> impl Iterator<Item = (OffsetDateTime, String, String)> + '_ {
    let steps = options.days * 86_400 / options.every;
    (0..steps).flat_map(move |step| {
        (0..options.boards).map(move |b| {
            let i = step * options.boards as i64 + b as i64;
            let at = START
                + Duration::seconds(step * options.every)
                + Duration::milliseconds(b as i64 * 7);
            let temperature = if i % 2 == 0 {
                format!("{}", 18 + i % 11)
            } else {
                format!("{}.{}", 20 + i % 7, i % 10)
            };
            let payload = format!(
                r#"{{"board":"b{b:02}","temperature":{temperature},"humidity":{},"light":{}}}"#,
                30 + i % 50,
                i % 1000
            );
            (at, format!("b{b:02}"), payload)
        })
    })
}

/// The week as the chapter's CSV (at UTC, the bench's time zone) and as a SQLite store.
fn make_stores(options: &Options, dir: &Path) -> (PathBuf, PathBuf, usize) {
    let csv = dir.join("week.csv");
    let db = dir.join("week.db");
    SqliteStore::open(&db, SqliteOptions::default())
        .and_then(|mut store| store.close())
        .expect("the store makes its schema");
    let mut conn = Connection::open(&db).expect("the database opens");
    let tx = conn.transaction().expect("a transaction");
    let mut rows = RowWriter::new(
        BufWriter::new(File::create(&csv).expect("the CSV")),
        UtcOffset::UTC,
    );
    rows.write_header().expect("the header");
    let parser = ReadingParser::default();
    let stamp =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");
    let mut count = 0;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO readings (received_at, board, temperature, humidity, light, topic) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .expect("the insert");
        for (at, board, payload) in week(options) {
            let topic = format!("hexaboard/{board}/sensor/data");
            let reading = parser.parse(payload.as_bytes(), &topic).expect("a reading");
            rows.write_reading(at, &reading).expect("a row");
            let number = |n: hexaboard::core::number::Number| match n.as_str().parse::<i64>() {
                Ok(i) => rusqlite::types::Value::Integer(i),
                Err(_) => rusqlite::types::Value::Real(n.value()),
            };
            insert
                .execute(params![
                    at.format(stamp).expect("a time"),
                    board,
                    number(reading.temperature()),
                    number(reading.humidity()),
                    reading.light().map(number),
                    topic,
                ])
                .expect("a row");
            count += 1;
        }
    }
    tx.commit().expect("the commit");
    rows.flush().expect("the CSV written");
    (csv, db, count)
}

const PANDAS: &str = r#"
import sys, json, pandas as pd
df = pd.read_csv(sys.argv[1])
last = df.groupby("Board").tail(100).groupby("Board")
out = {"boards": {}}
for name, g in last:
    out["boards"][name] = [float(v) for v in (g.Temperature.mean(), g.Temperature.min(), g.Temperature.max(),
                           g.Humidity.mean(), g.Humidity.min(), g.Humidity.max())]
print(json.dumps(out)[:0])
"#;

fn timed(command: &mut Command) -> f64 {
    let start = Instant::now();
    let out = command.output().expect("the command runs");
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    seconds
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let options = options();
    if !options.hexaboard.exists() {
        eprintln!(
            "{} is missing: build it first (cargo build --release -p hexaboard-cli)",
            options.hexaboard.display()
        );
        std::process::exit(2);
    }
    let program = options
        .hexaboard
        .canonicalize()
        .expect("the hexaboard binary's path");
    let pandas = Command::new(&options.python)
        .args(["-c", "import pandas"])
        .status()
        .is_ok_and(|s| s.success());
    let temp = tempfile::tempdir().expect("a temp dir");
    let dir = options
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().to_owned());
    let made = Instant::now();
    let (csv, db, rows) = make_stores(&options, &dir);
    eprintln!(
        "{rows} readings of {} boards in {:.1} s",
        options.boards,
        made.elapsed().as_secs_f64()
    );
    let hexaboard = |args: &[&str]| {
        let mut command = Command::new(&program);
        command.args(args).env("TZ", "UTC").current_dir(&dir);
        for (name, _) in std::env::vars() {
            if name.starts_with("MQTT_") || name == "STORE" || name == "CSV_FILE" {
                command.env_remove(name);
            }
        }
        command
    };
    let db_arg = db.display().to_string();
    let (mut summary, mut chart, mut by_pandas) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..options.rounds {
        let s = timed(&mut hexaboard(&["summary", &db_arg, "--format", "json"]));
        let c = timed(&mut hexaboard(&[
            "plot",
            &db_arg,
            "--board",
            "b00",
            "-o",
            "week.svg",
            "--from",
            "2025-11-24",
            "--to",
            "2025-11-30",
        ]));
        println!(r#"{{"round": {round}, "command": "summary-sqlite", "seconds": {s:.4}}}"#);
        println!(r#"{{"round": {round}, "command": "plot-one-board-week", "seconds": {c:.4}}}"#);
        summary.push(s);
        chart.push(c);
        if pandas {
            let p = timed(Command::new(&options.python).args(["-c", PANDAS]).arg(&csv));
            println!(r#"{{"round": {round}, "command": "pandas-summary-csv", "seconds": {p:.4}}}"#);
            by_pandas.push(p);
        }
    }
    let (s, c) = (median(summary), median(chart));
    print!(
        r#"{{"rows": {rows}, "summary_seconds": {s:.4}, "summary_goal_met": {}, "chart_seconds": {c:.4}, "chart_goal_met": {}"#,
        s <= 0.3,
        c <= 0.3
    );
    if pandas {
        let p = median(by_pandas);
        print!(
            r#", "pandas_seconds": {p:.4}, "summary_to_pandas": {:.3}, "ratio_goal": 0.2"#,
            s / p
        );
    } else {
        eprintln!("pandas is not importable by {}: no ratio", options.python);
    }
    println!("}}");
}
