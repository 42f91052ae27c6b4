//! The journal of stored digests, `<csv>.seen`: a ring of fixed-size entries in a mapped file,
//! each written before its row, so a restart remembers what was stored and drops an entry whose
//! row never reached the CSV.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{compiler_fence, Ordering};

use memmap2::{MmapMut, MmapOptions};

use super::Recent;
use crate::append::{read_at_most, sync_dir, with_suffix};
use crate::error::StoreError;

pub(super) const MAGIC: &[u8; 16] = b"hexaboard-seen/3";
/// The earlier format, a list that grew by one entry per row and was rewritten now and then:
/// read once, and written anew in this one.
pub(super) const LIST_MAGIC: &[u8; 16] = b"hexaboard-seen/2";
/// The head: the magic, the number of slots (8 bytes, little-endian), 8 reserved bytes.
pub(super) const HEAD: u64 = 32;
/// One entry: the digest (16 bytes), the CSV's length once the row is written (8 bytes) and
/// the entry's sequence number (8 bytes; 0 marks a free slot), little-endian. Entries of 32
/// bytes after a head of 32 never straddle a disk sector.
pub(super) const ENTRY: u64 = 32;
/// Where the sequence number sits in an entry.
pub(super) const SEQ: usize = 24;
/// In its first round the file grows by this much at a time, written with zeros, so the file
/// system has given it room before the map is written to (a map cannot report a full disk).
pub(super) const GROWTH: u64 = 4096;

/// The journal of stored digests, `<csv>.seen`: a ring of as many entries as are remembered,
/// the oldest overwritten by the newest, so its size is fixed and it never needs rewriting.
///
/// The file is mapped into memory: an entry is written by copying it into the map, with no
/// system call, and is in the operating system's page cache from that moment, so it outlives
/// the process as a `write` would (and is synced with the CSV). Where the file cannot be
/// mapped, each entry is written with one `pwrite`.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    map: Option<MmapMut>,
    slots: u64,
    /// The file's length; the slots beyond it are not in the file yet.
    len: u64,
    /// The slot of the next entry.
    next: u64,
    /// The sequence number of the last entry.
    seq: u64,
}

/// The journal's path for a CSV path: `sensor_data.csv` → `sensor_data.csv.seen`.
pub fn journal_path(csv: &Path) -> PathBuf {
    with_suffix(csv, ".seen")
}

/// An entry read back from the file.
struct Found {
    seq: u64,
    slot: u64,
    digest: u128,
    end: u64,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and loads its digests into `recent`, oldest
    /// first; one with as many slots as `recent` remembers digests.
    ///
    /// Each entry is written *before* its row, with the length the CSV will have once the row
    /// is in. So the newest entry tells whether a crash came between the two: if the CSV
    /// (`csv_len` bytes now) is shorter than that, the row never made it, and the entry is
    /// dropped so the message's redelivery is stored, not taken for a duplicate. An entry
    /// whose writing was cut short has sequence number 0 (it is cleared first, filled, then
    /// numbered) and is not one.
    pub(crate) fn open(
        path: PathBuf,
        recent: &mut Recent,
        csv_len: u64,
    ) -> Result<Journal, StoreError> {
        Journal::open_as(path, recent, csv_len, true)
    }

