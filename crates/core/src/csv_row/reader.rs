//! [`RowReader`]: rows of the chapter's CSV read back for summaries, each bad line an error
//! with its line number.

use std::io;

use thiserror::Error;
use time::PrimitiveDateTime;

use super::HEADER;
use crate::number::Number;

/// A row read back from a CSV of the chapter's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file.
    pub line: u64,
    /// Local receive time.
    pub timestamp: PrimitiveDateTime,
    /// Board id (as written, including a formula guard `'`).
    pub board: String,
    /// Temperature in °C, if the cell is not empty, with the text written for it.
    pub temperature: Option<Number>,
    /// Humidity in %, if the cell is not empty.
    pub humidity: Option<Number>,
    /// Light, if the cell is not empty.
    pub light: Option<Number>,
}

/// A line of a CSV that is not a row of the chapter's shape.
#[derive(Debug, Error)]
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
    /// The file could not be read: what the operating system said.
    #[error("cannot read the CSV")]
    Io(#[source] io::Error),
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
                Err(e) => return Some(Err(read_error(e))),
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

fn read_error(e: csv::Error) -> RowError {
    let line = e.position().map_or(0, |p| p.line());
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => RowError::Io(io),
        _ => RowError::Line { line, message },
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
    // The chapter's program writes numbers as Python prints them, which JSON's grammar
    // reads back with their text; a hand-edited `+25` or `.5` is still a number.
    let number = |i: usize| -> Result<Option<Number>, RowError> {
        let text = cell(i)?.trim();
        if text.is_empty() || text == "None" {
            return Ok(None);
        }
        Number::parse_json(text)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(|v| Number::from_f64(v).ok())
            })
            .map(Some)
            .ok_or_else(|| bad(format!("{} `{text}` is not a number", HEADER[i])))
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
