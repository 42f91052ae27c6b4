//! [`RowWriter`]: readings written as the chapter's CSV rows, laid out and quoted by the
//! `csv` crate's writer.

use std::io::{self, Write as _};

use time::{OffsetDateTime, UtcOffset};

use super::stamp::SecondCache;
use super::HEADER;
use crate::number::Number;
use crate::reading::Reading;

/// Writes readings as the chapter's CSV rows.
///
/// Rows are buffered (8 KiB, like the `csv` crate's writer); call [`RowWriter::flush`] to hand
/// them to the underlying writer. [`RowWriter::format_reading`] makes a row without writing it,
/// for callers that write each row themselves.
///
/// Every row is laid out by the `csv` crate's writer (`csv_core`, the engine inside
/// `csv::Writer`), in the dialect of Python's `csv.writer`: comma, CRLF, a cell quoted only
/// when it holds `,`, `"`, CR or LF, which only a board id can. One writer serves every row,
/// so a row allocates nothing.
#[derive(Debug)]
pub struct RowWriter<W: io::Write> {
    out: io::BufWriter<W>,
    offset: UtcOffset,
    clock: SecondCache,
    csv: csv_core::Writer,
    /// The row being made, reused for every row.
    row: Vec<u8>,
    /// Reused for a board id written with its formula guard `'`, whatever its length.
    guarded: Vec<u8>,
}

/// Size of the buffer in front of the underlying writer.
const BUFFER: usize = 8 * 1024;

impl<W: io::Write> RowWriter<W> {
    /// A writer whose timestamps are local time at `offset` (read it once at start-up: the
    /// local offset cannot be read safely once threads run).
    pub fn new(inner: W, offset: UtcOffset) -> RowWriter<W> {
        RowWriter {
            out: io::BufWriter::with_capacity(BUFFER, inner),
            offset,
            clock: SecondCache::default(),
            csv: csv_core::WriterBuilder::new()
                .terminator(csv_core::Terminator::CRLF)
                .quote_style(csv_core::QuoteStyle::Necessary)
                .build(),
            row: Vec::with_capacity(128),
            guarded: Vec::new(),
        }
    }

    /// Writes the header row.
    ///
    /// # Errors
    ///
    /// The underlying writer's error.
    pub fn write_header(&mut self) -> io::Result<()> {
        self.row.clear();
        push_record(&mut self.csv, &mut self.row, HEADER.map(str::as_bytes));
        self.out.write_all(&self.row)?;
        self.out.flush()
    }

    /// Writes one reading received at `received_at`.
    ///
    /// A board id that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
    /// tab or CR) is written with a leading `'`, so opening the CSV runs nothing.
    ///
    /// # Errors
    ///
    /// The underlying writer's error.
    pub fn write_reading(
        &mut self,
        received_at: OffsetDateTime,
        reading: &Reading<'_>,
    ) -> io::Result<()> {
        self.format_reading(received_at, reading);
        self.out.write_all(&self.row)
    }

    /// Writes one row from its parts: a reading read back from a database (received at
    /// `received_at`, from `board`, with its numbers as the board sent them), laid out exactly
    /// as [`RowWriter::write_reading`] lays out a reading, formula guard included.
    ///
    /// # Errors
    ///
    /// The underlying writer's error.
    pub fn write_row(
        &mut self,
        received_at: OffsetDateTime,
        board: &str,
        temperature: Number,
        humidity: Number,
        light: Option<Number>,
    ) -> io::Result<()> {
        self.format_row(received_at, board, temperature, humidity, light);
        self.out.write_all(&self.row)
    }

    /// The row [`RowWriter::write_reading`] would write, CRLF included, made in memory
    /// without being written.
    pub fn format_reading(&mut self, received_at: OffsetDateTime, reading: &Reading<'_>) -> &[u8] {
        self.format_row(
            received_at,
            reading.board(),
            reading.temperature(),
            reading.humidity(),
            reading.light(),
        )
    }

    /// The row of these parts, CRLF included, made in memory: the one layout of every row.
    fn format_row(
        &mut self,
        received_at: OffsetDateTime,
        board: &str,
        temperature: Number,
        humidity: Number,
        light: Option<Number>,
    ) -> &[u8] {
        let stamp = self.clock.format(received_at, self.offset);
        let board = board.as_bytes();
        let light = light.as_ref().map_or(&b""[..], |l| l.as_bytes());
        let board = if needs_formula_guard(board) {
            self.guarded.clear();
            self.guarded.push(FORMULA_GUARD);
            self.guarded.extend_from_slice(board);
            &self.guarded
        } else {
            board
        };
        self.row.clear();
        let cells = [
            stamp,
            board,
            temperature.as_bytes(),
            humidity.as_bytes(),
            light,
        ];
        push_record(&mut self.csv, &mut self.row, cells);
        &self.row
    }

    /// The row last made by [`RowWriter::format_reading`] or [`RowWriter::write_reading`].
    pub fn row(&self) -> &[u8] {
        &self.row
    }

    /// Hands buffered rows to the underlying writer and flushes it.
    ///
    /// # Errors
    ///
    /// The underlying writer's error.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        self.out.get_ref()
    }

    /// Flushes and returns the underlying writer.
    ///
    /// # Errors
    ///
    /// The flush error, if any.
    pub fn into_inner(self) -> io::Result<W> {
        self.out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
    }
}

/// Lays `cells` out as one record at the end of `row`, CRLF included.
fn push_record<const N: usize>(csv: &mut csv_core::Writer, row: &mut Vec<u8>, cells: [&[u8]; N]) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            // A closing quote and the comma.
            with_room(row, 2, |out| csv.delimiter(out).1);
        }
        // `csv_core` writes at most two quotes and each byte twice.
        with_room(row, 2 + 2 * cell.len(), |out| csv.field(cell, out).2);
    }
    // A closing quote (or the `""` of an empty record) and CRLF.
    with_room(row, 4, |out| csv.terminator(out).1);
}

/// Lets `write` fill up to `room` bytes at the end of `row` and keeps the bytes it says it
/// wrote. Given the room `csv_core` documents, each step writes all it has.
fn with_room(row: &mut Vec<u8>, room: usize, write: impl FnOnce(&mut [u8]) -> usize) {
    let len = row.len();
    row.resize(len + room, 0);
    let written = write(&mut row[len..]);
    row.truncate(len + written);
}

/// The byte written before a board id a spreadsheet would run as a formula.
const FORMULA_GUARD: u8 = b'\'';

/// The board id of a Board cell as [`RowWriter`] writes it: the cell without the formula
/// guard `'` that the writer puts before an id a spreadsheet would run (`'=A` is board `=A`);
/// any other cell is the id itself.
///
/// ```
/// use hexaboard_core::csv_row::board_of_cell;
///
/// assert_eq!(board_of_cell("'=A"), "=A");
/// assert_eq!(board_of_cell("A"), "A");
/// assert_eq!(board_of_cell("'A"), "'A");
/// ```
pub fn board_of_cell(cell: &str) -> &str {
    match cell.as_bytes() {
        [FORMULA_GUARD, rest @ ..] if needs_formula_guard(rest) => &cell[1..],
        _ => cell,
    }
}

fn needs_formula_guard(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}
