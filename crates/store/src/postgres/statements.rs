//! [`Statements`]: every statement a store runs per call, prepared once per connection.

use postgres::{Client, Statement};

/// The columns of a reading and their parameters `$1`–`$9`. Numbers are bound as the text the
/// board sent and cast by the server, so `25`, `25.5` and `25.0` stay as written; `$9` is the
/// message's digest, null when the message is not remembered.
const COLUMNS: &str = "INSERT INTO readings \
     (received_at, board, temperature, humidity, light, board_timestamp, board_time, topic, \
     digest)";
const VALUES: &str = "$1::timestamptz, $2::text, $3::text::numeric, $4::text::numeric, \
     $5::text::numeric, $6::text::numeric, $7::timestamptz, $8::text, $9::bytea";

/// The prepared statements of one connection.
pub(super) struct Statements {
    /// Stores a reading: `$1`–`$9`.
    pub(super) insert_reading: Statement,
    /// Takes the digest's advisory lock `$10` until the transaction ends, then stores the
    /// reading `$1`–`$9`: one statement, its own transaction.
    pub(super) lock_and_insert: Statement,
    /// Takes the digest's advisory lock `$1` until the transaction ends, waiting for a
    /// transaction that holds it.
    pub(super) lock_digest: Statement,
    /// Whether one of the newest `$2` readings has the digest `$1`.
    pub(super) recently_stored: Statement,
    /// Whether the reading of `$1`–`$8` exists: the same values received at the same
    /// microsecond (a commit whose outcome was not known).
    pub(super) reading_exists: Statement,
    /// Stores a status: returns its `id`.
    pub(super) insert_status: Statement,
    /// Whether the status `$1` exists.
    pub(super) status_exists: Statement,
    /// Stores a reject: returns its `id`.
    pub(super) insert_reject: Statement,
    /// Whether the reject `$1` exists.
    pub(super) reject_exists: Statement,
}

impl Statements {
    /// Prepares every statement on `client`.
    pub(super) fn prepare(client: &mut Client) -> Result<Statements, postgres::Error> {
        Ok(Statements {
            insert_reading: client.prepare(&format!("{COLUMNS} VALUES ({VALUES})"))?,
            // The lock is taken before the row is inserted: its subquery is the insert's
            // only source row.
            lock_and_insert: client.prepare(&format!(
                "{COLUMNS} SELECT {VALUES} FROM (SELECT pg_advisory_xact_lock($10::bigint)) AS locked"
            ))?,
            lock_digest: client.prepare("SELECT pg_advisory_xact_lock($1::bigint)")?,
            // Not `id > max(id) - $2`: without fresh statistics the planner reads that
            // range's size as a third of the table and scans all of it; a limit walks the
            // primary key backward whatever the statistics say.
            recently_stored: client.prepare(
                "SELECT EXISTS (SELECT 1 FROM \
                 (SELECT digest FROM readings ORDER BY id DESC LIMIT $2::bigint) AS recent \
                 WHERE digest = $1)",
            )?,
            reading_exists: client.prepare(
                "SELECT EXISTS (SELECT 1 FROM readings WHERE board = $2 AND received_at = $1 \
                 AND temperature = $3::text::numeric AND humidity = $4::text::numeric \
                 AND light IS NOT DISTINCT FROM $5::text::numeric \
                 AND board_timestamp IS NOT DISTINCT FROM $6::text::numeric \
                 AND board_time IS NOT DISTINCT FROM $7 AND topic = $8)",
            )?,
            insert_status: client.prepare(
                "INSERT INTO statuses (received_at, board, status, topic) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )?,
            status_exists: client
                .prepare("SELECT EXISTS (SELECT 1 FROM statuses WHERE id = $1)")?,
            insert_reject: client.prepare(
                "INSERT INTO rejects (received_at, topic, kind, error, payload, payload_len) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )?,
            reject_exists: client.prepare("SELECT EXISTS (SELECT 1 FROM rejects WHERE id = $1)")?,
        })
    }
}
