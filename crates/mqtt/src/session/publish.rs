//! Publishing: one message waiting for the broker's acknowledgement, or many pipelined with a
//! bounded number in flight.

use std::time::Duration;

use paho_mqtt as paho;

use super::callbacks::in_callback;
use super::Session;
use crate::settings::Qos;

/// Why a message was not published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// Waiting for the broker inside a session callback would deadlock paho's thread.
    #[error(
        "publishing to `{topic}` and waiting from inside a session callback would deadlock: \
         publish from another thread, or with publish_nowait"
    )]
    InCallback {
        /// The topic.
        topic: String,
    },
    /// No acknowledgement (PUBACK / PUBCOMP) in time.
    #[error("the broker did not acknowledge the message to `{topic}` within {} s", timeout.as_secs_f64())]
    Timeout {
        /// The topic.
        topic: String,
        /// The time waited.
        timeout: Duration,
    },
    /// The broker (MQTT 5) or paho refused the message.
    #[error("the message to `{topic}` was not published")]
    Failed {
        /// The topic.
        topic: String,
        /// What the broker or paho said.
        #[source]
        source: paho::Error,
    },
}

/// A message handed to paho by [`Session::publish_nowait`], not yet known to be acknowledged.
///
/// It may be dropped: the session's in-flight window still tracks the message, and a failure
/// shows in a later `publish_nowait` or in [`Session::flush`].
pub struct Pending {
    token: paho::DeliveryToken,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("topic", &self.token.message().topic())
            .finish()
    }
}

impl Pending {
    /// Waits until the broker acknowledged the message.
    ///
    /// # Errors
    ///
    /// When it was refused or not acknowledged within `timeout`.
    pub fn wait(self, timeout: Duration) -> Result<(), PublishError> {
        wait(self.token, timeout)
    }
}

fn wait(token: paho::DeliveryToken, timeout: Duration) -> Result<(), PublishError> {
    let topic = token.message().topic().to_owned();
    match token.wait_for(timeout) {
        Ok(()) => Ok(()),
        Err(paho::Error::Timeout) => Err(PublishError::Timeout { topic, timeout }),
        Err(source) => Err(PublishError::Failed { topic, source }),
    }
}

fn message(topic: &str, payload: Vec<u8>, qos: Qos, retain: bool) -> paho::Message {
    paho::MessageBuilder::new()
        .topic(topic)
        .payload(payload)
        .qos(i32::from(qos.number()))
        .retained(retain)
        .finalize()
}

impl Session {
    /// Publishes and waits for the broker's acknowledgement (PUBACK at QoS 1, PUBCOMP at
    /// QoS 2; at QoS 0, until it is sent), at most the publish timeout.
    ///
    /// # Errors
    ///
    /// [`PublishError::InCallback`] when called from the message or event handler;
    /// otherwise when the message was refused or not acknowledged in time.
    pub fn publish(
        &self,
        topic: &str,
        payload: impl Into<Vec<u8>>,
        qos: Qos,
        retain: bool,
    ) -> Result<(), PublishError> {
        if in_callback() {
            return Err(PublishError::InCallback {
                topic: topic.to_owned(),
            });
        }
        let token = self.send(topic, payload.into(), qos, retain)?;
        wait(token, self.publish_timeout)
    }

    /// Publishes without waiting for this message's acknowledgement; when the in-flight
    /// window is full, first waits for the oldest message in it. For pipelined publishers
    /// such as the board simulator.
    ///
    /// From inside a session callback it never waits: it only hands the message to paho.
    ///
    /// # Errors
    ///
    /// When paho refuses the message at once, or the oldest message of a full window was
    /// refused or not acknowledged in time (that message's topic is named).
    pub fn publish_nowait(
        &self,
        topic: &str,
        payload: impl Into<Vec<u8>>,
        qos: Qos,
        retain: bool,
    ) -> Result<Pending, PublishError> {
        if !in_callback() {
            let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
            while window.len() >= self.max_in_flight {
                if let Some(oldest) = window.pop_front() {
                    wait(oldest, self.publish_timeout)?;
                }
            }
            let token = self.send(topic, payload.into(), qos, retain)?;
            window.push_back(token.clone());
            return Ok(Pending { token });
        }
        let token = self.send(topic, payload.into(), qos, retain)?;
        Ok(Pending { token })
    }

    /// Waits until every message of [`publish_nowait`](Self::publish_nowait) so far is
    /// acknowledged.
    ///
    /// # Errors
    ///
    /// The first message refused or not acknowledged within `timeout` (each).
    pub fn flush(&self, timeout: Duration) -> Result<(), PublishError> {
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let mut first = Ok(());
        for token in window.drain(..) {
            let result = wait(token, timeout);
            if first.is_ok() {
                first = result;
            }
        }
        first
    }

    fn send(
        &self,
        topic: &str,
        payload: Vec<u8>,
        qos: Qos,
        retain: bool,
    ) -> Result<paho::DeliveryToken, PublishError> {
        self.cli
            .try_publish(message(topic, payload, qos, retain))
            .map_err(|source| PublishError::Failed {
                topic: topic.to_owned(),
                source,
            })
    }
}
