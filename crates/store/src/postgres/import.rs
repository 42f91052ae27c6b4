//! [`PostgresImport`]: readings of the chapter's CSV put into a PostgreSQL store, a batch per
//! transaction and per statement, none twice (see [`crate::import`]).

use std::time::SystemTime;

use postgres::{Client, NoTls, Transaction};

use super::cause::Cause;
use super::location::Location;
use super::schema;
use crate::history::StoredReading;
use crate::import::{board_ranges, to_store, BatchImport, Imported};
use crate::StoreError;

const ACTION: &str = "import readings";

/// The whole batch in one statement, in its order. Numbers go in as their text, as the
/// recorder's do (`25.0` keeps its scale). The columns are named, so that a schema with more
/// (nullable) columns takes the rows; an imported reading has no topic (empty), board
/// timestamp or board time (null).
const INSERT: &str =
    "INSERT INTO readings (received_at, board, temperature, humidity, light, topic) \
     SELECT r, b, t::numeric, h::numeric, l::numeric, '' \
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[]) \
     WITH ORDINALITY AS u(r, b, t, h, l, n) ORDER BY n";

/// Whether board `$1` has a reading stored before the import (`id <= $4`) received in
/// `[$2, $3]`, through the `(board, received_at)` index.
const ANY_IN_RANGE: &str = "SELECT EXISTS (SELECT 1 FROM readings \
     WHERE board = $1 AND received_at BETWEEN $2 AND $3 AND id <= $4)";

/// How many readings stored before the import (`id <= $3`) are this one, numbers compared
/// as stored (`25` is not `25.0`: their `numeric`s have another scale, so another text).
const SAME: &str = "SELECT count(*) FROM readings \
     WHERE board = $1 AND received_at = $2 AND id <= $3 \
     AND temperature::text = $4::text::numeric::text \
     AND humidity::text = $5::text::numeric::text \
     AND light::text IS NOT DISTINCT FROM $6::text::numeric::text";

/// A PostgreSQL store that readings are imported into.
pub struct PostgresImport {
    shown: String,
    client: Client,
    /// The largest `id` before the import: readings above it are the import's own.
    before: i64,
}

impl std::fmt::Debug for PostgresImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresImport")
            .field("database", &self.shown)
            .finish_non_exhaustive()
    }
}

impl PostgresImport {
    /// Connects to the database at `url` with `password` (which the URL does not hold) and
    /// makes or migrates the tables, as [`PostgresStore::connect`](super::PostgresStore::connect)
    /// does.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::connect`](super::PostgresStore::connect).
    pub fn connect(url: &str, password: Option<&str>) -> Result<PostgresImport, StoreError> {
        let location = Location::parse(url, password)?;
        let shown = location.shown().to_owned();
        let mut client = location.config().connect(NoTls).map_err(|e| {
            StoreError::database(&shown, "connect to the database", Cause::of_connect(&e))
        })?;
        schema::bring_up_to_date(&mut client, &shown, schema::MIGRATIONS)?;
        let before: i64 = client
            .query_one("SELECT coalesce(max(id), 0)::bigint FROM readings", &[])
            .map_err(|e| StoreError::database(&shown, ACTION, Cause::new(&e)))?
            .get(0);
        Ok(PostgresImport {
            shown,
            client,
            before,
        })
    }
}

/// Which boards of `batch` had readings, stored before the import, in the batch's time range.
fn boards_to_check(
    tx: &mut Transaction<'_>,
    batch: &[StoredReading],
    before: i64,
) -> Result<Vec<String>, postgres::Error> {
    let mut checked = Vec::new();
    if before == 0 {
        return Ok(checked);
    }
    let any = tx.prepare(ANY_IN_RANGE)?;
    for (board, (from, to)) in board_ranges(batch) {
        let (from, to) = (SystemTime::from(from), SystemTime::from(to));
        if tx.query_one(&any, &[&board, &from, &to, &before])?.get(0) {
            checked.push(board.to_owned());
        }
    }
    Ok(checked)
}

