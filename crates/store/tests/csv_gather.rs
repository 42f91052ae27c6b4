//! Rows of QoS 0 messages gathered in memory and written together: never lost on a clean
//! stop, never out of order, never held longer than the gather delay.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::csv::{CsvStore, StoreOptions, GATHER_LIMIT, MAX_GATHER_DELAY};
use hexaboard_store::{Appended, MessageId, StoreError};
use time::macros::{datetime, offset};
use time::OffsetDateTime;

const HEADER: &str = "Timestamp,Board,Temperature,Humidity,Light\r\n";
const TOPIC: &str = "hexaboard/A/sensor/data";
const AT: OffsetDateTime = datetime!(2025-11-25 01:30:15 UTC);

fn gathering(path: &Path, delay: Duration) -> CsvStore {
    let options = StoreOptions::default().gather_at_most_once(Some(delay));
    CsvStore::open(path, offset!(+9), options).unwrap()
}

fn payload(light: u64) -> String {
    format!(r#"{{"board":"A","temperature":25,"humidity":60,"light":{light}}}"#)
}

fn row(light: u64) -> String {
    format!("2025-11-25 10:30:15,A,25,60,{light}\r\n")
}

/// Appends the reading with `light`, delivered at QoS 0 (`at_most_once`) or QoS 1.
fn append(store: &mut CsvStore, light: u64, at_most_once: bool) -> Result<Appended, StoreError> {
    let payload = payload(light);
    let reading = ReadingParser::default()
        .parse(payload.as_bytes(), TOPIC)
        .unwrap();
    let id = if at_most_once {
        MessageId::at_most_once()
    } else {
        MessageId::new(TOPIC, payload.as_bytes(), false)
    };
    store.append(AT, &reading, id)
}

fn text(path: &Path) -> String {
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

fn rows(lights: impl IntoIterator<Item = u64>) -> String {
    HEADER.to_owned() + &lights.into_iter().map(row).collect::<String>()
}

#[test]
fn qos0_rows_wait_in_memory_and_keep_their_place_before_a_qos1_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::from_secs(3600));

    // Nothing was written lately: the first row goes at once, the next ones wait.
    assert_eq!(append(&mut store, 0, true).unwrap(), Appended::Stored);
    assert_eq!(text(&path), rows([0]));
    assert_eq!(append(&mut store, 1, true).unwrap(), Appended::Gathered);
    assert_eq!(append(&mut store, 2, true).unwrap(), Appended::Gathered);
    assert_eq!(text(&path), rows([0]), "gathered rows are not written yet");

    // A QoS 1 row is written before append returns, after the rows that came before it.
    assert_eq!(append(&mut store, 3, false).unwrap(), Appended::Stored);
    assert_eq!(text(&path), rows([0, 1, 2, 3]));

    assert_eq!(append(&mut store, 4, true).unwrap(), Appended::Gathered);
    assert_eq!(text(&path), rows([0, 1, 2, 3]));
    store.flush().unwrap();
    assert_eq!(text(&path), rows([0, 1, 2, 3, 4]));
    assert_eq!(store.flush_at(), None, "nothing waits after a flush");
}

#[test]
fn a_qos0_row_after_a_quiet_time_is_written_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let delay = Duration::from_millis(2);
    let mut store = gathering(&path, delay);
    for light in 0..3 {
        assert_eq!(append(&mut store, light, true).unwrap(), Appended::Stored);
        assert_eq!(store.flush_at(), None);
        std::thread::sleep(delay * 2);
    }
    assert_eq!(text(&path), rows(0..3));
}

#[test]
fn flush_due_writes_once_the_oldest_row_has_waited_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let delay = Duration::from_secs(10);
    let mut store = gathering(&path, delay);
    assert_eq!(store.flush_at(), None);

    append(&mut store, 0, true).unwrap(); // written at once
    assert_eq!(store.flush_at(), None);
    let before = Instant::now();
    append(&mut store, 1, true).unwrap();
    let due = store.flush_at().expect("a row waits");
    assert!(due >= before + delay && due <= Instant::now() + delay);
    append(&mut store, 2, true).unwrap();
    assert_eq!(store.flush_at(), Some(due), "the oldest row sets the time");

    store.flush_due(due - Duration::from_millis(1)).unwrap();
    assert_eq!(text(&path), rows([0]));
    store.flush_due(due).unwrap();
    assert_eq!(text(&path), rows([0, 1, 2]));
    assert_eq!(store.flush_at(), None);
}

