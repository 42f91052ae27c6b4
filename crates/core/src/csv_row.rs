//! The chapter's CSV rows, written and read back.
//!
//! The chapter's save program writes `sensor_data.csv` with Python's `csv` module: header
//! `Timestamp,Board,Temperature,Humidity,Light`, the local receive time as
//! `YYYY-MM-DD HH:MM:SS`, numbers as the board sent them, an empty cell for a missing value and
//! CRLF line ends. [`RowWriter`] writes exactly that to any [`std::io::Write`];
//! [`RowReader`] reads it back for summaries.
//!
//! ```
//! use hexaboard_core::csv_row::RowWriter;
//! use hexaboard_core::reading::ReadingParser;
//! use time::macros::{datetime, offset};
//!
//! let reading = ReadingParser::default()
//!     .parse(br#"{"board":"A","temperature":25,"humidity":60}"#, "hexaboard/A/sensor/data")
//!     .unwrap();
//! let mut rows = RowWriter::new(Vec::new(), offset!(+9));
//! rows.write_header().unwrap();
//! rows.write_reading(datetime!(2025-11-25 01:30:15 UTC), &reading).unwrap();
//! let text = String::from_utf8(rows.into_inner().unwrap()).unwrap();
//! assert_eq!(text, "Timestamp,Board,Temperature,Humidity,Light\r\n\
//!                   2025-11-25 10:30:15,A,25,60,\r\n");
//! ```

use std::io::{self, Write as _};

use thiserror::Error;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::reading::Reading;

/// The chapter's header, column by column.
pub const HEADER: [&str; 5] = ["Timestamp", "Board", "Temperature", "Humidity", "Light"];

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

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Formats local `YYYY-MM-DD HH:MM:SS` once per second: readings arrive many per second, and
/// a cached text makes the timestamp cost a comparison.
#[derive(Debug)]
struct SecondCache {
    unix: i64,
    offset: Option<UtcOffset>,
    text: [u8; 19],
    len: usize,
}

impl Default for SecondCache {
    fn default() -> SecondCache {
        SecondCache {
            unix: i64::MIN,
            offset: None,
            text: [0; 19],
            len: 0,
        }
    }
}

impl SecondCache {
    fn format(&mut self, at: OffsetDateTime, offset: UtcOffset) -> &[u8] {
        let unix = at.unix_timestamp();
        if unix != self.unix || self.offset != Some(offset) {
            let local = at.to_offset(offset);
            let text = local_text(local.date(), local.time());
            self.len = text.len().min(19);
            self.text[..self.len].copy_from_slice(&text.as_bytes()[..self.len]);
            self.unix = unix;
            self.offset = Some(offset);
        }
        &self.text[..self.len]
    }
}

/// `YYYY-MM-DD HH:MM:SS`, as Python's `strftime("%Y-%m-%d %H:%M:%S")`.
pub fn local_text(date: time::Date, time: time::Time) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.year(),
        u8::from(date.month()),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// A row read back from a CSV of the chapter's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file.
    pub line: u64,
    /// Local receive time.
    pub timestamp: PrimitiveDateTime,
    /// Board id (as written, including a formula guard `'`).
    pub board: String,
    /// Temperature in °C, if the cell is not empty.
    pub temperature: Option<f64>,
    /// Humidity in %, if the cell is not empty.
    pub humidity: Option<f64>,
    /// Light, if the cell is not empty.
    pub light: Option<f64>,
}

/// A line of a CSV that is not a row of the chapter's shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RowError {
    /// The first line is not the chapter's header.
    #[error("line 1: header is `{found}`, expected `Timestamp,Board,Temperature,Humidity,Light`")]
    Header {
        /// The header found.
        found: String,
    },
    /// A line that cannot be read as a row.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// The file could not be read.
    #[error("cannot read the CSV: {0}")]
    Io(String),
}

/// Reads rows of the chapter's CSV shape, one at a time.
///
/// A last line cut short (the writer was stopped mid-row, or is still writing it) is skipped
/// and reported by [`RowReader::partial_tail`], not as an error; a bad line anywhere else is a
/// [`RowError::Line`] with its line number, and reading goes on with the next line.
pub struct RowReader<R: io::Read> {
    records: csv::ByteRecordsIntoIter<R>,
    pending: Option<Result<csv::ByteRecord, csv::Error>>,
    header_checked: bool,
    partial_tail: Option<u64>,
}

impl<R: io::Read> RowReader<R> {
    /// A reader over `inner`, which starts with the header line.
    pub fn new(inner: R) -> RowReader<R> {
        // Lines end at `\n` (a CR before it is cut from the last cell): with CRLF as the
        // terminator the csv crate counts lines one short.
        let records = csv::ReaderBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_reader(inner)
            .into_byte_records();
        RowReader {
            records,
            pending: None,
            header_checked: false,
            partial_tail: None,
        }
    }

