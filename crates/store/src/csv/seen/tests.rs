//! Tests of the digests, the in-memory ring and the journal file.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;

use super::journal::{ENTRY, GROWTH, HEAD, LIST_MAGIC, MAGIC, SEQ};
use super::*;
use crate::MessageId;

#[test]
fn the_digest_is_stable_across_releases() {
    // Values from the reference C library (libxxhash 0.8.1): they must never change, or
    // journals written by an earlier release stop matching.
    assert_eq!(
        xxhash_rust::xxh3::xxh3_128(b"hexaboard"),
        0xcfc1_bd4b_e881_92aa_acce_e741_f2f4_74d5
    );
    let id = MessageId::new("hexaboard/A/sensor/data", br#"{"temperature":25}"#, false);
    assert_eq!(id.digest(), 0xd0ff_0ada_69ff_b6eb_319e_dfaf_8eff_f52f);
    assert_eq!(id.with_dup(true).digest(), id.digest());
    assert!(id.with_dup(true).is_dup());
}

#[test]
fn topic_and_payload_boundaries_do_not_collide() {
    let a = MessageId::new("ab", b"c", false);
    let b = MessageId::new("a", b"bc", false);
    assert_ne!(a.digest(), b.digest());
}

#[test]
fn the_last_capacity_digests_are_always_known_and_old_ones_go() {
    let capacity = 3;
    let mut recent = Recent::new(capacity);
    for d in 1..=50u128 {
        recent.insert(d);
        let kept = (1..=d).filter(|&old| recent.contains(old)).count();
        for last in d.saturating_sub(capacity as u128 - 1).max(1)..=d {
            assert!(recent.contains(last), "{last} after inserting {d}");
        }
        assert!(kept <= 2 * capacity, "{kept} kept after inserting {d}");
    }
    assert!(!recent.contains(1));
    assert_eq!(recent.iter().collect::<Vec<_>>(), [48, 49, 50]);
}

#[test]
fn the_index_is_built_by_a_lookup_and_dropped_after_capacity_more_digests() {
    let mut recent = Recent::new(4);
    for d in 1..=10u128 {
        recent.insert(d);
    }
    assert!(!recent.is_indexed(), "new messages are never looked up");
    assert!(recent.contains(8));
    assert!(!recent.contains(6));
    assert!(recent.is_indexed());
    for d in 11..=13u128 {
        recent.insert(d);
        assert!(recent.is_indexed());
        assert!(recent.contains(d) && recent.contains(7));
    }
    recent.insert(14);
    assert!(!recent.is_indexed());
    assert!(recent.contains(11) && !recent.contains(10));
}

#[test]
fn a_repeated_digest_is_known_while_its_last_copy_is() {
    let mut recent = Recent::new(3);
    for d in [1, 2, 2, 3] {
        recent.insert(d);
    }
    assert_eq!(recent.iter().collect::<Vec<_>>(), [2, 2, 3]);
    for d in [4, 5] {
        recent.insert(d);
        assert!(recent.contains(2));
    }
    assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4, 5]);
}

/// A journal for `capacity` digests in a new directory, written through a map or not.
fn journal(dir: &tempfile::TempDir, capacity: usize, mapped: bool) -> (Journal, Recent) {
    reopen(dir, capacity, mapped, u64::MAX)
}

fn reopen(
    dir: &tempfile::TempDir,
    capacity: usize,
    mapped: bool,
    csv_len: u64,
) -> (Journal, Recent) {
    let mut recent = Recent::new(capacity);
    let path = dir.path().join("sensor_data.csv.seen");
    let journal = Journal::open_as(path, &mut recent, csv_len, mapped).unwrap();
    assert_eq!(journal.is_mapped(), mapped);
    (journal, recent)
}

/// A mapped journal for `capacity` digests in `dir`, holding `digests`, closed.
fn written(dir: &tempfile::TempDir, capacity: usize, digests: impl IntoIterator<Item = u128>) {
    let (mut journal, _) = journal(dir, capacity, true);
    for digest in digests {
        journal.record(digest, 0).unwrap();
    }
}

fn file_len(dir: &tempfile::TempDir) -> u64 {
    fs::metadata(dir.path().join("sensor_data.csv.seen"))
        .unwrap()
        .len()
}

#[test]
fn entries_outlive_the_journal_mapped_or_not_and_come_back_oldest_first() {
    for mapped in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = journal(&dir, 4, mapped);
        for d in 1..=10u128 {
            journal.record(d, 100 + d as u64).unwrap();
        }
        drop(journal);
        // A ring of 4: the file stays at the head and 4 entries.
        assert_eq!(file_len(&dir), HEAD + 4 * ENTRY, "mapped: {mapped}");
        let (mut journal, recent) = reopen(&dir, 4, mapped, 110);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [7, 8, 9, 10]);
        // Going on after a reopen overwrites the oldest.
        journal.record(11, 111).unwrap();
        drop(journal);
        let (_, recent) = reopen(&dir, 4, !mapped, 111);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [8, 9, 10, 11]);
    }
}

