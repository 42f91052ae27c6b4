//! [`SqliteHistory`]: the readings of a SQLite store read back, on a read-only connection
//! that never writes the file (a recorder may be writing it meanwhile).

use std::path::Path;

use hexaboard_core::number::Number;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params_from_iter, Connection, OpenFlags};
use time::macros::format_description;
use time::PrimitiveDateTime;

use super::error::Location;
use super::schema::{self, Found, SCHEMA_VERSION};
use super::values;
use crate::history::{BoardHistory, History, Selection, StoredReading};
use crate::retention::{Period, Rollup};
use crate::StoreError;

const ACTION: &str = "read the readings";

/// The readings of a SQLite store, read back.
#[derive(Debug)]
pub struct SqliteHistory {
    at: Location,
    conn: Connection,
}

impl SqliteHistory {
    /// Opens the database at `path` read-only.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when there is no file, it is not a SQLite database, or it
    /// holds no hexaboard readings; [`StoreError::NewerSchema`] for a newer hexaboard's.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteHistory, StoreError> {
        let at = Location::new(path.as_ref());
        const OPEN: &str = "open the database";
        if !at.path.exists() {
            return Err(StoreError::database(
                &at.name,
                OPEN,
                "there is no such file: record into it first (`hexaboard record --store …`), or \
                 name another",
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&at.path, flags).map_err(|e| at.error(OPEN, e))?;
        match schema::found(&conn).map_err(|e| at.error(OPEN, e))? {
            Found::Version(version) if version > SCHEMA_VERSION => {
                return Err(StoreError::NewerSchema {
                    store: at.name,
                    found: version,
                    known: SCHEMA_VERSION,
                })
            }
            Found::Version(version) if version > 0 => {}
            _ => {
                return Err(StoreError::database(
                    &at.name,
                    OPEN,
                    "it holds no hexaboard readings: name the database `record` writes",
                ))
            }
        }
        Ok(SqliteHistory { at, conn })
    }
}

/// The `WHERE` clause of `selection` on the receive time, from parameter `?{first}` on, and
/// its values.
fn filter(selection: &Selection, first: usize) -> (String, Vec<Value>) {
    filter_on("received_at", selection, first)
}

/// The `WHERE` clause of `selection` on the time `column`, from parameter `?{first}` on, and
/// its values.
fn filter_on(column: &str, selection: &Selection, first: usize) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let mut text = String::new();
    if let Some(from) = selection.from {
        values::received_at(from, &mut text);
        values.push(Value::Text(text.clone()));
        clauses.push(format!("{column} >= ?{}", first + values.len() - 1));
    }
    if let Some(to) = selection.to {
        values::received_at(to, &mut text);
        values.push(Value::Text(text.clone()));
        clauses.push(format!("{column} < ?{}", first + values.len() - 1));
    }
    if !selection.boards.is_empty() {
        let marks: Vec<String> = selection
            .boards
            .iter()
            .map(|board| {
                values.push(Value::Text(board.clone()));
                format!("?{}", first + values.len() - 1)
            })
            .collect();
        clauses.push(format!("board IN ({})", marks.join(", ")));
    }
    let clause = if clauses.is_empty() {
        String::from("1")
    } else {
        clauses.join(" AND ")
    };
    (clause, values)
}

const PERIOD_START: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// A number as stored (INTEGER or REAL, as sent), with its text.
fn number(value: ValueRef<'_>) -> rusqlite::Result<Option<Number>> {
    let number = match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => Number::parse_json(&i.to_string()).ok(),
        ValueRef::Real(f) => Number::from_f64(f).ok(),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|t| Number::parse_json(t).ok()),
        ValueRef::Blob(_) => None,
    };
    number.map(Some).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            value.data_type(),
            "not a number a board could have sent".into(),
        )
    })
}

const COLUMNS: &str = "received_at, board, temperature, humidity, light";

