//! [`SqliteStore`]: readings, statuses and rejects in a SQLite database, each call one
//! transaction committed before it returns.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use hexaboard_core::reading::Reading;
use hexaboard_core::status::Status;
use rusqlite::{params, Connection};
use time::OffsetDateTime;

use super::checkpoint::Checkpointer;
use super::error::Location;
use super::open::{open_another, open_database};
use super::{values, SqliteOptions};
use crate::rejects::PAYLOAD_CUT;
use crate::rejects_cap::RejectsCap;
use crate::{Appended, MessageId, Rejected, Store, StoreError, StoreNote, SyncWork};

const INSERT_READING: &str = "INSERT INTO readings \
     (received_at, board, temperature, humidity, light, board_timestamp, board_time, topic, \
     digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
/// Whether one of the newest `?2` readings has the digest `?1`: a range of the rowid, then a
/// look at each row's digest (no index on it, which would cost a page per commit).
const RECENTLY_STORED: &str = "SELECT EXISTS (SELECT 1 FROM readings \
     WHERE id > (SELECT coalesce(max(id), 0) FROM readings) - ?2 AND digest = ?1)";
const INSERT_STATUS: &str =
    "INSERT INTO statuses (received_at, board, status, topic) VALUES (?1, ?2, ?3, ?4)";
const INSERT_REJECT: &str = "INSERT INTO rejects \
     (received_at, topic, kind, error, payload, payload_len) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// A SQLite database of readings, board statuses and rejected payloads, in the schema of
/// `docs/schema.md`. See [the module](super) for what it promises.
#[derive(Debug)]
pub struct SqliteStore {
    at: Location,
    /// `None` once closed.
    conn: Option<Connection>,
    checkpointer: Checkpointer,
    options: SqliteOptions,
    /// Payload bytes in `rejects`, and the rejects only counted since the store was opened.
    rejects: RejectsCap,
    /// Something was committed since the last checkpoint.
    dirty: bool,
    last_sync: Instant,
    /// The receive time's text, reused.
    received_at: String,
}

impl SqliteStore {
    /// Opens the database at `path`, creating the file and the schema when they are missing
    /// and migrating an older schema, in one transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::NewerSchema`] for a database of a newer hexaboard, left untouched;
    /// [`StoreError::Database`] naming the database, SQLite's error ([`SqliteError`](super::SqliteError))
    /// and the fix: a file that is not a SQLite database or holds another program's tables
    /// (left untouched), a missing directory, a read-only file or directory, a full disk.
    pub fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<SqliteStore, StoreError> {
        let at = Location::new(path.as_ref());
        let conn = open_database(&at, &options)?;
        let rejects_kept: i64 = conn
            .query_row(
                "SELECT coalesce(sum(length(payload)), 0) FROM rejects",
                [],
                |row| row.get(0),
            )
            .map_err(|e| at.error("open the database", e))?;
        let checkpointer = Checkpointer::new(open_another(&at, &options)?, &at);
        // A schema just created or migrated is made durable before the first reading.
        checkpointer.run()?;
        Ok(SqliteStore {
            conn: Some(conn),
            checkpointer,
            rejects: RejectsCap::new(
                options.rejects_limit,
                u64::try_from(rejects_kept).unwrap_or(0),
            ),
            dirty: false,
            last_sync: Instant::now(),
            received_at: String::with_capacity(32),
            options,
            at,
        })
    }

    /// The database's path.
    pub fn path(&self) -> &Path {
        &self.at.path
    }

    /// How many rejects were only counted since the store was opened, because the `rejects`
    /// table holds its cap of payload bytes.
    pub fn rejects_not_written(&self) -> u64 {
        self.rejects.not_written()
    }

    /// The open connection, or an error once the store is closed.
    fn conn(&self, action: &'static str) -> Result<&Connection, StoreError> {
        self.conn
            .as_ref()
            .ok_or_else(|| StoreError::database(&self.at.name, action, "the store is closed"))
    }

    /// After a commit: checkpoints when one is due and no other thread does it.
    fn committed(&mut self) -> Result<(), StoreError> {
        self.dirty = true;
        if !self.options.sync_elsewhere {
            let now = Instant::now();
            if now.saturating_duration_since(self.last_sync) >= self.options.interval {
                self.dirty = false;
                self.last_sync = now;
                self.checkpointer.run()?;
            }
        }
        Ok(())
    }
}

