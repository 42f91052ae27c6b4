//! The PostgreSQL store's tables are those of docs/schema.md; several receivers starting on an
//! empty database make them once; a newer schema is refused and left as it was.

mod postgres_common;

use std::thread;

use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
use hexaboard_store::StoreError;
use postgres::Client;
use postgres_common::{client, count, server, store, url};

/// Every column of the hexaboard tables: table, column, type, nullable; and the indexes.
fn layout(client: &mut Client) -> Vec<String> {
    let mut rows: Vec<String> = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}.{} {} {}",
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                r.get::<_, String>(2),
                if r.get::<_, String>(3) == "YES" {
                    "null"
                } else {
                    "not null"
                }
            )
        })
        .collect();
    rows.extend(
        client
            .query(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() \
                 ORDER BY indexname",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0)),
    );
    rows
}

#[test]
fn the_tables_are_those_of_the_schema_document() {
    let server = server();
    drop(store(&server));
    let mut client = client(&server);
    let expected = [
        "advice.id bigint not null",
        "advice.at timestamp with time zone not null",
        "advice.board text not null",
        "advice.model bytea not null",
        "advice.summary bytea not null",
        "advice.answer bytea null",
        "advice.target text null",
        "advice.command bytea null",
        "advice.refusal bytea null",
        "advice.applied boolean not null",
        "CREATE UNIQUE INDEX advice_pkey ON public.advice USING btree (id)",
        "CREATE INDEX advice_at ON public.advice USING btree (at)",
        "CREATE INDEX advice_applied_target_at ON public.advice USING btree (target, at) WHERE applied",
        "hexaboard_schema.version integer not null",
        "readings.id bigint not null",
        "readings.received_at timestamp with time zone not null",
        "readings.board text not null",
        "readings.temperature numeric not null",
        "readings.humidity numeric not null",
        "readings.light numeric null",
        "readings.board_timestamp numeric null",
        "readings.board_time timestamp with time zone null",
        "readings.topic text not null",
        "readings.digest bytea null",
        "rejects.id bigint not null",
        "rejects.received_at timestamp with time zone not null",
        "rejects.topic text not null",
        "rejects.kind text not null",
        "rejects.error text not null",
        "rejects.payload bytea not null",
        "rejects.payload_len integer not null",
        "statuses.id bigint not null",
        "statuses.received_at timestamp with time zone not null",
        "statuses.board text not null",
        "statuses.status text not null",
        "statuses.topic text not null",
        "CREATE UNIQUE INDEX readings_pkey ON public.readings USING btree (id)",
        "CREATE INDEX readings_board_received_at ON public.readings USING btree (board, received_at)",
        "CREATE UNIQUE INDEX rejects_pkey ON public.rejects USING btree (id)",
        "CREATE UNIQUE INDEX statuses_pkey ON public.statuses USING btree (id)",
        "CREATE INDEX statuses_board_received_at ON public.statuses USING btree (board, received_at)",
    ];
    let mut found = layout(&mut client);
    let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    expected.push("rollup_progress.last_reading bigint not null".to_owned());
    for rollups in ["readings_minute", "readings_hour"] {
        expected.push(format!(
            "CREATE UNIQUE INDEX {rollups}_pkey ON public.{rollups} USING btree (board, start)"
        ));
        expected.push(format!("{rollups}.board text not null"));
        expected.push(format!("{rollups}.start timestamp with time zone not null"));
        expected.push(format!("{rollups}.count bigint not null"));
        for value in ["temperature", "humidity"] {
            for figure in ["min", "mean", "max"] {
                expected.push(format!(
                    "{rollups}.{value}_{figure} double precision not null"
                ));
            }
        }
    }
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    let version: i32 = client
        .query_one("SELECT version FROM hexaboard_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 4);
    assert_eq!(count(&mut client, "hexaboard_schema"), 1);
}

#[test]
fn receivers_starting_together_on_an_empty_database_make_the_tables_once() {
    let server = server();
    let (url, password) = (url(&server), server.password().to_owned());
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let (url, password) = (url.clone(), password.clone());
            thread::spawn(move || {
                PostgresStore::connect(&url, Some(&password), PostgresOptions::default())
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    for start in starts {
        start.join().unwrap().unwrap();
    }
    let mut client = client(&server);
    assert_eq!(count(&mut client, "hexaboard_schema"), 1);
}

#[test]
fn a_store_connects_again_to_its_own_tables_and_keeps_their_rows() {
    let server = server();
    drop(store(&server));
    let mut client = client(&server);
    client
        .execute(
            "INSERT INTO statuses (received_at, board, status, topic) \
             VALUES (now(), 'A', 'online', 'hexaboard/A/status')",
            &[],
        )
        .unwrap();
    drop(store(&server));
    assert_eq!(count(&mut client, "statuses"), 1);
    assert_eq!(count(&mut client, "hexaboard_schema"), 1);
}

#[test]
fn a_newer_schema_is_refused_and_the_database_left_as_it_was() {
    let server = server();
    drop(store(&server));
    let mut client = client(&server);
    client
        .batch_execute(
            "UPDATE hexaboard_schema SET version = 5; \
             ALTER TABLE readings ADD COLUMN battery numeric; \
             INSERT INTO readings (received_at, board, temperature, humidity, topic, battery) \
             VALUES ('2026-12-03 12:00:00+00', 'A', 25, 60, 't', 3.7)",
        )
        .unwrap();
    let snapshot = |client: &mut Client| {
        let mut rows = layout(client);
        rows.push(format!(
            "{:?}",
            client
                .query_one(
                    "SELECT (SELECT array_agg(version) FROM hexaboard_schema), \
                     (SELECT array_agg(r::text ORDER BY id) FROM readings r), \
                     (SELECT count(digest) FROM readings), (SELECT count(*) FROM rejects), \
                     (SELECT count(*) FROM statuses)",
                    &[],
                )
                .map(|r| (
                    r.get::<_, Vec<i32>>(0),
                    r.get::<_, Vec<String>>(1),
                    r.get::<_, i64>(2),
                    r.get::<_, i64>(3),
                    r.get::<_, i64>(4)
                ))
                .unwrap()
        ));
        rows
    };
    let before = snapshot(&mut client);

    let e = PostgresStore::connect(&url(&server), Some(server.password()), Default::default())
        .unwrap_err();
    match &e {
        StoreError::NewerSchema { found, known, .. } => assert_eq!((*found, *known), (5, 4)),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!(
            "{} has schema version 5, newer than this hexaboard's 4: record with the newer \
             hexaboard or choose another STORE (the database was not changed)",
            url(&server)
        )
    );
    assert_eq!(snapshot(&mut client), before);
}
