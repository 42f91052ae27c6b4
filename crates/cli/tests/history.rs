//! `summary` and `plot` read any store: the same readings stored in the chapter's CSV, in
//! SQLite and in PostgreSQL give the same figures and the same chart, and `--from`, `--to` and
//! `--board` select what they say.
//!
//! The readings: boards A (260 readings, more than the 100 the figures use), B (120) and C
//! (40), one every 5 s from 2025-11-25 10:00:00 local time (+09:00), taking turns; numbers as
//! boards send them (`25`, `25.5`, `25.0`), light on some.

use std::path::Path;
use std::process::{Command, Output};

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::csv::{CsvStore, StoreOptions};
use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::{CsvFiles, MessageId, RejectsFile, Store};
use hexaboard_testkit::Postgres;
use serde_json::Value;
use time::macros::{datetime, offset};
use time::{Duration, OffsetDateTime};

/// The offset the CSV is written at, and the test's time zone (POSIX: no tz database needed).
const TZ: &str = "UTC-9";

/// Every reading: (receive time, topic, payload).
fn readings() -> Vec<(OffsetDateTime, String, String)> {
    let start = datetime!(2025-11-25 10:00:00 +09:00);
    let mut out = Vec::new();
    let mut counts = [("A", 260), ("B", 120), ("C", 40)];
    let mut i = 0i64;
    while counts.iter().any(|(_, n)| *n > 0) {
        for (board, left) in counts.iter_mut().filter(|(_, n)| *n > 0) {
            *left -= 1;
            let temperature = match i % 4 {
                0 => format!("{}", 20 + i % 9),
                1 => format!("{}.5", 18 + i % 13),
                2 => format!("{}.0", 22 + i % 5),
                _ => format!("{}.25", 25 + i % 7),
            };
            let humidity = 35 + (i * 7) % 40;
            let light = if i % 3 == 0 {
                format!(r#","light":{}"#, 100 + i)
            } else {
                String::new()
            };
            let payload = format!(
                r#"{{"board":"{board}","temperature":{temperature},"humidity":{humidity}{light}}}"#
            );
            out.push((
                start + Duration::seconds(5 * i),
                format!("hexaboard/{board}/sensor/data"),
                payload,
            ));
            i += 1;
        }
    }
    out
}

/// Stores every reading in `store`, as a recorder would.
fn fill(store: &mut dyn Store) {
    let parser = ReadingParser::default();
    for (at, topic, payload) in readings() {
        let reading = parser.parse(payload.as_bytes(), &topic).unwrap();
        let id = MessageId::new(&topic, payload.as_bytes(), false);
        store.append(at, &topic, &reading, id).unwrap();
    }
    store.close().unwrap();
}

fn csv(dir: &Path) -> String {
    let path = dir.join("sensor_data.csv");
    let options = StoreOptions::default().gather_at_most_once(None);
    let csv = CsvStore::open(&path, offset!(+9), options).unwrap();
    let rejects = RejectsFile::open(dir.join("rejects.jsonl"), offset!(+9), 1 << 20).unwrap();
    fill(&mut CsvFiles::new(csv, rejects));
    path.display().to_string()
}

fn sqlite(dir: &Path) -> String {
    let path = dir.join("readings.db");
    fill(&mut SqliteStore::open(&path, SqliteOptions::default()).unwrap());
    path.display().to_string()
}

fn postgres(server: &Postgres) -> String {
    let url = server.url();
    fill(&mut PostgresStore::connect(&url, None, PostgresOptions::default()).unwrap());
    url
}

/// `hexaboard` in `dir` with `args`, in the test's time zone, without outside settings.
fn hexaboard(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir).env("TZ", TZ);
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_")
            || name.starts_with("TOPIC_")
            || ["CSV_FILE", "STORE", "HEXABOARD_LANG", "PGPASSWORD"].contains(&name.as_str())
        {
            command.env_remove(name);
        }
    }
    command.args(args).output().unwrap()
}

