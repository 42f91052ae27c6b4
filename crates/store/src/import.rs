//! Readings of the chapter's CSV put into a database, so that importing the same file twice
//! adds nothing: [`Importer`] gathers readings into batches, a [`BatchImport`]
//! ([`SqliteImport`](crate::sqlite::SqliteImport),
//! [`PostgresImport`](crate::postgres::PostgresImport)) stores each batch in one transaction
//! and says how many it [`Imported`].
//!
//! ```no_run
//! use hexaboard_core::number::Number;
//! use hexaboard_store::history::StoredReading;
//! use hexaboard_store::import::Importer;
//! use hexaboard_store::sqlite::SqliteImport;
//! use time::macros::datetime;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let n = |text| Number::parse_json(text).expect("a number");
//! let mut importer = Importer::new(Box::new(SqliteImport::open("readings.db")?));
//! importer.push(StoredReading {
//!     received_at: datetime!(2025-11-25 01:30:15 UTC),
//!     board: "A".to_owned(),
//!     temperature: n("25"),
//!     humidity: n("60"),
//!     light: None,
//! })?;
//! let imported = importer.finish()?;
//! println!("{} added, {} already there", imported.added, imported.present);
//! # Ok(())
//! # }
//! ```
//!
//! # Already there
//!
//! A reading is already there when the database held, before the import began, a reading
//! with the same board, receive time, temperature, humidity and light, compared as stored
//! (`25` and `25.0` differ). Multiplicity is kept: a file with two identical rows adds two,
//! and importing it again adds none. A batch is checked against the readings stored before
//! the import began (those with an `id` up to the largest one then), so rows the import
//! itself added never hide a later row of the same file. Identical rows are counted within a
//! batch, and a batch never ends inside a second of receive time, so in a file in time order
//! (as the recorder writes it) identical rows are always counted together.
//!
//! # Fast
//!
//! For each board of a batch, one query on the `(board, received_at)` index asks whether the
//! database held any of its readings in the batch's time range; only the readings of boards
//! that have some are looked up one by one. Into a new database, every batch is inserted
//! without a look-up.

use std::collections::{BTreeMap, HashMap};
use std::ops::AddAssign;

use time::OffsetDateTime;

use crate::history::StoredReading;
use crate::StoreError;

/// Readings put in one transaction, at least: a batch goes on to the end of its last second.
pub const DEFAULT_BATCH: usize = 10_000;

/// How many readings an import added, and how many were already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    /// Readings stored.
    pub added: u64,
    /// Readings not stored because the database already held them.
    pub present: u64,
}

impl AddAssign for Imported {
    fn add_assign(&mut self, other: Imported) {
        self.added += other.added;
        self.present += other.present;
    }
}

/// A database that takes readings a batch at a time.
pub trait BatchImport {
    /// How messages name the database: `sqlite:PATH`, or the URL without its password.
    fn name(&self) -> &str;

    /// Stores the readings of `batch` that the database did not hold before the import
    /// began (see [the module](self)), in one transaction, in the batch's order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when the database cannot be read or written: nothing of the
    /// batch is stored.
    fn import_batch(&mut self, batch: &[StoredReading]) -> Result<Imported, StoreError>;
}

/// Gathers readings into batches of [`DEFAULT_BATCH`] (or more, to the end of a second) and
/// hands each to a [`BatchImport`].
pub struct Importer {
    target: Box<dyn BatchImport>,
    rows: Vec<StoredReading>,
    size: usize,
    done: Imported,
}

impl std::fmt::Debug for Importer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Importer")
            .field("target", &self.target.name())
            .field("size", &self.size)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Importer {
    /// An importer into `target`.
    pub fn new(target: Box<dyn BatchImport>) -> Importer {
        Importer::with_batch(target, DEFAULT_BATCH)
    }

    /// An importer into `target` whose batches hold at least `size` readings (one at least).
    pub fn with_batch(target: Box<dyn BatchImport>, size: usize) -> Importer {
        let size = size.max(1);
        Importer {
            target,
            rows: Vec::with_capacity(size),
            size,
            done: Imported::default(),
        }
    }

    /// The database, as messages name it.
    pub fn name(&self) -> &str {
        self.target.name()
    }

    /// Adds `reading`; stores the batch before it when that batch is full and `reading`
    /// starts a new second.
    ///
    /// # Errors
    ///
    /// As [`BatchImport::import_batch`].
    pub fn push(&mut self, reading: StoredReading) -> Result<(), StoreError> {
        let full = self.rows.len() >= self.size
            && self.rows.last().is_some_and(|last| {
                last.received_at.unix_timestamp() != reading.received_at.unix_timestamp()
            });
        if full {
            self.flush()?;
        }
        self.rows.push(reading);
        Ok(())
    }

    /// Stores what is left and says how many readings were added and already there.
    ///
    /// # Errors
    ///
    /// As [`BatchImport::import_batch`].
    pub fn finish(mut self) -> Result<Imported, StoreError> {
        self.flush()?;
        Ok(self.done)
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if !self.rows.is_empty() {
            self.done += self.target.import_batch(&self.rows)?;
            self.rows.clear();
        }
        Ok(())
    }
}

/// Each board of `batch` with the first and last receive time of its readings there.
pub(crate) fn board_ranges(
    batch: &[StoredReading],
) -> BTreeMap<&str, (OffsetDateTime, OffsetDateTime)> {
    let mut ranges: BTreeMap<&str, (OffsetDateTime, OffsetDateTime)> = BTreeMap::new();
    for row in batch {
        let at = row.received_at;
        ranges
            .entry(&row.board)
            .and_modify(|(first, last)| {
                *first = (*first).min(at);
                *last = (*last).max(at);
            })
            .or_insert((at, at));
    }
    ranges
}

