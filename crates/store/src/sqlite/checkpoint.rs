//! Durability against power loss: a checkpoint of the write-ahead log, on a connection of its
//! own so that it can run on another thread while readings are stored.
//!
//! In WAL mode with `synchronous=NORMAL`, a commit hands its pages to the operating system
//! (a killed process loses nothing) but does not sync them. A checkpoint syncs the log before
//! it copies it into the database, so each one makes every transaction committed before it
//! durable, and keeps the log short: the store turns SQLite's own checkpoints (which would
//! run inside a commit, on the thread that acknowledges messages) off and runs this one at
//! most once per interval instead.

use std::fs::File;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::error::Location;
use crate::StoreError;

const ACTION: &str = "checkpoint the write-ahead log to disk";

/// A connection that checkpoints the database's write-ahead log.
#[derive(Debug, Clone)]
pub(super) struct Checkpointer {
    conn: Arc<Mutex<Connection>>,
    at: Location,
    wal: PathBuf,
}

impl Checkpointer {
    /// The checkpointer of the database at `at`, on its own connection `conn`.
    pub(super) fn new(conn: Connection, at: &Location) -> Checkpointer {
        let mut wal = at.path.clone().into_os_string();
        wal.push("-wal");
        Checkpointer {
            conn: Arc::new(Mutex::new(conn)),
            at: at.clone(),
            wal: wal.into(),
        }
    }

    /// Makes every transaction committed so far durable: a passive checkpoint (it never
    /// waits for the store's writes), and an `fsync` of the log when a reader kept the
    /// checkpoint from reaching its end (the checkpoint syncs the log only when it copies).
    ///
    /// # Errors
    ///
    /// A [`StoreError::Database`] naming the database and SQLite's or the OS error.
    pub(super) fn run(&self) -> Result<(), StoreError> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let (busy, log, done) = conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| self.at.error(ACTION, e))?;
        if busy != 0 || done < log {
            let synced = File::open(&self.wal).and_then(|wal| wal.sync_data());
            synced.map_err(|e| StoreError::database(&self.at.name, ACTION, e))?;
        }
        Ok(())
    }
}
