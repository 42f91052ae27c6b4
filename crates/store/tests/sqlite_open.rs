//! Opening a database the store cannot use: each refusal names `sqlite:PATH`, the cause and
//! the fix, and a database of a newer hexaboard or of another program is left byte for byte
//! as it was. Writing to a full, read-only or locked database fails the same way.

mod sqlite_support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hexaboard_store::sqlite::{SqliteError, SqliteOptions, SqliteStore};
use hexaboard_store::{Appended, Store, StoreError};
use rusqlite::ErrorCode;
use sqlite_support::{count, database, deliver, open, payload, try_deliver, user};

/// Every file of `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn open_error(path: &Path, options: SqliteOptions) -> StoreError {
    SqliteStore::open(path, options).unwrap_err()
}

/// The SQLite error code of a [`StoreError::Database`].
fn code(error: &StoreError) -> Option<ErrorCode> {
    match error {
        StoreError::Database { cause, .. } => cause.downcast_ref::<SqliteError>()?.code(),
        _ => None,
    }
}

fn assert_names_the_store(error: &StoreError, path: &Path) {
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("sqlite:{}: ", path.display())),
        "{message}"
    );
    assert!(
        message.contains("STORE") || message.contains("free some space"),
        "{message}"
    );
}

#[test]
fn a_database_of_a_newer_hexaboard_is_refused_and_left_untouched() {
    let (dir, path) = database();
    // As a newer hexaboard might leave it: its own tables, in any journal mode.
    user(&path)
        .execute_batch(
            "CREATE TABLE hexaboard_schema (version INTEGER NOT NULL) STRICT;
             INSERT INTO hexaboard_schema VALUES (5);
             CREATE TABLE readings (id INTEGER PRIMARY KEY, measured TEXT);",
        )
        .unwrap();
    let before = snapshot(dir.path());
    let error = open_error(&path, SqliteOptions::default());
    assert!(
        matches!(
            error,
            StoreError::NewerSchema {
                found: 5,
                known: 4,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "sqlite:{} has schema version 5, newer than this hexaboard's 4: record with the \
             newer hexaboard or choose another STORE (the database was not changed)",
            path.display()
        )
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_newer_database_in_wal_mode_is_left_untouched_too() {
    let (dir, path) = database();
    open(&path).close().unwrap();
    user(&path)
        .execute("UPDATE hexaboard_schema SET version = 7", [])
        .unwrap();
    let before = snapshot(dir.path());
    let error = open_error(&path, SqliteOptions::default());
    assert!(
        matches!(error, StoreError::NewerSchema { found: 7, .. }),
        "{error:?}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_database_of_another_program_is_refused_and_left_untouched() {
    let (dir, path) = database();
    user(&path)
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    let before = snapshot(dir.path());
    let error = open_error(&path, SqliteOptions::default());
    assert_names_the_store(&error, &path);
    assert!(
        error.to_string().contains("tables of another program"),
        "{error}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let (dir, path) = database();
    fs::write(
        &path,
        "Timestamp,Board,Temperature,Humidity,Light\r\n".repeat(100),
    )
    .unwrap();
    let before = snapshot(dir.path());
    let error = open_error(&path, SqliteOptions::default());
    assert_eq!(code(&error), Some(ErrorCode::NotADatabase));
    assert_eq!(
        error.to_string(),
        format!(
            "sqlite:{}: cannot open the database: file is not a database (it is not a SQLite \
             database: set STORE to another file, or move this one away)",
            path.display()
        )
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/readings.db");
    let error = open_error(&path, SqliteOptions::default());
    assert_eq!(code(&error), Some(ErrorCode::CannotOpen));
    assert_names_the_store(&error, &path);
    assert!(
        error
            .to_string()
            .contains("its directory does not exist: create it"),
        "{error}"
    );
}

/// Makes a file or directory read-only for this process until dropped: `chmod`, and for
/// root, whom modes do not stop, the immutable attribute (`chattr +i`).
struct ReadOnly(PathBuf);

impl ReadOnly {
    /// `None` (said on stderr) when running as root on a file system without the immutable
    /// attribute, where nothing makes the path read-only for this process.
    fn new(path: &Path) -> Option<ReadOnly> {
        let mode = if path.is_dir() { 0o555 } else { 0o444 };
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
        let read_only = ReadOnly(path.to_owned());
        if fs::metadata("/proc/self").unwrap().uid() == 0 {
            let immutable = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            if !immutable {
                eprintln!("skipped: this file system has no immutable flag (chattr +i)");
                return None;
            }
        }
        Some(read_only)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if fs::metadata("/proc/self").unwrap().uid() == 0 {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        }
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_read_only_database_file_is_refused_with_the_fix() {
    let (_dir, path) = database();
    open(&path).close().unwrap();
    let Some(_read_only) = ReadOnly::new(&path) else {
        return;
    };
    let error = open_error(&path, SqliteOptions::default());
    assert_eq!(code(&error), Some(ErrorCode::ReadOnly));
    assert_names_the_store(&error, &path);
    assert!(error.to_string().contains("write access"), "{error}");
    assert!(error.to_string().contains("chmod"), "{error}");
}

#[test]
fn a_database_in_a_read_only_directory_is_refused_with_the_fix() {
    let (dir, path) = database();
    let Some(_read_only) = ReadOnly::new(dir.path()) else {
        return;
    };
    let error = open_error(&path, SqliteOptions::default());
    assert_names_the_store(&error, &path);
    assert!(error.to_string().contains("chmod"), "{error}");
    assert!(!path.exists());
}

#[test]
fn a_full_disk_stores_nothing_of_the_failed_reading_and_says_so() {
    let (_dir, path) = database();
    let options = SqliteOptions::default().size_limit(Some(64 * 1024));
    let mut store = SqliteStore::open(&path, options).unwrap();
    let mut stored = 0;
    let error = loop {
        match try_deliver(&mut store, &payload(&format!("20.{stored:05}"))) {
            Ok(Appended::Stored) => stored += 1,
            Ok(other) => panic!("{other:?}"),
            Err(error) => break error,
        }
        assert!(stored < 100_000, "the size limit was never reached");
    };
    assert_eq!(code(&error), Some(ErrorCode::DiskFull));
    assert_names_the_store(&error, &path);
    assert!(
        error
            .to_string()
            .contains("cannot store a reading: database or disk is full"),
        "{error}"
    );
    assert!(stored > 0);
    assert_eq!(count(&path, "SELECT count(*) FROM readings"), stored);
    assert_eq!(
        count(&path, "SELECT count(digest) FROM readings"),
        stored,
        "each reading with its digest"
    );
}

#[test]
fn a_database_another_program_keeps_locked_fails_after_the_busy_timeout() {
    let (_dir, path) = database();
    let options = SqliteOptions::default().busy_timeout(Duration::from_millis(50));
    let mut store = SqliteStore::open(&path, options).unwrap();
    let other = user(&path);
    other
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO statuses (received_at, board, status, topic) VALUES ('t', 'Z', 'online', 'x');")
        .unwrap();
    let error = try_deliver(&mut store, &payload("25")).unwrap_err();
    assert_eq!(code(&error), Some(ErrorCode::DatabaseBusy));
    assert_names_the_store(&error, &path);
    assert!(
        error
            .to_string()
            .contains("another program keeps the database locked"),
        "{error}"
    );
    other.execute_batch("COMMIT").unwrap();
    assert_eq!(deliver(&mut store, &payload("25"), false), Appended::Stored);
    assert_eq!(count(&path, "SELECT count(*) FROM readings"), 1);
}

#[test]
fn a_closed_store_stores_nothing() {
    let (_dir, path) = database();
    let mut store = open(&path);
    store.close().unwrap();
    let error = try_deliver(&mut store, &payload("25")).unwrap_err();
    assert!(error.to_string().contains("the store is closed"), "{error}");
}
