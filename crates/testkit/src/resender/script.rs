//! What a [`Resender`](super::Resender) does once its client has subscribed: the steps, in
//! order.

use std::time::Duration;

/// One QoS 1 message of a script, as first sent and as replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Message {
    pub(super) packet_id: u16,
    pub(super) topic: String,
    pub(super) payload: Vec<u8>,
}

/// One step of a [`ResendScript`].
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Sends a new QoS 1 PUBLISH (DUP clear).
    Publish(Message),
    /// Sends an earlier message again, same packet id, DUP set.
    Replay(Message),
    /// Reads the client's packets until every message sent is acknowledged.
    WaitForAcks,
    /// Reads the client's packets for a while.
    Pause(Duration),
    /// Closes the connection; the script goes on when the client is back.
    DropConnection,
}

/// The steps a [`Resender`](super::Resender) runs once its client has subscribed.
///
/// Every message is QoS 1 and is sent whatever the client subscribed to: give topics that
/// match its filter. The client's packets (PUBACK, PINGREQ, SUBSCRIBE) are read only during
/// [`wait_for_acks`](Self::wait_for_acks), [`pause`](Self::pause) and at the end, so what is
/// unacknowledged when [`drop_connection`](Self::drop_connection) runs is exactly what was
/// sent since the last wait.
///
/// ```
/// use hexaboard_testkit::ResendScript;
///
/// let script = ResendScript::new()
///     .publish(1, "hexaboard/A/sensor/data", r#"{"temperature":25}"#)
///     .publish(2, "hexaboard/A/sensor/data", r#"{"temperature":26}"#)
///     .wait_for_acks()
///     .replay(1) // DUP set, packet id 1 again, after the newer message 2
///     .drop_connection(); // on reconnect: message 1 again (unacknowledged), DUP set
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ResendScript {
    pub(super) steps: Vec<Step>,
}

impl ResendScript {
    /// An empty script: the server only accepts the client's connection and subscription.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends a new QoS 1 PUBLISH with packet id `packet_id`, DUP clear.
    ///
    /// # Panics
    ///
    /// When `packet_id` is 0, which MQTT does not allow.
    pub fn publish(mut self, packet_id: u16, topic: &str, payload: impl Into<Vec<u8>>) -> Self {
        assert_ne!(packet_id, 0, "MQTT packet ids start at 1");
        self.steps.push(Step::Publish(Message {
            packet_id,
            topic: topic.to_owned(),
            payload: payload.into(),
        }));
        self
    }

    /// Sends the latest message published with `packet_id` again: same packet id, topic and
    /// payload, DUP set. The client owes a PUBACK for it again.
    ///
    /// # Panics
    ///
    /// When no earlier step published `packet_id`.
    pub fn replay(mut self, packet_id: u16) -> Self {
        let message = self
            .steps
            .iter()
            .rev()
            .find_map(|step| match step {
                Step::Publish(m) if m.packet_id == packet_id => Some(m.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("replay({packet_id}) before any publish({packet_id}, ..)"));
        self.steps.push(Step::Replay(message));
        self
    }

    /// Waits until the client has acknowledged every message sent so far (at most 10 s, then
    /// the script fails).
    pub fn wait_for_acks(mut self) -> Self {
        self.steps.push(Step::WaitForAcks);
        self
    }

    /// Reads and answers the client's packets for `duration`.
    pub fn pause(mut self, duration: Duration) -> Self {
        self.steps.push(Step::Pause(duration));
        self
    }

    /// Closes the connection without reading further: a PUBACK on its way is lost. When the
    /// client connects again without a clean session, every message not acknowledged is sent
    /// again with DUP set, then the script goes on.
    pub fn drop_connection(mut self) -> Self {
        self.steps.push(Step::DropConnection);
        self
    }
}
