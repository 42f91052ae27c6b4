//! [`SqliteAdviceLog`]: the advisor's audit trail in the `advice` table of a SQLite store, on
//! a connection of its own beside a recorder that may be writing the same database.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row};
use time::OffsetDateTime;

use super::error::Location;
use super::open::open_database;
use super::{values, SqliteOptions};
use crate::advice::{AdviceEntry, AdviceLog};
use crate::StoreError;

const INSERT: &str = "INSERT INTO advice \
     (at, board, model, summary, answer, target, command, refusal, applied) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const LAST_APPLIED: &str = "SELECT max(at) FROM advice WHERE applied = 1 AND target = ?1";
const COLUMNS: &str = "SELECT at, board, model, summary, answer, target, command, refusal, \
     applied FROM advice";
const ORDER: &str = "ORDER BY at DESC, id DESC LIMIT ?";

/// The advisor's audit trail in a SQLite database: see [`crate::advice`].
#[derive(Debug)]
pub struct SqliteAdviceLog {
    at: Location,
    conn: Connection,
}

impl SqliteAdviceLog {
    /// Opens the database at `path` as [`SqliteStore::open`](super::SqliteStore::open) does:
    /// the file and the schema made when missing, an older schema migrated, a newer one or a
    /// database of another program refused untouched. A recorder may be writing the database
    /// meanwhile: a write waits for its transaction up to the store's busy timeout
    /// ([`DEFAULT_BUSY_TIMEOUT`](super::DEFAULT_BUSY_TIMEOUT)).
    ///
    /// Each entry's commit syncs the write-ahead log (`synchronous=FULL` on this connection),
    /// so it is durable when [`AdviceLog::keep`] returns.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`](super::SqliteStore::open): [`StoreError::NewerSchema`], or
    /// [`StoreError::Database`] naming `sqlite:PATH`, SQLite's error and the fix.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteAdviceLog, StoreError> {
        let at = Location::new(path.as_ref());
        let conn = open_database(&at, &SqliteOptions::default())?;
        // The recorder's connection checkpoints at its own pace; this one, which writes a
        // row now and then, syncs each commit and lets SQLite checkpoint as it would.
        conn.pragma_update(None, "synchronous", "FULL")
            .and_then(|()| conn.pragma_update(None, "wal_autocheckpoint", 1000))
            .map_err(|e| at.error("open the database", e))?;
        Ok(SqliteAdviceLog { at, conn })
    }

    /// The database's path.
    pub fn path(&self) -> &Path {
        &self.at.path
    }
}

impl AdviceLog for SqliteAdviceLog {
    fn keep(&mut self, entry: &AdviceEntry) -> Result<(), StoreError> {
        let entry = entry.as_kept();
        let mut at = String::new();
        values::received_at(entry.at, &mut at);
        self.conn
            .prepare_cached(INSERT)
            .and_then(|mut insert| {
                insert.execute(params![
                    at,
                    entry.board,
                    entry.model,
                    entry.summary,
                    entry.answer,
                    entry.target,
                    entry.command,
                    entry.refusal,
                    entry.applied,
                ])
            })
            .map_err(|e| self.at.error("keep the advice", e))?;
        Ok(())
    }

    fn last_applied(&mut self, target: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        const ACTION: &str = "read the advice";
        let newest: Option<String> = self
            .conn
            .prepare_cached(LAST_APPLIED)
            .and_then(|mut query| query.query_row([target], |row| row.get(0)))
            .optional()
            .map_err(|e| self.at.error(ACTION, e))?
            .flatten();
        newest
            .map(|text| values::read_received_at(&text))
            .transpose()
            .map_err(|e| self.at.error(ACTION, e))
    }

    fn recent(
        &mut self,
        board: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AdviceEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let read = |conn: &Connection| -> rusqlite::Result<Vec<AdviceEntry>> {
            match board {
                Some(board) => conn
                    .prepare_cached(&format!(
                        "{COLUMNS} WHERE board = ?1 OR target = ?1 {ORDER}"
                    ))?
                    .query_map(params![board, limit], entry)?
                    .collect(),
                None => conn
                    .prepare_cached(&format!("{COLUMNS} {ORDER}"))?
                    .query_map([limit], entry)?
                    .collect(),
            }
        };
        read(&self.conn).map_err(|e| self.at.error("read the advice", e))
    }

    fn name(&self) -> String {
        self.at.name.clone()
    }
}

/// A row of [`COLUMNS`] as an entry.
fn entry(row: &Row<'_>) -> rusqlite::Result<AdviceEntry> {
    Ok(AdviceEntry {
        at: values::read_received_at(&row.get::<_, String>(0)?)?,
        board: row.get(1)?,
        model: row.get(2)?,
        summary: row.get(3)?,
        answer: row.get(4)?,
        target: row.get(5)?,
        command: row.get(6)?,
        refusal: row.get(7)?,
        applied: row.get(8)?,
    })
}
