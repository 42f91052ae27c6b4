//! The CSV store writes the chapter's file and never loses a row.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hexaboard_core::reading::{Reading, ReadingParser};
use hexaboard_store::csv::{CsvStore, StoreOptions};
use hexaboard_store::{Appended, MessageId, ReopenReason, StoreError, StoreNote};
use time::macros::{datetime, offset};
use time::OffsetDateTime;

const HEADER: &str = "Timestamp,Board,Temperature,Humidity,Light\r\n";
const TOPIC: &str = "hexaboard/A/sensor/data";

fn open(path: &Path) -> Result<CsvStore, StoreError> {
    CsvStore::open(path, offset!(+9), StoreOptions::default())
}

/// A store that checks its path and syncs on every row.
fn open_watchful(path: &Path) -> Result<CsvStore, StoreError> {
    CsvStore::open(
        path,
        offset!(+9),
        StoreOptions::default().interval(Duration::ZERO),
    )
}

fn append(store: &mut CsvStore, at: OffsetDateTime, payload: &str) -> Result<Appended, StoreError> {
    let reading: Reading<'_> = ReadingParser::default()
        .parse(payload.as_bytes(), TOPIC)
        .unwrap();
    store.append(
        at,
        &reading,
        MessageId::new(TOPIC, payload.as_bytes(), false),
    )
}

fn text(path: &Path) -> String {
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_new_file_gets_the_header_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path).unwrap();
    assert!(store.created());
    assert!(store.take_note().is_none());
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    store.close().unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r\n")
    );
}

#[test]
fn an_empty_file_gets_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    fs::write(&path, "").unwrap();
    let store = open(&path).unwrap();
    assert!(store.created());
    store.close().unwrap();
    assert_eq!(text(&path), HEADER);
}

#[test]
fn reopening_appends_without_a_second_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    store.close().unwrap();
    let mut store = open(&path).unwrap();
    assert!(!store.created());
    append(
        &mut store,
        datetime!(2025-11-25 01:30:20 UTC),
        r#"{"board":"A","temperature":26,"humidity":61}"#,
    )
    .unwrap();
    store.close().unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r\n2025-11-25 10:30:20,A,26,61,\r\n")
    );
}

#[test]
fn the_bytes_equal_what_the_chapters_python_writes() {
    // The chapter's `csv.writer` on a file opened with newline='': header once, CRLF, numbers
    // as sent, `None` light as an empty cell.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path).unwrap();
    for (at, payload) in [
        (
            datetime!(2025-11-25 01:30:15 UTC),
            r#"{"board":"A","temperature":25,"humidity":60,"light":800}"#,
        ),
        (
            datetime!(2025-11-25 01:30:20 UTC),
            r#"{"board":"A","temperature":26,"humidity":61,"light":810}"#,
        ),
        (
            datetime!(2025-11-25 01:30:25 UTC),
            r#"{"board":"B","temperature":24.5,"humidity":58.0,"timestamp":817}"#,
        ),
    ] {
        assert_eq!(append(&mut store, at, payload).unwrap(), Appended::Stored);
    }
    store.close().unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"Timestamp,Board,Temperature,Humidity,Light\r\n\
          2025-11-25 10:30:15,A,25,60,800\r\n\
          2025-11-25 10:30:20,A,26,61,810\r\n\
          2025-11-25 10:30:25,B,24.5,58.0,\r\n"
    );
}

#[test]
fn a_file_with_another_header_is_refused_and_left_byte_for_byte_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    let before = b"a,b\r\n1,2".to_vec();
    fs::write(&path, &before).unwrap();
    let err = open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Header { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "`{}` has header `a,b`, not the chapter's `Timestamp,Board,Temperature,Humidity,Light`: \
             choose another CSV_FILE or move the file away",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(
        !dir.path().join("x.csv.seen").exists(),
        "no journal is left beside it"
    );
}

#[test]
fn a_header_saved_by_a_spreadsheet_with_a_byte_order_mark_and_lf_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    fs::write(
        &path,
        "\u{feff}Timestamp,Board,Temperature,Humidity,Light\n",
    )
    .unwrap();
    let mut store = open(&path).unwrap();
    assert!(!store.created());
    assert!(store.take_note().is_none());
}

