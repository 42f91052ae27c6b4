//! Which messages were stored lately, so a broker's redelivery is not stored twice.
//!
//! A QoS 1 message is redelivered, with the DUP flag set, when its acknowledgement was lost:
//! the receiver was killed after writing the row, or the connection dropped. Boards without a
//! timestamp may legitimately send the same payload twice in a row, so only a message that is
//! flagged DUP *and* whose digest is among the recently stored ones is a duplicate.
//!
//! The digests live in [`Recent`] (a fixed-capacity ring plus two generations of sets: bounded
//! memory, no allocation once full) and in a journal beside the CSV (`<csv>.seen`), so the
//! memory survives a restart. The journal is a 32-byte head, then a ring of 32-byte entries,
//! one per stored row (see [`Journal`]), each written *before* its row with the length the CSV
//! will have once the row is in: killed between the two, the entry is dropped at the next
//! start and the redelivery is stored once.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{compiler_fence, Ordering};

use memmap2::{MmapMut, MmapOptions};

use xxhash_rust::xxh3::Xxh3Default;

use super::error::StoreError;

/// The identity of an MQTT message for de-duplication: a digest of its topic and payload, and
/// its DUP flag.
///
/// [`CsvStore::append`](super::CsvStore::append) skips a message only when its DUP flag is set
/// *and* its digest is among the last stored ones (8,192 by default, kept in `<csv>.seen` so a
/// restart remembers them). A message without the flag is always stored: a board without a
/// clock sends the same payload whenever nothing changed. A message delivered at most once
/// ([`MessageId::at_most_once`], QoS 0) is neither checked nor remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId {
    digest: u128,
    dup: bool,
    remember: bool,
}

impl MessageId {
    /// The identity of a message received on `topic` with `payload`, `dup` being its DUP flag.
    ///
    /// The digest is XXH3-128 of the topic's length in bytes (8 bytes, little-endian), the
    /// topic and the payload. XXH3's output is fixed by its specification, so digests written
    /// to the journal by one release are understood by the next.
    pub fn new(topic: &str, payload: &[u8], dup: bool) -> MessageId {
        let mut hasher = Xxh3Default::new();
        hasher.update(&(topic.len() as u64).to_le_bytes());
        hasher.update(topic.as_bytes());
        hasher.update(payload);
        MessageId {
            digest: hasher.digest128(),
            dup,
            remember: true,
        }
    }

    /// A message the broker never sends again (QoS 0): stored without being checked or
    /// remembered, which saves the journal's write.
    pub fn at_most_once() -> MessageId {
        MessageId {
            digest: 0,
            dup: false,
            remember: false,
        }
    }

    /// Whether the message is remembered, so that a redelivery of it is recognised.
    pub fn is_remembered(&self) -> bool {
        self.remember
    }

    /// The 128-bit digest of topic and payload.
    pub fn digest(&self) -> u128 {
        self.digest
    }

    /// Whether the broker flagged the message as a redelivery.
    pub fn is_dup(&self) -> bool {
        self.dup
    }

    /// The same message with the DUP flag set to `dup`.
    pub fn with_dup(self, dup: bool) -> MessageId {
        MessageId { dup, ..self }
    }
}

/// The digests stored lately: at least the last `capacity`, at most twice as many. (After a
/// restart, the journal gives back the last `capacity`.)
///
/// The ring keeps the last `capacity` in order. Only a message flagged as a redelivery is
/// ever looked up, and redeliveries come in bursts at the start of a connection, so the ring
/// is not indexed while messages are new: storing a digest is one sequential write, where
/// keeping a hash set up to date cost a cache miss at a random place for every message. The
/// first lookup builds the index (a set of the ring's digests, in about a tenth of a
/// millisecond for 8,192); digests stored while it exists are added to it, and once
/// `capacity` digests have been added it is dropped (the next lookup builds it anew), so it
/// never holds twice `capacity`. Nothing is ever removed one by one.
#[derive(Debug)]
pub(crate) struct Recent {
    capacity: usize,
    ring: Vec<u128>,
    /// Where the next digest goes once the ring is full (then also the oldest one).
    next: usize,
    /// The ring's digests, and those stored since it was built, while redeliveries are
    /// being looked up. Keyed by bytes, not `u128`, for 16-byte entries instead of 16 plus
    /// padding; hashed with foldhash, which costs a fraction of SipHash per lookup.
    index: Option<HashSet<[u8; 16], foldhash::fast::RandomState>>,
    /// Digests added to the index since it was built.
    added: usize,
}

