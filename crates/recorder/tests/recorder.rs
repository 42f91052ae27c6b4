//! Recording end to end: every good reading in the CSV, every bad payload in the rejects file,
//! and nothing lost or doubled when the receiver is killed mid-stream and started again.

#[path = "../../mqtt/tests/session_support/mod.rs"]
mod session_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use hexaboard_core::csv_row::RowReader;
use hexaboard_mqtt::session::Incoming;
use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Session, StopSignal};
use hexaboard_recorder::{Recorder, RecorderOptions};
use hexaboard_testkit::Mosquitto;
use session_support::{plain, publisher, quick, topic_filter, wait_until};
use time::UtcOffset;

const CHILD: &str = "HEXABOARD_RECORDER_CHILD";
/// For the child: hold back the acknowledgement of the N-th stored reading for good.
const HOLD: &str = "HEXABOARD_RECORDER_HOLD";

/// Light values of the rows in `csv`, with how often each appears.
fn lights(csv: &Path) -> BTreeMap<u64, usize> {
    let mut seen = BTreeMap::new();
    let file = std::fs::File::open(csv).unwrap();
    for row in RowReader::new(file) {
        let light = row
            .unwrap()
            .light
            .expect("every test reading has a light value");
        *seen.entry(light.value() as u64).or_insert(0) += 1;
    }
    seen
}

/// Publishes reading `i` of board K at QoS 1, without waiting for the broker.
fn send(sender: &Session, i: u64) {
    sender
        .publish_nowait(
            "hexaboard/K/sensor/data",
            reading(i),
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
}

/// How many rows `csv` holds (0 while it does not exist).
fn row_count(csv: &Path) -> u64 {
    std::fs::File::open(csv)
        .map(|f| RowReader::new(f).count() as u64)
        .unwrap_or(0)
}

fn reading(i: u64) -> String {
    format!(
        r#"{{"board":"K","temperature":{},"humidity":{},"light":{i},"timestamp":{}}}"#,
        20 + i % 10,
        40 + i % 30,
        817_349_415 + i
    )
}

#[test]
fn good_readings_are_stored_and_bad_payloads_kept_as_rejects() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let recorder = Recorder::open(&csv, RecorderOptions::new(UtcOffset::UTC)).unwrap();
    let stop = StopSignal::new();
    let settings = plain(broker.port(), MqttVersion::V311, "rec-mixed");
    let session = quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .subscribe(topic_filter("hexaboard/+/status"), Qos::AtLeastOnce)
        .on_message(recorder.handler(stop))
        .connect()
        .unwrap();

    let sender = publisher(broker.port(), MqttVersion::V311, "rec-mixed-pub");
    let bad = [
        &b"not json"[..],
        br#"{"temperature":"hot","humidity":50}"#,
        br#"{"temperature":500,"humidity":50}"#,
        b"\xff\xfe",
    ];
    for i in 0..40u64 {
        send(&sender, i);
        if i % 10 == 3 {
            let payload = bad[(i / 10) as usize].to_vec();
            sender
                .publish_nowait("hexaboard/K/sensor/data", payload, Qos::AtLeastOnce, false)
                .unwrap();
        }
    }
    sender
        .publish("hexaboard/K/status", "online", Qos::AtLeastOnce, false)
        .unwrap();
    sender.flush(Duration::from_secs(5)).unwrap();
    let counters = recorder.counters();
    assert!(wait_until(Duration::from_secs(10), || counters
        .snapshot()
        .received
        == 45));
    session.stop();
    let totals = recorder.close().unwrap();

    assert_eq!(
        (totals.stored, totals.rejected, totals.duplicates),
        (40, 4, 0)
    );
    assert_eq!(lights(&csv), (0..40).map(|i| (i, 1)).collect());
    let rejects = std::fs::read_to_string(hexaboard_store::rejects::default_path(&csv)).unwrap();
    let kinds: Vec<String> = rejects
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        ["not_json", "wrong_type", "out_of_range", "not_utf8"]
    );
}

/// The receiver of the kill test: records until killed. Runs only as the child process.
#[test]
fn recorder_child_process() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (port, csv) = spec.split_once(':').unwrap();
    let recorder = Recorder::open(csv, RecorderOptions::new(UtcOffset::UTC)).unwrap();
    if let Some(hold) = std::env::var(HOLD).ok().and_then(|n| n.parse::<u64>().ok()) {
        let counters = recorder.counters();
        // The observer runs after the row is written and before paho acknowledges.
        recorder.on_record(move |_, _| {
            if counters.snapshot().stored >= hold {
                loop {
                    std::thread::park();
                }
            }
        });
    }
    let stop = StopSignal::new();
    let settings = plain(port.parse().unwrap(), MqttVersion::V311, "rec-killed");
    let _session = quick(Session::builder(&settings))
        .persistent(true)
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(recorder.handler(stop.clone()))
        .connect()
        .unwrap();
    println!("READY");
    stop.wait();
}

