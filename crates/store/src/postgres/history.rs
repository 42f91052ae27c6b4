//! [`PostgresHistory`]: the readings of a PostgreSQL store read back, in a read-only
//! transaction.

use std::time::SystemTime;

use hexaboard_core::number::Number;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, NoTls};
use time::OffsetDateTime;

use super::cause::Cause;
use super::location::Location;
use super::schema;
use crate::history::{BoardHistory, History, Selection, StoredReading};
use crate::retention::{Period, Rollup};
use crate::StoreError;

const ACTION: &str = "read the readings";

/// The readings of a PostgreSQL store, read back.
pub struct PostgresHistory {
    shown: String,
    client: Client,
}

impl std::fmt::Debug for PostgresHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresHistory")
            .field("database", &self.shown)
            .finish_non_exhaustive()
    }
}

impl PostgresHistory {
    /// Connects to the database at `url` with `password` (which the URL does not hold).
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] naming the URL without password, the cause and the fix when
    /// the server cannot be reached, refuses the login, or holds no hexaboard readings;
    /// [`StoreError::NewerSchema`] for a newer hexaboard's tables.
    pub fn connect(url: &str, password: Option<&str>) -> Result<PostgresHistory, StoreError> {
        let location = Location::parse(url, password)?;
        let shown = location.shown().to_owned();
        let mut client = location.config().connect(NoTls).map_err(|e| {
            StoreError::database(&shown, "connect to the database", Cause::of_connect(&e))
        })?;
        let fail = |e: postgres::Error| StoreError::database(&shown, ACTION, Cause::new(&e));
        let mut tx = client.transaction().map_err(fail)?;
        let found = schema::version(&mut tx).map_err(fail)?;
        tx.commit().map_err(fail)?;
        let known = schema::MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::NewerSchema {
                store: shown,
                found,
                known,
            });
        }
        if found == 0 {
            return Err(StoreError::database(
                &shown,
                "open the database",
                Cause::plain("it holds no hexaboard readings: name the database `record` writes"),
            ));
        }
        Ok(PostgresHistory { shown, client })
    }
}

/// A selection's `WHERE` clause and its parameters, numbered from `$1`.
struct Filter {
    clause: String,
    from: Option<SystemTime>,
    to: Option<SystemTime>,
    boards: Vec<String>,
}

impl Filter {
    fn new(selection: &Selection) -> Filter {
        Filter::on("received_at", selection)
    }

    /// The selection on the time `column`.
    fn on(column: &str, selection: &Selection) -> Filter {
        let mut filter = Filter {
            clause: String::new(),
            from: selection.from.map(SystemTime::from),
            to: selection.to.map(SystemTime::from),
            boards: selection.boards.clone(),
        };
        let mut clauses = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.from.is_some() {
            clauses.push(format!("{column} >= ${}", next()));
        }
        if filter.to.is_some() {
            clauses.push(format!("{column} < ${}", next()));
        }
        if !filter.boards.is_empty() {
            clauses.push(format!("board = ANY(${})", next()));
        }
        filter.clause = if clauses.is_empty() {
            String::from("true")
        } else {
            clauses.join(" AND ")
        };
        filter
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        if let Some(from) = &self.from {
            params.push(from);
        }
        if let Some(to) = &self.to {
            params.push(to);
        }
        if !self.boards.is_empty() {
            params.push(&self.boards);
        }
        params
    }
}

/// Numbers come back as the text PostgreSQL keeps for a `numeric` (as sent).
const COLUMNS: &str = "received_at, board, temperature::text, humidity::text, light::text";

fn number(text: Option<&str>) -> Result<Option<Number>, String> {
    match text {
        None => Ok(None),
        Some(text) => Number::parse_json(text)
            .map(Some)
            .map_err(|_| format!("`{text}` is not a number a board could have sent")),
    }
}

fn reading(row: &postgres::Row) -> Result<StoredReading, String> {
    let required =
        |i: usize| number(row.get(i))?.ok_or_else(|| "a reading without its number".to_owned());
    Ok(StoredReading {
        received_at: OffsetDateTime::from(row.get::<_, SystemTime>(0)),
        board: row.get(1),
        temperature: required(2)?,
        humidity: required(3)?,
        light: number(row.get(4))?,
    })
}

impl History for PostgresHistory {
    fn name(&self) -> &str {
        &self.shown
    }