impl Recent {
    pub(crate) fn new(capacity: usize) -> Recent {
        Recent {
            capacity,
            ring: Vec::with_capacity(capacity),
            next: 0,
            index: None,
            added: 0,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether `digest` is among the stored ones.
    pub(crate) fn contains(&mut self, digest: u128) -> bool {
        let ring = &self.ring;
        self.index
            .get_or_insert_with(|| {
                let mut set = HashSet::with_capacity_and_hasher(2 * ring.len(), Default::default());
                set.extend(ring.iter().map(|digest| digest.to_le_bytes()));
                set
            })
            .contains(&digest.to_le_bytes())
    }

    pub(crate) fn insert(&mut self, digest: u128) {
        if self.capacity == 0 {
            return;
        }
        if self.ring.len() < self.capacity {
            self.ring.push(digest);
        } else {
            self.ring[self.next] = digest;
            self.next += 1;
            if self.next == self.capacity {
                self.next = 0;
            }
        }
        if let Some(index) = &mut self.index {
            self.added += 1;
            if self.added >= self.capacity {
                self.index = None;
                self.added = 0;
            } else {
                index.insert(digest.to_le_bytes());
            }
        }
    }

    /// The digests, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u128> + '_ {
        self.ring[self.next..]
            .iter()
            .chain(&self.ring[..self.next])
            .copied()
    }

    /// Whether the index is built.
    #[cfg(test)]
    fn is_indexed(&self) -> bool {
        self.index.is_some()
    }
}

const MAGIC: &[u8; 16] = b"hexaboard-seen/3";
/// The earlier format, a list that grew by one entry per row and was rewritten now and then:
/// read once, and written anew in this one.
const LIST_MAGIC: &[u8; 16] = b"hexaboard-seen/2";
/// The head: the magic, the number of slots (8 bytes, little-endian), 8 reserved bytes.
const HEAD: u64 = 32;
/// One entry: the digest (16 bytes), the CSV's length once the row is written (8 bytes) and
/// the entry's sequence number (8 bytes; 0 marks a free slot), little-endian. Entries of 32
/// bytes after a head of 32 never straddle a disk sector.
const ENTRY: u64 = 32;
/// Where the sequence number sits in an entry.
const SEQ: usize = 24;
/// In its first round the file grows by this much at a time, written with zeros, so the file
/// system has given it room before the map is written to (a map cannot report a full disk).
const GROWTH: u64 = 4096;

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

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
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
    fn open_as(
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
    fn is_mapped(&self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_stable_across_releases() {
        // Values from the reference C library (libxxhash 0.8.1): they must never change, or
        // journals written by an earlier release stop matching.
        assert_eq!(
            xxhash_rust::xxh3::xxh3_128(b"hexaboard"),
            0xcfc1_bd4b_e881_92aa_acce_e741_f2f4_74d5
        );
        let id = MessageId::new("hexaboard/A/sensor/data", br#"{"temperature":25}"#, false);
        assert_eq!(id.digest(), 0xd0ff_0ada_69ff_b6eb_319e_dfaf_8eff_f52f);
        assert_eq!(id.with_dup(true).digest(), id.digest());
        assert!(id.with_dup(true).is_dup());
    }

    #[test]
    fn topic_and_payload_boundaries_do_not_collide() {
        let a = MessageId::new("ab", b"c", false);
        let b = MessageId::new("a", b"bc", false);
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn the_last_capacity_digests_are_always_known_and_old_ones_go() {
        let capacity = 3;
        let mut recent = Recent::new(capacity);
        for d in 1..=50u128 {
            recent.insert(d);
            let kept = (1..=d).filter(|&old| recent.contains(old)).count();
            for last in d.saturating_sub(capacity as u128 - 1).max(1)..=d {
                assert!(recent.contains(last), "{last} after inserting {d}");
            }
            assert!(kept <= 2 * capacity, "{kept} kept after inserting {d}");
        }
        assert!(!recent.contains(1));
        assert_eq!(recent.iter().collect::<Vec<_>>(), [48, 49, 50]);
    }

    #[test]
    fn the_index_is_built_by_a_lookup_and_dropped_after_capacity_more_digests() {
        let mut recent = Recent::new(4);
        for d in 1..=10u128 {
            recent.insert(d);
        }
        assert!(!recent.is_indexed(), "new messages are never looked up");
        assert!(recent.contains(8));
        assert!(!recent.contains(6));
        assert!(recent.is_indexed());
        for d in 11..=13u128 {
            recent.insert(d);
            assert!(recent.is_indexed());
            assert!(recent.contains(d) && recent.contains(7));
        }
        recent.insert(14);
        assert!(!recent.is_indexed());
        assert!(recent.contains(11) && !recent.contains(10));
    }

    #[test]
    fn a_repeated_digest_is_known_while_its_last_copy_is() {
        let mut recent = Recent::new(3);
        for d in [1, 2, 2, 3] {
            recent.insert(d);
        }
        assert_eq!(recent.iter().collect::<Vec<_>>(), [2, 2, 3]);
        for d in [4, 5] {
            recent.insert(d);
            assert!(recent.contains(2));
        }
        assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4, 5]);
    }

    /// A journal for `capacity` digests in a new directory, written through a map or not.
    fn journal(dir: &tempfile::TempDir, capacity: usize, mapped: bool) -> (Journal, Recent) {
        reopen(dir, capacity, mapped, u64::MAX)
    }

    fn reopen(
        dir: &tempfile::TempDir,
        capacity: usize,
        mapped: bool,
        csv_len: u64,
    ) -> (Journal, Recent) {
        let mut recent = Recent::new(capacity);
        let path = dir.path().join("sensor_data.csv.seen");
        let journal = Journal::open_as(path, &mut recent, csv_len, mapped).unwrap();
        assert_eq!(journal.is_mapped(), mapped);
        (journal, recent)
    }

    /// A mapped journal for `capacity` digests in `dir`, holding `digests`, closed.
    fn written(dir: &tempfile::TempDir, capacity: usize, digests: impl IntoIterator<Item = u128>) {
        let (mut journal, _) = journal(dir, capacity, true);
        for digest in digests {
            journal.record(digest, 0).unwrap();
        }
    }

    fn file_len(dir: &tempfile::TempDir) -> u64 {
        fs::metadata(dir.path().join("sensor_data.csv.seen"))
            .unwrap()
            .len()
    }

    #[test]
    fn entries_outlive_the_journal_mapped_or_not_and_come_back_oldest_first() {
        for mapped in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (mut journal, _) = journal(&dir, 4, mapped);
            for d in 1..=10u128 {
                journal.record(d, 100 + d as u64).unwrap();
            }
            drop(journal);
            // A ring of 4: the file stays at the head and 4 entries.
            assert_eq!(file_len(&dir), HEAD + 4 * ENTRY, "mapped: {mapped}");
            let (mut journal, recent) = reopen(&dir, 4, mapped, 110);
            assert_eq!(recent.iter().collect::<Vec<_>>(), [7, 8, 9, 10]);
            // Going on after a reopen overwrites the oldest.
            journal.record(11, 111).unwrap();
            drop(journal);
            let (_, recent) = reopen(&dir, 4, !mapped, 111);
            assert_eq!(recent.iter().collect::<Vec<_>>(), [8, 9, 10, 11]);
        }
    }

    #[test]
    fn the_newest_entry_is_dropped_when_its_row_is_not_in_the_csv() {
        for mapped in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (mut journal, _) = journal(&dir, 4, mapped);
            journal.record(1, 50).unwrap();
            journal.record(2, 100).unwrap();
            drop(journal);
            let (mut journal, recent) = reopen(&dir, 4, mapped, 99);
            assert_eq!(recent.iter().collect::<Vec<_>>(), [1]);
            journal.record(3, 120).unwrap();
            drop(journal);
            let (_, recent) = reopen(&dir, 4, mapped, 120);
            assert_eq!(recent.iter().collect::<Vec<_>>(), [1, 3], "2 stays dropped");
        }
    }

