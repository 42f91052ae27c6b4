//! What the SQLite store writes, asked with SQL as a user would: the schema as documented,
//! numbers as sent, the board's time, statuses, and every committed row visible to another
//! connection while the store is open.

mod sqlite_support;

use hexaboard_core::reading::ReadingParser;
use hexaboard_core::status::Status;
use hexaboard_store::sqlite::SCHEMA_VERSION;
use hexaboard_store::{Appended, MessageId, Store};
use rusqlite::types::Value;
use sqlite_support::{count, database, deliver, open, payload, user, AT, TOPIC};

/// The columns of `table` as `PRAGMA table_info` gives them: name, declared type, not null,
/// primary key.
fn columns(conn: &rusqlite::Connection, table: &str) -> Vec<(String, String, bool, bool)> {
    let mut info = conn
        .prepare(&format!("PRAGMA table_info({table})"))
        .unwrap();
    info.query_map([], |row| {
        Ok((
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get::<_, i64>(5)? > 0,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn col(name: &str, ty: &str, not_null: bool, key: bool) -> (String, String, bool, bool) {
    (name.into(), ty.into(), not_null, key)
}

#[test]
fn a_new_database_has_the_documented_schema() {
    let (_dir, path) = database();
    open(&path).close().unwrap();
    let conn = user(&path);
    assert_eq!(
        columns(&conn, "readings"),
        [
            col("id", "INTEGER", false, true),
            col("received_at", "TEXT", true, false),
            col("board", "TEXT", true, false),
            col("temperature", "ANY", true, false),
            col("humidity", "ANY", true, false),
            col("light", "ANY", false, false),
            col("board_timestamp", "ANY", false, false),
            col("board_time", "TEXT", false, false),
            col("topic", "TEXT", true, false),
            col("digest", "BLOB", false, false),
        ]
    );
    assert_eq!(
        columns(&conn, "statuses"),
        [
            col("id", "INTEGER", false, true),
            col("received_at", "TEXT", true, false),
            col("board", "TEXT", true, false),
            col("status", "TEXT", true, false),
            col("topic", "TEXT", true, false),
        ]
    );
    assert_eq!(
        columns(&conn, "rejects"),
        [
            col("id", "INTEGER", false, true),
            col("received_at", "TEXT", true, false),
            col("topic", "TEXT", true, false),
            col("kind", "TEXT", true, false),
            col("error", "TEXT", true, false),
            col("payload", "BLOB", true, false),
            col("payload_len", "INTEGER", true, false),
        ]
    );
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        tables,
        [
            "advice",
            "hexaboard_schema",
            "readings",
            "readings_hour",
            "readings_minute",
            "rejects",
            "rollup_progress",
            "statuses"
        ]
    );
    for rollups in ["readings_minute", "readings_hour"] {
        let mut expected = vec![
            col("board", "TEXT", true, true),
            col("start", "TEXT", true, true),
            col("count", "INTEGER", true, false),
        ];
        for value in ["temperature", "humidity"] {
            for figure in ["min", "mean", "max"] {
                expected.push(col(&format!("{value}_{figure}"), "REAL", true, false));
            }
        }
        assert_eq!(columns(&conn, rollups), expected, "{rollups}");
    }
    let version: i64 = conn
        .query_row("SELECT version FROM hexaboard_schema", [], |row| row.get(0))
        .unwrap();
    assert_eq!((version, SCHEMA_VERSION), (4, 4));
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        indexes,
        [
            "advice_applied_target_at",
            "advice_at",
            "readings_board_received_at",
            "statuses_board_received_at"
        ]
    );
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_reading_is_stored_with_its_receive_time_board_and_topic() {
    let (_dir, path) = database();
    let mut store = open(&path);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    let row: (i64, String, String, String, Option<i64>, Option<i64>, Option<String>) = user(&path)
        .query_row(
            "SELECT id, received_at, board, topic, light, board_timestamp, board_time FROM readings",
            [],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        row,
        (
            1,
            "2025-11-25 01:30:15.250000".into(),
            "A".into(),
            TOPIC.into(),
            None,
            None,
            None
        )
    );
}

#[test]
fn numbers_come_back_as_the_board_wrote_them() {
    let (_dir, path) = database();
    let mut store = open(&path);
    for (temperature, humidity) in [
        ("25", "60"),
        ("25.5", "60.25"),
        ("25.0", "3"),
        ("25.50", "1e1"),
    ] {
        let payload = format!(
            r#"{{"temperature":{temperature},"humidity":{humidity},"light":{temperature}}}"#
        );
        let id = MessageId::new(TOPIC, payload.as_bytes(), false);
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), TOPIC)
            .unwrap();
        store.append(AT, TOPIC, &reading, id).unwrap();
    }
    let conn = user(&path);
    let mut query = conn
        .prepare("SELECT temperature, humidity, light, typeof(temperature), CAST(temperature AS TEXT) FROM readings ORDER BY id")
        .unwrap();
    let rows: Vec<(Value, Value, Value, String, String)> = query
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            (
                Value::Integer(25),
                Value::Integer(60),
                Value::Integer(25),
                "integer".into(),
                "25".into()
            ),
            (
                Value::Real(25.5),
                Value::Real(60.25),
                Value::Real(25.5),
                "real".into(),
                "25.5".into()
            ),
            (
                Value::Real(25.0),
                Value::Integer(3),
                Value::Real(25.0),
                "real".into(),
                "25.0".into()
            ),
            (
                Value::Real(25.5),
                Value::Real(10.0),
                Value::Real(25.5),
                "real".into(),
                "25.5".into()
            ),
        ]
    );
}