    fn readings(
        &mut self,
        selection: &Selection,
        each: &mut dyn FnMut(StoredReading) -> bool,
    ) -> Result<(), StoreError> {
        let shown = &self.shown;
        let fail = |e: postgres::Error| StoreError::database(shown, ACTION, Cause::new(&e));
        let bad = |e: String| StoreError::database(shown, ACTION, Cause::plain(e));
        let filter = Filter::new(selection);
        let sql = format!(
            "SELECT {COLUMNS} FROM readings WHERE {} ORDER BY id",
            filter.clause
        );
        // One snapshot for every statement: figures of the same state of the database.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(fail)?;
        {
            // Fetched a batch at a time, so a month of readings never sits in memory.
            let statement = tx.prepare(&sql).map_err(fail)?;
            let portal = tx.bind(&statement, &filter.params()).map_err(fail)?;
            loop {
                let rows = tx.query_portal(&portal, 10_000).map_err(fail)?;
                let done = rows.len() < 10_000;
                for row in &rows {
                    if !each(reading(row).map_err(bad)?) {
                        return Ok(());
                    }
                }
                if done {
                    break;
                }
            }
        }
        tx.commit().map_err(fail)
    }

    fn boards(
        &mut self,
        selection: &Selection,
        newest: usize,
    ) -> Result<Vec<BoardHistory>, StoreError> {
        let shown = &self.shown;
        let fail = |e: postgres::Error| StoreError::database(shown, ACTION, Cause::new(&e));
        let bad = |e: String| StoreError::database(shown, ACTION, Cause::plain(e));
        let filter = Filter::new(selection);
        let sql = format!(
            "SELECT board, count(*), min(received_at), max(received_at) FROM readings \
             WHERE {} GROUP BY board ORDER BY board",
            filter.clause
        );
        // One snapshot for every statement: figures of the same state of the database.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(fail)?;
        let mut boards: Vec<BoardHistory> = tx
            .query(&sql, &filter.params())
            .map_err(fail)?
            .iter()
            .map(|row| BoardHistory {
                board: row.get(0),
                readings: row.get::<_, i64>(1).unsigned_abs(),
                first: OffsetDateTime::from(row.get::<_, SystemTime>(2)),
                last: OffsetDateTime::from(row.get::<_, SystemTime>(3)),
                newest: Vec::new(),
            })
            .collect();
        let limit = i64::try_from(newest).unwrap_or(i64::MAX);
        for board in &mut boards {
            let mut one = selection.clone();
            one.boards = vec![board.board.clone()];
            let filter = Filter::new(&one);
            let mut params = filter.params();
            params.push(&limit);
            let sql = format!(
                "SELECT {COLUMNS} FROM readings WHERE {} \
                 ORDER BY received_at DESC, id DESC LIMIT ${}",
                filter.clause,
                params.len()
            );
            let mut newest = tx
                .query(&sql, &params)
                .map_err(fail)?
                .iter()
                .map(reading)
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            newest.reverse();
            board.newest = newest;
        }
        tx.commit().map_err(fail)?;
        Ok(boards)
    }

    fn rollups(
        &mut self,
        period: Period,
        selection: &Selection,
        each: &mut dyn FnMut(&str, Rollup) -> bool,
    ) -> Result<(), StoreError> {
        let shown = &self.shown;
        let fail = |e: postgres::Error| StoreError::database(shown, ACTION, Cause::new(&e));
        let kept: bool = self
            .client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&period.table()])
            .map_err(fail)?
            .get(0);
        if !kept {
            return Ok(()); // a database of an older hexaboard, not written since
        }
        let filter = Filter::on("start", selection);
        let sql = format!(
            "SELECT board, start, count, temperature_min, temperature_mean, temperature_max, \
             humidity_min, humidity_mean, humidity_max FROM {} WHERE {} \
             ORDER BY board, start",
            period.table(),
            filter.clause
        );
        for row in self.client.query(&sql, &filter.params()).map_err(fail)? {
            let board: String = row.get(0);
            let rollup = Rollup {
                start: OffsetDateTime::from(row.get::<_, SystemTime>(1)),
                count: row.get::<_, i64>(2).unsigned_abs(),
                temperature: [row.get(3), row.get(4), row.get(5)],
                humidity: [row.get(6), row.get(7), row.get(8)],
            };
            if !each(&board, rollup) {
                break;
            }
        }
        Ok(())
    }
}
