//! [`RowWriter`]: readings written as the chapter's CSV rows, quoted by the `csv` crate.

use std::io::{self, Write as _};

use time::{OffsetDateTime, UtcOffset};

use super::stamp::SecondCache;
use super::HEADER;
use crate::reading::Reading;

/// Writes readings as the chapter's CSV rows.
///
/// Rows are buffered (8 KiB, like the `csv` crate's writer); call [`RowWriter::flush`] to hand
/// them to the underlying writer. [`RowWriter::format_reading`] makes a row without writing it,
/// for callers that write each row themselves.
///
/// The quoting is the `csv` crate's, in the dialect of Python's `csv.writer`: a cell is quoted
/// only when it holds `,`, `"`, CR or LF, which only a board id can.
#[derive(Debug)]
pub struct RowWriter<W: io::Write> {
    out: io::BufWriter<W>,
    offset: UtcOffset,
    clock: SecondCache,
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
        let mut csv = csv_writer(&mut self.out);
        csv.write_record(HEADER).map_err(into_io)?;
        csv.flush()
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
        self.format_reading(received_at, reading)?;
        self.out.write_all(&self.row)
    }

    /// The row [`RowWriter::write_reading`] would write, CRLF included, without writing it.
    ///
    /// # Errors
    ///
    /// None in practice: the row is made in memory.
    pub fn format_reading(
        &mut self,
        received_at: OffsetDateTime,
        reading: &Reading<'_>,
    ) -> io::Result<&[u8]> {
        let stamp = self.clock.format(received_at, self.offset);
        let board = reading.board().as_bytes();
        let (temperature, humidity, light) =
            (reading.temperature(), reading.humidity(), reading.light());
        let light = light.as_ref().map_or(&b""[..], |l| l.as_bytes());
        let board = if needs_formula_guard(board) {
            self.guarded.clear();
            self.guarded.push(b'\'');
            self.guarded.extend_from_slice(board);
            &self.guarded
        } else {
            board
        };
        self.row.clear();
        let mut csv = csv_writer(&mut self.row);
        csv.write_record([
            stamp,
            board,
            temperature.as_bytes(),
            humidity.as_bytes(),
            light,
        ])
        .map_err(into_io)?;
        csv.flush()?;
        drop(csv);
        Ok(&self.row)
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

/// The `csv` crate's writer for the chapter's dialect (what Python's `csv.writer` writes):
/// comma, quotes only where needed, CRLF.
fn csv_writer<W: io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .buffer_capacity(256)
        .from_writer(out)
}

fn needs_formula_guard(cell: &[u8]) -> bool {
    matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The `csv` writer's error as an I/O error: the underlying writer's own error when it is
/// one (its kind tells a full disk from the rest), else the `csv` error wrapped whole.
fn into_io(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        // `is_io_error` said it is one.
        _ => io::Error::from(io::ErrorKind::Other),
    }
}