#[test]
fn a_flood_is_written_whenever_the_gather_limit_is_reached() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::from_secs(3600));
    // Lights of five digits: every row has the same length.
    let first = 10_000;
    let row_len = row(first).len();
    let count = (3 * GATHER_LIMIT / row_len) as u64;
    let mut written_after = Vec::new();
    for light in first..first + count {
        let before = fs::metadata(&path).unwrap().len();
        append(&mut store, light, true).unwrap();
        if fs::metadata(&path).unwrap().len() != before {
            written_after.push(light - first + 1);
        }
    }
    // The first row is written at once; then each write holds the rows since the last
    // one: the limit's worth, rounded up to a row.
    let per_write = GATHER_LIMIT.div_ceil(row_len) as u64;
    assert_eq!(
        written_after,
        [1, 1 + per_write, 1 + 2 * per_write],
        "rows of {row_len} bytes, limit {GATHER_LIMIT}"
    );
    let on_disk = text(&path);
    assert_eq!(
        on_disk,
        rows(first..first + 1 + 2 * per_write),
        "whole rows, in order"
    );
    store.close().unwrap();
    assert_eq!(
        text(&path),
        rows(first..first + count),
        "close writes the rest"
    );
}

#[test]
fn sync_writes_gathered_rows_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::from_secs(3600));
    append(&mut store, 6, true).unwrap();
    assert_eq!(append(&mut store, 7, true).unwrap(), Appended::Gathered);
    store.sync().unwrap();
    assert_eq!(text(&path), rows([6, 7]));
}

#[test]
fn without_gathering_a_qos0_row_is_written_before_append_returns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = CsvStore::open(&path, offset!(+9), StoreOptions::default()).unwrap();
    assert_eq!(append(&mut store, 5, true).unwrap(), Appended::Stored);
    assert_eq!(store.flush_at(), None);
    assert_eq!(text(&path), rows([5]));
}

#[test]
fn a_qos1_row_after_gathered_rows_is_journalled_with_the_right_length() {
    // The journal entry of a QoS 1 row holds the CSV's length once the row is in, counted
    // by the store as it writes; were the gathered rows written before it miscounted, the
    // entry would look unwritten at the next open and the redelivery would be stored twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::from_secs(3600));
    // A QoS 1 row first, so the store counts the file's length itself from here on.
    assert_eq!(append(&mut store, 0, false).unwrap(), Appended::Stored);
    assert_eq!(append(&mut store, 1, true).unwrap(), Appended::Gathered);
    assert_eq!(append(&mut store, 2, true).unwrap(), Appended::Gathered);
    let payload = r#"{"board":"A","temperature":25,"humidity":60,"timestamp":817349420}"#;
    let reading = ReadingParser::default()
        .parse(payload.as_bytes(), TOPIC)
        .unwrap();
    let id = MessageId::new(TOPIC, payload.as_bytes(), true);
    assert_eq!(store.append(AT, &reading, id).unwrap(), Appended::Stored);
    drop(store); // killed, as far as the files know: no close

    let mut store = gathering(&path, Duration::from_secs(3600));
    assert_eq!(
        store.append(AT, &reading, id).unwrap(),
        Appended::Duplicate,
        "the redelivery is recognised"
    );
    store.close().unwrap();
    assert_eq!(text(&path).lines().count(), 1 + 4);
}

#[test]
fn a_store_dropped_without_close_writes_its_gathered_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::from_secs(3600));
    append(&mut store, 0, true).unwrap();
    assert_eq!(append(&mut store, 1, true).unwrap(), Appended::Gathered);
    drop(store);
    assert_eq!(text(&path), rows([0, 1]));
}

#[test]
fn a_gather_delay_beyond_an_hour_is_taken_as_an_hour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = gathering(&path, Duration::MAX);
    append(&mut store, 0, true).unwrap();
    let before = Instant::now();
    append(&mut store, 1, true).unwrap();
    let due = store.flush_at().expect("a row waits");
    assert!(due >= before + MAX_GATHER_DELAY && due <= Instant::now() + MAX_GATHER_DELAY);
}

#[test]
fn rows_gathered_while_the_file_is_deleted_go_to_the_new_file_at_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let options = StoreOptions::default()
        .gather_at_most_once(Some(Duration::from_secs(3600)))
        .interval(Duration::ZERO);
    let mut store = CsvStore::open(&path, offset!(+9), options).unwrap();
    assert_eq!(append(&mut store, 0, true).unwrap(), Appended::Stored);
    assert_eq!(append(&mut store, 1, true).unwrap(), Appended::Gathered);
    fs::remove_file(&path).unwrap();
    assert_eq!(append(&mut store, 2, true).unwrap(), Appended::Gathered);
    store.flush().unwrap();
    assert_eq!(text(&path), rows([1, 2]), "a new file, with the header");
    let note = store
        .take_note()
        .expect("a note that the file was started anew");
    assert!(note.to_string().contains("sensor_data.csv"), "{note}");
    store.close().unwrap();
}
