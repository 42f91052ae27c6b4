//! `hexaboard record --store` into SQLite and PostgreSQL, whatever stops it: SIGKILL mid-stream
//! and a restart store every reading exactly once, SIGTERM commits everything received, a
//! database server stopped and started mid-stream is waited for, and a store that cannot be
//! written (wrong password, read-only file, newer schema) is one clear line and exit 1,
//! leaving the database as it was.

mod faults_support;
mod live_support;
mod store_support;

use std::time::Duration;

use faults_support::{
    persistent_publisher, publish, record_quiet, signal, totals, wait_until, SmallDisk,
};
use hexaboard_testkit::{Mosquitto, Postgres};
use live_support::{broker_flags, hexaboard, Running};
use store_support::TestStore;

const WAIT: Duration = Duration::from_secs(30);

fn flooded_broker() -> Mosquitto {
    Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap()
}

/// `record` into `store`, SIGKILLed four times in a stream of 1,200 readings and started
/// again each time: every reading stored exactly once.
fn killed_four_times(store: &TestStore, name: &str) {
    let broker = flooded_broker();
    let dir = tempfile::tempdir().unwrap();
    let global = ["--store", &store.arg()].map(str::to_owned);
    let global: Vec<&str> = global.iter().map(String::as_str).collect();
    let total = 1200u64;
    let mut recorder = record_quiet(dir.path(), broker.port(), &global, &[]);
    let sender = persistent_publisher(broker.port(), &format!("{name}-kill-pub"));
    for i in 0..total {
        publish(&sender, i);
        if i % 300 == 150 {
            signal(recorder.pid(), "KILL");
            assert!(!recorder.wait().success());
            recorder = record_quiet(dir.path(), broker.port(), &global, &[]);
        }
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let complete = wait_until(WAIT, || store.rows() >= total);
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert!(complete, "only {} rows of {total}", store.rows());
    store.assert_exactly_once(total);
}

/// `record` into `store`, stopped with SIGTERM during a flood: what it counts as stored is in
/// the store, and a second run gets the rest, each reading once.
fn sigterm_during_a_flood(store: &TestStore, name: &str) {
    let broker = flooded_broker();
    let dir = tempfile::tempdir().unwrap();
    let global = ["--store", &store.arg()].map(str::to_owned);
    let global: Vec<&str> = global.iter().map(String::as_str).collect();
    let total = 6_000u64;
    let mut recorder = record_quiet(dir.path(), broker.port(), &global, &[]);
    let sender = persistent_publisher(broker.port(), &format!("{name}-term-pub"));
    for i in 0..total {
        publish(&sender, i);
        if i == 1000 {
            assert!(wait_until(WAIT, || store.rows() >= 100));
            signal(recorder.pid(), "TERM");
        }
    }
    let status = recorder.wait();
    assert!(status.success(), "{status}: {}", recorder.stderr());
    let (received, stored, _, _) = totals(&recorder.stdout());
    assert_eq!(stored, store.rows(), "every stored reading is a row");
    assert_eq!(received, stored);
    sender.flush(Duration::from_secs(10)).unwrap();
    let mut again = record_quiet(dir.path(), broker.port(), &global, &[]);
    let complete = wait_until(WAIT, || store.rows() >= total);
    signal(again.pid(), "TERM");
    assert!(again.wait().success(), "{}", again.stderr());
    assert!(complete, "only {} rows of {total}", store.rows());
    store.assert_exactly_once(total);
}

#[test]
fn sqlite_record_killed_four_times_mid_stream_stores_every_reading_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    killed_four_times(&TestStore::sqlite(dir.path()), "sqlite");
}

#[test]
fn postgres_record_killed_four_times_mid_stream_stores_every_reading_exactly_once() {
    let server = Postgres::start().unwrap();
    killed_four_times(&TestStore::postgres(&server), "postgres");
}

#[test]
fn sqlite_sigterm_during_a_flood_commits_everything_received() {
    let dir = tempfile::tempdir().unwrap();
    sigterm_during_a_flood(&TestStore::sqlite(dir.path()), "sqlite");
}

#[test]
fn postgres_sigterm_during_a_flood_commits_everything_received() {
    let server = Postgres::start().unwrap();
    sigterm_during_a_flood(&TestStore::postgres(&server), "postgres");
}

