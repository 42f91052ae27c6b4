//! [`Statements`]: every statement a store runs per call, prepared once per connection.

use postgres::{Client, Statement};

/// The columns of a reading and their parameters `$1`–`$8`. Numbers are bound as the text the
/// board sent and cast by the server, so `25`, `25.5` and `25.0` stay as written.
const READING: &str = "INSERT INTO readings \
     (received_at, board, temperature, humidity, light, board_timestamp, board_time, topic) \
     VALUES ($1, $2, $3::text::numeric, $4::text::numeric, $5::text::numeric, \
     $6::text::numeric, $7, $8) RETURNING id";

/// The prepared statements of one connection.
pub(super) struct Statements {
    /// Stores a reading: `$1`–`$8`, returns its `id`.
    pub(super) insert_reading: Statement,
    /// Stores a reading and remembers its digest `$9`, replacing an older reading's: returns
    /// the reading's `id`.
    pub(super) insert_and_remember: Statement,
    /// Claims the digest `$1` for a reading to come: one row inserted, or none when it is
    /// remembered already.
    pub(super) claim_digest: Statement,
    /// Points the claimed digest `$1` at the reading `$2`.
    pub(super) set_reading_id: Statement,
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
    /// Takes the trim's advisory lock `$1` until the transaction ends, if no one holds it.
    pub(super) try_trim_lock: Statement,
    /// Drops the digests older than the newest `$1`.
    pub(super) trim_digests: Statement,
}

impl Statements {
    /// Prepares every statement on `client`.
    pub(super) fn prepare(client: &mut Client) -> Result<Statements, postgres::Error> {
        let insert_and_remember = format!(
            "WITH reading AS ({READING}) \
             INSERT INTO recent_messages (digest, reading_id) SELECT $9, id FROM reading \
             ON CONFLICT (digest) DO UPDATE SET reading_id = EXCLUDED.reading_id \
             RETURNING reading_id"
        );
        Ok(Statements {
            insert_reading: client.prepare(READING)?,
            insert_and_remember: client.prepare(&insert_and_remember)?,
            claim_digest: client.prepare(
                "INSERT INTO recent_messages (digest, reading_id) VALUES ($1, 0) \
                 ON CONFLICT (digest) DO NOTHING",
            )?,
            set_reading_id: client
                .prepare("UPDATE recent_messages SET reading_id = $2 WHERE digest = $1")?,
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
            try_trim_lock: client.prepare("SELECT pg_try_advisory_xact_lock($1)")?,
            trim_digests: client.prepare(
                "DELETE FROM recent_messages WHERE reading_id < \
                 (SELECT reading_id FROM recent_messages ORDER BY reading_id DESC \
                  OFFSET $1::bigint - 1 LIMIT 1)",
            )?,
        })
    }
}
