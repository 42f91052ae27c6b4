//! Files written by appending, shared by the CSV and the rejects file: whole writes that
//! never leave half a line behind, a last line cut short removed or ended, a new file's
//! directory synced.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// `path` with `suffix` added to its file name: `sensor_data.csv` → `sensor_data.csv.seen`.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// Ends a last line cut short (a crash mid-line, a write that failed half-way) with `ending`
/// (`\r\n` or `\n`), so the next line starts on its own. Returns whether a line end was
/// written.
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

/// Removes a last line cut short by a crash, so the file ends on a whole line again, and
/// returns the bytes removed.
///
/// This program writes each line with its line end in one `write`, so a last line without one
/// is part of a line whose write was cut short: the process was killed while the kernel
/// copied it (a `write` can end between two pages when SIGKILL comes), or the machine lost
/// power. Its message was never acknowledged, so the broker sends it again. A line ending in
/// `\r` lacks only its `\n`, which is added. With `header_ending`, the file's first line is a
/// header already checked: when it is the only line, it gets that line end instead of being
/// removed.
pub(crate) fn remove_cut_last_line(
    file: &File,
    path: &Path,
    header_ending: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, StoreError> {
    let len = file
        .metadata()
        .map_err(|e| StoreError::read(path, e))?
        .len();
    if len == 0 {
        return Ok(None);
    }
    let mut last = [0u8; 1];
    read_at_most(file, &mut last, len - 1).map_err(|e| StoreError::read(path, e))?;
    match last[0] {
        b'\n' => return Ok(None),
        b'\r' => {
            write_all(file, path, b"\n")?;
            return Ok(None);
        }
        _ => {}
    }
    let line_start = last_line_start(file, len).map_err(|e| StoreError::read(path, e))?;
    if let (None, Some(ending)) = (line_start, header_ending) {
        write_all(file, path, ending)?;
        return Ok(None);
    }
    let line_start = line_start.unwrap_or(0);
    let mut cut = vec![0u8; (len - line_start) as usize];
    read_at_most(file, &mut cut, line_start).map_err(|e| StoreError::read(path, e))?;
    file.set_len(line_start)
        .map_err(|e| StoreError::write(path, e))?;
    Ok(Some(cut))
}

/// Where the last line of a file of `len` bytes starts: just after its last `\n`, or `None`
/// when it has none.
fn last_line_start(file: &File, len: u64) -> io::Result<Option<u64>> {
    let mut chunk = [0u8; 4096];
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(chunk.len() as u64);
        let part = &mut chunk[..(end - start) as usize];
        let got = read_at_most(file, part, start)?;
        if let Some(at) = part[..got].iter().rposition(|&b| b == b'\n') {
            return Ok(Some(start + at as u64 + 1));
        }
        end = start;
    }
    Ok(None)
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

/// Reads up to `buf.len()` bytes at `offset`, fewer at the end of the file.
pub(crate) fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Makes a file's creation or renaming durable. Best effort: a directory that cannot be
/// synced costs durability against power loss only, never data the file already holds.
pub(crate) fn sync_dir(file: &Path) {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}
