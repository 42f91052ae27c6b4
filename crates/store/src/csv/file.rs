//! Opening the CSV: create it with the chapter's header, or check the header of the file that
//! is there and continue it after its last whole row.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use hexaboard_core::csv_row::{is_header, RowWriter};
use time::UtcOffset;

use crate::append::{
    read_at_most, remove_cut_last_line, start_on_new_line_with, sync_dir, write_all,
};
use crate::error::StoreError;

/// A CSV file opened for appending.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) file: File,
    /// Device and inode, to notice the path being moved away or replaced.
    pub(crate) identity: (u64, u64),
    /// A regular file (not `/dev/stdout`, `/dev/full`, a FIFO).
    pub(crate) regular: bool,
    pub(crate) created: bool,
    /// A last row cut short by a crash, removed at opening (as found, lossily decoded).
    pub(crate) removed_cut_row: Option<String>,
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
        removed_cut_row: None,
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
    opened.removed_cut_row = remove_cut_last_line(&opened.file, path, Some(b"\r\n"))?
        .map(|cut| String::from_utf8_lossy(&cut).into_owned());
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

/// Ends a last line cut short by a write that failed half-way and could not be taken back, so
/// the next row starts on a line of its own. Returns whether a line end was written.
pub(crate) fn start_on_new_line(file: &File, path: &Path) -> Result<bool, StoreError> {
    start_on_new_line_with(file, path, b"\r\n")
}
