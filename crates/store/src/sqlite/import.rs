//! [`SqliteImport`]: readings of the chapter's CSV put into a SQLite store, a batch per
//! transaction, none twice (see [`crate::import`]).

use std::path::Path;

use rusqlite::{params, Connection, TransactionBehavior};
use time::OffsetDateTime;

use super::error::Location;
use super::open::open_database;
use super::{values, SqliteOptions};
use crate::history::StoredReading;
use crate::import::{board_ranges, to_store, BatchImport, Imported};
use crate::StoreError;

const ACTION: &str = "import readings";

/// The columns are named, so that a schema with more columns (all nullable) takes the row.
/// An imported reading has no topic (empty), board timestamp or board time (null).
const INSERT: &str =
    "INSERT INTO readings (received_at, board, temperature, humidity, light, topic) \
     VALUES (?1, ?2, ?3, ?4, ?5, '')";

/// Whether board `?1` has a reading stored before the import (`id <= ?4`) received in
/// `[?2, ?3]`: one look at the `(board, received_at)` index, which holds the `id` too.
const ANY_IN_RANGE: &str = "SELECT EXISTS (SELECT 1 FROM readings \
     WHERE board = ?1 AND received_at BETWEEN ?2 AND ?3 AND id <= ?4)";

/// How many readings stored before the import (`id <= ?3`) are this one, numbers compared
/// with their storage type (`25` is not `25.0`).
const SAME: &str = "SELECT count(*) FROM readings \
     WHERE board = ?1 AND received_at = ?2 AND id <= ?3 \
     AND temperature = ?4 AND typeof(temperature) = typeof(?4) \
     AND humidity = ?5 AND typeof(humidity) = typeof(?5) \
     AND light IS ?6 AND typeof(light) = typeof(?6)";

/// WAL pages after which a commit checkpoints: the store's own checkpoints run on the
/// recorder's thread, which an import does not have, and a long import must not grow the
/// log without end.
const AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// A SQLite store that readings are imported into.
#[derive(Debug)]
pub struct SqliteImport {
    at: Location,
    conn: Connection,
    /// The largest `id` before the import: readings above it are the import's own.
    before: i64,
    received_at: TimeText,
}

/// The schema's text of a receive time, made again only when the time changes: the readings
/// of the boards come a second at a time.
#[derive(Debug, Default)]
struct TimeText {
    at: Option<OffsetDateTime>,
    text: String,
}

impl TimeText {
    fn of(&mut self, at: OffsetDateTime) -> &str {
        if self.at != Some(at) {
            values::received_at(at, &mut self.text);
            self.at = Some(at);
        }
        &self.text
    }
}

impl SqliteImport {
    /// Opens the database at `path`, creating the file and the schema when they are missing,
    /// as [`SqliteStore::open`](super::SqliteStore::open) does.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`](super::SqliteStore::open).
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteImport, StoreError> {
        let at = Location::new(path.as_ref());
        let conn = open_database(&at, &SqliteOptions::default())?;
        let fail = |e| at.error(ACTION, e);
        conn.pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_PAGES)
            .map_err(fail)?;
        let before: i64 = conn
            .query_row("SELECT coalesce(max(id), 0) FROM readings", [], |row| {
                row.get(0)
            })
            .map_err(fail)?;
        Ok(SqliteImport {
            at,
            conn,
            before,
            received_at: TimeText::default(),
        })
    }

    /// The batch in one transaction.
    fn import(&mut self, batch: &[StoredReading]) -> rusqlite::Result<Imported> {
        let before = self.before;
        let text = &mut self.received_at;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut checked = Vec::new();
        if before > 0 {
            let mut any = tx.prepare_cached(ANY_IN_RANGE)?;
            let (mut first, mut last) = (String::new(), String::new());
            for (board, (from, to)) in board_ranges(batch) {
                values::received_at(from, &mut first);
                values::received_at(to, &mut last);
                if any.query_row(params![board, first, last, before], |row| row.get(0))? {
                    checked.push(board.to_owned());
                }
            }
        }
        let store = to_store(
            batch,
            |board| checked.iter().any(|b| b == board),
            |row| {
                let count: i64 = tx.prepare_cached(SAME)?.query_row(
                    params![
                        row.board,
                        text.of(row.received_at),
                        before,
                        values::number(row.temperature),
                        values::number(row.humidity),
                        row.light.map(values::number),
                    ],
                    |row| row.get(0),
                )?;
                Ok::<_, rusqlite::Error>(count.unsigned_abs())
            },
        )?;
        let mut done = Imported::default();
        {
            let mut insert = tx.prepare_cached(INSERT)?;
            for (row, store) in batch.iter().zip(store) {
                if !store {
                    done.present += 1;
                    continue;
                }
                insert.execute(params![
                    text.of(row.received_at),
                    row.board,
                    values::number(row.temperature),
                    values::number(row.humidity),
                    row.light.map(values::number),
                ])?;
                done.added += 1;
            }
        }
        tx.commit()?;
        Ok(done)
    }
}

