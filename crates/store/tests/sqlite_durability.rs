//! Durability against power loss: a checkpoint copies what was committed into the database
//! file itself, at most once per interval (on another thread through `Store::sync_work`, or
//! in the write that finds it due) and on close. Seen by copying the database file alone,
//! without its write-ahead log, as a power cut before the log is synced would leave it; and
//! a process killed with `SIGKILL` loses nothing it committed.

mod sqlite_support;

use std::path::Path;
use std::time::{Duration, Instant};

use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::Store;
use sqlite_support::{database, deliver, open, payload};

/// The readings in a copy of the database file alone, without its write-ahead log.
fn readings_in_the_file_alone(path: &Path) -> i64 {
    let copy = tempfile::tempdir().unwrap();
    let alone = copy.path().join("alone.db");
    std::fs::copy(path, &alone).unwrap();
    sqlite_support::count(&alone, "SELECT count(*) FROM readings")
}

#[test]
fn close_checkpoints_every_committed_reading_into_the_file() {
    let (_dir, path) = database();
    let options = SqliteOptions::default().interval(Duration::from_secs(3600));
    let mut store = SqliteStore::open(&path, options).unwrap();
    for i in 0..10 {
        deliver(&mut store, &payload(&format!("2{i}")), false);
    }
    assert_eq!(
        readings_in_the_file_alone(&path),
        0,
        "still only in the log"
    );
    store.close().unwrap();
    assert_eq!(readings_in_the_file_alone(&path), 10);
}

#[test]
fn the_sync_work_checkpoints_on_another_thread_once_an_interval_has_passed() {
    let (_dir, path) = database();
    let options = SqliteOptions::default()
        .sync_elsewhere(true)
        .interval(Duration::from_secs(3600));
    let mut store = SqliteStore::open(&path, options).unwrap();
    let opened = Instant::now();
    assert!(store.sync_work(opened).is_none(), "nothing committed yet");
    deliver(&mut store, &payload("25"), false);
    assert!(
        store.sync_work(opened).is_none(),
        "the interval has not passed"
    );
    let later = opened + Duration::from_secs(3600);
    let work = store.sync_work(later).expect("a checkpoint is due");
    assert!(store.sync_work(later).is_none(), "taken once");
    std::thread::spawn(move || work.run())
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(readings_in_the_file_alone(&path), 1);
    // The store goes on writing after a checkpoint, into a log begun afresh.
    deliver(&mut store, &payload("26"), false);
    let work = store.sync_work(later + Duration::from_secs(3600)).unwrap();
    work.run().unwrap();
    assert_eq!(readings_in_the_file_alone(&path), 2);
}

#[test]
fn without_another_thread_a_write_checkpoints_when_one_is_due() {
    let (_dir, path) = database();
    let options = SqliteOptions::default().interval(Duration::ZERO);
    let mut store = SqliteStore::open(&path, options).unwrap();
    deliver(&mut store, &payload("25"), false);
    assert_eq!(readings_in_the_file_alone(&path), 1);
    assert!(store.sync_work(Instant::now()).is_none(), "done already");
}

#[test]
fn a_checkpoint_with_a_reader_in_the_way_succeeds_and_loses_nothing() {
    // The checkpoint cannot copy past the reader's snapshot; the log is synced instead.
    let (_dir, path) = database();
    let options = SqliteOptions::default().sync_elsewhere(true);
    let mut store = SqliteStore::open(&path, options).unwrap();
    deliver(&mut store, &payload("25"), false);
    let reader = sqlite_support::user(&path);
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM readings;")
        .unwrap();
    deliver(&mut store, &payload("26"), false);
    let work = store
        .sync_work(Instant::now() + Duration::from_secs(60))
        .unwrap();
    work.run().unwrap();
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    drop(store);
    assert_eq!(
        sqlite_support::count(&path, "SELECT count(*) FROM readings"),
        2
    );
}

#[test]
fn every_reading_is_kept_across_a_close_and_reopen() {
    let (_dir, path) = database();
    let mut store = open(&path);
    deliver(&mut store, &payload("25"), false);
    store.close().unwrap();
    drop(store);
    let mut store = open(&path);
    deliver(&mut store, &payload("26"), false);
    store.close().unwrap();
    drop(store);
    assert_eq!(readings_in_the_file_alone(&path), 2);
    assert!(
        !Path::new(&format!("{}-wal", path.display())).exists(),
        "the log is removed"
    );
}

/// Set in the child process of [`a_killed_process_loses_nothing_it_committed`]: the database
/// it stores into.
const CHILD_DATABASE: &str = "HEXABOARD_SQLITE_TEST_CHILD_DATABASE";

#[test]
fn a_killed_process_loses_nothing_it_committed() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    if let Some(path) = std::env::var_os(CHILD_DATABASE) {
        // The child: stores readings and says so after each, until it is killed.
        let mut store = SqliteStore::open(path, SqliteOptions::default()).unwrap();
        let mut out = std::io::stdout().lock();
        for i in 0.. {
            deliver(&mut store, &payload(&format!("20.{i:06}")), false);
            writeln!(out, "stored {}", i + 1).unwrap();
            out.flush().unwrap();
        }
        return;
    }
    let (_dir, path) = database();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "a_killed_process_loses_nothing_it_committed",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD_DATABASE, &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = 0;
    while said < 300 {
        let line = lines.next().expect("the child stores").unwrap();
        if let Some(n) = line.strip_prefix("stored ") {
            said = n.parse().unwrap();
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let stored = sqlite_support::count(&path, "SELECT count(*) FROM readings");
    assert!(
        stored >= said,
        "{stored} readings stored, {said} said stored"
    );
    let remembered = sqlite_support::count(&path, "SELECT count(digest) FROM readings");
    assert_eq!(
        remembered, stored,
        "each reading with its digest, or neither"
    );
}
