//! The retention pass of a SQLite store: see [`crate::retention`].

use std::path::Path;

use rusqlite::{params, TransactionBehavior};
use time::OffsetDateTime;

use super::error::Location;
use super::open::open_database;
use super::{values, SqliteOptions};
use crate::retention::{KeepDays, Retained};
use crate::StoreError;

const ACTION: &str = "roll up and prune the readings";

/// Adds the readings stored since the last pass to the rollups `table`, whose periods start
/// at the first `len` characters of a receive time followed by `rest` (a minute: 16 and
/// `:00`; an hour: 13 and `:00:00`). A period already there is merged with the new readings.
fn roll_up(table: &str, len: usize, rest: &str) -> String {
    format!(
        "INSERT INTO {table} (board, start, count, temperature_min, temperature_mean, \
         temperature_max, humidity_min, humidity_mean, humidity_max) \
         SELECT board, substr(received_at, 1, {len}) || '{rest}', count(*), \
         min(temperature), avg(temperature), max(temperature), \
         min(humidity), avg(humidity), max(humidity) \
         FROM readings WHERE id > ?1 AND id <= ?2 \
         GROUP BY board, substr(received_at, 1, {len}) \
         ON CONFLICT (board, start) DO UPDATE SET \
         count = count + excluded.count, \
         temperature_min = min(temperature_min, excluded.temperature_min), \
         temperature_mean = (temperature_mean * count + excluded.temperature_mean * \
         excluded.count) / (count + excluded.count), \
         temperature_max = max(temperature_max, excluded.temperature_max), \
         humidity_min = min(humidity_min, excluded.humidity_min), \
         humidity_mean = (humidity_mean * count + excluded.humidity_mean * excluded.count) \
         / (count + excluded.count), \
         humidity_max = max(humidity_max, excluded.humidity_max)"
    )
}

/// Readings rolled up, or deleted, per transaction: a recorder writing meanwhile waits for
/// one batch at most (well under its busy timeout), not for the whole pass.
const BATCH: i64 = 50_000;

/// Runs a retention pass on the SQLite store at `path` (made or migrated first, as
/// [`SqliteStore::open`](super::SqliteStore::open) does): the readings stored since the last
/// pass go into the rollups, then, with `keep`, the readings received before `now − keep`
/// are deleted. The work goes in batches of a transaction each, `progress` told the totals
/// after each; when it answers `false` the pass ends there. A pass cut short keeps what its
/// batches did, and the next goes on from there. The newest reading is never deleted.
/// A recorder may be writing meanwhile.
///
/// # Errors
///
/// [`StoreError::Database`] naming the database, SQLite's error and the fix (a path with no
/// file is refused, not created);
/// [`StoreError::NewerSchema`] for a newer hexaboard's database.
pub fn retain(
    path: impl AsRef<Path>,
    now: OffsetDateTime,
    keep: Option<KeepDays>,
    progress: &mut dyn FnMut(Retained) -> bool,
) -> Result<Retained, StoreError> {
    let at = Location::new(path.as_ref());
    if !at.path.exists() {
        return Err(StoreError::database(
            &at.name,
            "open the database",
            "there is no such file: name the database `record` writes",
        ));
    }
    let mut conn = open_database(&at, &SqliteOptions::default())?;
    let fail = |e| at.error(ACTION, e);
    let mut retained = Retained::default();
    let upto: i64 = conn
        .query_row("SELECT coalesce(max(id), 0) FROM readings", [], |row| {
            row.get(0)
        })
        .map_err(fail)?;
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let last: i64 = tx
            .query_row("SELECT last_reading FROM rollup_progress", [], |row| {
                row.get(0)
            })
            .map_err(fail)?;
        if last >= upto {
            break;
        }
        let until = upto.min(last.saturating_add(BATCH));
        let new: i64 = tx
            .query_row(
                "SELECT count(*) FROM readings WHERE id > ?1 AND id <= ?2",
                [last, until],
                |row| row.get(0),
            )
            .map_err(fail)?;
        for sql in [
            roll_up("readings_minute", 16, ":00"),
            roll_up("readings_hour", 13, ":00:00"),
        ] {
            tx.execute(&sql, [last, until]).map_err(fail)?;
        }
        tx.execute("UPDATE rollup_progress SET last_reading = ?1", [until])
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
        retained.rolled_up += new.unsigned_abs();
        if !progress(retained) {
            return Ok(retained);
        }
    }
    if let Some(keep) = keep {
        let mut cutoff = String::new();
        values::received_at(keep.cutoff(now), &mut cutoff);
        loop {
            // Only readings the rollups hold: those up to `rollup_progress`. The newest stays
            // whatever its age: SQLite gives a new row the highest id plus one, so deleting it
            // would hand its id again, to a reading the rollups would then never take.
            let deleted = conn
                .execute(
                    "DELETE FROM readings WHERE id IN (SELECT id FROM readings \
                     WHERE id <= (SELECT last_reading FROM rollup_progress) \
                     AND id < (SELECT max(id) FROM readings) \
                     AND received_at < ?1 ORDER BY id LIMIT ?2)",
                    params![cutoff, BATCH],
                )
                .map_err(fail)?;
            if deleted == 0 {
                break;
            }
            retained.deleted += deleted as u64;
            if !progress(retained) {
                return Ok(retained);
            }
        }
    }
    // The pass's pages go into the database file now, so the log does not keep its size.
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        .map_err(fail)?;
    Ok(retained)
}
