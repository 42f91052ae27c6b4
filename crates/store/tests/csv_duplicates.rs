//! A broker's redelivery of a stored message is not stored twice, even across a restart; an
//! identical payload that is not a redelivery is always stored.

use std::fs;
use std::path::Path;

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::csv::{journal_path, CsvStore, StoreOptions};
use hexaboard_store::{Appended, MessageId, StoreError, StoreNote};
use time::macros::{datetime, offset};

const TOPIC: &str = "hexaboard/A/sensor/data";

fn open(path: &Path, options: StoreOptions) -> CsvStore {
    CsvStore::open(path, offset!(+9), options).unwrap()
}

fn payload(temperature: u32) -> String {
    format!(r#"{{"board":"A","temperature":{temperature},"humidity":60}}"#)
}

fn deliver(store: &mut CsvStore, payload: &str, dup: bool) -> Appended {
    let reading = ReadingParser::default()
        .parse(payload.as_bytes(), TOPIC)
        .unwrap();
    let id = MessageId::new(TOPIC, payload.as_bytes(), dup);
    store
        .append(datetime!(2025-11-25 01:30:15 UTC), &reading, id)
        .unwrap()
}

fn rows(path: &Path) -> usize {
    fs::read_to_string(path).unwrap().lines().count() - 1
}

#[test]
fn the_dup_flagged_redelivery_of_a_stored_message_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), false), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    store.close().unwrap();
    assert_eq!(rows(&path), 1);
}

#[test]
fn an_identical_payload_without_the_dup_flag_is_stored() {
    // A board without a clock sends the same payload whenever nothing changed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), false), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload(25), false), Appended::Stored);
    store.close().unwrap();
    assert_eq!(rows(&path), 2);
}

#[test]
fn a_dup_flagged_message_never_stored_before_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    store.close().unwrap();
    assert_eq!(rows(&path), 1);
}

#[test]
fn the_same_payload_on_another_topic_is_another_message() {
    let a = MessageId::new("hexaboard/A/sensor/data", b"{}", true);
    let b = MessageId::new("hexaboard/B/sensor/data", b"{}", true);
    assert_ne!(a.digest(), b.digest());
}

#[test]
fn the_duplicate_memory_survives_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    deliver(&mut store, &payload(25), false);
    deliver(&mut store, &payload(26), false);
    assert_eq!(store.journal_path(), Some(journal_path(&path).as_path()));
    store.close().unwrap();

    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    assert_eq!(deliver(&mut store, &payload(26), true), Appended::Duplicate);
    assert_eq!(deliver(&mut store, &payload(27), true), Appended::Stored);
    store.close().unwrap();
    assert_eq!(rows(&path), 3);
}

#[test]
fn the_duplicate_memory_survives_being_dropped_without_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    deliver(&mut store, &payload(25), false);
    drop(store);
    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
}

#[test]
fn the_journal_keeps_the_newest_n_in_a_file_of_fixed_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let options = StoreOptions::default().seen_capacity(4);
    let mut store = open(&path, options.clone());
    let journal = journal_path(&path);
    for t in 0..66 {
        deliver(&mut store, &payload(t), false);
        // A 32-byte head and 4 entries of 32 bytes, whatever the number of rows.
        assert_eq!(fs::metadata(&journal).unwrap().len(), 32 + 4 * 32, "{t}");
    }
    store.close().unwrap();

    let mut store = open(&path, options);
    for t in 62..66 {
        assert_eq!(
            deliver(&mut store, &payload(t), true),
            Appended::Duplicate,
            "{t}"
        );
    }
    assert_eq!(deliver(&mut store, &payload(61), true), Appended::Stored);
    store.close().unwrap();
    assert_eq!(rows(&path), 67);
}

#[test]
fn a_journal_cut_mid_entry_is_read_as_far_as_it_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    deliver(&mut store, &payload(25), false);
    deliver(&mut store, &payload(26), false);
    store.close().unwrap();
    // The head, the first entry, and 20 of the second's 32 bytes.
    let journal = journal_path(&path);
    fs::File::options()
        .write(true)
        .open(&journal)
        .unwrap()
        .set_len(32 + 32 + 20)
        .unwrap();

    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    assert_eq!(deliver(&mut store, &payload(26), true), Appended::Stored);
    deliver(&mut store, &payload(27), false);
    store.close().unwrap();
    let mut store = open(&path, StoreOptions::default());
    for t in 25..28 {
        assert_eq!(deliver(&mut store, &payload(t), true), Appended::Duplicate);
    }
    assert_eq!(rows(&path), 4);
}

