//! `hexaboard record` stopped by signals in the middle of a stream: SIGKILL loses nothing and
//! doubles nothing once it is started again; SIGTERM and Ctrl+C (SIGINT) store everything
//! received before the totals are printed.

mod faults_support;
mod live_support;

use std::time::Duration;

use faults_support::{
    assert_exactly_once, persistent_publisher, publish, record_quiet, rows, signal, totals,
    wait_until,
};
use hexaboard_testkit::Mosquitto;

#[test]
fn record_killed_with_sigkill_four_times_mid_stream_stores_every_reading_exactly_once() {
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let total = 1500u64;

    let mut recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
    let sender = persistent_publisher(broker.port(), "faults-kill-pub");
    let mut kills = 0;
    for i in 0..total {
        publish(&sender, i);
        if i % 400 == 200 {
            // Messages are still on their way: some stored and not yet acknowledged, some
            // in the socket, some queued at the broker.
            signal(recorder.pid(), "KILL");
            assert!(!recorder.wait().success());
            kills += 1;
            recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
        }
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let complete = wait_until(Duration::from_secs(15), || rows(&csv) as u64 >= total);
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert_eq!(kills, 4);
    assert!(complete, "only {} rows of {total}", rows(&csv));
    assert_exactly_once(&csv, total);
    let (received, stored, _, duplicates) = totals(&recorder.stdout());
    eprintln!(
        "after {kills} SIGKILLs, the last run: received {received}, stored {stored}, \
         duplicates {duplicates}"
    );
    assert!(
        stored < total,
        "the last run stored only what came after its start"
    );
}

/// Floods record, stops it with `sig` once some rows are in, and checks that the totals'
/// stored count is the CSV's rows; then a second run gets the rest, each reading once.
fn stop_during_a_flood_with(sig: &str) {
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    // Enough that the flood outlasts the stop on a fast machine too: there, 4,000 readings
    // were all stored in the time record took to stop.
    let total = 20_000u64;

    let mut recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
    let sender = persistent_publisher(broker.port(), &format!("faults-{sig}-pub"));
    for i in 0..total {
        publish(&sender, i);
        if i == 1000 {
            assert!(wait_until(Duration::from_secs(10), || rows(&csv) >= 200));
            signal(recorder.pid(), sig);
        }
    }
    let status = recorder.wait();
    assert!(status.success(), "{status}: {}", recorder.stderr());
    let (received, stored, rejected, duplicates) = totals(&recorder.stdout());
    let in_csv = rows(&csv) as u64;
    assert_eq!(stored, in_csv, "every stored reading is a row");
    assert_eq!((received, rejected, duplicates), (stored, 0, 0));
    assert!(
        stored < total,
        "stopped during the flood: stored {stored} of {total}"
    );
    eprintln!("SIG{sig}: stored {stored} of {total} before stopping; all {in_csv} rows in the CSV");

    sender.flush(Duration::from_secs(10)).unwrap();
    let mut again = record_quiet(dir.path(), broker.port(), &[], &[]);
    let complete = wait_until(Duration::from_secs(15), || rows(&csv) as u64 >= total);
    signal(again.pid(), "TERM");
    assert!(again.wait().success(), "{}", again.stderr());
    assert!(complete, "only {} rows of {total}", rows(&csv));
    assert_exactly_once(&csv, total);
}

#[test]
fn sigterm_during_a_flood_stores_everything_received_and_a_restart_gets_the_rest_once() {
    stop_during_a_flood_with("TERM");
}

#[test]
fn ctrl_c_during_a_flood_stores_everything_received_and_a_restart_gets_the_rest_once() {
    stop_during_a_flood_with("INT");
}