    /// [`Journal::open`], writing entries with `pwrite` rather than through a map when
    /// `mapped` is false.
    pub(super) fn open_as(
        path: PathBuf,
        recent: &mut Recent,
        csv_len: u64,
        mapped: bool,
    ) -> Result<Journal, StoreError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::open(&path, e))?;
        let len = file
            .metadata()
            .map_err(|e| StoreError::read(&path, e))?
            .len();
        let mut head = [0u8; HEAD as usize];
        let got = read_at_most(&file, &mut head, 0).map_err(|e| StoreError::read(&path, e))?;
        let magic = &head[..MAGIC.len()];
        if got < MAGIC.len() && MAGIC.starts_with(&head[..got]) {
            // New, or its creation was cut short: start it (again).
            return Journal::create(path, recent, mapped);
        }
        if magic == LIST_MAGIC {
            for digest in read_list(&file, len, csv_len, recent.capacity() as u64)
                .map_err(|e| StoreError::read(&path, e))?
            {
                recent.insert(digest);
            }
            return Journal::create(path, recent, mapped);
        }
        if magic != MAGIC {
            return Err(StoreError::NotAJournal { path });
        }
        let slots = u64::from_le_bytes(head[16..24].try_into().unwrap_or([0; 8]));
        let usable = if got == head.len() && slots > 0 && slots <= u64::from(u32::MAX) {
            len.min(HEAD + slots * ENTRY)
        } else {
            HEAD
        };
        let mut bytes = vec![0u8; (usable - HEAD) as usize];
        file.read_exact_at(&mut bytes, HEAD)
            .map_err(|e| StoreError::read(&path, e))?;
        let mut found: Vec<Found> = bytes
            .chunks_exact(ENTRY as usize)
            .enumerate()
            .map(|(slot, chunk)| Found {
                seq: u64::from_le_bytes(chunk[SEQ..].try_into().unwrap_or([0; 8])),
                slot: slot as u64,
                digest: u128::from_le_bytes(chunk[..16].try_into().unwrap_or([0; 16])),
                end: u64::from_le_bytes(chunk[16..SEQ].try_into().unwrap_or([0; 8])),
            })
            .filter(|found| found.seq != 0)
            .collect();
        found.sort_unstable_by_key(|found| found.seq);
        let seq = found.last().map_or(0, |found| found.seq);
        let unwritten = found
            .last()
            .filter(|newest| newest.end > csv_len)
            .map(|newest| newest.slot);
        if unwritten.is_some() {
            found.pop();
        }
        let keep = found.len().saturating_sub(recent.capacity());
        for entry in &found[keep..] {
            recent.insert(entry.digest);
        }
        if slots != recent.capacity() as u64 || usable == HEAD && len > HEAD {
            // Another number of digests is remembered now (or the head is damaged): the
            // journal is written anew with the ones loaded.
            return Journal::create(path, recent, mapped);
        }
        if let Some(slot) = unwritten {
            file.write_all_at(&[0; 8], HEAD + slot * ENTRY + SEQ as u64)
                .map_err(|e| StoreError::write(&path, e))?;
        }
        let next = found.last().map_or(0, |newest| (newest.slot + 1) % slots);
        let map = if mapped { map(&file, slots) } else { None };
        Ok(Journal {
            path,
            file,
            map,
            slots,
            len,
            next,
            seq,
        })
    }

    /// Writes a new journal holding `recent`'s digests (through a temporary file renamed over
    /// the path, so a crash leaves the old journal or the new one) and opens it.
    fn create(path: PathBuf, recent: &Recent, mapped: bool) -> Result<Journal, StoreError> {
        let slots = recent.capacity() as u64;
        let count = recent.len() as u64;
        let len = grown(HEAD + count * ENTRY, slots);
        let mut bytes = Vec::with_capacity(len as usize);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&slots.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]);
        for (seq, digest) in (1..).zip(recent.iter()) {
            // Every row of these is written: an end of 0 never fails the check at open.
            bytes.extend_from_slice(&entry(digest, 0, seq));
        }
        bytes.resize(len as usize, 0);
        let tmp = with_suffix(&path, ".tmp");
        let write = || -> io::Result<()> {
            let mut file = File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_data()
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            StoreError::write(&tmp, e)
        })?;
        fs::rename(&tmp, &path).map_err(|e| StoreError::write(&path, e))?;
        sync_dir(&path);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::open(&path, e))?;
        let map = if mapped { map(&file, slots) } else { None };
        Ok(Journal {
            path,
            file,
            map,
            slots,
            len,
            next: count % slots,
            seq: count,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether entries are written through a map of the file.
    #[cfg(test)]
    pub(super) fn is_mapped(&self) -> bool {
        self.map.is_some()
    }

    /// Records one entry: `digest`, and `end`, the CSV's length once its row is written.
    /// Called before the row is written; see [`Journal::open`]. No system call once the file
    /// has its full size (before that, one in 128 entries grows it).
    pub(crate) fn record(&mut self, digest: u128, end: u64) -> Result<(), StoreError> {
        let at = HEAD + self.next * ENTRY;
        if at + ENTRY > self.len {
            self.grow(at + ENTRY)?;
        }
        let entry = entry(digest, end, self.seq + 1);
        let at = at as usize;
        match &mut self.map {
            Some(map) => {
                let slot = &mut map[at..at + ENTRY as usize];
                // Cleared, filled, numbered: an entry cut short by a kill is a free slot.
                slot[SEQ..].fill(0);
                compiler_fence(Ordering::SeqCst);
                slot[..SEQ].copy_from_slice(&entry[..SEQ]);
                compiler_fence(Ordering::SeqCst);
                slot[SEQ..].copy_from_slice(&entry[SEQ..]);
            }
            // One `pwrite` of 32 bytes: a kill leaves all of it or none.
            None => self
                .file
                .write_all_at(&entry, at as u64)
                .map_err(|e| StoreError::write(&self.path, e))?,
        }
        self.seq += 1;
        self.next = (self.next + 1) % self.slots;
        Ok(())
    }

    /// Takes back the last entry: its row could not be written.
    pub(crate) fn retract(&mut self) -> Result<(), StoreError> {
        let last = (self.next + self.slots - 1) % self.slots;
        let at = (HEAD + last * ENTRY) as usize + SEQ;
        match &mut self.map {
            Some(map) => map[at..at + 8].fill(0),
            None => self
                .file
                .write_all_at(&[0; 8], at as u64)
                .map_err(|e| StoreError::write(&self.path, e))?,
        }
        self.seq -= 1;
        self.next = last;
        Ok(())
    }

    /// Makes the file at least `need` bytes long, writing zeros.
    fn grow(&mut self, need: u64) -> Result<(), StoreError> {
        let len = grown(need, self.slots);
        let zeros = vec![0u8; (len - self.len) as usize];
        self.file
            .write_all_at(&zeros, self.len)
            .map_err(|e| StoreError::write(&self.path, e))?;
        self.len = len;
        Ok(())
    }

    /// Writes the journal anew from `recent` if its file was deleted (with its directory,
    /// say) while recording.
    pub(crate) fn follow(&mut self, recent: &Recent) -> Result<(), StoreError> {
        match fs::metadata(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                *self = Journal::create(self.path.clone(), recent, self.map.is_some())?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Another handle of the journal file, for a sync on another thread.
    pub(crate) fn try_clone_file(&self) -> Option<File> {
        self.file.try_clone().ok()
    }

    /// Syncs the journal to disk. On Linux `fdatasync` writes what was written through the
    /// map too (it is the same page cache), so the other thread's sync covers it.
    pub(crate) fn sync(&self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::sync(&self.path, e))
    }
}

/// The file's length once it holds `need` bytes: a whole number of growth steps, at most
/// the length of all `slots`.
fn grown(need: u64, slots: u64) -> u64 {
    need.div_ceil(GROWTH)
        .saturating_mul(GROWTH)
        .min(HEAD + slots * ENTRY)
}

/// Maps the journal's `slots` for writing; `None` where the file system cannot.
#[allow(unsafe_code)]
fn map(file: &File, slots: u64) -> Option<MmapMut> {
    let len = usize::try_from(HEAD + slots * ENTRY).ok()?;
    // SAFETY: the map is only read and written through the returned `MmapMut`, owned by the
    // journal, and only within the file's length (the file is grown with `write` before a
    // slot beyond its end is used). The file is this program's, beside the CSV; were another
    // process to cut it short while recording, writing to the part cut off would end the
    // process with SIGBUS, which loses nothing: the entry comes before its row.
    unsafe { MmapOptions::new().len(len).map_mut(file) }.ok()
}

/// The digests of a journal in the earlier format (a list of entries of 16 bytes of digest, 8
/// of the CSV's length once the row is in, 8 reserved), at most the last `capacity`, oldest
/// first, the last dropped if its row never made it into the CSV.
fn read_list(file: &File, len: u64, csv_len: u64, capacity: u64) -> io::Result<Vec<u128>> {
    const LIST_HEAD: u64 = 16;
    let mut len = len - (len - LIST_HEAD) % ENTRY;
    if len > LIST_HEAD {
        let mut last = [0u8; ENTRY as usize];
        file.read_exact_at(&mut last, len - ENTRY)?;
        if u64::from_le_bytes(last[16..SEQ].try_into().unwrap_or([0; 8])) > csv_len {
            len -= ENTRY;
        }
    }
    let keep = ((len - LIST_HEAD) / ENTRY).min(capacity);
    let mut bytes = vec![0u8; (keep * ENTRY) as usize];
    file.read_exact_at(&mut bytes, len - keep * ENTRY)?;
    Ok(bytes
        .chunks_exact(ENTRY as usize)
        .map(|chunk| u128::from_le_bytes(chunk[..16].try_into().unwrap_or([0; 16])))
        .collect())
}

fn entry(digest: u128, end: u64, seq: u64) -> [u8; ENTRY as usize] {
    let mut bytes = [0u8; ENTRY as usize];
    bytes[..16].copy_from_slice(&digest.to_le_bytes());
    bytes[16..SEQ].copy_from_slice(&end.to_le_bytes());
    bytes[SEQ..].copy_from_slice(&seq.to_le_bytes());
    bytes
}
