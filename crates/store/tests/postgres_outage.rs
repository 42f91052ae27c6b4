//! The database going away while readings come: every call waits, says so, and stores its
//! reading once the database is back, each reading once; a stop signal ends the wait having
//! stored nothing.

mod postgres_common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use hexaboard_store::postgres::PostgresOptions;
use hexaboard_store::{Appended, Store};
use hexaboard_testkit::Postgres;
use postgres_common::{client, count, id, noon, numbered, reading, server, store_with, TOPIC};

/// How many readings the stream sends.
const STREAM: u32 = 2_000;

/// Options that retry quickly and keep every note said.
fn options(notes: &Arc<Mutex<Vec<String>>>) -> PostgresOptions {
    let notes = Arc::clone(notes);
    PostgresOptions::default()
        .retry(Duration::from_millis(100), Duration::from_millis(400))
        .notify(Box::new(move |note| {
            notes.lock().unwrap().push(note.to_string());
        }))
}

/// Waits until `done` holds.
fn wait_until(mut done: impl FnMut() -> bool) {
    while !done() {
        thread::sleep(Duration::from_millis(10));
    }
}

/// Streams [`STREAM`] readings from another thread, takes the server away with `outage` once
/// 100 are stored, brings it back, and checks that every reading is stored once and that the
/// wait was said.
fn stream_through(outage: impl FnOnce(&mut Postgres)) {
    let mut server = server();
    let notes = Arc::new(Mutex::new(Vec::new()));
    let mut store = store_with(&server, options(&notes));
    let stored = Arc::new(AtomicUsize::new(0));
    let writer = {
        let stored = Arc::clone(&stored);
        thread::spawn(move || {
            for n in 0..STREAM {
                let payload = numbered(n);
                let appended = store
                    .append(noon(), TOPIC, &reading(&payload), id(&payload, false))
                    .unwrap_or_else(|e| panic!("reading {n}: {e}"));
                assert_eq!(appended, Appended::Stored);
                stored.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    wait_until(|| stored.load(Ordering::SeqCst) >= 100);
    outage(&mut server);
    // The writer meets the outage, and waits.
    wait_until(|| !notes.lock().unwrap().is_empty());
    assert!(stored.load(Ordering::SeqCst) < STREAM as usize);
    server.restart().unwrap();
    writer.join().unwrap();

    let mut client = client(&server);
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT temperature) FROM readings",
            &[],
        )
        .unwrap();
    assert_eq!(
        row.get::<_, i64>(0),
        i64::from(STREAM),
        "every reading once"
    );
    assert_eq!(row.get::<_, i64>(1), i64::from(STREAM));
    let remembered: i64 = client
        .query_one("SELECT count(digest) FROM readings", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        remembered,
        i64::from(STREAM),
        "each reading with its digest"
    );

    let notes = notes.lock().unwrap();
    let shown = postgres_common::url(&server);
    assert!(
        notes[0].starts_with(&format!("{shown}: waiting for the database (")),
        "{notes:?}"
    );
    let back = notes.last().unwrap();
    assert!(
        back.starts_with(&format!("{shown}: the database is back after ")),
        "{notes:?}"
    );
    assert!(back.ends_with(" s, recording goes on"), "{notes:?}");
    assert!(notes.iter().all(|note| !note.contains(server.password())));
}

#[test]
fn a_server_stopped_and_started_again_mid_stream_loses_and_doubles_no_reading() {
    stream_through(|server| server.stop().unwrap());
}

#[test]
fn a_server_killed_and_recovered_mid_stream_loses_and_doubles_no_reading() {
    stream_through(|server| server.kill().unwrap());
}

#[test]
fn a_stop_signal_ends_the_wait_having_stored_nothing() {
    let mut server = server();
    let notes = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let options = {
        let stop = Arc::clone(&stop);
        options(&notes).should_stop(Box::new(move || stop.load(Ordering::SeqCst)))
    };
    let mut store = store_with(&server, options);
    server.stop().unwrap();
    let waiting = thread::spawn(move || {
        let payload = numbered(1);
        store
            .append(noon(), TOPIC, &reading(&payload), id(&payload, false))
            .map_err(|e| e.to_string())
    });
    wait_until(|| !notes.lock().unwrap().is_empty());
    stop.store(true, Ordering::SeqCst);
    let e = waiting.join().unwrap().unwrap_err();
    let shown = postgres_common::url(&server);
    assert!(
        e.starts_with(&format!(
            "{shown}: cannot store a reading: stopped while waiting for the database ("
        )),
        "{e}"
    );
    assert!(e.ends_with("): nothing stored"), "{e}");
    server.restart().unwrap();
    assert_eq!(count(&mut client(&server), "readings"), 0);
}

#[test]
fn a_store_left_idle_while_the_server_restarted_carries_on() {
    let mut server = server();
    let notes = Arc::new(Mutex::new(Vec::new()));
    let mut store = store_with(&server, options(&notes));
    server.restart().unwrap();
    let payload = numbered(7);
    let stored = store.append(noon(), TOPIC, &reading(&payload), id(&payload, false));
    assert_eq!(stored.unwrap(), Appended::Stored);
    assert_eq!(count(&mut client(&server), "readings"), 1);
    assert!(store.take_note().is_none(), "notes go to the notifier");
}
