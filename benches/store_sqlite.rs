//! The SQLite store against a bare rusqlite loop, on one database file: how much the store's
//! redelivery memory, time formatting and number typing cost over the inserts themselves.
//!
//! Run with `cargo bench --bench store_sqlite`. Each round appends QoS 1 readings through
//! `SqliteStore::append` (each a transaction, its row with its message's digest), the same
//! readings again at QoS 0 (the row without digest: the store's own cost), then inserts the same
//! rows in a bare loop of one-row transactions with the store's pragmas
//! (WAL, `synchronous=NORMAL`, no automatic checkpoint), its values made before the clock
//! starts. None checkpoints while timed; each does after its round. Prints one JSON line per
//! round and implementation (with the slowest single append), then the best of each and the
//! store's ratios to bare (the goal: at least 0.8). Options: `--rows N` (default 20,000), `--rounds N` (default 5),
//! `--dir PATH` (where the database goes; default a temp dir).

use std::path::{Path, PathBuf};
use std::time::Instant;

use hexaboard::core::board_time::{BoardTime, Tolerance};
use hexaboard::core::number::Number;
use hexaboard::core::reading::{Reading, ReadingParser};
use hexaboard::store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard::store::{Appended, MessageId, Store};
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

const TOPIC: &str = "hexaboard/A/sensor/data";

/// One message: its payload, parsed reading and identity, and the row's values as bound.
struct Message {
    reading: Reading<'static>,
    id: MessageId,
    received_at: OffsetDateTime,
    row: Row,
}

/// A reading's columns, made before the bare loop's clock starts.
struct Row {
    received_at: String,
    board: String,
    temperature: Value,
    humidity: Value,
    board_timestamp: Value,
    board_time: Option<String>,
}

fn number(n: Number) -> Value {
    match n.as_str().parse::<i64>() {
        Ok(integer) => Value::Integer(integer),
        Err(_) => Value::Real(n.value()),
    }
}

/// `rows` messages of board A, unique across rounds (so each digest is new), one in eight
/// with a fractional temperature.
fn messages(round: usize, rows: usize) -> Vec<Message> {
    let start = OffsetDateTime::from_unix_timestamp(1_764_034_215).expect("valid time");
    let text =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");
    let secs = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    (0..rows)
        .map(|i| {
            let n = round * rows + i;
            let frac = if n % 8 == 7 { ".5" } else { "" };
            let payload = format!(
                r#"{{"board": "A", "temperature": {}{frac}, "humidity": {}, "timestamp": {}}}"#,
                20 + n % 11,
                40 + n % 31,
                817_349_415 + n
            );
            let reading = ReadingParser::default()
                .parse(payload.as_bytes(), TOPIC)
                .expect("a valid reading")
                .into_owned();
            let received_at = start + Duration::milliseconds(n as i64);
            let raw = reading.timestamp().expect("sent");
            let board_time = BoardTime::interpret(
                raw.value(),
                received_at.unix_timestamp(),
                Tolerance::default(),
            )
            .unix()
            .and_then(|unix| OffsetDateTime::from_unix_timestamp(unix).ok())
            .map(|at| at.format(secs).expect("formattable"));
            let row = Row {
                received_at: received_at.format(text).expect("formattable"),
                board: reading.board().to_owned(),
                temperature: number(reading.temperature()),
                humidity: number(reading.humidity()),
                board_timestamp: number(raw),
                board_time,
            };
            Message {
                id: MessageId::new(TOPIC, payload.as_bytes(), false),
                reading,
                received_at,
                row,
            }
        })
        .collect()
}

/// Appends every message through the store, at QoS 1 (`qos1`) or QoS 0; returns the
/// seconds taken and the slowest append's.
fn store_round(path: &Path, messages: &[Message], qos1: bool) -> (f64, f64) {
    let options = SqliteOptions::default().sync_elsewhere(true);
    let mut store = SqliteStore::open(path, options).expect("open the store");
    let mut slowest = 0f64;
    let start = Instant::now();
    for m in messages {
        let id = if qos1 {
            m.id
        } else {
            MessageId::at_most_once()
        };
        let one = Instant::now();
        let appended = store
            .append(m.received_at, TOPIC, &m.reading, id)
            .expect("append");
        slowest = slowest.max(one.elapsed().as_secs_f64());
        assert_eq!(appended, Appended::Stored);
    }
    let seconds = start.elapsed().as_secs_f64();
    store.close().expect("close");
    (seconds, slowest)
}

/// Inserts every message's row in a bare loop; returns the seconds taken and the slowest
/// insert's.
fn bare_round(path: &Path, messages: &[Message]) -> (f64, f64) {
    let mut conn = Connection::open(path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    conn.pragma_update(None, "wal_autocheckpoint", 0)
        .expect("autocheckpoint");
    let mut slowest = 0f64;
    let start = Instant::now();
    for m in messages {
        let one = Instant::now();
        let tx = conn.transaction().expect("begin");
        tx.prepare_cached(
            "INSERT INTO readings (received_at, board, temperature, humidity, light, \
             board_timestamp, board_time, topic) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .and_then(|mut insert| {
            let r = &m.row;
            insert.execute(params![
                r.received_at,
                r.board,
                r.temperature,
                r.humidity,
                Value::Null,
                r.board_timestamp,
                r.board_time,
                TOPIC,
            ])
        })
        .expect("insert");
        tx.commit().expect("commit");
        slowest = slowest.max(one.elapsed().as_secs_f64());
    }
    let seconds = start.elapsed().as_secs_f64();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
    (seconds, slowest)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rows: usize = value("--rows")
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let rounds: usize = value("--rounds").and_then(|n| n.parse().ok()).unwrap_or(5);
    let temp = tempfile::tempdir().expect("a temp dir");
    let dir = value("--dir").map_or_else(|| temp.path().to_owned(), PathBuf::from);
    let path = dir.join("store_sqlite_bench.db");
    const NAMES: [&str; 3] = ["store-append-qos1", "store-append-qos0", "bare-rusqlite"];
    let mut best = [0f64; 3];
    for round in 0..rounds {
        let messages = messages(round, rows);
        let results = [
            store_round(&path, &messages, true),
            store_round(&path, &messages, false),
            bare_round(&path, &messages),
        ];
        for ((name, best), (seconds, slowest)) in NAMES.iter().zip(&mut best).zip(results) {
            let per_sec = rows as f64 / seconds;
            *best = best.max(per_sec);
            println!(
                r#"{{"impl": "{name}", "round": {round}, "rows": {rows}, "seconds": {seconds:.6}, "rows_per_sec": {per_sec:.0}, "slowest_ms": {:.3}}}"#,
                slowest * 1e3
            );
        }
    }
    println!(
        r#"{{"best_rows_per_sec": {{"store-append-qos1": {:.0}, "store-append-qos0": {:.0}, "bare-rusqlite": {:.0}}}, "ratio_qos1": {:.3}, "ratio_qos0": {:.3}, "goal": 0.8}}"#,
        best[0],
        best[1],
        best[2],
        best[0] / best[2],
        best[1] / best[2]
    );
    let _ = std::fs::remove_file(&path);
}