#[test]
fn a_row_cut_short_by_a_crash_is_removed_and_shown_and_the_file_goes_on_from_the_last_whole_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    // A row whose write was cut in its last field: it parses, with a wrong light.
    for cut in ["2025-11-25 10:3", "2025-11-25 10:30:20,A,26,61,31"] {
        fs::write(
            &path,
            format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r\n{cut}"),
        )
        .unwrap();
        let mut store = open(&path).unwrap();
        match store.take_note() {
            Some(StoreNote::CutRowRemoved { path: noted, row }) => {
                assert_eq!(noted, path);
                assert_eq!(row, cut);
            }
            other => panic!("expected CutRowRemoved, got {other:?}"),
        }
        let note = StoreNote::CutRowRemoved {
            path: path.clone(),
            row: cut.to_owned(),
        }
        .to_string();
        assert!(note.contains(cut) && note.contains("removed"), "{note}");
        assert!(store.take_note().is_none());
        append(
            &mut store,
            datetime!(2025-11-25 01:30:25 UTC),
            r#"{"board":"A","temperature":27,"humidity":62}"#,
        )
        .unwrap();
        store.close().unwrap();
        assert_eq!(
            text(&path),
            format!(
                "{HEADER}2025-11-25 10:30:15,A,25,60,\r\n\
                 2025-11-25 10:30:25,A,27,62,\r\n"
            )
        );
    }
}

#[test]
fn a_row_cut_between_cr_and_lf_is_whole_and_gets_only_the_lf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    fs::write(&path, format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r")).unwrap();
    let mut store = open(&path).unwrap();
    assert!(store.take_note().is_none());
    store.close().unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r\n")
    );
}

#[test]
fn a_header_without_its_line_end_is_kept_and_ended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    fs::write(&path, HEADER.trim_end()).unwrap();
    let mut store = open(&path).unwrap();
    assert!(store.take_note().is_none());
    store.close().unwrap();
    assert_eq!(text(&path), HEADER);
}

#[test]
fn rows_are_in_the_file_right_after_append_returns_without_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path).unwrap();
    for second in 0..3 {
        let at = datetime!(2025-11-25 01:30:00 UTC) + Duration::from_secs(second);
        append(
            &mut store,
            at,
            r#"{"board":"A","temperature":25,"humidity":60}"#,
        )
        .unwrap();
        let lines = fs::read(&path).unwrap().split(|&b| b == b'\n').count() - 1;
        assert_eq!(lines, 2 + second as usize);
    }
    drop(store);
}

/// Run as a child by `a_row_survives_a_sigkill_right_after_append`.
#[test]
fn child_appends_then_waits_to_be_killed() {
    let Ok(path) = std::env::var("HEXABOARD_STORE_KILL_CHILD") else {
        return;
    };
    let mut store = open(Path::new(&path)).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"K","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    println!("STORED");
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn a_row_survives_a_sigkill_right_after_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_appends_then_waits_to_be_killed",
            "--nocapture",
        ])
        .env("HEXABOARD_STORE_KILL_CHILD", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stored = false;
    for line in stdout.lines() {
        if line.unwrap().contains("STORED") {
            stored = true;
            break;
        }
    }
    assert!(stored, "the child never stored its row");
    child.kill().unwrap(); // SIGKILL: no destructor, no flush
    child.wait().unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:15,K,25,60,\r\n")
    );
}

#[test]
fn dev_full_as_the_csv_path_is_a_write_error_saying_the_disk_is_full() {
    // Opening /dev/full works; every write fails with ENOSPC, starting with the header.
    let err = open(Path::new("/dev/full")).unwrap_err();
    assert!(matches!(err, StoreError::Write { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("`/dev/full`"), "{message}");
    assert!(message.contains("the disk is full"), "{message}");
    assert_eq!(err.io_error().and_then(|e| e.raw_os_error()), Some(28));
}

// Tests run as root, for whom a `chmod 444` file is still writable, so an unwritable CSV is
// made with a directory that does not exist (or was removed) instead.

#[test]
fn a_path_in_a_missing_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone").join("sensor_data.csv");
    let err = open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("directory does not exist"), "{message}");
}