/// Runs `work` in one transaction that takes the write lock at once (waiting at most the
/// busy timeout for another writer) and commits; on an error rolls back.
fn in_transaction<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    let done = work(conn).and_then(|value| {
        conn.prepare_cached("COMMIT")?.execute([])?;
        Ok(value)
    });
    if done.is_err() && !conn.is_autocommit() {
        // The error at hand says what went wrong; a failed rollback adds nothing to it,
        // and SQLite ends the transaction when the connection closes anyway.
        let _ = conn.execute_batch("ROLLBACK");
    }
    done
}

impl Store for SqliteStore {
    /// Stores the reading in one transaction, with its message's digest when the message is
    /// remembered (QoS 1 with a board timestamp), unless it is a redelivery of one of the
    /// newest readings; see [the module](super).
    fn append(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        reading: &Reading<'_>,
        id: MessageId,
    ) -> Result<Appended, StoreError> {
        const ACTION: &str = "store a reading";
        values::received_at(received_at, &mut self.received_at);
        let board_time = reading
            .timestamp()
            .and_then(|raw| values::board_time(raw, received_at, self.options.clock));
        let recent = i64::try_from(self.options.recent_capacity).unwrap_or(i64::MAX);
        let conn = self.conn(ACTION)?;
        let stored = in_transaction(conn, |conn| {
            let redelivery = id.is_redelivery(|digest| {
                conn.prepare_cached(RECENTLY_STORED)?
                    .query_row(params![&digest.to_be_bytes()[..], recent], |row| row.get(0))
            })?;
            if redelivery {
                return Ok(false);
            }
            let digest = id.is_remembered().then(|| id.digest().to_be_bytes());
            conn.prepare_cached(INSERT_READING)?.execute(params![
                self.received_at,
                reading.board(),
                values::number(reading.temperature()),
                values::number(reading.humidity()),
                reading.light().map(values::number),
                reading.timestamp().map(values::number),
                board_time,
                topic,
                digest.as_ref().map(|bytes| &bytes[..]),
            ])?;
            Ok(true)
        })
        .map_err(|e| self.at.error(ACTION, e))?;
        if !stored {
            return Ok(Appended::Duplicate);
        }
        self.committed()?;
        Ok(Appended::Stored)
    }

    fn status(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        board: &str,
        status: Status,
    ) -> Result<(), StoreError> {
        const ACTION: &str = "store a board status";
        values::received_at(received_at, &mut self.received_at);
        let conn = self.conn(ACTION)?;
        conn.prepare_cached(INSERT_STATUS)
            .and_then(|mut insert| {
                insert.execute(params![self.received_at, board, status.as_str(), topic])
            })
            .map_err(|e| self.at.error(ACTION, e))?;
        self.committed()
    }

    /// Keeps the payload cut at [`PAYLOAD_CUT`] bytes, with its full length, while the
    /// `rejects` table holds less than its cap of payload bytes
    /// ([`SqliteOptions::rejects_limit`], counted from the table at open).
    fn reject(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        kind: &str,
        error: &dyn fmt::Display,
        payload: &[u8],
    ) -> Result<Rejected, StoreError> {
        const ACTION: &str = "store a rejected payload";
        let kept = &payload[..payload.len().min(PAYLOAD_CUT)];
        if let Some(refused) = self.rejects.refuse(kept.len() as u64) {
            return Ok(refused);
        }
        values::received_at(received_at, &mut self.received_at);
        let conn = self.conn(ACTION)?;
        conn.prepare_cached(INSERT_REJECT)
            .and_then(|mut insert| {
                insert.execute(params![
                    self.received_at,
                    topic,
                    kind,
                    error.to_string(),
                    kept,
                    payload.len() as i64,
                ])
            })
            .map_err(|e| self.at.error(ACTION, e))?;
        self.rejects.add(kept.len() as u64);
        self.committed()?;
        Ok(Rejected::Written)
    }

    fn take_note(&mut self) -> Option<StoreNote> {
        None
    }

    /// A checkpoint on the store's second connection, when something was committed since
    /// the last one and the interval has passed.
    fn sync_work(&mut self, now: Instant) -> Option<SyncWork> {
        if !self.dirty || now.saturating_duration_since(self.last_sync) < self.options.interval {
            return None;
        }
        self.dirty = false;
        self.last_sync = now;
        let checkpointer = self.checkpointer.clone();
        Some(SyncWork::new(move || checkpointer.run()))
    }

    /// Checkpoints everything committed and closes the store's connection: later calls
    /// fail. SQLite removes the write-ahead log once the last connection is closed.
    fn close(&mut self) -> Result<(), StoreError> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        let synced = self.checkpointer.run();
        let closed = conn
            .close()
            .map_err(|(_, e)| self.at.error("close the database", e));
        synced.and(closed)
    }
}
