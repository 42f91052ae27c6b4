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
//!
//! | file | holds |
//! | --- | --- |
//! | `writer.rs` | [`RowWriter`]: readings to rows |
//! | `stamp.rs` | the local receive time as the chapter writes it |
//! | `reader.rs` | [`RowReader`]: rows read back, [`Row`], [`RowError`] |

mod reader;
mod stamp;
#[cfg(test)]
mod tests;
mod writer;

pub use reader::{Row, RowError, RowReader};
pub use writer::{board_of_cell, RowWriter};

/// The chapter's header, column by column.
pub const HEADER: [&str; 5] = ["Timestamp", "Board", "Temperature", "Humidity", "Light"];

/// Whether `line`, the first line of a file (with or without its line end), is the chapter's
/// header. A UTF-8 byte order mark (a spreadsheet saved the file) and a LF line end are
/// accepted.
///
/// ```
/// use hexaboard_core::csv_row::is_header;
///
/// assert!(is_header(b"Timestamp,Board,Temperature,Humidity,Light\r\n"));
/// assert!(is_header("\u{feff}Timestamp,Board,Temperature,Humidity,Light\n".as_bytes()));
/// assert!(!is_header(b"name,score\r\n"));
/// ```
pub fn is_header(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    line.split(|&b| b == b',').eq(HEADER.map(str::as_bytes))
}
