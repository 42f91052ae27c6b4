//! [`RejectsCap`]: the rejects' size cap of a database store, as the rejects file has one: a
//! board sending garbage five times a second cannot fill the database.

use crate::Rejected;

/// How many bytes of rejected payloads are kept and how many rejects were left out since
/// connecting.
#[derive(Debug)]
pub(super) struct RejectsCap {
    limit: u64,
    size: u64,
    not_written: u64,
}

impl RejectsCap {
    /// A cap of `limit` bytes of which `size` are used already.
    pub(super) fn new(limit: u64, size: u64) -> RejectsCap {
        RejectsCap {
            limit,
            size,
            not_written: 0,
        }
    }

    /// [`Rejected::NotWritten`] (and the reject counted) when `bytes` more would pass the cap.
    pub(super) fn refuse(&mut self, bytes: u64) -> Option<Rejected> {
        if self.size.saturating_add(bytes) <= self.limit {
            return None;
        }
        self.not_written += 1;
        Some(Rejected::NotWritten {
            first: self.not_written == 1,
        })
    }

    /// Counts `bytes` written.
    pub(super) fn add(&mut self, bytes: u64) {
        self.size = self.size.saturating_add(bytes);
    }

    /// How many rejects were left out since connecting.
    pub(super) fn not_written(&self) -> u64 {
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