impl PostgresImport {
    /// The batch in one transaction.
    fn import(&mut self, batch: &[StoredReading]) -> Result<Imported, postgres::Error> {
        let before = self.before;
        let mut tx = self.client.transaction()?;
        let checked = boards_to_check(&mut tx, batch, before)?;
        let same = if checked.is_empty() {
            None
        } else {
            Some(tx.prepare(SAME)?)
        };
        let store = to_store(
            batch,
            |board| checked.iter().any(|b| b == board),
            |row| {
                let Some(same) = &same else { return Ok(0) };
                let at = SystemTime::from(row.received_at);
                let light = row.light.as_ref().map(|l| l.as_str());
                let count: i64 = tx
                    .query_one(
                        same,
                        &[
                            &row.board,
                            &at,
                            &before,
                            &row.temperature.as_str(),
                            &row.humidity.as_str(),
                            &light,
                        ],
                    )?
                    .get(0);
                Ok::<_, postgres::Error>(count.unsigned_abs())
            },
        )?;
        let mut columns = Columns::default();
        let mut done = Imported::default();
        for (row, store) in batch.iter().zip(store) {
            if store {
                columns.push(row);
                done.added += 1;
            } else {
                done.present += 1;
            }
        }
        if done.added > 0 {
            tx.execute(
                INSERT,
                &[
                    &columns.received_at,
                    &columns.board,
                    &columns.temperature,
                    &columns.humidity,
                    &columns.light,
                ],
            )?;
        }
        tx.commit()?;
        Ok(done)
    }
}

/// The readings to insert, column by column, as the arrays of [`INSERT`].
#[derive(Default)]
struct Columns<'a> {
    received_at: Vec<SystemTime>,
    board: Vec<&'a str>,
    temperature: Vec<&'a str>,
    humidity: Vec<&'a str>,
    light: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn push(&mut self, row: &'a StoredReading) {
        self.received_at.push(SystemTime::from(row.received_at));
        self.board.push(&row.board);
        self.temperature.push(row.temperature.as_str());
        self.humidity.push(row.humidity.as_str());
        self.light.push(row.light.as_ref().map(|l| l.as_str()));
    }
}

impl BatchImport for PostgresImport {
    fn name(&self) -> &str {
        &self.shown
    }

    fn import_batch(&mut self, batch: &[StoredReading]) -> Result<Imported, StoreError> {
        self.import(batch)
            .map_err(|e| StoreError::database(&self.shown, ACTION, Cause::new(&e)))
    }
}

#[cfg(test)]
mod tests {
    use hexaboard_testkit::Postgres;

    use super::*;
    use crate::history::{History, Selection};
    use crate::import::fixtures::file;
    use crate::import::Importer;
    use crate::postgres::PostgresHistory;

    fn import(server: &Postgres, rows: Vec<StoredReading>, batch: usize) -> Imported {
        let target = PostgresImport::connect(&server.url(), None).unwrap();
        let mut importer = Importer::with_batch(Box::new(target), batch);
        for row in rows {
            importer.push(row).unwrap();
        }
        importer.finish().unwrap()
    }

    #[test]
    fn a_second_import_adds_nothing_more_and_numbers_come_back_as_written() {
        let server = Postgres::start().unwrap();
        assert_eq!(
            import(&server, file(), 1),
            Imported {
                added: 5,
                present: 0
            }
        );
        assert_eq!(
            import(&server, file(), 2),
            Imported {
                added: 0,
                present: 5
            }
        );
        let mut more = file();
        more.push(more[2].clone());
        assert_eq!(
            import(&server, more, 100),
            Imported {
                added: 1,
                present: 5
            }
        );
        let mut all = Vec::new();
        PostgresHistory::connect(&server.url(), None)
            .unwrap()
            .readings(&Selection::all(), &mut |r| {
                all.push(r);
                true
            })
            .unwrap();
        let mut expected = file();
        expected.push(expected[2].clone());
        assert_eq!(all, expected);
        let mut client = Client::connect(&server.url(), NoTls).unwrap();
        let row = client
            .query_one(
                "SELECT topic, board_timestamp IS NULL AND board_time IS NULL FROM readings \
                 LIMIT 1",
                &[],
            )
            .unwrap();
        assert_eq!(
            (row.get::<_, String>(0), row.get::<_, bool>(1)),
            (String::new(), true)
        );
    }
}