#[test]
fn postgres_stopped_and_started_mid_stream_is_waited_for_and_nothing_is_lost() {
    let broker = flooded_broker();
    let mut server = Postgres::start().unwrap();
    let store = TestStore::postgres(&server);
    let dir = tempfile::tempdir().unwrap();
    let global = ["--store", &store.arg()].map(str::to_owned);
    let global: Vec<&str> = global.iter().map(String::as_str).collect();
    let total = 600u64;
    let mut recorder = record_quiet(dir.path(), broker.port(), &global, &[]);
    let sender = persistent_publisher(broker.port(), "pg-restart-pub");
    for i in 0..total {
        publish(&sender, i);
        if i == 200 {
            assert!(wait_until(WAIT, || store.rows() >= 100));
            server.stop().unwrap();
        }
        if i == 400 {
            recorder.wait_for("the wait for the database", |_, err| {
                err.contains("waiting for the database")
            });
            server.restart().unwrap();
        }
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let complete = wait_until(WAIT, || store.rows() >= total);
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert!(complete, "only {} rows of {total}", store.rows());
    store.assert_exactly_once(total);
    let stderr = recorder.stderr();
    assert!(stderr.contains("the database is back"), "{stderr}");
    assert!(!stderr.contains(server.password()), "{stderr}");
}

/// `hexaboard [broker flags] --store STORE record` in English, run to its end.
fn record_into(dir: &std::path::Path, port: u16, store: &str) -> std::process::Output {
    let mut args = broker_flags(port);
    args.extend(["--store", store, "record", "--quiet"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir, &args);
    command.env("HEXABOARD_LANG", "en");
    command.output().unwrap()
}

#[test]
fn a_wrong_postgres_password_is_one_line_without_the_password() {
    let broker = Mosquitto::start().unwrap();
    let server = Postgres::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wrong = "not-the-password-4711";
    let output = record_into(dir.path(), broker.port(), &server.url_with_password(wrong));
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("password"), "{stderr}");
    assert!(stderr.contains("PGPASSWORD"), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(wrong), "{text}");
        assert!(!text.contains(server.password()), "{text}");
    }
}

#[test]
fn a_sqlite_database_on_a_read_only_disk_is_a_clear_error_and_exit_1() {
    let Some(disk) = SmallDisk::mount_sized("1m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let broker = Mosquitto::start().unwrap();
    let store = TestStore::Sqlite(disk.path().join("readings.db"));
    let work = tempfile::tempdir().unwrap();
    // A database made by record, then its disk made read-only.
    let global = ["--store", &store.arg()].map(str::to_owned);
    let global: Vec<&str> = global.iter().map(String::as_str).collect();
    let mut recorder = record_quiet(work.path(), broker.port(), &global, &[]);
    let sender = persistent_publisher(broker.port(), "sqlite-ro-pub");
    publish(&sender, 1);
    assert!(wait_until(WAIT, || store.rows() == 1));
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    let before = std::fs::read(disk.path().join("readings.db")).unwrap();
    assert!(disk.make_read_only(), "remount read-only");
    let output = record_into(work.path(), broker.port(), &store.arg());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&store.arg()), "{stderr}");
    assert!(
        stderr.contains("read-only") || stderr.contains("readonly"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(disk.path().join("readings.db")).unwrap(),
        before
    );
}

#[test]
fn a_sqlite_database_filling_its_disk_stops_record_with_exit_1_and_no_reading_twice() {
    let Some(disk) = SmallDisk::mount_sized("512k") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let broker = flooded_broker();
    let store = TestStore::Sqlite(disk.path().join("readings.db"));
    let work = tempfile::tempdir().unwrap();
    let global = ["--store", &store.arg()].map(str::to_owned);
    let global: Vec<&str> = global.iter().map(String::as_str).collect();
    let mut recorder = record_quiet(work.path(), broker.port(), &global, &[]);
    let sender = persistent_publisher(broker.port(), "sqlite-full-pub");
    let total = 20_000u64;
    for i in 0..total {
        publish(&sender, i);
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let status = recorder.wait();
    let stderr = recorder.stderr();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&store.arg()) && stderr.contains("full"),
        "{stderr}"
    );
    let stored = store.rows();
    assert!(
        0 < stored && stored < total,
        "{stored} readings before the disk was full"
    );
    assert!(store.counts().values().all(|n| *n == 1), "no reading twice");
}

#[test]
fn a_sqlite_database_of_a_newer_schema_is_refused_untouched() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("readings.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE hexaboard_schema (version INTEGER NOT NULL);
             INSERT INTO hexaboard_schema VALUES (99);
             CREATE TABLE readings (id INTEGER PRIMARY KEY, note TEXT);",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let output = record_into(dir.path(), broker.port(), "readings.db");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("schema version 99"), "{stderr}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database was changed"
    );
    assert!(!dir.path().join("readings.db-wal").exists());
}

