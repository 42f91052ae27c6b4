//! The broker failing under `hexaboard record`: killed with SIGKILL and restarted from its
//! persistence during a QoS 1 stream, and a broker that accepts TCP but never answers.

mod faults_support;
mod live_support;

use std::time::{Duration, Instant};

use faults_support::{
    assert_exactly_once, persistent_publisher, publish, record_quiet, rows, signal, wait_until,
};
use hexaboard_testkit::{Mosquitto, Silent};
use live_support::{broker_flags, hexaboard, Running};

#[test]
fn a_broker_killed_and_restarted_mid_stream_loses_no_reading_and_doubles_none() {
    // mosquitto saves its database only from time to time; saving after every change makes a
    // SIGKILL lose nothing it acknowledged (see docs/robustness.md).
    let mut broker = Mosquitto::builder()
        .persistence(true)
        .config_line("autosave_interval 1")
        .config_line("autosave_on_changes true")
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let total = 600u64;

    let mut recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
    let sender = persistent_publisher(broker.port(), "faults-broker-pub");
    for i in 0..total {
        publish(&sender, i);
        std::thread::sleep(Duration::from_millis(2));
        if i == 150 || i == 400 {
            broker.kill().unwrap();
            std::thread::sleep(Duration::from_millis(300));
            broker.restart().unwrap();
            // The next kill is to find record connected again (paho's first reconnect
            // attempt may come a second or more later on a loaded machine).
            let kills = if i == 150 { 1 } else { 2 };
            recorder.wait_for("record reconnected", |_, err| {
                err.matches("reconnected!").count() >= kills
            });
        }
    }
    sender.flush(Duration::from_secs(20)).unwrap();
    let complete = wait_until(Duration::from_secs(15), || rows(&csv) as u64 >= total);
    // Redeliveries may still come: give them a moment to show as duplicates, not rows.
    std::thread::sleep(Duration::from_millis(500));
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    eprintln!("{}", recorder.stdout());
    assert!(complete, "only {} rows of {total}", rows(&csv));
    assert_exactly_once(&csv, total);
    let err = recorder.stderr();
    assert!(
        err.matches("Connection lost").count() >= 2,
        "record said the connection was lost each time:\n{err}"
    );
}

#[test]
fn check_against_a_broker_that_never_answers_ends_with_the_connect_timeout() {
    let silent = Silent::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(silent.port());
    args.extend(["check", "--wait", "2"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let started = Instant::now();
    let output = command.output().unwrap();
    let took = started.elapsed();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(silent.accepted() >= 1, "it did reach the silent listener");
    assert!(
        all.contains("no MQTT answer from 127.0.0.1")
            && all.contains("failed at step 4/6 (connect)"),
        "{all}"
    );
    assert!(took < Duration::from_secs(20), "no hang: {took:?}");
}

#[test]
fn record_against_a_broker_that_never_answers_says_so_at_each_attempt_and_stops_at_sigterm() {
    let silent = Silent::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(silent.port());
    args.extend(["record", "--quiet"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let mut record = Running::start(command);
    // A recorder keeps trying (the broker may come up later), saying why at every attempt.
    record.wait_for("the first attempt's timeout", |_, err| {
        err.contains("connect attempt 1 failed: no MQTT answer from 127.0.0.1")
            && err.contains("trying again in 1 s")
    });
    let asked = Instant::now();
    signal(record.pid(), "TERM");
    let status = record.wait();
    assert!(status.success(), "{status}: {}", record.stderr());
    assert!(asked.elapsed() < Duration::from_secs(5), "stopped at once");
    assert!(silent.accepted() >= 1);
    assert_eq!(rows(&dir.path().join("sensor_data.csv")), 0);
}
