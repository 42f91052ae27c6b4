//! The one error type of the stores: the CSV store, its duplicate journal, the rejects
//! file and the databases. Every message names the file or database, the cause and, where
//! one is known, what to do about it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// What went wrong with the CSV file, its duplicate journal or the rejects file.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error("cannot open `{}`: {cause}{}", path.display(), Hint(cause))]
    Open {
        /// The file.
        path: PathBuf,
        /// The operating system's error (in the message, so not also given as its source).
        cause: io::Error,
    },
    /// The existing file could not be read to check its header or its last line.
    #[error("cannot read `{}`: {cause}{}", path.display(), Hint(cause))]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error (in the message, so not also given as its source).
        cause: io::Error,
    },
    /// A row (or the header) could not be handed to the operating system. The row is not
    /// stored: do not acknowledge its message.
    #[error("cannot write to `{}`: {cause}{}", path.display(), Hint(cause))]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's error (in the message, so not also given as its source).
        cause: io::Error,
    },
    /// Rows written could not be made durable (`fsync`).
    #[error("cannot sync `{}` to disk: {cause}{}", path.display(), Hint(cause))]
    Sync {
        /// The file.
        path: PathBuf,
        /// The operating system's error (in the message, so not also given as its source).
        cause: io::Error,
    },
    /// The thread that writes and syncs the store in the background could not be started
    /// (the process is out of threads or memory).
    #[error("cannot start the thread that writes and syncs readings in the background: {cause}")]
    Thread {
        /// The operating system's error (in the message, so not also given as its source).
        cause: io::Error,
    },
    /// The file exists with a header other than the chapter's; it was left untouched.
    #[error(
        "`{}` has header `{found}`, not the chapter's `Timestamp,Board,Temperature,Humidity,Light`: \
         choose another CSV_FILE or move the file away",
        path.display()
    )]
    Header {
        /// The file.
        path: PathBuf,
        /// Its first line (shortened), lossily decoded.
        found: String,
    },
    /// The duplicate journal beside the CSV is not one this program wrote; it was left
    /// untouched.
    #[error(
        "`{}` is not a hexaboard duplicate journal: move it away (it is recreated) or choose \
         another CSV_FILE",
        path.display()
    )]
    NotAJournal {
        /// The journal file.
        path: PathBuf,
    },
    /// A database store could not be opened, read or written. Nothing of the call that
    /// failed is stored.
    #[error("{store}: cannot {action}: {cause}")]
    Database {
        /// The database as the user named it, never with its password.
        store: String,
        /// What was being done, as a verb phrase: `open the database`, `store a reading`.
        action: &'static str,
        /// The database's own error (in the message, so not also given as its source).
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database was written by a newer hexaboard, whose schema this one does not know;
    /// it was left untouched.
    #[error(
        "{store} has schema version {found}, newer than this hexaboard's {known}: record with \
         the newer hexaboard or choose another STORE (the database was not changed)"
    )]
    NewerSchema {
        /// The database as the user named it, never with its password.
        store: String,
        /// The schema version found in the database.
        found: i64,
        /// The newest schema version this build knows.
        known: i64,
    },
}

impl StoreError {
    /// The file concerned, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::Open { path, .. }
            | StoreError::Read { path, .. }
            | StoreError::Write { path, .. }
            | StoreError::Sync { path, .. }
            | StoreError::Header { path, .. }
            | StoreError::NotAJournal { path } => Some(path),
            StoreError::Thread { .. }
            | StoreError::Database { .. }
            | StoreError::NewerSchema { .. } => None,
        }
    }

    /// The operating system's error, when there is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            StoreError::Open { cause, .. }
            | StoreError::Read { cause, .. }
            | StoreError::Write { cause, .. }
            | StoreError::Sync { cause, .. }
            | StoreError::Thread { cause, .. } => Some(cause),
            StoreError::Header { .. }
            | StoreError::NotAJournal { .. }
            | StoreError::Database { .. }
            | StoreError::NewerSchema { .. } => None,
        }
    }

    pub(crate) fn database(
        store: impl fmt::Display,
        action: &'static str,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError::Database {
            store: store.to_string(),
            action,
            cause: cause.into(),
        }
    }

    pub(crate) fn open(path: &Path, cause: io::Error) -> StoreError {
        StoreError::Open {
            path: path.to_owned(),
            cause,
        }
    }

    pub(crate) fn read(path: &Path, cause: io::Error) -> StoreError {
        StoreError::Read {
            path: path.to_owned(),
            cause,
        }
    }

    pub(crate) fn write(path: &Path, cause: io::Error) -> StoreError {
        StoreError::Write {
            path: path.to_owned(),
            cause,
        }
    }

    pub(crate) fn sync(path: &Path, cause: io::Error) -> StoreError {
        StoreError::Sync {
            path: path.to_owned(),
            cause,
        }
    }
}

/// `: the disk is full` and the like, after the operating system's own words.
struct Hint<'a>(&'a io::Error);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = match self.0.raw_os_error() {
            Some(libc::ENOSPC) => "the disk is full: free some space",
            Some(libc::EDQUOT) => "the disk quota is used up: free some space",
            Some(libc::EACCES | libc::EPERM) => {
                "permission denied: check the rights on the file and its directory"
            }
            Some(libc::EROFS) => "the file system is mounted read-only",
            Some(libc::ENOENT) => "its directory does not exist (or was removed)",
            Some(libc::EISDIR) => "it is a directory: CSV_FILE must name a file",
            Some(libc::ENOTDIR) => "a part of the path is not a directory",
            Some(libc::EIO) => "the device reported an input/output error",
            Some(libc::EFBIG) => "the file is larger than the file system allows",
            _ => return Ok(()),
        };
        write!(f, " ({hint})")
    }
}