    /// The line number of a last line that was cut short and skipped, once reading is done.
    pub fn partial_tail(&self) -> Option<u64> {
        self.partial_tail
    }

    fn next_record(&mut self) -> Option<Result<csv::ByteRecord, csv::Error>> {
        self.pending.take().or_else(|| self.records.next())
    }
}

impl<R: io::Read> Iterator for RowReader<R> {
    type Item = Result<Row, RowError>;

    fn next(&mut self) -> Option<Result<Row, RowError>> {
        loop {
            let record = match self.next_record()? {
                Ok(record) => record,
                Err(e) => return Some(Err(read_error(&e))),
            };
            let line = record.position().map_or(0, |p| p.line());
            if !self.header_checked {
                self.header_checked = true;
                if cells(&record).ne(HEADER.iter().map(|h| h.as_bytes())) {
                    let found = cells(&record)
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect::<Vec<_>>()
                        .join(",");
                    return Some(Err(RowError::Header { found }));
                }
                continue;
            }
            if record.len() == 1 && cells(&record).all(<[u8]>::is_empty) {
                continue; // a blank line
            }
            let parsed = parse_row(line, &record);
            if parsed.is_err() {
                // Look ahead: a bad line with nothing after it is a row cut short.
                self.pending = self.records.next();
                if self.pending.is_none() {
                    self.partial_tail = Some(line);
                    return None;
                }
            }
            return Some(parsed);
        }
    }
}

/// The cells of a record, without the CR of a CRLF line end.
fn cells(record: &csv::ByteRecord) -> impl Iterator<Item = &[u8]> {
    let last = record.len().saturating_sub(1);
    record.iter().enumerate().map(move |(i, cell)| match cell {
        [rest @ .., b'\r'] if i == last => rest,
        _ => cell,
    })
}

fn read_error(e: &csv::Error) -> RowError {
    match e.kind() {
        csv::ErrorKind::Io(io) => RowError::Io(io.to_string()),
        _ => RowError::Line {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        },
    }
}

const TIMESTAMP: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

