//! Opening the CSV: create it with the chapter's header, or check the header of the file that
//! is there and continue it on a fresh line.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use hexaboard_core::csv_row::{is_header, RowWriter};
use time::UtcOffset;

use super::error::StoreError;
use super::seen::{read_at_most, sync_dir};

/// A CSV file opened for appending.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) file: File,
    /// Device and inode, to notice the path being moved away or replaced.
    pub(crate) identity: (u64, u64),
    /// A regular file (not `/dev/stdout`, `/dev/full`, a FIFO).
    pub(crate) regular: bool,
    pub(crate) created: bool,
    pub(crate) repaired_cut_row: bool,
}

/// The longest first line read to compare with the header.
const HEADER_PROBE: usize = 4096;

/// Opens `path` for appending rows: see [`super::CsvStore::open`] for the rules.
pub(crate) fn open_csv(path: &Path) -> Result<Opened, StoreError> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| StoreError::open(path, e))?;
    let meta = file.metadata().map_err(|e| StoreError::read(path, e))?;
    let mut opened = Opened {
        identity: (meta.dev(), meta.ino()),
        regular: meta.is_file(),
        created: false,
        repaired_cut_row: false,
        file,
    };
    if !opened.regular || meta.len() == 0 {
        // A device or a pipe cannot be read back: it gets the header, like a new file.
        // The header line, as the row writer has the csv crate write it.
        let mut header = RowWriter::new(Vec::new(), UtcOffset::UTC);
        let header = header
            .write_header()
            .and_then(|()| header.into_inner())
            .map_err(|e| StoreError::write(path, e))?;
        write_all(&opened.file, path, &header)?;
        opened.created = true;
        if opened.regular {
            opened
                .file
                .sync_data()
                .map_err(|e| StoreError::sync(path, e))?;
            sync_dir(path);
        }
        return Ok(opened);
    }
    check_header(&opened.file, path)?;
    opened.repaired_cut_row = start_on_new_line(&opened.file, path)?;
    Ok(opened)
}

/// Refuses a file whose first line is not the chapter's header. A UTF-8 byte order mark (a
/// spreadsheet saved the file) and a LF line end are accepted.
fn check_header(file: &File, path: &Path) -> Result<(), StoreError> {
    let mut probe = [0u8; HEADER_PROBE];
    let got = read_at_most(file, &mut probe, 0).map_err(|e| StoreError::read(path, e))?;
    let probe = &probe[..got];
    let line = match probe.iter().position(|&b| b == b'\n') {
        Some(end) => &probe[..end],
        None => probe,
    };
    if is_header(line) {
        return Ok(());
    }
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut found = String::from_utf8_lossy(line).into_owned();
    if found.chars().count() > 80 {
        found = found.chars().take(80).collect::<String>() + "...";
    }
    Err(StoreError::Header {
        path: path.to_owned(),
        found,
    })
}

/// Ends a last line cut short (a crash mid-row, a write that failed half-way) so the next row
/// starts on a line of its own. Returns whether a line end was written.
pub(crate) fn start_on_new_line(file: &File, path: &Path) -> Result<bool, StoreError> {
    start_on_new_line_with(file, path, b"\r\n")
}

/// Like [`start_on_new_line`], with `ending` as the line end (`\r\n` or `\n`).
pub(crate) fn start_on_new_line_with(
    file: &File,
    path: &Path,
    ending: &[u8],
) -> Result<bool, StoreError> {
    let len = file
        .metadata()
        .map_err(|e| StoreError::read(path, e))?
        .len();
    if len == 0 {
        return Ok(false);
    }
    let mut last = [0u8; 1];
    read_at_most(file, &mut last, len - 1).map_err(|e| StoreError::read(path, e))?;
    let end = match last[0] {
        b'\n' => return Ok(false),
        b'\r' => ending.strip_prefix(b"\r").unwrap_or(ending),
        _ => ending,
    };
    write_all(file, path, end)?;
    Ok(true)
}

/// Hands `bytes` to the operating system: one `write` unless the kernel takes them in parts.
///
/// When a `write` fails after part of `bytes` went in (the disk filled up mid-row), that part
/// is cut off again, so a regular file never ends in half a row: the file is this program's
/// alone, so its last bytes are those just written. (If the cut fails too, the caller starts
/// the next row on a new line.)
pub(crate) fn write_all(file: &File, path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_all_or_keep(file, path, bytes).map_err(|(error, _)| error)
}

/// [`write_all`], saying on failure how many of the first bytes are still in the file: 0 when
/// nothing went in or the part that did was cut off again, more when it could not be cut off
/// (a pipe or device, or the cut failed).
pub(crate) fn write_all_or_keep(
    mut file: &File,
    path: &Path,
    bytes: &[u8],
) -> Result<(), (StoreError, usize)> {
    let mut written = 0;
    while written < bytes.len() {
        let error = match file.write(&bytes[written..]) {
            Ok(0) => io::ErrorKind::WriteZero.into(),
            Ok(n) => {
                written += n;
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => e,
        };
        let kept = if take_back(file, written) { 0 } else { written };
        return Err((StoreError::write(path, error), kept));
    }
    Ok(())
}

/// Cuts the last `n` bytes off a regular file (the part of a row that went in before a write
/// failed). Returns whether the file is back where it was.
fn take_back(file: &File, n: usize) -> bool {
    if n == 0 {
        return true;
    }
    match file.metadata() {
        Ok(meta) if meta.is_file() => file.set_len(meta.len().saturating_sub(n as u64)).is_ok(),
        _ => false,
    }
}
