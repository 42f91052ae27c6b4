//! [`SqliteError`]: SQLite's own error, with what the user can do about it.

use std::fmt;
use std::path::Path;

use rusqlite::ErrorCode;

use crate::StoreError;

/// The cause of a [`StoreError::Database`] from a [`SqliteStore`](super::SqliteStore):
/// SQLite's error and, when one is known, the fix (`database or disk is full (the disk is
/// full, or ...: free some space)`).
#[derive(Debug)]
pub struct SqliteError {
    error: rusqlite::Error,
    hint: Option<&'static str>,
}

impl SqliteError {
    /// SQLite's error.
    pub fn error(&self) -> &rusqlite::Error {
        &self.error
    }

    /// SQLite's primary result code, when the error comes from SQLite itself.
    pub fn code(&self) -> Option<ErrorCode> {
        self.error.sqlite_error_code()
    }
}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        match self.hint {
            Some(hint) => write!(f, " ({hint})"),
            None => Ok(()),
        }
    }
}

// The message names the cause, so it is not also given as the source.
impl std::error::Error for SqliteError {}

/// A [`StoreError::Database`] for `error`, met while doing `action` on the database at `path`
/// (shown to the user as `name`).
fn database_error(
    name: &str,
    path: &Path,
    action: &'static str,
    error: rusqlite::Error,
) -> StoreError {
    let hint = hint(path, &error);
    StoreError::database(name, action, SqliteError { error, hint })
}

/// A read-only error, for a database SQLite opened read-only because it could not write it.
pub(super) fn read_only() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
        Some("the database file cannot be written".into()),
    )
}

/// What the user can do about `error`.
fn hint(path: &Path, error: &rusqlite::Error) -> Option<&'static str> {
    let hint = match error.sqlite_error_code()? {
        ErrorCode::NotADatabase => {
            "it is not a SQLite database: set STORE to another file, or move this one away"
        }
        ErrorCode::DiskFull => {
            "the disk is full, or the database reached its size limit: free some space, or set \
             STORE to a file on another disk"
        }
        ErrorCode::ReadOnly | ErrorCode::PermissionDenied => {
            "the file or its directory is read-only: give this user write access to both \
             (chmod), or set STORE to a writable path"
        }
        ErrorCode::CannotOpen => match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                "its directory does not exist: create it, or set STORE to another path"
            }
            _ => {
                "the file cannot be created or opened: check the rights on the file and its \
                 directory (chmod), or set STORE to another path"
            }
        },
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
            "another program keeps the database locked: stop it, or set STORE to another file"
        }
        ErrorCode::DatabaseCorrupt => {
            "the database file is damaged: restore it from a backup, or set STORE to another file"
        }
        ErrorCode::SystemIoFailure => "the device reported an input/output error",
        _ => return None,
    };
    Some(hint)
}

/// The database as the user named it (`sqlite:PATH`) and its path: every error names it.
#[derive(Debug, Clone)]
pub(super) struct Location {
    pub(super) name: String,
    pub(super) path: std::path::PathBuf,
}

impl Location {
    /// The database at `path`.
    pub(super) fn new(path: &Path) -> Location {
        Location {
            name: format!("sqlite:{}", path.display()),
            path: path.to_owned(),
        }
    }

    /// A [`StoreError::Database`] for `error`, met while doing `action`.
    pub(super) fn error(&self, action: &'static str, error: rusqlite::Error) -> StoreError {
        database_error(&self.name, &self.path, action, error)
    }
}
