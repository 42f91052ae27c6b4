//! One message recorded: routed and parsed by the pipeline, then stored (once), counted as a
//! status, or kept as a reject, before the handler returns and paho acknowledges it.

use hexaboard_core::pipeline::Outcome;
use time::OffsetDateTime;

use hexaboard_mqtt::settings::Qos;
use hexaboard_store::{Appended, MessageId, Rejected, StoreError};

use crate::options::Record;
use crate::recorder::{Recorder, State};

/// Where a broker's redeliveries can be: at the start of a connection, before the first new
/// reading. A QoS 1 message is sent again only when its acknowledgement was lost with a
/// connection, and then first thing on the next one (MQTT 3.1.1 §4.4 requires it there,
/// 5.0 §4.4 forbids it anywhere else, brokers send it before anything queued); so only
/// readings there are checked against the stored ones. Later, the same payload again is a
/// new reading: a board whose clock counts from boot sends the payloads of its last start
/// again after a restart, when the room has not changed.
#[derive(Debug, Default)]
pub(crate) struct Redeliveries {
    /// The connection of the last message.
    connection: Option<u32>,
    /// Whether no new QoS 1 or 2 reading has come on it yet.
    open: bool,
}

impl Redeliveries {
    /// Whether a reading on `connection` (`None`: not known) may be a redelivery.
    pub(crate) fn possible(&mut self, connection: Option<u32>) -> bool {
        let Some(connection) = connection else {
            return true;
        };
        if self.connection != Some(connection) {
            self.connection = Some(connection);
            self.open = true;
        }
        self.open
    }
}

impl Recorder {
    /// Handles one message received at `received_at` (at QoS 1 or 2): stores, counts, keeps
    /// rejects.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot keep the message; the message must then not be
    /// acknowledged.
    pub fn handle(
        &self,
        topic: &str,
        payload: &[u8],
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_at(topic, payload, Qos::AtLeastOnce, received_at)
    }

    /// [`Recorder::handle`] for a message delivered at `qos`: at QoS 0 the broker never sends
    /// a message twice, so none is checked or remembered for duplicates (one write per row).
    /// Every reading at QoS 1 or 2 is checked: see [`Recorder::handle_on`].
    ///
    /// # Errors
    ///
    /// As [`Recorder::handle`].
    pub fn handle_at(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_message(None, topic, payload, qos, received_at)
    }

    /// [`Recorder::handle_at`] for a message that came on the session's connection number
    /// `connection` ([`Incoming::connection`](hexaboard_mqtt::session::Incoming::connection)): a reading is checked against the stored ones
    /// only at the start of a connection, up to the first new QoS 1 or 2 reading, where a
    /// broker puts what it sends again. Later the same payload is stored as a new reading.
    ///
    /// # Errors
    ///
    /// As [`Recorder::handle`].
    pub fn handle_on(
        &self,
        connection: u32,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_message(Some(connection), topic, payload, qos, received_at)
    }

    fn handle_message(
        &self,
        connection: Option<u32>,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut guard = self.lock();
        let Some(state) = guard.as_mut() else {
            return Ok(()); // closed: nothing more is recorded
        };
        self.counters.add_received();
        let State {
            pipeline,
            store,
            kinds_seen,
            observer,
            redeliveries,
        } = state;
        match pipeline.process(topic, payload, received_at) {
            Outcome::Reading(outcome) => {
                // A payload carrying the board's own timestamp identifies its reading, so the
                // same payload on the same topic again where redeliveries come is one.
                // (paho-mqtt does not show the DUP flag.) Without a timestamp, identical
                // payloads may be distinct readings, and both are stored.
                let id = match qos {
                    Qos::AtMostOnce => MessageId::at_most_once(),
                    _ => {
                        let check = redeliveries.possible(connection)
                            && outcome.reading.timestamp().is_some();
                        MessageId::new(topic, payload, check)
                    }
                };
                let idle = store.flush_at().is_none();
                let appended = store.append(received_at, topic, &outcome.reading, id)?;
                if appended == Appended::Stored && qos != Qos::AtMostOnce {
                    // Something new: the broker has sent all it had to send again.
                    redeliveries.open = false;
                }
                if appended == Appended::Gathered && idle {
                    // The first row of a gathering: the writer sets its clock by it.
                    self.writer.unpark();
                }
                let record = match appended {
                    Appended::Stored | Appended::Gathered => {
                        self.counters.add_stored();
                        Record::Stored(&outcome)
                    }
                    Appended::Duplicate => {
                        self.counters.add_duplicate();
                        Record::Duplicate(&outcome)
                    }
                };
                if let Some(observe) = observer.as_mut() {
                    observe(&record, received_at);
                }
                // Drained even without an observer, so notes never pile up.
                while let Some(note) = store.take_note() {
                    if let Some(observe) = observer.as_mut() {
                        observe(&Record::Note(&note), received_at);
                    }
                }
            }
            Outcome::Status { board, status } => {
                store.status(received_at, topic, board, status)?;
                self.counters.add_status_message();
                if let Some(observe) = observer {
                    observe(&Record::Status { board, status }, received_at);
                }
            }
            Outcome::Rejected(error) => {
                self.counters.add_rejected();
                let written = store.reject(received_at, topic, error.kind(), &error, payload)?;
                let not_written = matches!(written, Rejected::NotWritten { .. });
                if not_written {
                    self.counters.add_reject_not_written();
                }
                let first_of_kind = kinds_seen.insert(error.kind());
                if let Some(observe) = observer {
                    let record = Record::Rejected {
                        topic,
                        error: &error,
                        first_of_kind,
                        not_written,
                    };
                    observe(&record, received_at);
                }
            }
            Outcome::Other => {
                if let Some(observe) = observer {
                    observe(&Record::Other { topic, payload }, received_at);
                }
            }
        }
        Ok(())
    }
}
