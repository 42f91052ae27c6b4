//! How many messages were received, stored, rejected: counted from the receive path, read
//! from a status line printer on another thread.
//!
//! ```
//! use std::sync::Arc;
//! use hexaboard_recorder::counters::Counters;
//!
//! let counters = Arc::new(Counters::default());
//! let printer = Arc::clone(&counters);
//! counters.add_received();
//! counters.add_stored();
//! assert_eq!(
//!     std::thread::spawn(move || printer.snapshot().to_string()).join().unwrap(),
//!     "received 1, stored 1, rejected 0, duplicates 0"
//! );
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use hexaboard_core::text::{Lang, Line, Text};

/// Message counters, updated with relaxed atomics (each counter is exact; a snapshot taken
/// while messages arrive may be a message apart between counters).
#[derive(Debug, Default)]
pub struct Counters {
    received: AtomicU64,
    stored: AtomicU64,
    rejected: AtomicU64,
    duplicates: AtomicU64,
    status_messages: AtomicU64,
    rejects_not_written: AtomicU64,
}

impl Counters {
    /// Counts a message received on a sensor topic.
    pub fn add_received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a reading stored in the CSV.
    pub fn add_stored(&self) {
        self.stored.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a payload that is not a reading.
    pub fn add_rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a redelivery that was not stored again.
    pub fn add_duplicate(&self) {
        self.duplicates.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a message on a status topic (`online` / `offline`).
    pub fn add_status_message(&self) {
        self.status_messages.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a rejected payload left out of the rejects file because it reached its size cap.
    pub fn add_reject_not_written(&self) {
        self.rejects_not_written.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters' values now.
    pub fn snapshot(&self) -> CountersSnapshot {
        CountersSnapshot {
            received: self.received.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            status_messages: self.status_messages.load(Ordering::Relaxed),
            rejects_not_written: self.rejects_not_written.load(Ordering::Relaxed),
        }
    }
}

/// The values of [`Counters`] at one moment.
///
/// Displayed as `received 1200, stored 1188, rejected 12, duplicates 0`, followed by
/// `, status messages N` and `, rejects not written N` when those are not zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountersSnapshot {
    /// Messages received on sensor topics.
    pub received: u64,
    /// Readings stored in the CSV.
    pub stored: u64,
    /// Payloads that are not readings.
    pub rejected: u64,
    /// Redeliveries not stored again.
    pub duplicates: u64,
    /// Messages on status topics.
    pub status_messages: u64,
    /// Rejected payloads left out of the rejects file (size cap reached).
    pub rejects_not_written: u64,
}

impl CountersSnapshot {
    /// The counts in the words of `text`'s language (`수신 1200, 저장 1188, 거부 12, 중복 0`),
    /// from the catalogue of `hexaboard_core::text`.
    pub fn in_words(&self, text: Text) -> Line<'static> {
        text.counts(
            self.received,
            self.stored,
            self.rejected,
            self.duplicates,
            self.status_messages,
            self.rejects_not_written,
        )
    }
}

impl fmt::Display for CountersSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.in_words(Text::new(Lang::En)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_names_every_counter_that_matters() {
        let snapshot = CountersSnapshot {
            received: 1200,
            stored: 1188,
            rejected: 12,
            ..CountersSnapshot::default()
        };
        assert_eq!(
            snapshot.to_string(),
            "received 1200, stored 1188, rejected 12, duplicates 0"
        );
        let snapshot = CountersSnapshot {
            status_messages: 3,
            rejects_not_written: 2,
            ..snapshot
        };
        assert_eq!(
            snapshot.to_string(),
            "received 1200, stored 1188, rejected 12, duplicates 0, status messages 3, \
             rejects not written 2"
        );
    }

    #[test]
    fn counts_from_many_threads_add_up() {
        let counters = std::sync::Arc::new(Counters::default());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = std::sync::Arc::clone(&counters);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        c.add_received();
                        c.add_duplicate();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = counters.snapshot();
        assert_eq!((s.received, s.duplicates), (4000, 4000));
    }
}