#[test]
fn removing_the_directory_while_recording_makes_the_next_append_fail_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("data");
    fs::create_dir(&sub).unwrap();
    let path = sub.join("sensor_data.csv");
    let mut store = open_watchful(&path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    fs::remove_dir_all(&sub).unwrap();
    let err = append(
        &mut store,
        datetime!(2025-11-25 01:30:20 UTC),
        r#"{"board":"A","temperature":26,"humidity":60}"#,
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("directory does not exist"), "{message}");
    // Recording resumes once the directory is back.
    fs::create_dir(&sub).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:25 UTC),
        r#"{"board":"A","temperature":27,"humidity":60}"#,
    )
    .unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:25,A,27,60,\r\n")
    );
    // The duplicate journal is written anew beside it, with both stored digests: after a
    // restart, redeliveries of both are recognised.
    drop(store);
    let mut store = open_watchful(&path).unwrap();
    for payload in [
        r#"{"board":"A","temperature":25,"humidity":60}"#,
        r#"{"board":"A","temperature":27,"humidity":60}"#,
    ] {
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), TOPIC)
            .unwrap();
        let id = MessageId::new(TOPIC, payload.as_bytes(), true);
        let at = datetime!(2025-11-25 01:30:30 UTC);
        assert_eq!(
            store.append(at, &reading, id).unwrap(),
            Appended::Duplicate,
            "{payload}"
        );
    }
}

#[test]
fn a_file_moved_away_while_recording_is_started_anew_at_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let moved = dir.path().join("sensor_data.csv.1");
    let mut store = open_watchful(&path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    fs::rename(&path, &moved).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:20 UTC),
        r#"{"board":"A","temperature":26,"humidity":61}"#,
    )
    .unwrap();
    assert!(store.created());
    match store.take_note() {
        Some(StoreNote::Reopened {
            reason, created, ..
        }) => {
            assert_eq!((reason, created), (ReopenReason::Gone, true));
        }
        other => panic!("expected a reopen note, got {other:?}"),
    }
    assert!(store.take_note().is_none());
    store.close().unwrap();
    assert_eq!(
        text(&moved),
        format!("{HEADER}2025-11-25 10:30:15,A,25,60,\r\n")
    );
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:20,A,26,61,\r\n")
    );
}

#[test]
fn a_file_replaced_by_one_with_the_chapters_header_is_continued() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open_watchful(&path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    // An editor saves through a temporary file renamed over the original.
    let edited = dir.path().join("edited.csv");
    fs::write(&edited, HEADER).unwrap();
    fs::rename(&edited, &path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:20 UTC),
        r#"{"board":"A","temperature":26,"humidity":61}"#,
    )
    .unwrap();
    let note = store.take_note().unwrap();
    assert!(matches!(
        note,
        StoreNote::Reopened {
            reason: ReopenReason::Replaced,
            created: false,
            ..
        }
    ));
    assert!(note.to_string().contains("was replaced by another file"));
    store.close().unwrap();
    assert_eq!(
        text(&path),
        format!("{HEADER}2025-11-25 10:30:20,A,26,61,\r\n")
    );
}

#[test]
fn a_file_replaced_by_one_with_another_header_stops_recording_and_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open_watchful(&path).unwrap();
    append(
        &mut store,
        datetime!(2025-11-25 01:30:15 UTC),
        r#"{"board":"A","temperature":25,"humidity":60}"#,
    )
    .unwrap();
    let other = dir.path().join("other.csv");
    fs::write(&other, "time,temp\n").unwrap();
    fs::rename(&other, &path).unwrap();
    let err = append(
        &mut store,
        datetime!(2025-11-25 01:30:20 UTC),
        r#"{"board":"A","temperature":26,"humidity":61}"#,
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::Header { .. }), "{err:?}");
    assert_eq!(text(&path), "time,temp\n");
}
