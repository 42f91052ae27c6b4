//! What the PostgreSQL store's tests share: a server of the test kit, the store's URL without
//! the password, a store, a client to look at the tables as a user would, and readings.

#![allow(dead_code, unreachable_pub)]

use hexaboard_core::reading::{Reading, ReadingParser};
use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
use hexaboard_store::MessageId;
use hexaboard_testkit::Postgres;
use postgres::{Client, NoTls};
use time::OffsetDateTime;

/// The sensor topic of board A.
pub const TOPIC: &str = "hexaboard/A/sensor/data";

/// A server of the test kit.
pub fn server() -> Postgres {
    Postgres::start().expect("starting PostgreSQL")
}

/// The server's URL as STORE holds it: without the password.
pub fn url(server: &Postgres) -> String {
    format!(
        "postgres://{}@127.0.0.1:{}/{}",
        server.user(),
        server.port(),
        server.database()
    )
}

/// A store on `server` with `options`.
pub fn store_with(server: &Postgres, options: PostgresOptions) -> PostgresStore {
    PostgresStore::connect(&url(server), Some(server.password()), options)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log().unwrap_or_default()))
}

/// A store on `server` with the default options.
pub fn store(server: &Postgres) -> PostgresStore {
    store_with(server, PostgresOptions::default())
}

/// The test user's own client, to query the tables as a user would.
pub fn client(server: &Postgres) -> Client {
    Client::connect(&server.url(), NoTls).expect("connecting as the test user")
}

/// How many rows `table` holds.
pub fn count(client: &mut Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

/// `payload` parsed as a reading received on [`TOPIC`].
pub fn reading(payload: &[u8]) -> Reading<'_> {
    ReadingParser::default()
        .parse(payload, TOPIC)
        .expect("a valid reading")
}

/// The identity of `payload` on [`TOPIC`] with DUP flag `dup`.
pub fn id(payload: &[u8], dup: bool) -> MessageId {
    MessageId::new(TOPIC, payload, dup)
}

/// A payload of board A whose temperature is `n / 100` (distinct readings for distinct `n`
/// up to 12,500).
pub fn numbered(n: u32) -> Vec<u8> {
    format!(
        r#"{{"board":"A","temperature":{}.{:02},"humidity":50}}"#,
        n / 100,
        n % 100
    )
    .into_bytes()
}

/// 2026-12-03 12:00:00 UTC.
pub fn noon() -> OffsetDateTime {
    time::macros::datetime!(2026-12-03 12:00:00 UTC)
}
