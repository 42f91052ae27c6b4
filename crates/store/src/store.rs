//! [`Store`]: the one trait a recorder appends through, whatever keeps the readings.
//!
//! A recorder acknowledges a QoS 1 message once its handler returns, so everything a store
//! promises hangs on one rule: **when [`Store::append`] returns [`Appended::Stored`], the
//! reading is as safe as the store can make it without waiting for the disk**, and it is
//! stored once. How is the store's own business, kept behind this one call:
//!
//! - the CSV writes its duplicate journal entry, then the row, each handed to the operating
//!   system before `append` returns (see [`CsvStore`](crate::csv::CsvStore));
//! - a database checks its memory of recent messages, inserts the row and remembers the
//!   message in one transaction, committed before `append` returns.
//!
//! So the trait asks for no transaction, journal or two-step protocol: one call decides
//! whether the message is a redelivery ([`MessageId`]) and stores it, or fails and stores
//! nothing. What may wait (an `fsync`, the rows of QoS 0 messages gathered for a few
//! milliseconds) is handed to the recorder's own thread through [`Store::flush_at`],
//! [`Store::flush`] and [`Store::sync_work`], never done on the thread that acknowledges.

use std::fmt;
use std::time::Instant;

use hexaboard_core::reading::Reading;
use hexaboard_core::status::Status;
use time::OffsetDateTime;

use crate::{MessageId, Rejected, StoreError, StoreNote, SyncWork};

/// What [`Store::append`] did with a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// The reading is stored: the message may be acknowledged.
    Stored,
    /// The reading of a message delivered at most once waits in memory with others, to be
    /// written within the gather delay
    /// ([`StoreOptions::gather_at_most_once`](crate::csv::StoreOptions::gather_at_most_once)).
    Gathered,
    /// The message is a redelivery of one already stored: nothing was written.
    Duplicate,
}

/// Where a recorder puts what it receives: readings, board statuses and rejected payloads.
///
/// Every method runs on the thread that receives messages, before the message is
/// acknowledged, except [`SyncWork::run`], which the recorder runs on a thread of its own.
/// An error means nothing of that call was stored: the recorder stops without acknowledging
/// the message, and the broker sends it again to the next run.
pub trait Store: Send {
    /// Stores `reading`, received at `received_at` on `topic`, unless `id` says it is a
    /// redelivery of a message stored lately (its DUP flag set and its digest remembered),
    /// remembering `id` with the reading so that its own redelivery is recognised, also
    /// after a restart.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming what could not be written: the reading is not stored.
    fn append(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        reading: &Reading<'_>,
        id: MessageId,
    ) -> Result<Appended, StoreError>;

    /// Keeps a board's status message (`online`, `offline`), where the store has room for
    /// statuses; the chapter's CSV has none, and keeps nothing.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming what could not be written.
    fn status(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        board: &str,
        status: Status,
    ) -> Result<(), StoreError>;

    /// Keeps `payload`, received on `topic` at `received_at`, which is not a reading: `kind`
    /// is a short snake-case name of what is wrong, `error` says it in a sentence. A store
    /// keeps rejects up to a size cap, then only counts them ([`Rejected::NotWritten`]).
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming what could not be written.
    fn reject(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        kind: &str,
        error: &dyn fmt::Display,
        payload: &[u8],
    ) -> Result<Rejected, StoreError>;

    /// The next thing the user should be told while recording goes on (a file reopened, a
    /// journal given up), oldest first.
    fn take_note(&mut self) -> Option<StoreNote>;

    /// When readings gathered in memory are due to be written, if any are waiting.
    fn flush_at(&self) -> Option<Instant> {
        None
    }

    /// Writes the readings gathered in memory, if any.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] naming what could not be written; the readings stay gathered.
    fn flush(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// [`Store::flush`] once the gathered readings are due ([`Store::flush_at`]).
    ///
    /// # Errors
    ///
    /// As [`Store::flush`].
    fn flush_due(&mut self, now: Instant) -> Result<(), StoreError> {
        match self.flush_at() {
            Some(due) if due <= now => self.flush(),
            _ => Ok(()),
        }
    }

    /// The work of making what was stored durable against power loss, when it is due, to run
    /// on another thread without holding the store.
    fn sync_work(&mut self, _now: Instant) -> Option<SyncWork> {
        None
    }

    /// Writes what is gathered, makes everything durable and ends: nothing is stored after.
    ///
    /// # Errors
    ///
    /// The first [`StoreError`] of writing and syncing.
    fn close(&mut self) -> Result<(), StoreError>;
}