impl BatchImport for SqliteImport {
    fn name(&self) -> &str {
        &self.at.name
    }

    fn import_batch(&mut self, batch: &[StoredReading]) -> Result<Imported, StoreError> {
        self.import(batch).map_err(|e| self.at.error(ACTION, e))
    }
}

impl Drop for SqliteImport {
    /// Folds the write-ahead log into the database, so that the file is whole by itself.
    fn drop(&mut self) {
        // Committed batches are safe in the log whatever happens here; a checkpoint that
        // fails now is run by the next connection.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::history::{History, Selection};
    use crate::import::fixtures::{file, reading};
    use crate::import::Importer;
    use crate::sqlite::SqliteHistory;

    fn import(path: &Path, rows: Vec<StoredReading>, batch: usize) -> Imported {
        let mut importer = Importer::with_batch(Box::new(SqliteImport::open(path).unwrap()), batch);
        for row in rows {
            importer.push(row).unwrap();
        }
        importer.finish().unwrap()
    }

    fn stored(path: &Path) -> Vec<StoredReading> {
        let mut all = Vec::new();
        SqliteHistory::open(path)
            .unwrap()
            .readings(&Selection::all(), &mut |r| {
                all.push(r);
                true
            })
            .unwrap();
        all
    }

    #[test]
    fn a_second_import_adds_nothing_and_numbers_come_back_as_written() {
        for batch in [1, 2, 100] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("readings.db");
            let first = import(&path, file(), batch);
            assert_eq!(
                first,
                Imported {
                    added: 5,
                    present: 0
                },
                "batch {batch}"
            );
            let again = import(&path, file(), batch);
            assert_eq!(
                again,
                Imported {
                    added: 0,
                    present: 5
                },
                "batch {batch}"
            );
            assert_eq!(stored(&path), file());
        }
    }

    #[test]
    fn readings_of_several_batches_go_in_in_their_order_and_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readings.db");
        let start = datetime!(2025-11-25 01:30:00 UTC);
        let rows: Vec<StoredReading> = (0..197)
            .map(|i| {
                let light = (i % 3 == 0).then(|| format!("{i}"));
                let t = format!("{}.{}", 20 + i % 7, i % 10);
                let at = start + time::Duration::seconds(i / 2);
                reading(&format!("b{}", i % 4), at, &t, light.as_deref())
            })
            .collect();
        let n = rows.len() as u64;
        assert_eq!(
            import(&path, rows.clone(), 1000),
            Imported {
                added: n,
                present: 0
            }
        );
        assert_eq!(
            import(&path, rows.clone(), 50),
            Imported {
                added: 0,
                present: n
            }
        );
        assert_eq!(stored(&path), rows);
    }

    #[test]
    fn a_file_with_one_more_copy_adds_that_copy_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readings.db");
        import(&path, file(), 100);
        let mut more = file();
        more.push(more[0].clone());
        assert_eq!(
            import(&path, more, 100),
            Imported {
                added: 1,
                present: 5
            }
        );
        assert_eq!(stored(&path).len(), 6);
    }

    #[test]
    fn imported_readings_have_an_empty_topic_and_no_board_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readings.db");
        import(&path, file(), 100);
        let db = Connection::open(&path).unwrap();
        let row: (String, Option<f64>, Option<String>, String) = db
            .query_row(
                "SELECT topic, board_timestamp, board_time, typeof(temperature) FROM readings \
                 ORDER BY id LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, (String::new(), None, None, "integer".to_owned()));
    }
}
