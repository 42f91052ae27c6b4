//! Which messages were stored lately, so a broker's redelivery is not stored twice.
//!
//! A QoS 1 message is redelivered, with the DUP flag set, when its acknowledgement was lost:
//! the receiver was killed after writing the row, or the connection dropped. Boards without a
//! timestamp may legitimately send the same payload twice in a row, so only a message that is
//! flagged DUP *and* whose digest is among the recently stored ones is a duplicate.
//!
//! The digests live in [`Recent`] (a fixed-capacity ring plus two generations of sets: bounded
//! memory, no allocation once full) and in a journal beside the CSV (`<csv>.seen`), so the
//! memory survives a restart. The journal is 16 bytes of magic, then one 32-byte entry per
//! stored row (see [`Journal::open`]), written *before* the row with the length the CSV will
//! have once the row is in: killed between the two, the entry is dropped at the next start
//! and the redelivery is stored once.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

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
/// The ring keeps the last `capacity` in order, for the journal. Lookups go to two sets, the
/// current one and the one before; when the current set holds `capacity` digests it becomes
/// the previous one and the oldest set is emptied. So nothing is ever removed one by one (a
/// removal from a hash table costs a probe and leaves a tombstone), and the last `capacity`
/// digests are always in one of the two sets. Repeats need no counting: a digest stays in its
/// set until the whole set goes.
#[derive(Debug)]
pub(crate) struct Recent {
    capacity: usize,
    ring: Vec<u128>,
    /// Where the next digest goes once the ring is full (then also the oldest one).
    next: usize,
    /// Keyed by bytes, not `u128`, for 16-byte entries instead of 16 plus padding; hashed
    /// with foldhash, which costs a fraction of SipHash per lookup.
    current: HashSet<[u8; 16], foldhash::fast::RandomState>,
    previous: HashSet<[u8; 16], foldhash::fast::RandomState>,
}

