//! A broker's redelivery of a stored QoS 1 message is stored once, also after a restart and
//! with two writers on one database; the same payload without the DUP flag (a board's reboot
//! replay) is a new reading; QoS 0 messages are not remembered; the memory stays bounded.

mod sqlite_support;

use hexaboard_store::sqlite::{SqliteOptions, SqliteStore, DEFAULT_RECENT_CAPACITY};
use hexaboard_store::{Appended, MessageId, Store};
use sqlite_support::{count, database, deliver, deliver_as, open, payload};

const READINGS: &str = "SELECT count(*) FROM readings";
const REMEMBERED: &str = "SELECT count(*) FROM recent_messages";

#[test]
fn a_dup_flagged_redelivery_of_a_stored_message_is_stored_once() {
    let (_dir, path) = database();
    let mut store = open(&path);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload("26"), false), Appended::Stored);
    // Resent after a newer message: recognised wherever it arrives.
    assert_eq!(
        deliver(&mut store, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(count(&path, READINGS), 2);
    let stored_by: i64 = count(
        &path,
        "SELECT reading_id FROM recent_messages JOIN readings ON readings.id = reading_id \
         WHERE temperature = 25",
    );
    assert_eq!(stored_by, 1, "the digest names the reading it stored");
}

#[test]
fn the_same_payload_without_the_dup_flag_is_a_new_reading() {
    // A board that rebooted, or has no clock, sends the same payload again.
    let (_dir, path) = database();
    let mut store = open(&path);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(count(&path, READINGS), 2);
    assert_eq!(count(&path, REMEMBERED), 1);
    // The digest now names the newer reading, and its redelivery is still recognised.
    assert_eq!(count(&path, "SELECT reading_id FROM recent_messages"), 2);
    assert_eq!(
        deliver(&mut store, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(count(&path, READINGS), 2);
}

#[test]
fn a_dup_flagged_message_never_stored_is_stored_and_remembered() {
    let (_dir, path) = database();
    let mut store = open(&path);
    assert_eq!(deliver(&mut store, &payload("25"), true), Appended::Stored);
    assert_eq!(count(&path, "SELECT reading_id FROM recent_messages"), 1);
    assert_eq!(
        deliver(&mut store, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(count(&path, READINGS), 1);
}

#[test]
fn a_redelivery_is_recognised_after_a_restart() {
    let (_dir, path) = database();
    let mut store = open(&path);
    deliver(&mut store, &payload("25"), false);
    store.close().unwrap();
    drop(store);
    let mut store = open(&path);
    assert_eq!(
        deliver(&mut store, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(count(&path, READINGS), 1);
}

#[test]
fn a_redelivery_reaching_another_writer_is_stored_once() {
    // Two receivers on one database: the first stores the message, the broker resends it to
    // the second.
    let (_dir, path) = database();
    let mut first = open(&path);
    let mut second = open(&path);
    assert_eq!(deliver(&mut first, &payload("25"), false), Appended::Stored);
    assert_eq!(
        deliver(&mut second, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(deliver(&mut second, &payload("26"), true), Appended::Stored);
    assert_eq!(
        deliver(&mut first, &payload("26"), true),
        Appended::Duplicate
    );
    assert_eq!(count(&path, READINGS), 2);
}

#[test]
fn messages_delivered_at_most_once_are_stored_and_not_remembered() {
    let (_dir, path) = database();
    let mut store = open(&path);
    let qos0 = MessageId::at_most_once();
    assert_eq!(
        deliver_as(&mut store, &payload("25"), qos0),
        Appended::Stored
    );
    assert_eq!(
        deliver_as(&mut store, &payload("25"), qos0),
        Appended::Stored
    );
    assert_eq!(count(&path, REMEMBERED), 0);
    // Its QoS 1 twin with DUP was never stored, so it is stored.
    assert_eq!(deliver(&mut store, &payload("25"), true), Appended::Stored);
    assert_eq!(count(&path, READINGS), 3);
}

#[test]
fn only_the_newest_digests_are_kept() {
    let (_dir, path) = database();
    let capacity = 64;
    let options = SqliteOptions::default().recent_capacity(capacity);
    let mut store = SqliteStore::open(&path, options.clone()).unwrap();
    let nth = |i: usize| payload(&format!("20.{i:04}"));
    let sent = 500;
    for i in 0..sent {
        deliver(&mut store, &nth(i), false);
        let remembered = count(&path, REMEMBERED) as usize;
        assert!(
            remembered <= capacity + capacity / 16 + 1,
            "{remembered} after {i}"
        );
    }
    // The newest are all remembered, the oldest forgotten (and so stored again).
    for i in sent - capacity..sent {
        assert_eq!(deliver(&mut store, &nth(i), true), Appended::Duplicate);
    }
    assert_eq!(deliver(&mut store, &nth(0), true), Appended::Stored);
    // A restart counts what is there and goes on keeping the table bounded.
    store.close().unwrap();
    drop(store);
    let mut store = SqliteStore::open(&path, options).unwrap();
    for i in sent..sent + 200 {
        deliver(&mut store, &nth(i), false);
    }
    assert!(count(&path, REMEMBERED) as usize <= capacity + capacity / 16 + 1);
}

#[test]
fn by_default_the_documented_number_of_digests_is_kept() {
    assert_eq!(DEFAULT_RECENT_CAPACITY, 65_536);
}