/// What a reading is compared by: its board, receive time and numbers' texts.
type Key<'a> = (&'a str, OffsetDateTime, &'a str, &'a str, Option<&'a str>);

fn key(row: &StoredReading) -> Key<'_> {
    (
        &row.board,
        row.received_at,
        row.temperature.as_str(),
        row.humidity.as_str(),
        row.light.as_ref().map(|l| l.as_str()),
    )
}

/// Which readings of `batch` to store: all of a board for which `checked` is false; of the
/// others, each group of identical readings less the copies the database holds, as `stored`
/// counts them (asked once per group).
///
/// # Errors
///
/// `stored`'s error.
pub(crate) fn to_store<E>(
    batch: &[StoredReading],
    checked: impl Fn(&str) -> bool,
    mut stored: impl FnMut(&StoredReading) -> Result<u64, E>,
) -> Result<Vec<bool>, E> {
    let mut copies: HashMap<Key<'_>, (usize, u64)> = HashMap::new();
    for (i, row) in batch.iter().enumerate() {
        if checked(&row.board) {
            copies.entry(key(row)).or_insert((i, 0)).1 += 1;
        }
    }
    let mut there: HashMap<Key<'_>, u64> = HashMap::with_capacity(copies.len());
    for (key, (first, count)) in copies {
        let held = stored(&batch[first])?.min(count);
        if held > 0 {
            there.insert(key, held);
        }
    }
    Ok(batch
        .iter()
        .map(|row| {
            if there.is_empty() {
                return true;
            }
            match there.get_mut(&key(row)) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => true,
            }
        })
        .collect())
}

/// Readings the import tests of both databases put in.
#[cfg(test)]
pub(crate) mod fixtures {
    use hexaboard_core::number::Number;
    use time::macros::datetime;
    use time::OffsetDateTime;

    use crate::history::StoredReading;

    /// A reading of `board` at `at` with temperature `t` as written, humidity 60 and `light`.
    pub(crate) fn reading(
        board: &str,
        at: OffsetDateTime,
        t: &str,
        light: Option<&str>,
    ) -> StoredReading {
        let n = |s: &str| Number::parse_json(s).unwrap();
        StoredReading {
            received_at: at,
            board: board.to_owned(),
            temperature: n(t),
            humidity: n("60"),
            light: light.map(n),
        }
    }

    /// A small file: two identical readings, `25` beside `25.0`, a guarded board, a light.
    pub(crate) fn file() -> Vec<StoredReading> {
        let at = datetime!(2025-11-25 01:30:15 UTC);
        vec![
            reading("A", at, "25", None),
            reading("A", at, "25", None),
            reading("A", at, "25.0", None),
            reading("=B", at, "25.5", Some("800")),
            reading("A", datetime!(2025-11-25 01:30:20 UTC), "26", None),
        ]
    }
}

#[cfg(test)]
mod tests {
    use hexaboard_core::number::Number;
    use time::macros::datetime;

    use super::*;

    fn row(board: &str, second: i64, t: &str) -> StoredReading {
        let n = |s: &str| Number::parse_json(s).unwrap();
        StoredReading {
            received_at: datetime!(2025-11-25 01:30:00 UTC) + time::Duration::seconds(second),
            board: board.to_owned(),
            temperature: n(t),
            humidity: n("60"),
            light: None,
        }
    }

    #[test]
    fn identical_readings_are_stored_as_often_as_the_database_lacks_them() {
        let batch = [
            row("A", 0, "25"),
            row("A", 0, "25"),
            row("A", 0, "25.0"),
            row("B", 0, "25"),
        ];
        let store = to_store(
            &batch,
            |b| b == "A",
            |r: &StoredReading| Ok::<_, ()>(u64::from(r.temperature.as_str() == "25")),
        );
        assert_eq!(store, Ok(vec![false, true, true, true]));
    }

    #[test]
    fn boards_not_checked_are_stored_without_asking() {
        let batch = [row("A", 0, "25"), row("B", 1, "26")];
        let store = to_store(&batch, |_| false, |_: &StoredReading| Err("asked"));
        assert_eq!(store, Ok(vec![true, true]));
    }

    #[test]
    fn each_board_has_the_range_of_its_readings() {
        let batch = [
            row("A", 5, "1"),
            row("B", 2, "1"),
            row("A", 1, "1"),
            row("A", 3, "1"),
        ];
        let ranges = board_ranges(&batch);
        assert_eq!(
            ranges["A"],
            (row("A", 1, "1").received_at, row("A", 5, "1").received_at)
        );
        assert_eq!(
            ranges["B"],
            (row("B", 2, "1").received_at, row("B", 2, "1").received_at)
        );
    }

    /// Keeps the size of every batch it is given.
    struct Sizes(std::rc::Rc<std::cell::RefCell<Vec<usize>>>);

    impl BatchImport for Sizes {
        fn name(&self) -> &str {
            "sizes"
        }

        fn import_batch(&mut self, batch: &[StoredReading]) -> Result<Imported, StoreError> {
            self.0.borrow_mut().push(batch.len());
            Ok(Imported {
                added: batch.len() as u64,
                present: 0,
            })
        }
    }

    #[test]
    fn a_batch_ends_only_where_a_new_second_begins() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut importer = Importer::with_batch(Box::new(Sizes(seen.clone())), 2);
        for second in [0, 0, 0, 1, 2, 2, 3] {
            importer.push(row("A", second, "25")).unwrap();
        }
        let done = importer.finish().unwrap();
        assert_eq!(*seen.borrow(), vec![3, 3, 1]);
        assert_eq!(
            done,
            Imported {
                added: 7,
                present: 0
            }
        );
    }
}