impl Recent {
    pub(crate) fn new(capacity: usize) -> Recent {
        let set = || HashSet::with_capacity_and_hasher(capacity, Default::default());
        Recent {
            capacity,
            ring: Vec::with_capacity(capacity),
            next: 0,
            current: set(),
            previous: set(),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn len(&self) -> usize {
        self.ring.len()
    }

    pub(crate) fn contains(&self, digest: u128) -> bool {
        let key = digest.to_le_bytes();
        self.current.contains(&key) || self.previous.contains(&key)
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
        if self.current.len() >= self.capacity {
            std::mem::swap(&mut self.current, &mut self.previous);
            self.current.clear();
        }
        self.current.insert(digest.to_le_bytes());
    }

    /// The digests, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u128> + '_ {
        self.ring[self.next..]
            .iter()
            .chain(&self.ring[..self.next])
            .copied()
    }
}

const MAGIC: &[u8; 16] = b"hexaboard-seen/2";
/// One entry: the digest (16 bytes) and the CSV's length once the row is written (8 bytes),
/// little-endian, then 8 reserved bytes.
const RECORD: u64 = 32;
/// Length of the magic at the start of the file.
const HEAD: u64 = MAGIC.len() as u64;
/// The journal is rewritten once it holds this many times the digests kept in memory (4 MiB
/// for the default 8,192). A rewrite makes its new file durable before renaming it over the
/// old one, two `fsync`s on the receiving thread: rare rewrites keep them off the per-message
/// cost (by default at the 131,073rd entry, then every 122,880 messages).
const SLACK: u64 = 16;

/// The journal of stored digests, `<csv>.seen`.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    entries: u64,
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

impl Journal {
    /// Opens (or creates) the journal at `path` and loads its newest digests into `recent`.
    ///
    /// Each entry is written *before* its row, with the length the CSV will have once the row
    /// is in. So the last entry tells whether a crash came between the two: if the CSV
    /// (`csv_len` bytes now) is shorter than that, the row never made it, and the entry is
    /// dropped so the message's redelivery is stored, not taken for a duplicate.
    pub(crate) fn open(
        path: PathBuf,
        recent: &mut Recent,
        csv_len: u64,
    ) -> Result<Journal, StoreError> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| StoreError::open(&path, e))?;
        let mut len = file
            .metadata()
            .map_err(|e| StoreError::read(&path, e))?
            .len();
        let mut head = [0u8; 16];
        let got = read_at_most(&file, &mut head, 0).map_err(|e| StoreError::read(&path, e))?;
        if got < MAGIC.len() && MAGIC.starts_with(&head[..got]) {
            // New, or its creation was cut short: start it (again).
            file.set_len(0).map_err(|e| StoreError::write(&path, e))?;
            (&file)
                .write_all(MAGIC)
                .map_err(|e| StoreError::write(&path, e))?;
            len = HEAD;
        } else if &head != MAGIC {
            return Err(StoreError::NotAJournal { path });
        }
        let cut = (len - HEAD) % RECORD;
        if cut != 0 {
            // A digest cut short by a crash: drop it, so the next ones stay aligned.
            len -= cut;
            file.set_len(len).map_err(|e| StoreError::write(&path, e))?;
        }
        if len > HEAD {
            let mut last = [0u8; RECORD as usize];
            file.read_exact_at(&mut last, len - RECORD)
                .map_err(|e| StoreError::read(&path, e))?;
            let end = u64::from_le_bytes(last[16..24].try_into().unwrap_or([0; 8]));
            if end > csv_len {
                len -= RECORD;
                file.set_len(len).map_err(|e| StoreError::write(&path, e))?;
            }
        }
        let entries = (len - HEAD) / RECORD;
        let keep = entries.min(recent.capacity() as u64);
        let start = len - keep * RECORD;
        let mut bytes = vec![0u8; (keep * RECORD) as usize];
        file.read_exact_at(&mut bytes, start)
            .map_err(|e| StoreError::read(&path, e))?;
        for chunk in bytes.chunks_exact(RECORD as usize) {
            let mut digest = [0u8; 16];
            digest.copy_from_slice(&chunk[..16]);
            recent.insert(u128::from_le_bytes(digest));
        }
        Ok(Journal {
            path,
            file,
            entries,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry (one `write`): `digest`, and `end`, the CSV's length once its row is
    /// written. Called before the row is written; see [`Journal::open`].
    pub(crate) fn record(&mut self, digest: u128, end: u64) -> Result<(), StoreError> {
        (&self.file)
            .write_all(&entry(digest, end))
            .map_err(|e| StoreError::write(&self.path, e))?;
        self.entries += 1;
        Ok(())
    }

    /// Takes back the last entry: its row could not be written.
    pub(crate) fn retract(&mut self) -> Result<(), StoreError> {
        self.file
            .set_len(HEAD + (self.entries - 1) * RECORD)
            .map_err(|e| StoreError::write(&self.path, e))?;
        self.entries -= 1;
        Ok(())
    }

    /// Whether the journal holds more than [`SLACK`] times what is kept in memory.
    pub(crate) fn needs_compaction(&self, recent: &Recent) -> bool {
        self.entries > SLACK * recent.capacity() as u64
    }

    /// Rewrites the journal with just the digests in `recent`, through a temporary file renamed
    /// over it, so a crash leaves either the old or the new journal.
    pub(crate) fn compact(&mut self, recent: &Recent) -> Result<(), StoreError> {
        let tmp = with_suffix(&self.path, ".tmp");
        let mut bytes = Vec::with_capacity(HEAD as usize + recent.len() * RECORD as usize);
        bytes.extend_from_slice(MAGIC);
        for digest in recent.iter() {
            // Every row of these is written: an end of 0 never fails the check at open.
            bytes.extend_from_slice(&entry(digest, 0));
        }
        let write = || -> io::Result<()> {
            let mut file = File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_data()
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            StoreError::write(&tmp, e)
        })?;
        fs::rename(&tmp, &self.path).map_err(|e| StoreError::write(&self.path, e))?;
        sync_dir(&self.path);
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| StoreError::open(&self.path, e))?;
        self.entries = recent.len() as u64;
        Ok(())
    }

    /// Writes the journal anew from `recent` if its file was deleted (with its directory,
    /// say) while recording.
    pub(crate) fn follow(&mut self, recent: &Recent) -> Result<(), StoreError> {
        match fs::metadata(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.compact(recent),
            _ => Ok(()),
        }
    }

    /// Another handle of the journal file, for a sync on another thread.
    pub(crate) fn try_clone_file(&self) -> Option<File> {
        self.file.try_clone().ok()
    }

    pub(crate) fn sync(&self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::sync(&self.path, e))
    }
}

fn entry(digest: u128, end: u64) -> [u8; RECORD as usize] {
    let mut bytes = [0u8; RECORD as usize];
    bytes[..16].copy_from_slice(&digest.to_le_bytes());
    bytes[16..24].copy_from_slice(&end.to_le_bytes());
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

    #[test]
    fn a_zero_capacity_remembers_nothing() {
        let mut recent = Recent::new(0);
        recent.insert(7);
        assert!(!recent.contains(7));
        assert_eq!(recent.len(), 0);
    }
}