fn parse_row(line: u64, record: &csv::ByteRecord) -> Result<Row, RowError> {
    let bad = |message: String| RowError::Line { line, message };
    if record.len() != HEADER.len() {
        return Err(bad(format!("{} fields, expected 5", record.len())));
    }
    let cell = |i: usize| {
        let raw = cells(record).nth(i).unwrap_or_default();
        std::str::from_utf8(raw).map_err(|_| bad(format!("{} is not UTF-8 text", HEADER[i])))
    };
    let stamp = cell(0)?;
    let timestamp = PrimitiveDateTime::parse(stamp, TIMESTAMP)
        .map_err(|_| bad(format!("Timestamp `{stamp}` is not YYYY-MM-DD HH:MM:SS")))?;
    let number = |i: usize| -> Result<Option<f64>, RowError> {
        let text = cell(i)?.trim();
        if text.is_empty() || text == "None" {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(bad(format!("{} `{text}` is not a number", HEADER[i]))),
        }
    };
    let board = cell(1)?;
    if board.is_empty() {
        return Err(bad("Board is empty".to_owned()));
    }
    Ok(Row {
        line,
        timestamp,
        board: board.to_owned(),
        temperature: number(2)?,
        humidity: number(3)?,
        light: number(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Number;
    use time::macros::{datetime, offset};

    fn reading(board: &str, t: &str, h: &str, light: Option<&str>) -> Reading<'static> {
        let n = |s: &str| Number::parse_json(s).unwrap();
        Reading::new(board.to_owned(), n(t), n(h), light.map(n), None)
    }

    fn written(rows: &[(OffsetDateTime, Reading<'_>)]) -> String {
        let mut w = RowWriter::new(Vec::new(), offset!(+9));
        w.write_header().unwrap();
        for (at, r) in rows {
            w.write_reading(*at, r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn board_ids_are_quoted_only_where_python_quotes_them() {
        let table = [
            ("A", "A"),
            ("거실", "거실"),
            ("lab 1", "lab 1"),
            ("it's", "it's"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("-1", "'-1"),
            ("@x,y", "\"'@x,y\""),
        ];
        for (board, cell) in table {
            let text = written(&[(
                datetime!(2025-11-25 01:30:15 UTC),
                reading(board, "25", "60", Some("800")),
            )]);
            let row = text.split_once("\r\n").unwrap().1;
            assert_eq!(
                row,
                format!("2025-11-25 10:30:15,{cell},25,60,800\r\n"),
                "board {board:?}"
            );
        }
    }

    #[test]
    fn rows_match_the_chapters_csv_byte_for_byte() {
        let text = written(&[
            (
                datetime!(2025-11-25 01:30:15 UTC),
                reading("A", "25", "60", Some("800")),
            ),
            (
                datetime!(2025-11-25 01:30:20 UTC),
                reading("A", "26", "61", Some("810")),
            ),
            (
                datetime!(2025-11-25 01:30:25 UTC),
                reading("B", "24.5", "58.0", None),
            ),
        ]);
        assert_eq!(
            text,
            "Timestamp,Board,Temperature,Humidity,Light\r\n\
             2025-11-25 10:30:15,A,25,60,800\r\n\
             2025-11-25 10:30:20,A,26,61,810\r\n\
             2025-11-25 10:30:25,B,24.5,58.0,\r\n"
        );
    }

    #[test]
    fn the_cached_second_changes_with_time_and_offset() {
        let r = reading("A", "1", "2", None);
        let mut w = RowWriter::new(Vec::new(), offset!(UTC));
        w.write_reading(datetime!(2025-01-01 00:00:00.1 UTC), &r)
            .unwrap();
        w.write_reading(datetime!(2025-01-01 00:00:00.9 UTC), &r)
            .unwrap();
        w.write_reading(datetime!(2025-01-01 00:00:01 UTC), &r)
            .unwrap();
        w.write_reading(datetime!(2025-01-01 09:00:01 +09:00), &r)
            .unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let stamps: Vec<&str> = text.lines().map(|l| &l[..19]).collect();
        assert_eq!(
            stamps,
            [
                "2025-01-01 00:00:00",
                "2025-01-01 00:00:00",
                "2025-01-01 00:00:01",
                "2025-01-01 00:00:01"
            ]
        );
    }

    #[test]
    fn a_long_board_id_keeps_every_byte_behind_its_guard() {
        let board = format!("@{}", "x".repeat(100));
        let text = written(&[(
            datetime!(2025-11-25 01:30:15 UTC),
            reading(&board, "1", "2", None),
        )]);
        let row = text.split("\r\n").nth(1).unwrap();
        assert_eq!(row, format!("2025-11-25 10:30:15,'{board},1,2,"));
    }

    #[test]
    fn board_ids_that_spreadsheets_would_run_are_guarded() {
        let text = written(&[
            (
                datetime!(2025-11-25 01:30:15 UTC),
                reading("=HYPERLINK(\"x\")", "-3", "60", None),
            ),
            (
                datetime!(2025-11-25 01:30:15 UTC),
                reading("a,b", "1", "2", None),
            ),
        ]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[1],
            "2025-11-25 10:30:15,\"'=HYPERLINK(\"\"x\"\")\",-3,60,"
        );
        assert_eq!(lines[2], "2025-11-25 10:30:15,\"a,b\",1,2,");
    }

    #[test]
    fn rows_read_back_with_line_numbers_and_empty_cells() {
        let text = written(&[
            (
                datetime!(2025-11-25 01:30:15 UTC),
                reading("A", "25", "60", Some("800")),
            ),
            (
                datetime!(2025-11-25 01:30:25 UTC),
                reading("B", "24.5", "58", None),
            ),
        ]);
        let rows: Vec<Row> = RowReader::new(text.as_bytes())
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].timestamp, datetime!(2025-11-25 10:30:15));
        assert_eq!(
            (rows[1].board.as_str(), rows[1].temperature, rows[1].light),
            ("B", Some(24.5), None)
        );
    }

    #[test]
    fn a_trailing_partial_line_is_skipped_and_reported() {
        let text = "Timestamp,Board,Temperature,Humidity,Light\r\n\
                    2025-11-25 10:30:15,A,25,60,\r\n\
                    2025-11-25 10:30:20,A,2";
        let mut reader = RowReader::new(text.as_bytes());
        let rows: Vec<_> = reader.by_ref().collect();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].is_ok());
        assert_eq!(reader.partial_tail(), Some(3));
    }

    #[test]
    fn bad_lines_in_the_middle_are_errors_with_their_line_number() {
        let text = "Timestamp,Board,Temperature,Humidity,Light\r\n\
                    2025-11-25 10:30:15,A,hot,60,\r\n\
                    yesterday,A,25,60,\r\n\
                    2025-11-25 10:30:25,B,24,58,\r\n";
        let mut reader = RowReader::new(text.as_bytes());
        let results: Vec<_> = reader.by_ref().collect();
        assert_eq!(
            results[0].as_ref().unwrap_err().to_string(),
            "line 2: Temperature `hot` is not a number"
        );
        assert_eq!(
            results[1].as_ref().unwrap_err().to_string(),
            "line 3: Timestamp `yesterday` is not YYYY-MM-DD HH:MM:SS"
        );
        assert_eq!(results[2].as_ref().unwrap().board, "B");
        assert_eq!(reader.partial_tail(), None);
    }

    #[test]
    fn a_file_with_another_header_is_refused() {
        let mut reader = RowReader::new("time,temp\r\n1,2\r\n".as_bytes());
        assert_eq!(
            reader.next().unwrap().unwrap_err().to_string(),
            "line 1: header is `time,temp`, expected `Timestamp,Board,Temperature,Humidity,Light`"
        );
    }
}