#[test]
fn the_board_time_is_the_timestamp_interpreted_and_null_when_unsynced() {
    let (_dir, path) = database();
    let mut store = open(&path);
    // MicroPython's 2000 epoch, Unix time with a fraction, seconds since boot.
    for timestamp in ["817349415", "1764034210.75", "37"] {
        let payload = format!(r#"{{"temperature":25,"humidity":60,"timestamp":{timestamp}}}"#);
        let id = MessageId::new(TOPIC, payload.as_bytes(), false);
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), TOPIC)
            .unwrap();
        store.append(AT, TOPIC, &reading, id).unwrap();
    }
    let conn = user(&path);
    let mut query = conn
        .prepare("SELECT board_timestamp, board_time FROM readings ORDER BY id")
        .unwrap();
    let rows: Vec<(Value, Option<String>)> = query
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            (
                Value::Integer(817_349_415),
                Some("2025-11-25 01:30:15".into())
            ),
            (
                Value::Real(1_764_034_210.75),
                Some("2025-11-25 01:30:10".into())
            ),
            (Value::Integer(37), None),
        ]
    );
}

#[test]
fn statuses_are_kept_with_board_and_topic() {
    let (_dir, path) = database();
    let mut store = open(&path);
    store
        .status(AT, "hexaboard/A/status", "A", Status::Online)
        .unwrap();
    store
        .status(AT, "hexaboard/B/status", "B", Status::Offline)
        .unwrap();
    let conn = user(&path);
    let mut query = conn
        .prepare("SELECT received_at, board, status, topic FROM statuses ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String, String, String)> = query
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let at = "2025-11-25 01:30:15.250000".to_string();
    assert_eq!(
        rows,
        [
            (
                at.clone(),
                "A".into(),
                "online".into(),
                "hexaboard/A/status".into()
            ),
            (
                at,
                "B".into(),
                "offline".into(),
                "hexaboard/B/status".into()
            ),
        ]
    );
}

#[test]
fn another_connection_sees_every_committed_row_while_the_store_is_open() {
    let (_dir, path) = database();
    let mut store = open(&path);
    let reader = user(&path);
    for i in 1..=50 {
        deliver(&mut store, &payload(&i.to_string()), false);
        let seen: i64 = reader
            .query_row("SELECT count(*) FROM readings", [], |row| row.get(0))
            .unwrap();
        assert_eq!(seen, i);
    }
    // And a process started afresh sees them too.
    assert_eq!(count(&path, "SELECT count(*) FROM readings"), 50);
    assert_eq!(
        count(&path, "SELECT sum(temperature) FROM readings"),
        50 * 51 / 2
    );
}

#[test]
fn the_documented_questions_are_answered() {
    let (_dir, path) = database();
    let mut store = open(&path);
    deliver(&mut store, &payload("24"), false);
    deliver(&mut store, &payload("26"), false);
    store
        .status(AT, "hexaboard/A/status", "A", Status::Offline)
        .unwrap();
    let conn = user(&path);
    let hourly: (String, f64) = conn
        .query_row(
            "SELECT substr(received_at, 1, 13) AS hour, avg(temperature) FROM readings \
             WHERE board = 'A' AND received_at >= '2025-11-25' AND received_at < '2025-11-26' \
             GROUP BY hour ORDER BY hour",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(hourly, ("2025-11-25 01".into(), 25.0));
    let offline: String = conn
        .query_row(
            "SELECT max(received_at) FROM statuses WHERE status = 'offline' AND board = 'A'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(offline, "2025-11-25 01:30:15.250000");
}