fn reading(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredReading> {
    let required = |i: usize| {
        number(row.get_ref(i)?)?.ok_or(rusqlite::Error::InvalidColumnType(
            i,
            "a number".to_owned(),
            rusqlite::types::Type::Null,
        ))
    };
    Ok(StoredReading {
        received_at: values::read_received_at(row.get_ref(0)?.as_str()?)?,
        board: row.get(1)?,
        temperature: required(2)?,
        humidity: required(3)?,
        light: number(row.get_ref(4)?)?,
    })
}

impl History for SqliteHistory {
    fn name(&self) -> &str {
        &self.at.name
    }

    fn readings(
        &mut self,
        selection: &Selection,
        each: &mut dyn FnMut(StoredReading) -> bool,
    ) -> Result<(), StoreError> {
        let (clause, values) = filter(selection, 1);
        let sql = format!("SELECT {COLUMNS} FROM readings WHERE {clause} ORDER BY id");
        let fail = |e| self.at.error(ACTION, e);
        let mut query = self.conn.prepare(&sql).map_err(fail)?;
        let mut rows = query.query(params_from_iter(values)).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            if !each(reading(row).map_err(fail)?) {
                break;
            }
        }
        Ok(())
    }

    fn boards(
        &mut self,
        selection: &Selection,
        newest: usize,
    ) -> Result<Vec<BoardHistory>, StoreError> {
        let fail = |e| self.at.error(ACTION, e);
        // One read transaction: every figure from the same state of the database, whatever a
        // recorder or a retention pass commits meanwhile.
        let tx = self.conn.unchecked_transaction().map_err(fail)?;
        // Board by board through the index: a range of it per board is counted (a GROUP BY
        // over every entry takes three times as long), and the boards themselves are found
        // by jumping from one to the next.
        let names: Vec<String> = if selection.boards.is_empty() {
            let mut query = self
                .conn
                .prepare(
                    "WITH RECURSIVE b(board) AS (SELECT min(board) FROM readings \
                     UNION ALL SELECT (SELECT min(board) FROM readings WHERE board > b.board) \
                     FROM b WHERE b.board IS NOT NULL) \
                     SELECT board FROM b WHERE board IS NOT NULL",
                )
                .map_err(fail)?;
            let names = query.query_map([], |row| row.get(0)).map_err(fail)?;
            names.collect::<rusqlite::Result<_>>().map_err(fail)?
        } else {
            let mut names = selection.boards.clone();
            names.sort();
            names.dedup();
            names
        };
        let mut boards = Vec::new();
        for name in names {
            let mut one = selection.clone();
            one.boards = vec![name.clone()];
            let (clause, values) = filter(&one, 1);
            // Counted alone, the range is stepped through without reading a time; the first
            // and last are two seeks of the index.
            let sql = format!(
                "SELECT (SELECT count(*) FROM readings WHERE {clause}), \
                 (SELECT received_at FROM readings WHERE {clause} ORDER BY received_at LIMIT 1), \
                 (SELECT received_at FROM readings WHERE {clause} \
                 ORDER BY received_at DESC LIMIT 1)"
            );
            let mut query = self.conn.prepare_cached(&sql).map_err(fail)?;
            let found = query
                .query_row(params_from_iter(values), |row| {
                    let count = row.get::<_, i64>(0)?.unsigned_abs();
                    if count == 0 {
                        return Ok(None);
                    }
                    Ok(Some(BoardHistory {
                        board: name.clone(),
                        readings: count,
                        first: values::read_received_at(row.get_ref(1)?.as_str()?)?,
                        last: values::read_received_at(row.get_ref(2)?.as_str()?)?,
                        newest: Vec::new(),
                    }))
                })
                .map_err(fail)?;
            boards.extend(found);
        }
        for board in &mut boards {
            let mut one = selection.clone();
            one.boards = vec![board.board.clone()];
            let (clause, mut values) = filter(&one, 1);
            values.push(Value::Integer(i64::try_from(newest).unwrap_or(i64::MAX)));
            let sql = format!(
                "SELECT {COLUMNS} FROM readings WHERE {clause} \
                 ORDER BY received_at DESC, id DESC LIMIT ?{}",
                values.len()
            );
            let mut query = self.conn.prepare(&sql).map_err(fail)?;
            let mut newest: Vec<StoredReading> = query
                .query_map(params_from_iter(values), reading)
                .map_err(fail)?
                .collect::<rusqlite::Result<_>>()
                .map_err(fail)?;
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
        let fail = |e| self.at.error(ACTION, e);
        let kept: bool = self
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_schema WHERE name = ?1",
                [period.table()],
                |row| row.get(0),
            )
            .map_err(fail)?;
        if !kept {
            return Ok(()); // a database of an older hexaboard, not written since
        }
        // An hour's start (`… HH:00:00`) compares with the bounds cut to whole seconds.
        let (clause, values) = filter_on("start || '.000000'", selection, 1);
        let sql = format!(
            "SELECT board, start, count, temperature_min, temperature_mean, temperature_max, \
             humidity_min, humidity_mean, humidity_max FROM {} WHERE {clause} \
             ORDER BY board, start",
            period.table()
        );
        let mut query = self.conn.prepare(&sql).map_err(fail)?;
        let mut rows = query.query(params_from_iter(values)).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let read = || -> rusqlite::Result<(String, Rollup)> {
                let start = PrimitiveDateTime::parse(row.get_ref(1)?.as_str()?, PERIOD_START)
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Text,
                            e.into(),
                        )
                    })?
                    .assume_utc();
                Ok((
                    row.get(0)?,
                    Rollup {
                        start,
                        count: row.get::<_, i64>(2)?.unsigned_abs(),
                        temperature: [row.get(3)?, row.get(4)?, row.get(5)?],
                        humidity: [row.get(6)?, row.get(7)?, row.get(8)?],
                    },
                ))
            };
            let (board, rollup) = read().map_err(fail)?;
            if !each(&board, rollup) {
                break;
            }
        }
        Ok(())
    }
}
