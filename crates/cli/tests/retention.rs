//! `hexaboard retain`: readings of the last 40 days in SQLite, one every two hours; after
//! `--keep-days 7` the older raw readings are gone, and a 30-day chart still reaches back
//! 30 days, drawn from the hourly rollups.

use std::path::Path;
use std::process::{Command, Output};

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::{MessageId, Store};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};

fn hexaboard(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir).env("TZ", "UTC");
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_")
            || ["CSV_FILE", "STORE", "HEXABOARD_LANG"].contains(&name.as_str())
        {
            command.env_remove(name);
        }
    }
    command.args(args).arg("--lang").arg("en").output().unwrap()
}

/// 480 readings of board A, one every 2 hours back from now (half an hour off the hour).
fn forty_days(path: &Path, now: OffsetDateTime) {
    let mut store = SqliteStore::open(path, SqliteOptions::default()).unwrap();
    let topic = "hexaboard/A/sensor/data";
    for k in (0..480).rev() {
        let payload = format!(
            r#"{{"board":"A","temperature":{},"humidity":50}}"#,
            20 + k % 5
        );
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), topic)
            .unwrap();
        let at = now - Duration::hours(2 * k) - Duration::minutes(30);
        let id = MessageId::new(topic, payload.as_bytes(), false);
        store.append(at, topic, &reading, id).unwrap();
    }
    store.close().unwrap();
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn keep_days_deletes_older_readings_and_a_thirty_day_chart_comes_from_the_rollups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("readings.db");
    let now = OffsetDateTime::now_utc();
    forty_days(&db, now);

    let out = hexaboard(dir.path(), &["retain", "readings.db", "--keep-days", "7"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    // Kept: k*2h + 30 min < 7 days, k = 0..=83.
    assert!(said.contains("480 reading(s) added"), "{said}");
    assert!(
        said.contains("396 raw reading(s) older than 7 day(s) deleted"),
        "{said}"
    );
    let again = text(&hexaboard(dir.path(), &["retain", "readings.db"]).stdout);
    assert!(again.contains(" 0 reading(s) added"), "{again}");

    let summary = hexaboard(dir.path(), &["summary", "readings.db", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(
        json["boards"][0]["total"], 84,
        "only the raw readings of 7 days are left"
    );

    let from = (now - Duration::days(30)).date();
    let day = format_description!("[year]-[month]-[day]");
    let from_text = from.format(day).unwrap();
    let out = hexaboard(
        dir.path(),
        &[
            "plot",
            "readings.db",
            "--from",
            &from_text,
            "-o",
            "month.svg",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    // "📈 Wrote month.svg: board(s) A (2025-… – …)": the range starts on the 30-day mark.
    let range = said.split('(').nth(2).unwrap_or_default();
    let first = Date::parse(&range[..10], day).unwrap();
    assert!(first <= from + Duration::days(1), "{said}");
    let svg = std::fs::read_to_string(dir.path().join("month.svg")).unwrap();
    assert!(svg.contains("<svg"));
}

#[test]
fn a_csv_store_is_refused_with_where_to_go() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(
        dir.path(),
        &["retain", "sensor_data.csv", "--keep-days", "7"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("sensor_data.csv") && err.contains("import"),
        "{err}"
    );
}
