//! Payloads that are not readings are kept, one JSON line each, under a size cap.

use std::fs;
use std::path::Path;

use hexaboard_core::reading::{ReadingError, ReadingParser};
use hexaboard_store::rejects::{default_path, Rejected, RejectsFile, DEFAULT_REJECTS_LIMIT};
use serde_json::Value;
use time::macros::{datetime, offset};

const TOPIC: &str = "hexaboard/A/sensor/data";

fn error_of(payload: &[u8]) -> ReadingError {
    ReadingParser::default().parse(payload, TOPIC).unwrap_err()
}

fn reject(file: &mut RejectsFile, payload: &[u8]) -> Rejected {
    file.write(
        datetime!(2025-11-25 01:30:15 UTC),
        TOPIC,
        &error_of(payload),
        payload,
    )
    .unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_default_path_is_beside_the_csv() {
    assert_eq!(
        default_path(Path::new("data/sensor_data.csv")),
        Path::new("data/sensor_data.csv.rejects.jsonl")
    );
}

#[test]
fn each_reject_is_one_json_line_with_all_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
    assert_eq!(reject(&mut file, b"{temp: 25"), Rejected::Written);
    assert_eq!(
        reject(&mut file, br#"{"temperature":"hot","humidity":60}"#),
        Rejected::Written
    );
    let lines = lines(&path);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["received_at"], "2025-11-25T10:30:15+09:00");
    assert_eq!(lines[0]["topic"], TOPIC);
    assert_eq!(lines[0]["kind"], "not_json");
    assert_eq!(
        lines[0]["error"],
        error_of(b"{temp: 25").to_string().as_str()
    );
    assert_eq!(lines[0]["payload"], "{temp: 25");
    assert_eq!(lines[0]["payload_bytes"], 9);
    assert_eq!(lines[0]["payload_truncated"], false);
    assert!(lines[0].get("payload_base64").is_none());
    assert_eq!(lines[1]["kind"], "wrong_type");
    assert_eq!(
        lines[1]["error"],
        "`temperature` should be a number, found string \"hot\""
    );
    assert_eq!(file.size(), fs::metadata(&path).unwrap().len());
}

#[test]
fn control_characters_are_escaped_and_a_line_never_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
    let payload = "line one\nline two\r\n\t\u{0}\u{1b}[31m\"quoted\"\\";
    reject(&mut file, payload.as_bytes());
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches('\n').count(), 1);
    assert!(text.contains(r#"line one\nline two\r\n\t\u0000\u001b[31m\"quoted\"\\"#));
    assert_eq!(lines(&path)[0]["payload"], payload);
}

#[test]
fn invalid_utf8_is_shown_escaped_and_kept_exactly_in_base64() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
    reject(&mut file, b"\xbf\xc2\xb5\xb5 25\xff");
    let line = &lines(&path)[0];
    assert_eq!(line["kind"], "not_utf8");
    assert_eq!(line["payload"], "\\xBFµ\\xB5 25\\xFF");
    assert_eq!(line["payload_base64"], "v8K1tSAyNf8=");
}

#[test]
fn a_long_payload_is_cut_at_1_kib_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
    let payload = format!("[{}1]", "1,".repeat(2500));
    reject(&mut file, payload.as_bytes());
    let line = &lines(&path)[0];
    assert_eq!(line["kind"], "not_object");
    assert_eq!(line["payload"].as_str().unwrap(), &payload[..1024]);
    assert_eq!(line["payload_truncated"], true);
    assert_eq!(line["payload_bytes"], payload.len());
}

#[test]
fn the_size_cap_stops_writing_and_counts_what_was_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(+9), 1000).unwrap();
    let mut results = Vec::new();
    for _ in 0..8 {
        results.push(reject(&mut file, b"{temp: 25"));
    }
    let written = results.iter().filter(|r| **r == Rejected::Written).count();
    assert!(written >= 1);
    assert_eq!(results[written], Rejected::NotWritten { first: true });
    assert!(results[written + 1..]
        .iter()
        .all(|r| *r == Rejected::NotWritten { first: false }));
    assert_eq!(file.not_written(), (8 - written) as u64);
    let size = fs::metadata(&path).unwrap().len();
    assert!(size <= 1000, "{size}");
    assert_eq!(lines(&path).len(), written);
}

#[test]
fn the_cap_counts_what_the_file_already_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    fs::write(&path, format!("{}\n", "x".repeat(990))).unwrap();
    let mut file = RejectsFile::open(&path, offset!(+9), 1000).unwrap();
    assert_eq!(
        reject(&mut file, b"{temp: 25"),
        Rejected::NotWritten { first: true }
    );
}

#[test]
fn a_line_cut_by_a_crash_is_removed_and_the_next_one_follows_the_last_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let whole = "{\"received_at\":\"2025-11-25T10:30:15+09:00\",\"payload\":\"x\"}\n";
    for before in ["", whole] {
        fs::write(&path, format!("{before}{{\"received_at\":\"2025-11-25T1")).unwrap();
        let mut file = RejectsFile::open(&path, offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
        assert_eq!(file.size(), before.len() as u64);
        reject(&mut file, b"{temp: 25");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(before), "{text}");
        for line in text.lines() {
            serde_json::from_str::<Value>(line).unwrap();
        }
        let last = text.lines().last().unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(last).unwrap()["payload"],
            "{temp: 25"
        );
        assert_eq!(text.lines().count(), 1 + usize::from(!before.is_empty()));
    }
}

#[test]
fn a_rejection_of_another_kind_is_written_with_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejects.jsonl");
    let mut file = RejectsFile::open(&path, offset!(UTC), DEFAULT_REJECTS_LIMIT).unwrap();
    file.write_kind(
        datetime!(2025-11-25 01:30:15 UTC),
        "hexaboard/A/status",
        "bad_status",
        &"status should be `online` or `offline`",
        b"maybe",
    )
    .unwrap();
    let line = &lines(&path)[0];
    assert_eq!(line["received_at"], "2025-11-25T01:30:15+00:00");
    assert_eq!(line["kind"], "bad_status");
    assert_eq!(line["payload"], "maybe");
}

#[test]
fn dev_full_as_the_rejects_path_is_a_write_error_saying_the_disk_is_full() {
    let mut file = RejectsFile::open("/dev/full", offset!(+9), DEFAULT_REJECTS_LIMIT).unwrap();
    let err = file
        .write(
            datetime!(2025-11-25 01:30:15 UTC),
            TOPIC,
            &error_of(b"{"),
            b"{",
        )
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("`/dev/full`"), "{message}");
    assert!(message.contains("the disk is full"), "{message}");
}
