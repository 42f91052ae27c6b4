//! [`AdviceFile`]: the advisor's audit trail beside the chapter's CSV, one JSON object a
//! line ([JSON Lines](https://jsonlines.org)).
//!
//! ```text
//! {"at":"2026-12-04T03:00:00.123456Z","board":"A","model":"gpt-4o-mini","summary":"{\"board\":\"A\"}","answer":"…","target":"A","command":"{\"action\":\"led_off\"}","refusal":null,"applied":true}
//! ```
//!
//! - A line is one `write` on the file opened in append mode, then synced: a crash leaves at
//!   most one line cut short, at the end. The next [`AdviceFile::keep`] ends that line first,
//!   so its own stands whole; readers skip it, as any line they cannot read (cut, or edited
//!   by hand), and never fail on it.
//! - Control characters in the text are escaped by `serde_json`, so a line never breaks
//!   inside.
//! - The file is created by the first [`AdviceFile::keep`] and never truncated.
//! - Reading goes through the whole file once per call: a call of the advisor a minute for a
//!   year is about 500,000 lines.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::{AdviceEntry, AdviceLog};
use crate::append::{start_on_new_line_with, sync_dir, with_suffix, write_all};
use crate::StoreError;

/// The advice path for a CSV path: `sensor_data.csv` → `sensor_data.csv.advice.jsonl`.
pub fn default_path(csv: &Path) -> PathBuf {
    with_suffix(csv, ".advice.jsonl")
}

/// The advisor's audit trail in a JSON-lines file beside the CSV (see [`crate::advice`]).
#[derive(Debug)]
pub struct AdviceFile {
    path: PathBuf,
    line: Vec<u8>,
}

impl AdviceFile {
    /// The trail in the file at `path`, which the first [`AdviceFile::keep`] creates. An
    /// existing file is checked to be one this user may append to, and a missing one to have
    /// its directory, so that a mistake shows before the advisor is asked.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] naming the path, the OS error and the fix.
    pub fn open(path: impl AsRef<Path>) -> Result<AdviceFile, StoreError> {
        let path = path.as_ref().to_owned();
        match OpenOptions::new().read(true).append(true).open(&path) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let dir = match path.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => dir,
                    _ => Path::new("."),
                };
                if !dir.is_dir() {
                    return Err(StoreError::open(&path, e));
                }
            }
            Err(e) => return Err(StoreError::open(&path, e)),
        }
        Ok(AdviceFile {
            path,
            line: Vec::with_capacity(4096),
        })
    }

    /// The trail beside the CSV at `csv`: [`default_path`] opened with [`AdviceFile::open`].
    ///
    /// # Errors
    ///
    /// As [`AdviceFile::open`].
    pub fn beside(csv: impl AsRef<Path>) -> Result<AdviceFile, StoreError> {
        AdviceFile::open(default_path(csv.as_ref()))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Calls `each` with every entry of the file that can be read, in the order kept, and
    /// its number in that order; nothing when there is no file yet.
    fn scan(&self, mut each: impl FnMut(u64, AdviceEntry)) -> Result<(), StoreError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::open(&self.path, e)),
        };
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let mut line = Vec::new();
        let mut number = 0;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| StoreError::read(&self.path, e))?;
            if read == 0 {
                return Ok(());
            }
            // A line cut short or edited by hand says nothing reliable: it is passed over.
            if let Ok(entry) = serde_json::from_slice::<AdviceEntry>(&line) {
                each(number, entry);
                number += 1;
            }
        }
    }
}

impl AdviceLog for AdviceFile {
    /// Appends the entry as one line in one `write` and syncs the file (and its directory,
    /// when the file is new).
    fn keep(&mut self, entry: &AdviceEntry) -> Result<(), StoreError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, &entry.as_kept())
            .map_err(|e| StoreError::write(&self.path, e.into()))?;
        self.line.push(b'\n');
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| StoreError::open(&self.path, e))?;
        let new = file
            .metadata()
            .map_err(|e| StoreError::read(&self.path, e))?
            .len()
            == 0;
        start_on_new_line_with(&file, &self.path, b"\n")?;
        write_all(&file, &self.path, &self.line)?;
        file.sync_data()
            .map_err(|e| StoreError::sync(&self.path, e))?;
        if new {
            sync_dir(&self.path);
        }
        Ok(())
    }

    fn last_applied(&mut self, target: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        let mut newest = None;
        self.scan(|_, entry| {
            if entry.applied && entry.target.as_deref() == Some(target) {
                newest = newest.max(Some(entry.at));
            }
        })?;
        Ok(newest)
    }

    fn recent(
        &mut self,
        board: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AdviceEntry>, StoreError> {
        // The `limit` newest so far, the oldest of them on top.
        let mut newest: BinaryHeap<Reverse<Newest>> = BinaryHeap::new();
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.scan(|number, entry| {
            if board.is_some_and(|board| !entry.concerns(board)) {
                return;
            }
            newest.push(Reverse(Newest {
                at: entry.at,
                number,
                entry,
            }));
            if newest.len() > limit {
                newest.pop();
            }
        })?;
        // Ascending order of `Reverse` is descending order of the entries.
        Ok(newest
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(newest)| newest.entry)
            .collect())
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }
}

/// An entry ordered by its time, then by the order kept.
struct Newest {
    at: OffsetDateTime,
    number: u64,
    entry: AdviceEntry,
}

impl PartialEq for Newest {
    fn eq(&self, other: &Newest) -> bool {
        (self.at, self.number) == (other.at, other.number)
    }
}

impl Eq for Newest {}

impl PartialOrd for Newest {
    fn partial_cmp(&self, other: &Newest) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Newest {
    fn cmp(&self, other: &Newest) -> std::cmp::Ordering {
        (self.at, self.number).cmp(&(other.at, other.number))
    }
}
