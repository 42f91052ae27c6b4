//! The schema of `docs/schema.md`, and the migrations that bring any older database to it.
//!
//! [`MIGRATIONS`] is the whole history: entry `n` takes a database from version `n` to
//! `n + 1`, version 0 being a database with no tables. A new version is one more entry.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// The newest schema version this build knows: the one it creates and migrates to.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Entry `n` takes the schema from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// Version 1: the tables, with the digests of recent messages in a table of their own.
const V1: &str = "
CREATE TABLE hexaboard_schema (version INTEGER NOT NULL) STRICT;
CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    board TEXT NOT NULL,
    temperature ANY NOT NULL,
    humidity ANY NOT NULL,
    light ANY,
    board_timestamp ANY,
    board_time TEXT,
    topic TEXT NOT NULL
) STRICT;
CREATE INDEX readings_board_received_at ON readings (board, received_at);
CREATE TABLE statuses (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    board TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('online', 'offline')),
    topic TEXT NOT NULL
) STRICT;
CREATE INDEX statuses_board_received_at ON statuses (board, received_at);
CREATE TABLE rejects (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    payload BLOB NOT NULL,
    payload_len INTEGER NOT NULL
) STRICT;
CREATE TABLE recent_messages (
    digest BLOB PRIMARY KEY,
    reading_id INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
";

/// Version 2, as `docs/schema.md` gives it: a reading keeps its message's digest in its own
/// row. Each remembered digest moves onto its reading, so a redelivery of a message stored
/// before the upgrade is still recognised.
const V2: &str = "
ALTER TABLE readings ADD COLUMN digest BLOB;
UPDATE readings SET digest = recent_messages.digest
  FROM recent_messages WHERE recent_messages.reading_id = readings.id;
DROP TABLE recent_messages;
";

/// Version 3: the rollups of the retention pass (`crate::retention`), which never expire.
const V3: &str = "
CREATE TABLE readings_minute (
    board TEXT NOT NULL,
    start TEXT NOT NULL,
    count INTEGER NOT NULL,
    temperature_min REAL NOT NULL,
    temperature_mean REAL NOT NULL,
    temperature_max REAL NOT NULL,
    humidity_min REAL NOT NULL,
    humidity_mean REAL NOT NULL,
    humidity_max REAL NOT NULL,
    PRIMARY KEY (board, start)
) STRICT, WITHOUT ROWID;
CREATE TABLE readings_hour (
    board TEXT NOT NULL,
    start TEXT NOT NULL,
    count INTEGER NOT NULL,
    temperature_min REAL NOT NULL,
    temperature_mean REAL NOT NULL,
    temperature_max REAL NOT NULL,
    humidity_min REAL NOT NULL,
    humidity_mean REAL NOT NULL,
    humidity_max REAL NOT NULL,
    PRIMARY KEY (board, start)
) STRICT, WITHOUT ROWID;
CREATE TABLE rollup_progress (last_reading INTEGER NOT NULL) STRICT;
INSERT INTO rollup_progress (last_reading) VALUES (0);
";

/// Version 4: the advisor's audit trail (`crate::advice`), one row per call of the advisor;
/// `at` is UTC text as `readings.received_at`. The partial index answers "when was a command
/// last applied to this board" without reading the refused and failed calls.
const V4: &str = "
CREATE TABLE advice (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    board TEXT NOT NULL,
    model TEXT NOT NULL,
    summary TEXT NOT NULL,
    answer TEXT,
    target TEXT,
    command TEXT,
    refusal TEXT,
    applied INTEGER NOT NULL CHECK (applied IN (0, 1))
) STRICT;
CREATE INDEX advice_at ON advice (at);
CREATE INDEX advice_applied_target_at ON advice (target, at) WHERE applied = 1;
";

/// What a database holds, as far as the schema goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// A database with hexaboard's schema at this version (0: no tables at all).
    Version(i64),
    /// A database with tables, but not hexaboard's.
    Foreign,
}

