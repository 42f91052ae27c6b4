//! What a session tells its caller: [`SessionEvent`]s about the connection, and [`Incoming`]
//! messages.

use std::fmt;
use std::time::Duration;

use crate::settings::Qos;

/// A message from the broker, lent to the message handler for the time of the call.
///
/// It lives on paho's callback thread: the broker's acknowledgement (PUBACK at QoS 1) is sent
/// only after the handler returns, so what the handler has stored before returning is safe.
#[derive(Clone, Copy, Debug)]
pub struct Incoming<'a> {
    /// The topic the message was published to.
    pub topic: &'a str,
    /// The payload bytes, as published.
    pub payload: &'a [u8],
    /// The QoS the message was delivered with.
    pub qos: Qos,
    /// Whether the broker sent it as a retained message (a subscription's first message).
    pub retained: bool,
    /// The message's DUP flag: the broker says it sent this message before (its
    /// acknowledgement lost, or not yet come). A broker may resend at the start of a
    /// connection or, under MQTT 3.1.1, between new messages; a message that is new to the
    /// receiver may carry the flag too (sent before, lost on the way).
    pub duplicate: bool,
}

impl Incoming<'_> {
    /// The payload as text, with invalid UTF-8 replaced.
    pub fn payload_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.payload)
    }
}

/// Something that happened to the session, reported once. `Display` is a plain English line;
/// a caller may translate by matching the variant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// A risky but working setting, such as skipped certificate checks or a password over
    /// plain TCP. Reported at every start.
    Warning(String),
    /// The first connection is made (CONNACK received).
    Connected {
        /// The broker `tcp://host:port` or `ssl://host:port`.
        server: String,
        /// Whether the broker kept a session for this client id (persistent sessions).
        session_present: bool,
    },
    /// The broker acknowledged subscriptions (after the first connect and every reconnect).
    Subscribed {
        /// The topic filters.
        filters: Vec<String>,
        /// The QoS the broker granted for each filter, in the same order.
        granted: Vec<Qos>,
    },
    /// The broker refused a subscription.
    SubscribeRefused {
        /// The topic filter.
        filter: String,
    },
    /// A subscription got no answer in time after a reconnect.
    SubscribeFailed {
        /// The topic filter.
        filter: String,
        /// Why, in words.
        cause: String,
    },
    /// The connection was lost; the session reconnects by itself.
    ConnectionLost {
        /// What is known: paho does not say why a connection ended.
        cause: String,
    },
    /// The broker sent an MQTT 5 DISCONNECT with a reason (for example when it shuts down).
    BrokerDisconnected {
        /// The reason in words and its code.
        reason: String,
    },
    /// A reconnect attempt failed; the next one follows after `wait`.
    ReconnectFailed {
        /// The attempt, from 1.
        attempt: u32,
        /// The time until the next attempt.
        wait: Duration,
        /// Why it failed, a one-line message with the fix.
        cause: String,
    },
    /// The connection is back (subscriptions are made again, see [`SessionEvent::Subscribed`]).
    Reconnected,
    /// The first connect failed with a retryable error; the next attempt follows after `wait`.
    RetryingConnect {
        /// The attempt that failed, from 1.
        attempt: u32,
        /// The time until the next attempt.
        wait: Duration,
        /// Why it failed, a one-line message with the fix.
        cause: String,
    },
    /// The message handler panicked. The message was acknowledged to the broker anyway (paho
    /// acknowledges when the callback returns), so unless the handler stored it first it is
    /// lost; [`Session::handler_panics`](super::Session::handler_panics) counts these.
    HandlerPanicked {
        /// The message's topic.
        topic: String,
        /// The panic's message.
        message: String,
    },
    /// The session disconnected on request.
    Stopped,
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

impl fmt::Display for SessionEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionEvent::Warning(w) => write!(f, "warning: {w}"),
            SessionEvent::Connected {
                server,
                session_present,
            } => {
                write!(f, "connected to {server}")?;
                if *session_present {
                    f.write_str(" (the broker kept this client's session)")?;
                }
                Ok(())
            }
            SessionEvent::Subscribed { filters, granted } => {
                f.write_str("subscribed to ")?;
                for (i, (filter, qos)) in filters.iter().zip(granted).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{filter} (QoS {qos})")?;
                }
                Ok(())
            }
            SessionEvent::SubscribeRefused { filter } => write!(
                f,
                "the broker refused the subscription to {filter}: check the topic filter and \
                 the broker's access rules"
            ),
            SessionEvent::SubscribeFailed { filter, cause } => {
                write!(f, "subscribing to {filter} failed: {cause}")
            }
            SessionEvent::ConnectionLost { cause } => {
                write!(f, "connection lost ({cause}); reconnecting")
            }
            SessionEvent::BrokerDisconnected { reason } => {
                write!(f, "the broker ended the connection: {reason}")
            }
            SessionEvent::ReconnectFailed {
                attempt,
                wait,
                cause,
            } => write!(
                f,
                "reconnect attempt {attempt} failed: {cause}; next try in {}",
                secs(*wait)
            ),
            SessionEvent::Reconnected => f.write_str("reconnected"),
            SessionEvent::RetryingConnect {
                attempt,
                wait,
                cause,
            } => write!(
                f,
                "connect attempt {attempt} failed: {cause}; trying again in {}",
                secs(*wait)
            ),
            SessionEvent::HandlerPanicked { topic, message } => write!(
                f,
                "the message handler panicked on a message of {topic} ({message}); the message \
                 was acknowledged and may not be stored"
            ),
            SessionEvent::Stopped => f.write_str("disconnected"),
        }
    }
}