fn start_child(port: u16, csv: &Path) -> Child {
    start_child_holding(port, csv, None)
}

/// A recorder child; with `hold`, it never acknowledges its `hold`-th stored reading (nor
/// handles anything after it).
fn start_child_holding(port: u16, csv: &Path, hold: Option<u64>) -> Child {
    let spec = format!("{port}:{}", csv.display());
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "recorder_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, spec)
        .stdout(std::process::Stdio::piped());
    match hold {
        Some(n) => command.env(HOLD, n.to_string()),
        None => command.env_remove(HOLD),
    };
    let mut child = command.spawn().unwrap();
    // Wait for the child's subscription before publishing on.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !line.contains("READY") && Instant::now() < deadline {
        line.clear();
        if std::io::BufRead::read_line(&mut out, &mut line).unwrap() == 0 {
            break;
        }
    }
    assert!(line.contains("READY"), "the recorder child did not start");
    child
}

#[test]
fn a_receiver_killed_mid_stream_and_restarted_stores_every_reading_exactly_once() {
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let total = 3000u64;

    let mut child = start_child(broker.port(), &csv);
    let sender = publisher(broker.port(), MqttVersion::V311, "rec-killed-pub");
    for i in 0..total {
        send(&sender, i);
        if i % 600 == 300 {
            // SIGKILL mid-stream (messages still on their way), then a new receiver with the
            // same client id.
            child.kill().unwrap();
            child.wait().unwrap();
            child = start_child(broker.port(), &csv);
        }
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let complete = wait_until(Duration::from_secs(30), || row_count(&csv) >= total);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(complete, "not every reading arrived");
    let seen = lights(&csv);
    let doubled: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(seen.len() as u64, total, "readings missing");
    assert!(doubled.is_empty(), "stored twice: {doubled:?}");
}

#[test]
fn a_redelivery_is_recognised_by_its_dup_flag_wherever_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let recorder = Recorder::open(&csv, RecorderOptions::new(UtcOffset::UTC)).unwrap();
    let at = time::OffsetDateTime::now_utc();
    let deliver = |payload: &str, duplicate: bool| {
        let message = Incoming {
            topic: "hexaboard/K/sensor/data",
            payload: payload.as_bytes(),
            qos: Qos::AtLeastOnce,
            retained: false,
            duplicate,
        };
        recorder.handle_incoming(&message, at).unwrap();
        let totals = recorder.counters().snapshot();
        (totals.stored, totals.duplicates)
    };
    assert_eq!(deliver(&reading(1), false), (1, 0));
    assert_eq!(deliver(&reading(2), false), (2, 0));
    // A board restarted with a clock that counts from boot sends its payloads again, the
    // room unchanged: new readings, without the flag, stored.
    assert_eq!(deliver(&reading(1), false), (3, 0));
    assert_eq!(deliver(&reading(3), false), (4, 0));
    // A resend after newer messages (a broker may interleave them): not stored again.
    assert_eq!(
        deliver(&reading(2), true),
        (4, 1),
        "a redelivery is not stored"
    );
    assert_eq!(deliver(&reading(1), true), (4, 2));
    // Flagged but never received before (lost on the way): stored.
    assert_eq!(deliver(&reading(4), true), (5, 2));
    // A payload without the board's timestamp is its reading only by chance: a flagged copy
    // of a stored one is stored, since it may be a reading never received.
    let plain = r#"{"board":"K","temperature":21,"humidity":41,"light":9}"#;
    assert_eq!(deliver(plain, false), (6, 2));
    assert_eq!(deliver(plain, true), (7, 2));
    recorder.close().unwrap();
    let rows = lights(&csv);
    assert_eq!(
        rows,
        BTreeMap::from([(1, 2), (2, 1), (3, 1), (4, 1), (9, 2)])
    );
}

#[test]
fn a_reading_stored_but_not_acknowledged_comes_again_and_is_stored_once() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let rows = || row_count(&csv);
    // The 5th reading is written, then the receiver hangs before paho acknowledges it.
    let mut child = start_child_holding(broker.port(), &csv, Some(5));
    let sender = publisher(broker.port(), MqttVersion::V311, "rec-held-pub");
    for i in 0..10u64 {
        send(&sender, i);
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    assert!(wait_until(Duration::from_secs(10), || rows() == 5));
    child.kill().unwrap();
    child.wait().unwrap();

    // The broker sends the 5th again first on the next connection, then the rest.
    let mut child = start_child(broker.port(), &csv);
    let complete = wait_until(Duration::from_secs(10), || rows() >= 10);
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(complete, "only {} rows", rows());
    assert_eq!(lights(&csv), (0..10).map(|i| (i, 1)).collect());
}
