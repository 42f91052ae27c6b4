//! A broker's redelivery of a stored QoS 1 message is stored once, also after a restart and
//! with two writers on one database; the same payload without the DUP flag (a board's reboot
//! replay) is a new reading; QoS 0 messages are not remembered; the memory is the newest
//! readings; a database of version 1 keeps recognising redeliveries once migrated.

mod sqlite_support;

use hexaboard_store::sqlite::{SqliteOptions, SqliteStore, DEFAULT_RECENT_CAPACITY};
use hexaboard_store::{Appended, MessageId, Store};
use sqlite_support::{count, database, deliver, deliver_as, open, payload, user, TOPIC};

const READINGS: &str = "SELECT count(*) FROM readings";
const REMEMBERED: &str = "SELECT count(digest) FROM readings";

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
    let digest: String = user(&path)
        .query_row(
            "SELECT hex(digest) FROM readings WHERE temperature = 25",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let id = MessageId::new(TOPIC, payload("25").as_bytes(), false);
    assert_eq!(
        digest,
        format!("{:032X}", id.digest()),
        "the reading keeps its message's digest, big-endian"
    );
}

#[test]
fn the_same_payload_without_the_dup_flag_is_a_new_reading() {
    // A board that rebooted, or has no clock, sends the same payload again.
    let (_dir, path) = database();
    let mut store = open(&path);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(count(&path, READINGS), 2);
    assert_eq!(count(&path, REMEMBERED), 2, "each reading keeps its digest");
    // Its redelivery is recognised.
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
    assert_eq!(count(&path, REMEMBERED), 1);
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
fn a_redelivery_is_looked_for_among_the_newest_readings_only() {
    let (_dir, path) = database();
    let capacity = 64;
    let options = SqliteOptions::default().recent_capacity(capacity);
    let mut store = SqliteStore::open(&path, options.clone()).unwrap();
    let nth = |i: usize| payload(&format!("20.{i:04}"));
    let sent = 500;
    for i in 0..sent {
        deliver(&mut store, &nth(i), false);
    }
    // The newest are all recognised; the one before them is not (and so stored again).
    for i in sent - capacity..sent {
        assert_eq!(deliver(&mut store, &nth(i), true), Appended::Duplicate);
    }
    assert_eq!(count(&path, READINGS), sent as i64);
    let oldest = sent - capacity - 1;
    assert_eq!(deliver(&mut store, &nth(oldest), true), Appended::Stored);
    // A restart asks the same readings: the newest, now including that one.
    store.close().unwrap();
    drop(store);
    let mut store = SqliteStore::open(&path, options).unwrap();
    assert_eq!(deliver(&mut store, &nth(oldest), true), Appended::Duplicate);
    assert_eq!(
        deliver(&mut store, &nth(sent - 1), true),
        Appended::Duplicate
    );
    assert_eq!(
        deliver(&mut store, &nth(sent - capacity), true),
        Appended::Stored
    );
}

#[test]
fn a_version_1_database_keeps_recognising_redeliveries_once_migrated() {
    let (_dir, path) = database();
    let digest = |temperature: &str| {
        MessageId::new(TOPIC, payload(temperature).as_bytes(), false)
            .digest()
            .to_be_bytes()
    };
    {
        let v1 = user(&path);
        v1.execute_batch(include_str!("sqlite_support/schema_v1.sql"))
            .unwrap();
        let mut insert = v1
            .prepare(
                "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
                 VALUES ('2025-11-25 01:30:15.250000', 'A', ?1, 60, ?2)",
            )
            .unwrap();
        for temperature in [25, 26, 27] {
            insert
                .execute(rusqlite::params![temperature, TOPIC])
                .unwrap();
        }
        // Readings 1 and 2 remembered; reading 3 came at QoS 0.
        for (reading_id, temperature) in [(1, "25"), (2, "26")] {
            v1.execute(
                "INSERT INTO recent_messages (digest, reading_id) VALUES (?1, ?2)",
                rusqlite::params![&digest(temperature)[..], reading_id],
            )
            .unwrap();
        }
    }
    let mut store = open(&path);
    assert_eq!(count(&path, "SELECT version FROM hexaboard_schema"), 4);
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'recent_messages'"
        ),
        0
    );
    let moved: Vec<(i64, Option<Vec<u8>>)> = user(&path)
        .prepare("SELECT id, digest FROM readings ORDER BY id")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        moved,
        [
            (1, Some(digest("25").to_vec())),
            (2, Some(digest("26").to_vec())),
            (3, None)
        ]
    );
    assert_eq!(
        deliver(&mut store, &payload("25"), true),
        Appended::Duplicate
    );
    assert_eq!(
        deliver(&mut store, &payload("26"), true),
        Appended::Duplicate
    );
    assert_eq!(deliver(&mut store, &payload("27"), true), Appended::Stored);
    assert_eq!(count(&path, READINGS), 4);
}

#[test]
fn by_default_the_documented_number_of_digests_is_kept() {
    assert_eq!(DEFAULT_RECENT_CAPACITY, 65_536);
}