    #[test]
    fn a_retracted_entry_is_gone_and_its_slot_reused() {
        for mapped in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (mut journal, _) = journal(&dir, 2, mapped);
            journal.record(1, 0).unwrap();
            journal.record(2, 0).unwrap();
            journal.retract().unwrap();
            journal.record(3, 0).unwrap();
            journal.record(4, 0).unwrap();
            drop(journal);
            let (_, recent) = reopen(&dir, 2, mapped, 0);
            assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4]);
        }
    }

    #[test]
    fn an_entry_cut_short_is_a_free_slot() {
        let dir = tempfile::tempdir().unwrap();
        written(&dir, 4, 1..=3);
        // Killed after clearing the third entry's number, before numbering it again.
        let file = OpenOptions::new()
            .write(true)
            .open(dir.path().join("sensor_data.csv.seen"))
            .unwrap();
        file.write_all_at(&[0; 8], HEAD + 2 * ENTRY + SEQ as u64)
            .unwrap();
        let (_, recent) = reopen(&dir, 4, true, 0);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn the_file_grows_with_zeros_a_step_at_a_time_up_to_its_full_size() {
        let dir = tempfile::tempdir().unwrap();
        let (mut journal, _) = journal(&dir, 1000, true);
        assert_eq!(file_len(&dir), GROWTH);
        // The 127th entry ends at 32 + 127 × 32 = 4,096 bytes; the 128th needs a second step.
        for d in 0..127 {
            journal.record(d, 0).unwrap();
        }
        assert_eq!(file_len(&dir), GROWTH);
        journal.record(127, 0).unwrap();
        assert_eq!(file_len(&dir), 2 * GROWTH);
        for d in 128..1000 {
            journal.record(d, 0).unwrap();
        }
        assert_eq!(file_len(&dir), HEAD + 1000 * ENTRY);
        drop(journal);
        let (_, recent) = reopen(&dir, 1000, true, 0);
        assert_eq!(
            recent.iter().collect::<Vec<_>>(),
            (0..1000).collect::<Vec<_>>()
        );
    }

    #[test]
    fn another_capacity_rewrites_the_journal_with_the_digests_it_held() {
        let dir = tempfile::tempdir().unwrap();
        written(&dir, 4, 1..=4);
        let (mut journal, recent) = reopen(&dir, 2, true, 0);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 4]);
        journal.record(5, 0).unwrap();
        drop(journal);
        let (_, recent) = reopen(&dir, 8, true, 0);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [4, 5]);
    }

    #[test]
    fn a_journal_in_the_earlier_list_format_is_read_and_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = LIST_MAGIC.to_vec();
        for (d, end) in [(1u128, 10u64), (2, 20), (3, 30), (4, 40)] {
            bytes.extend_from_slice(&d.to_le_bytes());
            bytes.extend_from_slice(&end.to_le_bytes());
            bytes.extend_from_slice(&[0; 8]);
        }
        bytes.extend_from_slice(&[9; 5]); // an entry cut short
        let path = dir.path().join("sensor_data.csv.seen");
        fs::write(&path, bytes).unwrap();
        // The CSV is 35 bytes long: the fourth row never made it.
        let (mut journal, recent) = reopen(&dir, 2, true, 35);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(&fs::read(&path).unwrap()[..16], MAGIC);
        journal.record(5, 0).unwrap();
        drop(journal);
        let (_, recent) = reopen(&dir, 2, true, 0);
        assert_eq!(recent.iter().collect::<Vec<_>>(), [3, 5]);
    }

    #[test]
    fn a_zero_capacity_remembers_nothing() {
        let mut recent = Recent::new(0);
        recent.insert(7);
        assert!(!recent.contains(7));
        assert_eq!(recent.len(), 0);
    }
}
