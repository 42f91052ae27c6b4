//! What the PostgreSQL store writes: readings with their numbers as sent and the board's time,
//! once per message also when two receivers get it, statuses, and rejects under their cap.

mod postgres_common;

use std::sync::{Arc, Barrier};
use std::thread;

use hexaboard_core::status::Status;
use hexaboard_store::postgres::PostgresOptions;
use hexaboard_store::{Appended, MessageId, Rejected, Store};
use postgres_common::{
    client, count, id, noon, numbered, reading, server, store, store_with, TOPIC,
};
use time::Duration;

#[test]
fn numbers_come_back_as_the_board_wrote_them() {
    let server = server();
    let mut store = store(&server);
    let payload = br#"{"board":"A","temperature":25,"humidity":25.5,"light":25.0,"timestamp":7}"#;
    let at = noon() + Duration::microseconds(123_456);
    let stored = store
        .append(at, TOPIC, &reading(payload), id(payload, false))
        .unwrap();
    assert_eq!(stored, Appended::Stored);

    let mut client = client(&server);
    let row = client
        .query_one(
            "SELECT board, temperature::text, humidity::text, light::text, \
             board_timestamp::text, topic, received_at = '2026-12-03 12:00:00.123456+00' \
             FROM readings",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "A");
    assert_eq!(row.get::<_, String>(1), "25");
    assert_eq!(row.get::<_, String>(2), "25.5");
    assert_eq!(row.get::<_, String>(3), "25.0");
    assert_eq!(row.get::<_, String>(4), "7");
    assert_eq!(row.get::<_, String>(5), TOPIC);
    assert!(row.get::<_, bool>(6), "received_at keeps its microseconds");
}

#[test]
fn a_missing_light_and_timestamp_are_null() {
    let server = server();
    let mut store = store(&server);
    let payload = br#"{"temperature":21,"humidity":40}"#;
    store
        .append(noon(), TOPIC, &reading(payload), id(payload, false))
        .unwrap();
    let row = client(&server)
        .query_one(
            "SELECT board, light IS NULL, board_timestamp IS NULL, board_time IS NULL \
             FROM readings",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "A", "the board from the topic");
    assert!(row.get::<_, bool>(1));
    assert!(row.get::<_, bool>(2));
    assert!(row.get::<_, bool>(3));
}

