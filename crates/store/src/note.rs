//! What the store tells the user while recording goes on.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::StoreError;

/// Why the store opened its path again while recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenReason {
    /// The file was deleted or renamed away.
    Gone,
    /// Another file now has the path.
    Replaced,
}

/// Something the caller should tell the user about, though recording goes on.
#[derive(Debug)]
pub enum StoreNote {
    /// The CSV was moved, deleted or replaced, and the path was opened again.
    Reopened {
        /// The CSV path.
        path: PathBuf,
        /// What happened to the old file.
        reason: ReopenReason,
        /// Whether a new file was started with the header.
        created: bool,
    },
    /// The CSV's last row had been cut short (the program was killed or the power lost while
    /// it was written) and was removed when the file was opened. Its message was never
    /// acknowledged, so the broker sends it again and it is stored whole.
    CutRowRemoved {
        /// The CSV path.
        path: PathBuf,
        /// The part of the row that was in the file.
        row: String,
    },
    /// The duplicate journal could not be written and is no longer kept. Redeliveries are
    /// still recognised until the program stops; after a restart one may be stored twice.
    JournalFailed(StoreError),
    /// The database went away: the call waits, connecting again now and then, and stores
    /// its reading once the database is back. Said again when the cause changes.
    DatabaseWaiting {
        /// The database as the user named it, never with its password.
        store: String,
        /// Why: the database's error, on one line.
        cause: String,
    },
    /// The database is back after a wait ([`StoreNote::DatabaseWaiting`]): recording goes on.
    DatabaseBack {
        /// The database as the user named it, never with its password.
        store: String,
        /// How long the wait took.
        waited: Duration,
    },
}

impl fmt::Display for StoreNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreNote::Reopened {
                path,
                reason,
                created,
            } => {
                let what = match reason {
                    ReopenReason::Gone => "was moved or deleted",
                    ReopenReason::Replaced => "was replaced by another file",
                };
                let then = if *created {
                    "started a new file with the header"
                } else {
                    "continuing the file now there"
                };
                write!(f, "`{}` {what} while recording: {then}", path.display())
            }
            StoreNote::CutRowRemoved { path, row } => write!(
                f,
                "`{}` ended in a row cut short by an earlier stop (`{row}`): removed; its \
                 reading was not acknowledged and comes again",
                path.display()
            ),
            StoreNote::JournalFailed(e) => write!(
                f,
                "{e}; duplicate detection continues in memory only (a restart may store a \
                 redelivered reading twice)"
            ),
            StoreNote::DatabaseWaiting { store, cause } => write!(
                f,
                "{store}: waiting for the database ({cause}); trying again, the message stays \
                 unacknowledged meanwhile"
            ),
            StoreNote::DatabaseBack { store, waited } => write!(
                f,
                "{store}: the database is back after {:.1} s, recording goes on",
                waited.as_secs_f64()
            ),
        }
    }
}