#[test]
fn a_seen_file_this_program_did_not_write_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let journal = journal_path(&path);
    fs::write(&journal, "my notes about what I have seen\n").unwrap();
    let err = CsvStore::open(&path, offset!(+9), StoreOptions::default()).unwrap_err();
    assert!(matches!(err, StoreError::NotAJournal { .. }), "{err:?}");
    assert!(err.to_string().contains("sensor_data.csv.seen"));
    assert_eq!(
        fs::read_to_string(&journal).unwrap(),
        "my notes about what I have seen\n"
    );
}

#[test]
fn without_a_journal_the_memory_lasts_until_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let options = StoreOptions::default().journal(false);
    let mut store = open(&path, options.clone());
    deliver(&mut store, &payload(25), false);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    assert_eq!(store.journal_path(), None);
    store.close().unwrap();
    assert!(!journal_path(&path).exists());
    let mut store = open(&path, options);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Stored);
}

#[test]
fn a_zero_capacity_turns_de_duplication_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default().seen_capacity(0));
    deliver(&mut store, &payload(25), false);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Stored);
    assert!(!journal_path(&path).exists());
}

#[test]
fn a_journal_that_cannot_be_written_is_dropped_with_a_note_and_rows_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let options = StoreOptions::default().interval(std::time::Duration::ZERO);
    let mut store = open(&path, options);
    assert_eq!(deliver(&mut store, &payload(0), false), Appended::Stored);
    // Both files deleted: the store starts the CSV anew and writes the journal anew from
    // memory, through a temporary file renamed over its path. Make that impossible by
    // putting a directory where the temporary file goes.
    fs::remove_file(&path).unwrap();
    fs::remove_file(journal_path(&path)).unwrap();
    fs::create_dir(dir.path().join("sensor_data.csv.seen.tmp")).unwrap();
    assert_eq!(deliver(&mut store, &payload(1), false), Appended::Stored);
    let mut notes = std::iter::from_fn(|| store.take_note());
    let note = notes
        .find(|note| matches!(note, StoreNote::JournalFailed(_)))
        .expect("a note about the journal");
    assert!(
        note.to_string().contains("sensor_data.csv.seen.tmp"),
        "{note}"
    );
    assert_eq!(store.journal_path(), None);
    // De-duplication goes on from memory.
    assert_eq!(deliver(&mut store, &payload(1), true), Appended::Duplicate);
    assert_eq!(deliver(&mut store, &payload(2), false), Appended::Stored);
    store.close().unwrap();
    assert_eq!(rows(&path), 2);
}

#[test]
fn a_crash_between_journal_entry_and_row_does_not_hide_the_redelivery() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    deliver(&mut store, &payload(25), false);
    deliver(&mut store, &payload(26), false);
    store.close().unwrap();
    // Undo the last row as if the process died after its journal entry, before its write.
    let csv = fs::read(&path).unwrap();
    let cut = csv[..csv.len() - 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    fs::write(&path, &csv[..cut]).unwrap();

    let mut store = open(&path, StoreOptions::default());
    assert_eq!(deliver(&mut store, &payload(26), true), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload(25), true), Appended::Duplicate);
    store.close().unwrap();
    assert_eq!(rows(&path), 2);
}

#[test]
fn with_sync_elsewhere_the_fsync_is_handed_out_once_per_interval_of_activity() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let options = StoreOptions::default()
        .sync_elsewhere(true)
        .interval(Duration::from_millis(50));
    let mut store = open(&path, options);
    assert!(
        store
            .sync_work(Instant::now() + Duration::from_secs(1))
            .is_none(),
        "nothing written yet"
    );
    deliver(&mut store, &payload(25), false);
    assert_eq!(rows(&path), 1, "the row is in the file before any sync");
    let later = Instant::now() + Duration::from_secs(1);
    store
        .sync_work(later)
        .expect("a sync is due")
        .run()
        .unwrap();
    assert!(
        store.sync_work(later).is_none(),
        "nothing new since the last sync"
    );
    deliver(&mut store, &payload(26), false);
    assert!(
        store.sync_work(later).is_none(),
        "the interval has not passed"
    );
    assert!(store.sync_work(later + Duration::from_secs(1)).is_some());
}

#[test]
fn a_message_delivered_at_most_once_is_stored_without_a_journal_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sensor_data.csv");
    let mut store = open(&path, StoreOptions::default());
    let journal = journal_path(&path);
    let before = fs::read(&journal).unwrap();
    let text = payload(25);
    let reading = ReadingParser::default()
        .parse(text.as_bytes(), TOPIC)
        .unwrap();
    let at = datetime!(2025-11-25 01:30:15 UTC);
    for _ in 0..2 {
        let appended = store
            .append(at, &reading, MessageId::at_most_once())
            .unwrap();
        assert_eq!(appended, Appended::Stored);
    }
    store.close().unwrap();
    assert_eq!(rows(&path), 2);
    assert_eq!(fs::read(&journal).unwrap(), before, "no journal write");
}