#[test]
fn the_newest_entry_is_dropped_when_its_row_is_not_in_the_csv() {
    for mapped in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = journal(&dir, 4, mapped);
        journal.record(1, 50).unwrap();
        journal.record(2, 100).unwrap();
        drop(journal);
        let (mut journal, recent) = reopen(&dir, 4, mapped, 99);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [1]);
        journal.record(3, 120).unwrap();
        drop(journal);
        let (_, recent) = reopen(&dir, 4, mapped, 120);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [1, 3], "2 stays dropped");
    }
}

#[test]
fn a_retracted_entry_is_gone_and_its_slot_reused() {
    for mapped in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = journal(&dir, 2, mapped);
        journal.record(1, 0).unwrap();
        journal.record(2, 0).unwrap();
        journal.retract().unwrap();
        journal.record(3, 0).unwrap();
        journal.record(4, 0).unwrap();
        drop(journal);
        let (_, recent) = reopen(&dir, 2, mapped, 0);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4]);
    }
}

#[test]
fn an_entry_cut_short_is_a_free_slot() {
    let dir = tempfile::tempdir().unwrap();
    written(&dir, 4, 1..=3);
    // Killed after clearing the third entry's number, before numbering it again.
    let file = OpenOptions::new()
        .write(true)
        .open(dir.path().join("sensor_data.csv.seen"))
        .unwrap();
    file.write_all_at(&[0; 8], HEAD + 2 * ENTRY + SEQ as u64)
        .unwrap();
    let (_, recent) = reopen(&dir, 4, true, 0);
    assert_eq!(recent.iter().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn the_file_grows_with_zeros_a_step_at_a_time_up_to_its_full_size() {
    let dir = tempfile::tempdir().unwrap();
    let (mut journal, _) = journal(&dir, 1000, true);
    assert_eq!(file_len(&dir), GROWTH);
    // The 127th entry ends at 32 + 127 × 32 = 4,096 bytes; the 128th needs a second step.
    for d in 0..127 {
        journal.record(d, 0).unwrap();
    }
    assert_eq!(file_len(&dir), GROWTH);
    journal.record(127, 0).unwrap();
    assert_eq!(file_len(&dir), 2 * GROWTH);
    for d in 128..1000 {
        journal.record(d, 0).unwrap();
    }
    assert_eq!(file_len(&dir), HEAD + 1000 * ENTRY);
    drop(journal);
    let (_, recent) = reopen(&dir, 1000, true, 0);
    assert_eq!(
        recent.iter().collect::<Vec<_>>(),
        (0..1000).collect::<Vec<_>>()
    );
}

#[test]
fn another_capacity_rewrites_the_journal_with_the_digests_it_held() {
    let dir = tempfile::tempdir().unwrap();
    written(&dir, 4, 1..=4);
    let (mut journal, recent) = reopen(&dir, 2, true, 0);
    assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4]);
    journal.record(5, 0).unwrap();
    drop(journal);
    let (_, recent) = reopen(&dir, 8, true, 0);
    assert_eq!(recent.iter().collect::<Vec<_>>(), [4, 5]);
}

#[test]
fn a_journal_in_the_earlier_list_format_is_read_and_written_anew() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = LIST_MAGIC.to_vec();
    for (d, end) in [(1u128, 10u64), (2, 20), (3, 30), (4, 40)] {
        bytes.extend_from_slice(&d.to_le_bytes());
        bytes.extend_from_slice(&end.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]);
    }
    bytes.extend_from_slice(&[9; 5]); // an entry cut short
    let path = dir.path().join("sensor_data.csv.seen");
    fs::write(&path, bytes).unwrap();
    // The CSV is 35 bytes long: the fourth row never made it.
    let (mut journal, recent) = reopen(&dir, 2, true, 35);
    assert_eq!(recent.iter().collect::<Vec<_>>(), [2, 3]);
    assert_eq!(&fs::read(&path).unwrap()[..16], MAGIC);
    journal.record(5, 0).unwrap();
    drop(journal);
    let (_, recent) = reopen(&dir, 2, true, 0);
    assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 5]);
}

#[test]
fn a_zero_capacity_remembers_nothing() {
    let mut recent = Recent::new(0);
    recent.insert(7);
    assert!(!recent.contains(7));
    assert_eq!(recent.len(), 0);
}
