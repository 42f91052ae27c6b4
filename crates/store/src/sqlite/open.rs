//! Opening a database: the connection's flags and pragmas, and the order that leaves a
//! database this build cannot use exactly as it was.

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::error::{read_only, Location};
use super::schema::{self, Found, SCHEMA_VERSION};
use super::SqliteOptions;
use crate::StoreError;

const ACTION: &str = "open the database";

/// A connection to the database at `at`, with the store's pragmas, the schema checked and
/// migrated. Nothing is written before the schema version is known to be one this build
/// can use: the first write, switching to WAL mode, changes the file's header.
///
/// # Errors
///
/// [`StoreError::NewerSchema`] for a database of a newer hexaboard, and
/// [`StoreError::Database`] naming the database, SQLite's error and the fix.
pub(super) fn open_database(
    at: &Location,
    options: &SqliteOptions,
) -> Result<Connection, StoreError> {
    let fail = |e| at.error(ACTION, e);
    let mut conn = connect(at, options).map_err(fail)?;
    let found = schema::found(&conn).map_err(fail)?;
    usable(at, found)?;
    // SQLite's default page size (4 KiB) is kept. 1 KiB pages made QoS 1 appends about 30%
    // faster on a two-core machine (smaller log frames per commit), but a scan of the
    // readings 40% slower and the look for a redelivery twice as slow.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::database(
            &at.name,
            ACTION,
            format!("SQLite kept the journal mode `{mode}` instead of WAL: set STORE to a file on a local disk"),
        ));
    }
    // Checkpoints are the store's, at most once per interval (see `checkpoint.rs`).
    conn.pragma_update(None, "wal_autocheckpoint", 0)
        .map_err(fail)?;
    if let Some(bytes) = options.size_limit {
        let page_size: u64 = conn
            .pragma_query_value(None, "page_size", |row| row.get(0))
            .map_err(fail)?;
        conn.pragma_update(None, "max_page_count", (bytes / page_size).max(1))
            .map_err(fail)?;
    }
    if found != Found::Version(SCHEMA_VERSION) {
        usable(at, schema::migrate(&mut conn).map_err(fail)?)?;
    }
    Ok(conn)
}

/// Another connection to the database at `at`, which [`open_database`] made ready.
///
/// # Errors
///
/// [`StoreError::Database`] naming the database, SQLite's error and the fix.
pub(super) fn open_another(
    at: &Location,
    options: &SqliteOptions,
) -> Result<Connection, StoreError> {
    connect(at, options).map_err(|e| at.error(ACTION, e))
}

/// A read-write connection with the store's per-connection settings; the path is a path
/// (no `file:` URIs).
fn connect(at: &Location, options: &SqliteOptions) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&at.path, flags)?;
    // SQLite opens a file it may not write read-only, without a word.
    if conn.is_readonly(MAIN_DB)? {
        return Err(read_only());
    }
    conn.busy_timeout(options.busy_timeout)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// Refuses a database that is not hexaboard's, or of a newer schema.
fn usable(at: &Location, found: Found) -> Result<(), StoreError> {
    match found {
        Found::Version(version) if version > SCHEMA_VERSION => Err(StoreError::NewerSchema {
            store: at.name.clone(),
            found: version,
            known: SCHEMA_VERSION,
        }),
        Found::Version(_) => Ok(()),
        Found::Foreign => Err(StoreError::database(
            &at.name,
            ACTION,
            "it holds tables of another program and no hexaboard schema version: set STORE \
             to another file (the database was not changed)",
        )),
    }
}
