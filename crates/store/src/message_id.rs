//! [`MessageId`]: how a store tells a broker's redelivery from a new reading.

use hexaboard_core::reading::Reading;
use xxhash_rust::xxh3::Xxh3Default;

#[cfg(doc)]
use crate::Store;

/// The identity of an MQTT message for de-duplication: a digest of its topic and payload, and
/// its DUP flag.
///
/// A store ([`Store::append`]) skips a message only when its DUP flag is set *and* its digest
/// is among the recently stored ones, remembered across restarts (the CSV keeps them in
/// `<csv>.seen`, a database in the reading's own row, `readings.digest`):
/// [`MessageId::is_redelivery`]. A message without the flag is always stored. A message delivered at most once
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

    /// The identity of a message at QoS 1 or 2 carrying `reading`, `dup` being its DUP flag.
    ///
    /// The flag counts only for a reading that carries the board's own `timestamp`, which
    /// makes its payload its own: a board without one sends the same payload whenever the room
    /// has not changed, and a DUP-flagged copy of such a payload may be a reading never
    /// received (sent, lost on the way, sent again) that merely looks like a stored one.
    /// Storing it again can double a reading where skipping it could lose one, and a reading
    /// is never lost. With a timestamp, the same payload again without the flag is still a new
    /// reading: a board whose clock counts from boot repeats its payloads after a restart.
    pub fn reading(topic: &str, payload: &[u8], reading: &Reading<'_>, dup: bool) -> MessageId {
        MessageId::new(topic, payload, dup && reading.timestamp().is_some())
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

    /// Whether this message is a redelivery of one already stored: it was delivered at least
    /// once (QoS 1 or 2), the broker flagged it DUP, and `remembered` (the store's memory of
    /// recent messages, asked with [`MessageId::digest`]) holds it. The one rule every store
    /// applies; a store asks its memory only when the answer could be yes.
    ///
    /// # Errors
    ///
    /// The error of asking `remembered`.
    pub fn is_redelivery<E>(
        &self,
        remembered: impl FnOnce(u128) -> Result<bool, E>,
    ) -> Result<bool, E> {
        if self.remember && self.dup {
            remembered(self.digest)
        } else {
            Ok(false)
        }
    }

    /// The same message with the DUP flag set to `dup`.
    pub fn with_dup(self, dup: bool) -> MessageId {
        MessageId { dup, ..self }
    }
}
