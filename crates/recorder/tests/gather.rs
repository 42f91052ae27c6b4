//! A recorder's rows of QoS 0 messages, gathered in its CSV store: written by the recorder's
//! own thread once the gather delay has passed, and on close.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use hexaboard_mqtt::settings::Qos;
use hexaboard_recorder::{Recorder, RecorderOptions};
use time::macros::datetime;
use time::{OffsetDateTime, UtcOffset};

const HEADER: &str = "Timestamp,Board,Temperature,Humidity,Light\r\n";
const TOPIC: &str = "hexaboard/A/sensor/data";
const AT: OffsetDateTime = datetime!(2025-11-25 01:30:15 UTC);

fn payload(light: u64) -> String {
    format!(r#"{{"board":"A","temperature":25,"humidity":60,"light":{light}}}"#)
}

fn row(light: u64) -> String {
    format!("2025-11-25 10:30:15,A,25,60,{light}\r\n")
}

fn text(path: &Path) -> String {
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

fn rows(lights: impl IntoIterator<Item = u64>) -> String {
    HEADER.to_owned() + &lights.into_iter().map(row).collect::<String>()
}

fn handle_qos0(recorder: &Recorder, light: u64) {
    recorder
        .handle_at(TOPIC, payload(light).as_bytes(), Qos::AtMostOnce, AT)
        .unwrap();
}

#[test]
fn a_recorder_writes_qos0_rows_by_itself_once_the_delay_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut options = RecorderOptions::new(UtcOffset::from_hms(9, 0, 0).unwrap());
    options.gather = Some(Duration::from_secs(1));
    let recorder = Recorder::open(&csv, options).unwrap();
    handle_qos0(&recorder, 1);
    handle_qos0(&recorder, 2);
    assert_eq!(text(&csv), rows([1]), "the second row waits");
    // No further message and no call: the recorder's own thread writes it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while text(&csv) != rows([1, 2]) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(text(&csv), rows([1, 2]));
    let totals = recorder.close().unwrap();
    assert_eq!(totals.stored, 2);
}

#[test]
fn a_recorder_closed_writes_the_rows_still_gathered() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut options = RecorderOptions::new(UtcOffset::from_hms(9, 0, 0).unwrap());
    options.gather = Some(Duration::from_secs(3600));
    let recorder = Recorder::open(&csv, options).unwrap();
    for light in 0..5 {
        handle_qos0(&recorder, light);
    }
    assert_eq!(text(&csv), rows([0]), "the first row only: the others wait");
    recorder.close().unwrap();
    assert_eq!(text(&csv), rows(0..5));
}

#[test]
fn a_recorder_without_gathering_writes_each_qos0_row_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut options = RecorderOptions::new(UtcOffset::from_hms(9, 0, 0).unwrap());
    options.gather = None;
    let recorder = Recorder::open(&csv, options).unwrap();
    handle_qos0(&recorder, 3);
    assert_eq!(text(&csv), rows([3]));
    recorder.close().unwrap();
}
