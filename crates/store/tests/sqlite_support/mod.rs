//! What the SQLite store's tests share: a database in a temp dir, messages delivered to it,
//! and SQL asked as a user would (a connection of its own).

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::{Appended, MessageId, Store, StoreError};
use rusqlite::Connection;
use time::macros::datetime;
use time::OffsetDateTime;

/// The topic of board A's readings.
pub const TOPIC: &str = "hexaboard/A/sensor/data";

/// When the test messages are received.
pub const AT: OffsetDateTime = datetime!(2025-11-25 01:30:15.25 UTC);

/// A temp dir with the path of a database in it (not yet created).
pub fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("readings.db");
    (dir, path)
}

/// The store at `path` with the default options.
pub fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path, SqliteOptions::default()).unwrap()
}

/// Board A's payload with `temperature` as written.
pub fn payload(temperature: &str) -> String {
    format!(r#"{{"board":"A","temperature":{temperature},"humidity":60}}"#)
}

/// Delivers `payload` on [`TOPIC`] at QoS 1 with the DUP flag `dup`.
pub fn deliver(store: &mut SqliteStore, payload: &str, dup: bool) -> Appended {
    let id = MessageId::new(TOPIC, payload.as_bytes(), dup);
    deliver_as(store, payload, id)
}

/// Delivers `payload` on [`TOPIC`] with the message identity `id`.
pub fn deliver_as(store: &mut SqliteStore, payload: &str, id: MessageId) -> Appended {
    try_deliver_as(store, payload, id).unwrap()
}

/// Delivers `payload` on [`TOPIC`] at QoS 1 without the DUP flag, returning what the store
/// says.
pub fn try_deliver(store: &mut SqliteStore, payload: &str) -> Result<Appended, StoreError> {
    try_deliver_as(
        store,
        payload,
        MessageId::new(TOPIC, payload.as_bytes(), false),
    )
}

fn try_deliver_as(
    store: &mut SqliteStore,
    payload: &str,
    id: MessageId,
) -> Result<Appended, StoreError> {
    let reading = ReadingParser::default()
        .parse(payload.as_bytes(), TOPIC)
        .unwrap();
    store.append(AT, TOPIC, &reading, id)
}

/// A connection of its own to the database at `path`, as `sqlite3` would open it.
pub fn user(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// The single integer `sql` answers.
pub fn count(path: &Path, sql: &str) -> i64 {
    user(path).query_row(sql, [], |row| row.get(0)).unwrap()
}
