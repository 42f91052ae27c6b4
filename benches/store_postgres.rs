//! The PostgreSQL store against a bare client: how many QoS 1 readings per second
//! `PostgresStore::append` commits, one transaction each, next to a plain `postgres` loop of
//! one-row transactions inserting the same rows into the same database.
//!
//! Run with `cargo bench --bench store_postgres`. It starts its own server with the test kit
//! (on loopback, `fsync = off`, `synchronous_commit = on`: a commit costs a round trip, not a
//! disk flush, so the comparison is of the work per reading). The two loops run in turn,
//! `--rounds N` times (default 5) of `--rows N` readings each (default 5,000); prints one JSON
//! line per round, then the best of each and the ratio store / bare (goal: ≥ 0.8). A third
//! loop inserts each row by one statement, its own transaction, as the store does a reading
//! without DUP: the ratio to it is the store's own cost (parsing, the digest and its lock).

use std::time::{Instant, SystemTime};

use hexaboard::core::reading::{Reading, ReadingParser};
use hexaboard::store::postgres::{PostgresOptions, PostgresStore};
use hexaboard::store::{Appended, MessageId, Store};
use hexaboard_testkit::Postgres;
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use time::{Duration, OffsetDateTime};

/// Four boards, firmware-style JSON, one in eight with a fractional temperature; a distinct
/// timestamp in each, so no two messages of a run share a digest.
fn payloads(rows: usize, round: usize) -> Vec<(String, Vec<u8>)> {
    (0..rows)
        .map(|i| {
            let board = ["A", "B", "C", "D"][i % 4];
            let (temp, humid) = (20 + (i * 7) % 11, 40 + (i * 13) % 31);
            let frac = if i % 8 == 7 { ".5" } else { "" };
            let payload = format!(
                r#"{{"board": "{board}", "temperature": {temp}{frac}, "humidity": {humid}, "timestamp": {}}}"#,
                817_349_415 + round * rows + i
            );
            (format!("hexaboard/{board}/sensor/data"), payload.into_bytes())
        })
        .collect()
}

/// The bare loop's statement: the reading's columns, numbers as their text.
const INSERT: &str = "INSERT INTO readings \
     (received_at, board, temperature, humidity, light, board_timestamp, board_time, topic) \
     VALUES ($1, $2, $3::text::numeric, $4::text::numeric, $5::text::numeric, \
     $6::text::numeric, $7, $8)";

fn store_round(store: &mut PostgresStore, messages: &[(String, Vec<u8>)]) -> f64 {
    let parser = ReadingParser::default();
    let at = OffsetDateTime::now_utc();
    let start = Instant::now();
    for (i, (topic, payload)) in messages.iter().enumerate() {
        let reading = parser.parse(payload, topic).expect("a valid reading");
        let id = MessageId::new(topic, payload, false);
        let received_at = at + Duration::microseconds(i as i64);
        let appended = store.append(received_at, topic, &reading, id);
        assert_eq!(appended.expect("stored"), Appended::Stored);
    }
    start.elapsed().as_secs_f64()
}

/// The bare loop: each row in a transaction of its own, `BEGIN`, `INSERT`, `COMMIT` when
/// `explicit`, else the `INSERT` alone (one statement is its own transaction, as the store
/// does it for a message without DUP).
fn bare_round(client: &mut Client, messages: &[(String, Vec<u8>)], explicit: bool) -> f64 {
    let parser = ReadingParser::default();
    let insert = client.prepare(INSERT).expect("prepare");
    let at = OffsetDateTime::now_utc();
    let start = Instant::now();
    for (i, (topic, payload)) in messages.iter().enumerate() {
        let reading: Reading<'_> = parser.parse(payload, topic).expect("a valid reading");
        let received_at = SystemTime::from(at + Duration::microseconds(i as i64));
        let (temperature, humidity) = (reading.temperature(), reading.humidity());
        let (light, timestamp) = (reading.light(), reading.timestamp());
        let values: [&(dyn ToSql + Sync); 8] = [
            &received_at,
            &reading.board(),
            &temperature.as_str(),
            &humidity.as_str(),
            &light.as_ref().map(|n| n.as_str()),
            &timestamp.as_ref().map(|n| n.as_str()),
            &Option::<SystemTime>::None,
            &topic.as_str(),
        ];
        if explicit {
            let mut tx = client.transaction().expect("begin");
            tx.execute(&insert, &values).expect("insert");
            tx.commit().expect("commit");
        } else {
            client.execute(&insert, &values).expect("insert");
        }
    }
    start.elapsed().as_secs_f64()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse::<usize>().ok())
    };
    let rounds = value("--rounds").unwrap_or(5);
    let rows = value("--rows").unwrap_or(5_000);

    let server = Postgres::start()?;
    let url = format!(
        "postgres://{}@127.0.0.1:{}/{}",
        server.user(),
        server.port(),
        server.database()
    );
    let mut store =
        PostgresStore::connect(&url, Some(server.password()), PostgresOptions::default())?;
    let mut client = Client::connect(&server.url(), NoTls)?;

    let (mut best_store, mut best_bare, mut best_single) = (0f64, 0f64, 0f64);
    for round in 0..rounds {
        let messages = payloads(rows, round);
        let store_rate = rows as f64 / store_round(&mut store, &messages);
        let bare_rate = rows as f64 / bare_round(&mut client, &messages, true);
        let single_rate = rows as f64 / bare_round(&mut client, &messages, false);
        println!(
            r#"{{"round": {round}, "rows": {rows}, "store_rows_per_sec": {store_rate:.0}, "bare_rows_per_sec": {bare_rate:.0}, "bare_single_statement_rows_per_sec": {single_rate:.0}}}"#
        );
        best_store = best_store.max(store_rate);
        best_bare = best_bare.max(bare_rate);
        best_single = best_single.max(single_rate);
    }
    let total: i64 = client
        .query_one("SELECT count(*) FROM readings", &[])?
        .get(0);
    assert_eq!(total as usize, 3 * rounds * rows, "every row stored");
    println!(
        r#"{{"best_store_rows_per_sec": {best_store:.0}, "best_bare_rows_per_sec": {best_bare:.0}, "ratio": {:.3}, "best_bare_single_statement_rows_per_sec": {best_single:.0}, "ratio_single_statement": {:.3}}}"#,
        best_store / best_bare,
        best_store / best_single
    );
    Ok(())
}
