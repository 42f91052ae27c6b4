//! The SQLite store: readings, board statuses and rejected payloads in one database file, in
//! the schema of `docs/schema.md`, asked with `sqlite3` like any database.
//!
//! ```no_run
//! use hexaboard_core::reading::ReadingParser;
//! use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
//! use hexaboard_store::{Appended, MessageId, Store};
//! use time::OffsetDateTime;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut store = SqliteStore::open("readings.db", SqliteOptions::default())?;
//! let (topic, payload) = ("hexaboard/A/sensor/data", br#"{"temperature":25,"humidity":60}"#);
//! let reading = ReadingParser::default().parse(payload, topic)?;
//! let id = MessageId::new(topic, payload, false);
//! match store.append(OffsetDateTime::now_utc(), topic, &reading, id)? {
//!     Appended::Stored => {}    // committed: acknowledge the message
//!     Appended::Duplicate => {} // a redelivery of a stored message: acknowledge, store nothing
//!     Appended::Gathered => unreachable!("a database store writes every reading at once"),
//! }
//! store.close()?;
//! # Ok(())
//! # }
//! ```
//!
//! # What is promised
//!
//! - **Nothing is lost.** Each [`Store::append`], [`Store::status`] and [`Store::reject`] is
//!   one transaction, committed before it returns: a killed process loses nothing that was
//!   acknowledged. The database is in WAL mode with `synchronous=NORMAL`, so a commit costs
//!   no `fsync`; power loss is covered by a checkpoint at most once per
//!   [`SqliteOptions::interval`], run by [`Store::sync_work`] on another thread (with
//!   [`SqliteOptions::sync_elsewhere`]) or by the write that finds it due, and by
//!   [`Store::close`]. When that checkpoint fails, the write that ran it fails too though
//!   its row is committed, as the CSV's `fsync` does: the message is not acknowledged, and
//!   its redelivery, flagged DUP, is recognised as stored.
//! - **Nothing is stored twice** by a redelivery: a QoS 1 reading keeps its message's digest
//!   in its own row (`readings.digest`), and a message flagged DUP whose digest is on one of
//!   the newest 65,536 readings ([`SqliteOptions::recent_capacity`]) is a redelivery
//!   ([`MessageId::is_redelivery`]): nothing is written. The look and the insert are one
//!   transaction that holds the database's write lock, so two processes writing the same
//!   database store a redelivery once too. The same payload without the DUP flag (a board
//!   that rebooted and sent it again) is a new reading.
//! - **Numbers as sent**: `25` is stored as INTEGER, `25.5` and `25.0` as REAL, so each
//!   comes back as the board wrote it. `board_time` is the board's `timestamp` read as Unix
//!   or MicroPython time, null when the board's clock never synced.
//! - **A database it cannot use is never touched**: one of a newer hexaboard
//!   ([`StoreError::NewerSchema`]) or of another program is refused before anything is
//!   written, byte for byte as it was.
//! - **Errors say what to do**: a full disk, a read-only file, a missing directory, a file
//!   that is not a database, a database another program keeps locked: a
//!   [`StoreError::Database`] naming `sqlite:PATH`, SQLite's error ([`SqliteError`]) and
//!   the fix.
//!
//! | file | concept |
//! | --- | --- |
//! | `open.rs` | opening: flags, pragmas, and the order that leaves a refused file untouched |
//! | `schema.rs` | the schema's DDL and the list of migrations |
//! | `store.rs` | [`SqliteStore`]: each call one transaction |
//! | `values.rs` | numbers as sent, times as the schema's UTC text |
//! | `history.rs` | [`SqliteHistory`]: the readings read back, read-only |
//! | `import.rs` | [`SqliteImport`]: readings of the chapter's CSV put in, none twice |
//! | `retention.rs` | [`retain`]: rollups, and raw readings kept for some days |
//! | `advice.rs` | [`SqliteAdviceLog`]: the advisor's audit trail in the `advice` table |
//! | `checkpoint.rs` | durability against power loss, on a connection of its own |
//! | `options.rs` | [`SqliteOptions`] |
//! | `error.rs` | [`SqliteError`]: SQLite's error with its fix |

mod advice;
mod checkpoint;
mod error;
mod history;
mod import;
mod open;
mod options;
mod retention;
mod schema;
mod store;
mod values;

pub use advice::SqliteAdviceLog;
pub use error::SqliteError;
pub use history::SqliteHistory;
pub use import::SqliteImport;
pub use options::{SqliteOptions, DEFAULT_BUSY_TIMEOUT, DEFAULT_RECENT_CAPACITY};
pub use retention::retain;
pub use schema::SCHEMA_VERSION;
pub use store::SqliteStore;

#[cfg(doc)]
use crate::{MessageId, Store, StoreError};
