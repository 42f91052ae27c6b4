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
//!
//! | file | holds |
//! | --- | --- |
//! | `recent.rs` | [`Recent`]: the digests stored lately, in memory |
//! | `journal.rs` | [`Journal`]: the same digests in `<csv>.seen`, so a restart remembers them |

mod journal;
mod recent;
#[cfg(test)]
mod tests;

pub use journal::journal_path;
pub(crate) use journal::Journal;
pub(crate) use recent::Recent;