/// `summary --format json` of `source` with `more` flags: the boards' figures.
fn figures(dir: &Path, source: &str, more: &[&str]) -> Value {
    let mut args = vec!["summary", source, "--format", "json"];
    args.extend_from_slice(more);
    let out = hexaboard(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["boards"].take()
}

#[test]
fn summary_gives_the_same_figures_from_the_csv_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let server = Postgres::start().unwrap();
    let stores = [csv(dir.path()), sqlite(dir.path()), postgres(&server)];
    let from_csv = figures(dir.path(), &stores[0], &[]);
    let boards: Vec<(&str, u64, u64)> = from_csv
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["board"].as_str().unwrap(),
                b["count"].as_u64().unwrap(),
                b["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(boards, [("A", 100, 260), ("B", 100, 120), ("C", 40, 40)]);
    assert_eq!(from_csv[0]["first"], "2025-11-25 10:00:00");
    for store in &stores[1..] {
        assert_eq!(figures(dir.path(), store, &[]), from_csv, "{store}");
    }
}

#[test]
fn from_to_and_board_select_the_same_readings_in_every_store() {
    let dir = tempfile::tempdir().unwrap();
    let server = Postgres::start().unwrap();
    let stores = [csv(dir.path()), sqlite(dir.path()), postgres(&server)];
    // Readings every 5 s from 10:00:00: 10:05:00 is reading 60, 10:10:00 reading 120.
    let window = [
        "--from",
        "2025-11-25 10:05",
        "--to",
        "2025-11-25T10:10:00+09:00",
        "--board",
        "A,C",
    ];
    let expected = figures(dir.path(), &stores[0], &window);
    let boards: Vec<(&str, u64, &str, &str)> = expected
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["board"].as_str().unwrap(),
                b["total"].as_u64().unwrap(),
                b["first"].as_str().unwrap(),
                b["last"].as_str().unwrap(),
            )
        })
        .collect();
    // Readings 60–119 take turns A, B, C (C's 40 end at reading 119): 20 each.
    assert_eq!(
        boards,
        [
            ("A", 20, "2025-11-25 10:05:00", "2025-11-25 10:09:45"),
            ("C", 20, "2025-11-25 10:05:10", "2025-11-25 10:09:55"),
        ]
    );
    for store in &stores[1..] {
        assert_eq!(figures(dir.path(), store, &window), expected, "{store}");
    }
    // A date alone in --to selects its whole day; the next day has nothing.
    let day = figures(dir.path(), &stores[1], &["--to", "2025-11-25"]);
    assert_eq!(day.as_array().unwrap().len(), 3);
    let none = figures(dir.path(), &stores[2], &["--from", "2025-11-26"]);
    assert_eq!(none, serde_json::json!([]));
}

#[test]
fn a_time_that_is_not_one_is_a_usage_error_naming_the_forms() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), &["summary", "--from", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("yesterday") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn a_missing_database_is_an_error_and_no_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), &["summary", "nothing.db"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing.db") && err.contains("no such file"),
        "{err}"
    );
    assert!(!dir.path().join("nothing.db").exists());
}

/// `plot` of `source` into `svg` (with `more` flags): the chart, its source's name taken out.
fn chart(dir: &Path, source: &str, svg: &str, more: &[&str]) -> String {
    let mut args = vec!["plot", source, "-o", svg, "--lang", "en"];
    args.extend_from_slice(more);
    let out = hexaboard(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join(svg)).unwrap();
    let name = if let Some((scheme, rest)) = source.split_once("://") {
        // The URL as shown: without its password, which the chart must not hold.
        let (login, place) = rest.split_once('@').unwrap();
        let user = login.split(':').next().unwrap();
        assert!(!text.contains(login.trim_start_matches(user)));
        format!("{scheme}://{user}@{place}")
    } else if source.ends_with(".db") {
        format!("sqlite:{source}")
    } else {
        Path::new(source)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    assert!(text.contains(&name), "the subtitle names {name}");
    text.replace(&name, "SOURCE")
}

#[test]
fn plot_of_a_database_equals_plot_of_the_csv_with_the_same_readings() {
    let dir = tempfile::tempdir().unwrap();
    let server = Postgres::start().unwrap();
    let stores = [csv(dir.path()), sqlite(dir.path()), postgres(&server)];
    for more in [&[][..], &["--board", "B", "--from", "2025-11-25 10:10"][..]] {
        let from_csv = chart(dir.path(), &stores[0], "csv.svg", more);
        assert!(from_csv.contains("<svg"));
        for (store, svg) in stores[1..].iter().zip(["sqlite.svg", "postgres.svg"]) {
            assert_eq!(
                chart(dir.path(), store, svg, more),
                from_csv,
                "{store} {more:?}"
            );
        }
    }
}

#[test]
fn a_url_named_on_the_command_line_takes_pgpassword_and_a_mistyped_one_shows_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let server = Postgres::start().unwrap();
    postgres(&server);
    let bare = format!(
        "postgres://{}@127.0.0.1:{}/{}",
        server.user(),
        server.port(),
        server.database()
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command
        .current_dir(dir.path())
        .env("TZ", TZ)
        .env("PGPASSWORD", server.password())
        .env_remove("STORE")
        .args(["summary", &bare, "--format", "json"]);
    let out = command.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mistyped = format!("postgress://me:s3cret-77@127.0.0.1:{}/db", server.port());
    for args in [
        &["summary", mistyped.as_str()][..],
        &["retain", mistyped.as_str(), "--keep-days", "7"][..],
    ] {
        let out = hexaboard(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("names no store") && !err.contains("s3cret-77"),
            "{err}"
        );
    }
}

#[test]
fn plot_of_a_database_equals_plot_of_its_export() {
    let dir = tempfile::tempdir().unwrap();
    let server = Postgres::start().unwrap();
    for (store, name) in [
        (sqlite(dir.path()), "sqlite"),
        (postgres(&server), "postgres"),
    ] {
        let exported = format!("{name}-export.csv");
        let out = hexaboard(dir.path(), &["--store", &store, "export", "-o", &exported]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let from_export = chart(dir.path(), &exported, &format!("{name}-csv.svg"), &[]);
        let from_database = chart(dir.path(), &store, &format!("{name}.svg"), &[]);
        assert_eq!(from_database, from_export, "{name}");
    }
}
