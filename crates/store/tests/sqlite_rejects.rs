//! Payloads that are not readings go to the `rejects` table, cut at 1,024 bytes with their
//! full length, up to a cap of payload bytes that a restart goes on counting from.

mod sqlite_support;

use hexaboard_store::rejects::PAYLOAD_CUT;
use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::{Rejected, Store};
use sqlite_support::{count, database, user, AT, TOPIC};

fn reject(store: &mut SqliteStore, payload: &[u8]) -> Rejected {
    store
        .reject(AT, TOPIC, "not_json", &"payload is not valid JSON", payload)
        .unwrap()
}

#[test]
fn a_reject_keeps_topic_kind_error_and_payload() {
    let (_dir, path) = database();
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    assert_eq!(reject(&mut store, b"{temp: \xff25"), Rejected::Written);
    let row: (String, String, String, String, Vec<u8>, i64) = user(&path)
        .query_row(
            "SELECT received_at, topic, kind, error, payload, payload_len FROM rejects",
            [],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "2025-11-25 01:30:15.250000".into(),
            TOPIC.into(),
            "not_json".into(),
            "payload is not valid JSON".into(),
            b"{temp: \xff25".to_vec(),
            10
        )
    );
}

#[test]
fn a_long_payload_is_cut_and_its_length_kept() {
    let (_dir, path) = database();
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    reject(&mut store, &[b'x'; 5000]);
    assert_eq!(
        count(&path, "SELECT length(payload) FROM rejects"),
        PAYLOAD_CUT as i64
    );
    assert_eq!(count(&path, "SELECT payload_len FROM rejects"), 5000);
}

#[test]
fn past_the_cap_rejects_are_only_counted_and_a_restart_goes_on_counting() {
    let (_dir, path) = database();
    let options = SqliteOptions::default().rejects_limit(2500);
    let mut store = SqliteStore::open(&path, options.clone()).unwrap();
    assert_eq!(reject(&mut store, &[b'x'; 2000]), Rejected::Written); // 1,024 kept
    assert_eq!(reject(&mut store, &[b'y'; 1024]), Rejected::Written); // 2,048 kept
    assert_eq!(
        reject(&mut store, &[b'z'; 1024]),
        Rejected::NotWritten { first: true }
    );
    assert_eq!(reject(&mut store, &[b'z'; 10]), Rejected::Written); // 2,058 kept: it fits
    assert_eq!(
        reject(&mut store, &[b'z'; 1024]),
        Rejected::NotWritten { first: false }
    );
    assert_eq!(store.rejects_not_written(), 2);
    store.close().unwrap();
    drop(store);
    let mut store = SqliteStore::open(&path, options).unwrap();
    assert_eq!(
        reject(&mut store, &[b'z'; 1024]),
        Rejected::NotWritten { first: true }
    );
    assert_eq!(reject(&mut store, &[b'w'; 400]), Rejected::Written);
    assert_eq!(count(&path, "SELECT count(*) FROM rejects"), 4);
    assert_eq!(
        count(&path, "SELECT sum(length(payload)) FROM rejects"),
        2458
    );
}
