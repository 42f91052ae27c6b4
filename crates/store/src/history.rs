//! Reading the readings back: [`History`], what a database store answers for `summary`,
//! `plot` and `export`.
//!
//! A [`Selection`] says which readings (a receive-time range, some boards); a
//! [`StoredReading`] is one of them as stored (numbers with the text the board sent, the
//! receive time in UTC). A database gives them all in the order it stored them
//! ([`History::readings`]), or per board the count, the first and last receive time and the
//! newest few ([`History::boards`]), from its index without reading every row. (The chapter's
//! CSV is read line by line with [`hexaboard_core::csv_row::RowReader`].)
//!
//! ```no_run
//! use hexaboard_store::history::{History, Selection};
//! use hexaboard_store::sqlite::SqliteHistory;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut history = SqliteHistory::open("readings.db")?;
//! for board in history.boards(&Selection::all().board("A"), 100)? {
//!     println!("{}: {} readings, the newest {}", board.board, board.readings, board.last);
//! }
//! # Ok(())
//! # }
//! ```

use hexaboard_core::number::Number;
use time::OffsetDateTime;

use crate::retention::{Period, Rollup};
use crate::StoreError;

/// Which readings: those received in `[from, to)` (either end open), of the boards named (all
/// when none is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The first receive time selected.
    pub from: Option<OffsetDateTime>,
    /// The first receive time no longer selected.
    pub to: Option<OffsetDateTime>,
    /// The boards selected; empty for all.
    pub boards: Vec<String>,
}

impl Selection {
    /// Every reading.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// Only readings received at `at` or later.
    pub fn from(mut self, at: OffsetDateTime) -> Selection {
        self.from = Some(at);
        self
    }

    /// Only readings received before `at`.
    pub fn to(mut self, at: OffsetDateTime) -> Selection {
        self.to = Some(at);
        self
    }

    /// Only readings of `board` (and of the others named so).
    pub fn board(mut self, board: impl Into<String>) -> Selection {
        self.boards.push(board.into());
        self
    }

    /// Whether a reading of `board` received at `at` is selected.
    pub fn contains(&self, board: &str, at: OffsetDateTime) -> bool {
        self.from.is_none_or(|from| at >= from)
            && self.to.is_none_or(|to| at < to)
            && (self.boards.is_empty() || self.boards.iter().any(|b| b == board))
    }
}

/// A reading as a store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReading {
    /// When the receiver got it, in UTC.
    pub received_at: OffsetDateTime,
    /// The board id.
    pub board: String,
    /// °C, with the text the board sent.
    pub temperature: Number,
    /// %, as sent.
    pub humidity: Number,
    /// Light, when sent.
    pub light: Option<Number>,
}

/// One board in a [`Selection`]: how many readings, over what time, and the newest few.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardHistory {
    /// The board id.
    pub board: String,
    /// Its selected readings.
    pub readings: u64,
    /// Receive time of the earliest.
    pub first: OffsetDateTime,
    /// Receive time of the latest.
    pub last: OffsetDateTime,
    /// The newest readings (by receive time, then storing order), oldest first.
    pub newest: Vec<StoredReading>,
}

/// What a store gives back of the readings it holds.
pub trait History {
    /// How messages name the store: a path, `sqlite:PATH`, or a URL without its password.
    fn name(&self) -> &str;

    /// Hands every selected reading to `each`, in the order they were stored (a database's
    /// `id`), until `each` returns `false` (it keeps its own error, if that is why).
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when the database cannot be read.
    fn readings(
        &mut self,
        selection: &Selection,
        each: &mut dyn FnMut(StoredReading) -> bool,
    ) -> Result<(), StoreError>;

    /// Every selected board, sorted by id, with its count, first and last receive time and
    /// its `newest` latest readings, answered from the store's index without reading every
    /// row.
    ///
    /// # Errors
    ///
    /// As [`History::readings`].
    fn boards(
        &mut self,
        selection: &Selection,
        newest: usize,
    ) -> Result<Vec<BoardHistory>, StoreError>;

    /// Hands each selected board's rollups of `period` (`readings_minute`, `readings_hour`:
    /// what a retention pass keeps of the readings, including those it deletes) whose period
    /// starts in the selection to `each`, by board and time, until `each` returns `false`.
    /// None before the first pass.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when the database cannot be read.
    fn rollups(
        &mut self,
        period: Period,
        selection: &Selection,
        each: &mut dyn FnMut(&str, Rollup) -> bool,
    ) -> Result<(), StoreError>;
}
