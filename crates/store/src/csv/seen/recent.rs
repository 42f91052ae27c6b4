//! The digests stored lately, in memory: a fixed-capacity ring, indexed only while
//! redeliveries are looked up.

use std::collections::HashSet;

/// The digests stored lately: at least the last `capacity`, at most twice as many. (After a
/// restart, the journal gives back the last `capacity`.)
///
/// The ring keeps the last `capacity` in order. Only a message flagged as a redelivery is
/// ever looked up, and redeliveries are rare and come in bursts (most after a reconnect), so the ring
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
    pub(super) fn is_indexed(&self) -> bool {
        self.index.is_some()
    }
}