#[test]
fn board_time_reads_unix_and_micropython_time_and_is_null_when_unsynced() {
    let server = server();
    let mut store = store(&server);
    let unix = noon().unix_timestamp() - 3;
    let cases = [
        (unix.to_string(), Some(unix)),
        ((unix - 946_684_800).to_string(), Some(unix)),
        ("42".to_owned(), None),
    ];
    for (n, (timestamp, _)) in cases.iter().enumerate() {
        let payload = format!(r#"{{"temperature":{n},"humidity":50,"timestamp":{timestamp}}}"#);
        let payload = payload.as_bytes();
        store
            .append(noon(), TOPIC, &reading(payload), id(payload, false))
            .unwrap();
    }
    let rows = client(&server)
        .query(
            "SELECT board_timestamp::text, extract(epoch FROM board_time)::bigint \
             FROM readings ORDER BY id",
            &[],
        )
        .unwrap();
    let found: Vec<(String, Option<i64>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(found, cases.to_vec());
}

#[test]
fn a_redelivery_is_stored_once_and_a_board_sending_the_same_payload_again_twice() {
    let server = server();
    let payload = numbered(251);
    {
        let mut store = store(&server);
        let first = store.append(noon(), TOPIC, &reading(&payload), id(&payload, false));
        assert_eq!(first.unwrap(), Appended::Stored);
        let resent = store.append(noon(), TOPIC, &reading(&payload), id(&payload, true));
        assert_eq!(resent.unwrap(), Appended::Duplicate);
    }
    // The memory is the database's: a receiver started again recognises the redelivery.
    let mut store = store(&server);
    let resent = store.append(noon(), TOPIC, &reading(&payload), id(&payload, true));
    assert_eq!(resent.unwrap(), Appended::Duplicate);
    let mut client = client(&server);
    assert_eq!(count(&mut client, "readings"), 1);

    // Not flagged DUP: the board sent it again (nothing changed, no clock): a new reading.
    let again = store.append(noon(), TOPIC, &reading(&payload), id(&payload, false));
    assert_eq!(again.unwrap(), Appended::Stored);
    assert_eq!(count(&mut client, "readings"), 2);
    // Each reading keeps its message's digest, big-endian.
    let digests: Vec<Option<Vec<u8>>> = client
        .query("SELECT digest FROM readings ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let digest = id(&payload, false).digest().to_be_bytes().to_vec();
    assert_eq!(digests, [Some(digest.clone()), Some(digest)]);

    // A DUP flag on a message never stored: stored (its first delivery was lost).
    let other = numbered(252);
    let first = store.append(noon(), TOPIC, &reading(&other), id(&other, true));
    assert_eq!(first.unwrap(), Appended::Stored);
    assert_eq!(count(&mut client, "readings"), 3);
}

#[test]
fn at_most_once_readings_are_stored_and_not_remembered() {
    let server = server();
    let mut store = store(&server);
    let payload = numbered(1);
    for _ in 0..2 {
        let stored = store.append(noon(), TOPIC, &reading(&payload), MessageId::at_most_once());
        assert_eq!(stored.unwrap(), Appended::Stored);
    }
    let mut client = client(&server);
    assert_eq!(count(&mut client, "readings"), 2);
    assert_eq!(remembered(&mut client), 0);
}

#[test]
fn two_receivers_given_the_same_redelivered_messages_store_each_once() {
    let server = server();
    let messages: Arc<Vec<Vec<u8>>> = Arc::new((0..300).map(numbered).collect());
    let start = Arc::new(Barrier::new(2));
    let receivers: Vec<_> = (0..2)
        .map(|_| {
            let mut store = store(&server);
            let (messages, start) = (Arc::clone(&messages), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                messages
                    .iter()
                    .map(|payload| {
                        store
                            .append(noon(), TOPIC, &reading(payload), id(payload, true))
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let outcomes: Vec<Vec<Appended>> = receivers.into_iter().map(|r| r.join().unwrap()).collect();
    for (n, (first, second)) in outcomes[0].iter().zip(&outcomes[1]).enumerate() {
        let mut pair = [*first, *second];
        pair.sort_by_key(|a| *a == Appended::Duplicate);
        assert_eq!(pair, [Appended::Stored, Appended::Duplicate], "message {n}");
    }
    let mut client = client(&server);
    let row = client
        .query_one(
            "SELECT count(*), count(DISTINCT temperature) FROM readings",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 300);
    assert_eq!(row.get::<_, i64>(1), 300);
    assert_eq!(
        remembered(&mut client),
        300,
        "every reading keeps its digest"
    );
}

#[test]
fn statuses_are_kept_with_their_board_and_topic() {
    let server = server();
    let mut store = store(&server);
    store
        .status(noon(), "hexaboard/A/status", "A", Status::Online)
        .unwrap();
    store
        .status(
            noon() + Duration::SECOND,
            "hexaboard/A/status",
            "A",
            Status::Offline,
        )
        .unwrap();
    let rows = client(&server)
        .query(
            "SELECT board, status, topic, extract(epoch FROM received_at)::bigint \
             FROM statuses ORDER BY id",
            &[],
        )
        .unwrap();
    let found: Vec<(String, String, String, i64)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let at = noon().unix_timestamp();
    let topic = "hexaboard/A/status".to_owned();
    assert_eq!(
        found,
        [
            ("A".to_owned(), "online".to_owned(), topic.clone(), at),
            ("A".to_owned(), "offline".to_owned(), topic, at + 1),
        ]
    );
}

#[test]
fn a_reject_keeps_its_payload_cut_at_1024_bytes_and_its_full_length() {
    let server = server();
    let mut store = store(&server);
    let payload = [b'x'; 2000];
    let rejected = store
        .reject(
            noon(),
            TOPIC,
            "not_json",
            &"payload is not valid JSON",
            &payload,
        )
        .unwrap();
    assert_eq!(rejected, Rejected::Written);
    let row = client(&server)
        .query_one(
            "SELECT topic, kind, error, payload, payload_len FROM rejects",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), TOPIC);
    assert_eq!(row.get::<_, String>(1), "not_json");
    assert_eq!(row.get::<_, String>(2), "payload is not valid JSON");
    assert_eq!(row.get::<_, Vec<u8>>(3), vec![b'x'; 1024]);
    assert_eq!(row.get::<_, i32>(4), 2000);
}

#[test]
fn rejects_past_the_cap_are_counted_not_written_also_after_a_restart() {
    let server = server();
    // The cap counts the payloads' bytes: two of 1,000 fit under 2,500, a third does not.
    let payload = [b'y'; 1_000];
    let limited = || PostgresOptions::default().rejects_limit(2_500);
    let reject = |store: &mut hexaboard_store::PostgresStore| {
        store
            .reject(noon(), TOPIC, "not_json", &"wrong", &payload)
            .unwrap()
    };
    let mut store = store_with(&server, limited());
    assert_eq!(reject(&mut store), Rejected::Written);
    assert_eq!(reject(&mut store), Rejected::Written);
    assert_eq!(reject(&mut store), Rejected::NotWritten { first: true });
    assert_eq!(reject(&mut store), Rejected::NotWritten { first: false });
    assert_eq!(store.rejects_not_written(), 2);
    drop(store);

    // The cap is counted from the table at connect.
    let mut store = store_with(&server, limited());
    assert_eq!(reject(&mut store), Rejected::NotWritten { first: true });
    let mut store = store_with(&server, PostgresOptions::default().rejects_limit(3_000));
    assert_eq!(reject(&mut store), Rejected::Written);
    assert_eq!(count(&mut client(&server), "rejects"), 3);
}

#[test]
fn a_redelivery_is_looked_for_among_the_newest_65536_readings_only() {
    let server = server();
    let mut client = client(&server);
    let mut store = store(&server);
    let (first, second) = (numbered(1), numbered(2));
    for payload in [&first, &second] {
        store
            .append(noon(), TOPIC, &reading(payload), id(payload, false))
            .unwrap();
    }
    // 65,535 readings more: the second is the oldest of the newest 65,536, the first is not.
    client
        .execute(
            "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
             SELECT now(), 'B', 20, 50, 'hexaboard/B/sensor/data' \
             FROM generate_series(1, 65535)",
            &[],
        )
        .unwrap();
    let resent = store.append(noon(), TOPIC, &reading(&second), id(&second, true));
    assert_eq!(resent.unwrap(), Appended::Duplicate);
    let resent = store.append(noon(), TOPIC, &reading(&first), id(&first, true));
    assert_eq!(resent.unwrap(), Appended::Stored);
}

#[test]
fn a_version_1_database_keeps_recognising_redeliveries_once_migrated() {
    let server = server();
    let mut client = client(&server);
    let (first, second, third) = (numbered(1), numbered(2), numbered(3));
    client
        .batch_execute(include_str!("postgres_common/schema_v1.sql"))
        .unwrap();
    for payload in [&first, &second] {
        let row = client
            .query_one(
                "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
                 VALUES (now(), 'A', 25, 60, $1) RETURNING id",
                &[&TOPIC],
            )
            .unwrap();
        let reading_id: i64 = row.get(0);
        let digest = id(payload, false).digest().to_be_bytes();
        client
            .execute(
                "INSERT INTO recent_messages (digest, reading_id) VALUES ($1, $2)",
                &[&&digest[..], &reading_id],
            )
            .unwrap();
    }
    // A reading that came at QoS 0.
    client
        .execute(
            "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
             VALUES (now(), 'A', 25, 60, $1)",
            &[&TOPIC],
        )
        .unwrap();

    let mut store = store(&server);
    let row = client
        .query_one(
            "SELECT (SELECT version FROM hexaboard_schema), \
             to_regclass('recent_messages') IS NULL, \
             (SELECT array_agg(digest IS NOT NULL ORDER BY id) FROM readings)",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 4);
    assert!(row.get::<_, bool>(1), "recent_messages is dropped");
    assert_eq!(row.get::<_, Vec<bool>>(2), [true, true, false]);
    for payload in [&first, &second] {
        let resent = store.append(noon(), TOPIC, &reading(payload), id(payload, true));
        assert_eq!(resent.unwrap(), Appended::Duplicate);
    }
    let never = store.append(noon(), TOPIC, &reading(&third), id(&third, true));
    assert_eq!(never.unwrap(), Appended::Stored);
    assert_eq!(count(&mut client, "readings"), 4);
}

/// How many readings keep a digest.
fn remembered(client: &mut postgres::Client) -> i64 {
    client
        .query_one("SELECT count(digest) FROM readings", &[])
        .unwrap()
        .get(0)
}
