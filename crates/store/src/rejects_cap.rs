//! [`RejectsCap`]: the size cap of every store's rejects (the rejects file, a database's
//! `rejects` table): a board sending garbage five times a second cannot fill the disk.

use crate::Rejected;

/// How many bytes of rejects are kept and how many rejects were left out since the store
/// was opened.
#[derive(Debug)]
pub(crate) struct RejectsCap {
    limit: u64,
    size: u64,
    not_written: u64,
}

impl RejectsCap {
    /// A cap of `limit` bytes of which `size` are used already.
    pub(crate) fn new(limit: u64, size: u64) -> RejectsCap {
        RejectsCap {
            limit,
            size,
            not_written: 0,
        }
    }

    /// [`Rejected::NotWritten`] (and the reject counted) when `bytes` more would pass the cap.
    pub(crate) fn refuse(&mut self, bytes: u64) -> Option<Rejected> {
        if self.size.saturating_add(bytes) <= self.limit {
            return None;
        }
        self.not_written += 1;
        Some(Rejected::NotWritten {
            first: self.not_written == 1,
        })
    }

    /// Counts `bytes` written.
    pub(crate) fn add(&mut self, bytes: u64) {
        self.size = self.size.saturating_add(bytes);
    }

    /// The bytes kept, as far as this store knows.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// How many rejects were left out since the store was opened.
    pub(crate) fn not_written(&self) -> u64 {
        self.not_written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reject_past_the_cap_says_it_is_the_first() {
        let mut cap = RejectsCap::new(100, 60);
        assert_eq!(cap.refuse(40), None);
        cap.add(40);
        assert_eq!(cap.refuse(1), Some(Rejected::NotWritten { first: true }));
        assert_eq!(cap.refuse(1), Some(Rejected::NotWritten { first: false }));
        assert_eq!(cap.not_written(), 2);
    }
}