#[test]
fn statuses_and_rejects_go_to_the_database_tables() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(["--store", "lab.sqlite", "record", "--count", "3"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let mut recorder = Running::start(command);
    recorder.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    let sender = persistent_publisher(broker.port(), "tables-pub");
    sender
        .publish(
            "hexaboard/A/status",
            "online",
            hexaboard_mqtt::settings::Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    sender
        .publish(
            "hexaboard/A/sensor/data",
            "not json",
            hexaboard_mqtt::settings::Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    publish(&sender, 1);
    publish(&sender, 2);
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    let conn = rusqlite::Connection::open(dir.path().join("lab.sqlite")).unwrap();
    let one = |sql: &str| -> String { conn.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(
        one("SELECT board || ' ' || status FROM statuses"),
        "A online"
    );
    assert_eq!(one("SELECT kind FROM rejects"), "not_json");
    assert_eq!(one("SELECT CAST(count(*) AS TEXT) FROM readings"), "2");
    assert!(!dir.path().join("lab.sqlite.rejects.jsonl").exists());
}

/// `record --count N` (with `more` flags) into `store` in `dir`, fed `n` readings; its output.
fn record_readings(
    dir: &std::path::Path,
    broker: &Mosquitto,
    store: &str,
    n: u64,
    more: &[&str],
) -> (bool, String, String) {
    let mut args = broker_flags(broker.port());
    args.extend(["--store", store, "record", "--count"].map(str::to_owned));
    args.push(n.to_string());
    args.extend(more.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir, &args);
    command.env("HEXABOARD_LANG", "en");
    let mut recorder = Running::start(command);
    recorder.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    if more.contains(&"--keep-days") {
        // The first retention pass runs on its own thread: the readings come after it, so
        // what it rolls up and deletes does not depend on the machine's speed.
        recorder.wait_for("the first retention pass", |out, _| out.contains("deleted"));
    }
    let sender = persistent_publisher(broker.port(), "readings-pub");
    for i in 1..=n {
        publish(&sender, i);
    }
    let done = recorder.wait().success();
    (done, recorder.stdout(), recorder.stderr())
}

#[test]
fn record_keep_days_rolls_up_and_deletes_the_older_readings_while_it_records() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lab.db");
    // Forty readings of board Z, one a day for the last 40 days (at noon less an hour).
    let mut store =
        hexaboard_store::SqliteStore::open(&db, hexaboard_store::sqlite::SqliteOptions::default())
            .unwrap();
    let now = time::OffsetDateTime::now_utc();
    for day in (1..=40).rev() {
        let topic = "hexaboard/Z/sensor/data";
        let payload = r#"{"board":"Z","temperature":21,"humidity":50}"#;
        let reading = hexaboard_core::reading::ReadingParser::default()
            .parse(payload.as_bytes(), topic)
            .unwrap();
        let at = now - time::Duration::days(day) - time::Duration::hours(1);
        let id = hexaboard_store::MessageId::new(topic, payload.as_bytes(), false);
        hexaboard_store::Store::append(&mut store, at, topic, &reading, id).unwrap();
    }
    hexaboard_store::Store::close(&mut store).unwrap();

    let (done, stdout, stderr) =
        record_readings(dir.path(), &broker, "lab.db", 2, &["--keep-days", "7"]);
    assert!(done, "{stderr}");
    assert!(
        stdout.contains("40 reading(s) added to the per-minute and per-hour rollups")
            && stdout.contains("34 raw reading(s) older than 7 day(s) deleted"),
        "{stdout}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) FROM readings WHERE board = 'Z'"), 6);
    assert_eq!(one("SELECT count(*) FROM readings WHERE board <> 'Z'"), 2);
    assert_eq!(
        one("SELECT sum(count) FROM readings_hour WHERE board = 'Z'"),
        40
    );
}

#[test]
fn record_keep_days_with_the_csv_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = hexaboard(
        dir.path(),
        &["--store", "lab.csv", "record", "--keep-days", "7"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("lab.csv") && stderr.contains("database"),
        "{stderr}"
    );
}

#[test]
fn a_postgres_database_made_read_only_stops_record_with_a_clear_error_and_exit_1() {
    let broker = Mosquitto::start().unwrap();
    let server = Postgres::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (done, _, stderr) = record_readings(dir.path(), &broker, &server.url(), 1, &[]);
    assert!(done, "{stderr}");
    let mut admin = postgres::Client::connect(&server.url(), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} SET default_transaction_read_only = on",
            server.database()
        ))
        .unwrap();
    // record connects, then its first reading cannot be stored.
    let mut args = broker_flags(broker.port());
    args.extend(["--store", &server.url(), "record", "--count", "1"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let mut recorder = Running::start(command);
    recorder.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    publish(&persistent_publisher(broker.port(), "read-only-pub"), 2);
    let status = recorder.wait();
    let stderr = recorder.stderr();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert!(!stderr.contains(server.password()), "{stderr}");
    let count: i64 = admin
        .query_one("SELECT count(*) FROM readings", &[])
        .unwrap()
        .get(0);
    assert_eq!(count, 1, "the reading was not stored, nor acknowledged");
}