/// Reads the schema version without writing anything.
///
/// # Errors
///
/// SQLite's error (a file that is not a database fails here).
pub(super) fn found(conn: &Connection) -> rusqlite::Result<Found> {
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |row| row.get(0),
    )?;
    if tables == 0 {
        return Ok(Found::Version(0));
    }
    let ours: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'hexaboard_schema'",
        [],
        |row| row.get(0),
    )?;
    if !ours {
        return Ok(Found::Foreign);
    }
    let version: Option<i64> = conn
        .query_row("SELECT max(version) FROM hexaboard_schema", [], |row| {
            row.get(0)
        })
        .optional()?
        .flatten();
    // A schema table without its row is the work of hands, not of a hexaboard.
    Ok(version.map_or(Found::Foreign, Found::Version))
}

/// Brings the database to [`SCHEMA_VERSION`] in one transaction, applying the migrations
/// after the version found inside it (another process may have migrated meanwhile).
///
/// # Errors
///
/// SQLite's error; nothing is changed then.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<Found> {
    migrate_with(conn, MIGRATIONS)
}

/// [`migrate`] with a given history, so the mechanism is tested with more versions than
/// there are.
fn migrate_with(conn: &mut Connection, migrations: &[&str]) -> rusqlite::Result<Found> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = found(&tx)?;
    let Found::Version(from) = found else {
        return Ok(found);
    };
    let Some(steps) = usize::try_from(from)
        .ok()
        .and_then(|from| migrations.get(from..))
    else {
        return Ok(found);
    };
    for step in steps {
        tx.execute_batch(step)?;
    }
    tx.execute("DELETE FROM hexaboard_schema", [])?;
    tx.execute(
        "INSERT INTO hexaboard_schema (version) VALUES (?1)",
        [migrations.len() as i64],
    )?;
    tx.commit()?;
    Ok(Found::Version(migrations.len() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = "ALTER TABLE readings ADD COLUMN battery ANY";

    fn version(conn: &Connection) -> i64 {
        conn.query_row("SELECT version FROM hexaboard_schema", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn an_empty_database_gets_every_version_in_turn() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(found(&conn).unwrap(), Found::Version(0));
        assert_eq!(
            migrate_with(&mut conn, &[V1, V2, V3]).unwrap(),
            Found::Version(3)
        );
        assert_eq!(version(&conn), 3);
        conn.execute("INSERT INTO readings (received_at, board, temperature, humidity, topic, battery) VALUES ('t', 'A', 25, 60, 'x', 3.7)", []).unwrap();
    }

    #[test]
    fn an_older_database_gets_only_the_later_versions() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[V1]).unwrap();
        conn.execute("INSERT INTO readings (received_at, board, temperature, humidity, topic) VALUES ('t', 'A', 25, 60, 'x')", []).unwrap();
        assert_eq!(
            migrate_with(&mut conn, &[V1, V2, V3]).unwrap(),
            Found::Version(3)
        );
        assert_eq!(version(&conn), 3);
        let rows: i64 = conn
            .query_row(
                "SELECT count(*) FROM readings WHERE battery IS NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(rows, 1, "the reading survives the migration");
    }

    #[test]
    fn a_current_database_is_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[V1]).unwrap();
        assert_eq!(migrate_with(&mut conn, &[V1]).unwrap(), Found::Version(1));
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM hexaboard_schema", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_failed_migration_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_with(&mut conn, &[V1]).unwrap();
        assert!(migrate_with(&mut conn, &[V1, "ALTER TABLE nowhere ADD COLUMN x"]).is_err());
        assert_eq!(version(&conn), 1);
    }

    #[test]
    fn a_database_of_another_program_is_foreign() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE notes (text TEXT)")
            .unwrap();
        assert_eq!(found(&conn).unwrap(), Found::Foreign);
        assert_eq!(migrate_with(&mut conn, &[V1]).unwrap(), Found::Foreign);
    }
}
