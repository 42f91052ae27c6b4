//! The retention pass of a PostgreSQL store: see [`crate::retention`].

use std::time::SystemTime;

use postgres::NoTls;
use time::OffsetDateTime;

use super::cause::Cause;
use super::location::Location;
use super::schema;
use crate::retention::{KeepDays, Retained};
use crate::StoreError;

const ACTION: &str = "roll up and prune the readings";

/// Adds the readings stored since the last pass to the rollups `table` over periods of
/// `unit` (`minute`, `hour`), merging a period already there with the new readings.
fn roll_up(table: &str, unit: &str) -> String {
    format!(
        "INSERT INTO {table} AS r (board, start, count, temperature_min, temperature_mean, \
         temperature_max, humidity_min, humidity_mean, humidity_max) \
         SELECT board, date_trunc('{unit}', received_at, 'UTC'), count(*), \
         min(temperature)::float8, avg(temperature)::float8, max(temperature)::float8, \
         min(humidity)::float8, avg(humidity)::float8, max(humidity)::float8 \
         FROM readings WHERE id > $1 AND id <= $2 \
         GROUP BY board, date_trunc('{unit}', received_at, 'UTC') \
         ON CONFLICT (board, start) DO UPDATE SET \
         count = r.count + excluded.count, \
         temperature_min = least(r.temperature_min, excluded.temperature_min), \
         temperature_mean = (r.temperature_mean * r.count + excluded.temperature_mean * \
         excluded.count) / (r.count + excluded.count), \
         temperature_max = greatest(r.temperature_max, excluded.temperature_max), \
         humidity_min = least(r.humidity_min, excluded.humidity_min), \
         humidity_mean = (r.humidity_mean * r.count + excluded.humidity_mean * excluded.count) \
         / (r.count + excluded.count), \
         humidity_max = greatest(r.humidity_max, excluded.humidity_max)"
    )
}

/// Readings rolled up, or deleted, per transaction: receivers wait for one batch at most.
const BATCH: i64 = 50_000;

/// Runs a retention pass on the PostgreSQL store at `url` with `password` (tables made or
/// migrated first): the readings stored since the last pass go into the rollups, then, with
/// `keep`, the readings received before `now − keep` are deleted. The work goes in batches
/// of a transaction each, `progress` told the totals after each; when it answers `false` the
/// pass ends there. A batch of rollups holds the
/// receivers' writes back until it ends, so no reading can be committed behind it.
///
/// # Errors
///
/// [`StoreError::Database`] naming the URL without password, the cause and the fix;
/// [`StoreError::NewerSchema`] for a newer hexaboard's tables.
pub fn retain(
    url: &str,
    password: Option<&str>,
    now: OffsetDateTime,
    keep: Option<KeepDays>,
    progress: &mut dyn FnMut(Retained) -> bool,
) -> Result<Retained, StoreError> {
    let location = Location::parse(url, password)?;
    let shown = location.shown();
    let mut client = location.config().connect(NoTls).map_err(|e| {
        StoreError::database(shown, "connect to the database", Cause::of_connect(&e))
    })?;
    schema::bring_up_to_date(&mut client, shown, schema::MIGRATIONS)?;
    let fail = |e: postgres::Error| StoreError::database(shown, ACTION, Cause::new(&e));
    let mut retained = Retained::default();
    loop {
        let mut tx = client.transaction().map_err(fail)?;
        // Writers commit their readings' ids out of order: the lock waits for those under
        // way, so every id up to the newest is committed when the batch reads it.
        // A receiver stuck in a transaction must not hold every other one back behind the
        // lock for long: the batch gives up after a while, and the pass with it.
        tx.batch_execute(
            "SET LOCAL lock_timeout = '5s'; LOCK TABLE readings IN SHARE ROW EXCLUSIVE MODE",
        )
        .map_err(fail)?;
        let last: i64 = tx
            .query_one("SELECT last_reading FROM rollup_progress", &[])
            .map_err(fail)?
            .get(0);
        let upto: i64 = tx
            .query_one("SELECT coalesce(max(id), 0)::bigint FROM readings", &[])
            .map_err(fail)?
            .get(0);
        if last >= upto {
            break;
        }
        let until = upto.min(last.saturating_add(BATCH));
        let new: i64 = tx
            .query_one(
                "SELECT count(*) FROM readings WHERE id > $1 AND id <= $2",
                &[&last, &until],
            )
            .map_err(fail)?
            .get(0);
        for sql in [
            roll_up("readings_minute", "minute"),
            roll_up("readings_hour", "hour"),
        ] {
            tx.execute(&sql, &[&last, &until]).map_err(fail)?;
        }
        tx.execute("UPDATE rollup_progress SET last_reading = $1", &[&until])
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
        retained.rolled_up += new.unsigned_abs();
        if !progress(retained) {
            return Ok(retained);
        }
    }
    if let Some(keep) = keep {
        let cutoff = SystemTime::from(keep.cutoff(now));
        loop {
            // Only readings the rollups hold: those up to `rollup_progress`.
            let deleted = client
                .execute(
                    "DELETE FROM readings WHERE id IN (SELECT id FROM readings \
                     WHERE id <= (SELECT last_reading FROM rollup_progress) \
                     AND received_at < $1 ORDER BY id LIMIT $2)",
                    &[&cutoff, &BATCH],
                )
                .map_err(fail)?;
            if deleted == 0 {
                break;
            }
            retained.deleted += deleted;
            if !progress(retained) {
                return Ok(retained);
            }
        }
    }
    Ok(retained)
}
