//! One message recorded: routed and parsed by the pipeline, then stored (once), counted as a
//! status, or kept as a reject, before the handler returns and paho acknowledges it.

use hexaboard_core::pipeline::Outcome;
use time::OffsetDateTime;

use hexaboard_mqtt::session::Incoming;
use hexaboard_mqtt::settings::Qos;
use hexaboard_store::{Appended, MessageId, Rejected, StoreError};

use crate::options::Record;
use crate::recorder::{Recorder, State};

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

    /// [`Recorder::handle`] for a message delivered at `qos`, without the DUP flag: at QoS 0
    /// the broker never sends a message twice, so none is checked or remembered for
    /// duplicates (one write per row); a reading at QoS 1 or 2 is remembered, and a flagged
    /// copy of it recognised later ([`Recorder::handle_incoming`]).
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
        self.handle_message(topic, payload, qos, false, received_at)
    }

    /// [`Recorder::handle_at`] for a message as the session delivers it, with its DUP flag:
    /// a reading flagged DUP that is among the recently stored ones is a redelivery, not
    /// stored again ([`MessageId::reading`] says which readings can be).
    ///
    /// # Errors
    ///
    /// As [`Recorder::handle`].
    pub fn handle_incoming(
        &self,
        message: &Incoming<'_>,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_message(
            message.topic,
            message.payload,
            message.qos,
            message.duplicate,
            received_at,
        )
    }

    fn handle_message(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        duplicate: bool,
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
        } = state;
        match pipeline.process(topic, payload, received_at) {
            Outcome::Reading(outcome) => {
                let id = match qos {
                    Qos::AtMostOnce => MessageId::at_most_once(),
                    _ => MessageId::reading(topic, payload, &outcome.reading, duplicate),
                };
                let idle = store.flush_at().is_none();
                let appended = store.append(received_at, topic, &outcome.reading, id)?;
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
