//! The MQTT session: connect, subscribe, receive on paho's callback thread, reconnect, publish
//! and stop, over paho-mqtt's `AsyncClient`.
//!
//! ```no_run
//! use hexaboard_mqtt::core::topic::TopicFilter;
//! use hexaboard_mqtt::session::{Session, StopSignal};
//! use hexaboard_mqtt::settings::{ConnectionSettings, Qos};
//!
//! let settings = ConnectionSettings::builder("localhost").port(1883).build()?;
//! let stop = StopSignal::install()?;
//! let session = Session::builder(&settings)
//!     .subscribe(TopicFilter::new("hexaboard/+/sensor/data")?, Qos::AtLeastOnce)
//!     .on_event(|event| eprintln!("{event}"))
//!     .on_message(|msg| println!("{} {}", msg.topic, msg.payload_str()))
//!     .stop_signal(&stop)
//!     .connect()?;
//! stop.wait();
//! session.stop();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The callback thread
//!
//! The message handler ([`SessionBuilder::on_message`]) runs on paho's C thread, and paho sends
//! the acknowledgement of a QoS 1 message (PUBACK) only when the handler returns. A handler that
//! stores the reading before it returns therefore loses nothing when the process is killed:
//! the broker sends again what was not acknowledged. Hence the rules for the handler (and for
//! the event handler, which may also run there):
//!
//! - keep it short (microseconds: parse, one `write`); the next message waits for it;
//! - never wait for the broker there: no [`Session::publish`] (it returns
//!   [`PublishError::InCallback`] instead of deadlocking), no blocking channel send;
//! - a panic is caught ([`SessionEvent::HandlerPanicked`], [`Session::handler_panics`]); the
//!   message is acknowledged anyway, since paho has no way to refuse it.
//!
//! # Connecting
//!
//! [`SessionBuilder::connect`] returns once the broker has answered the CONNECT and every
//! SUBSCRIBE, so a test may publish right after. A failure is a [`ConnectError`] whose
//! message names the cause and the fix; fatal ones (password, TLS trust, protocol) return at
//! once, retryable ones (refused, no answer) are tried again per [`RetryPolicy`], always with
//! the same client (a failed client is never dropped: see paho-mqtt issue #239).
//!
//! Subscriptions are made in paho's on-connect callback, so every reconnect makes them again.
//! Lost connections are re-established by the session itself with backoff from 0.5 s up to
//! 30 s, each failed attempt reported as [`SessionEvent::ReconnectFailed`] with its reason.

mod callbacks;
mod connect;
mod dup_flag;
mod event;
mod publish;
mod retry;
mod stop;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hexaboard_core::topic::TopicFilter;
use paho_mqtt as paho;

pub use crate::connect_error::{ConnectError, ConnectErrorKind};
pub use event::{Incoming, SessionEvent};
pub use publish::{Pending, PublishError};
pub use retry::RetryPolicy;
pub use stop::{StopSignal, StopSignalError};

use crate::settings::{ConnectionSettings, Qos};
use callbacks::{EventFn, MessageFn, Shared};

/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default keep-alive interval.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(30);
/// How long the broker keeps a persistent MQTT 5 session after a disconnect by default.
pub const DEFAULT_SESSION_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);
/// The default number of publishes [`Session::publish_nowait`] keeps in flight.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 1000;
/// The default time [`Session::publish`] waits for the broker's acknowledgement.
pub const DEFAULT_PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`Session::stop`] lets the DISCONNECT take.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Options of a [`Session`]; made by [`Session::builder`], used by
/// [`connect`](Self::connect).
#[must_use]
pub struct SessionBuilder {
    settings: ConnectionSettings,
    subscriptions: Vec<(TopicFilter, Qos)>,
    persistent: bool,
    session_expiry: Duration,
    connect_timeout: Duration,
    keep_alive: Duration,
    retry: RetryPolicy,
    on_event: Option<EventFn>,
    on_message: Option<MessageFn>,
    stop: Option<StopSignal>,
    max_in_flight: usize,
    publish_timeout: Duration,
    last_will: Option<LastWill>,
}

/// The message the broker publishes for the client when its connection dies without a
/// DISCONNECT (the firmware's `offline` status, say).
#[derive(Clone, Debug)]
pub(crate) struct LastWill {
    topic: String,
    payload: Vec<u8>,
    qos: Qos,
    retain: bool,
}

impl SessionBuilder {
    /// The last will: what the broker publishes on `topic` if the connection dies without a
    /// clean stop (a crash, a pulled cable). A virtual board uses it for its `offline` status,
    /// as the firmware does.
    pub fn last_will(
        mut self,
        topic: impl Into<String>,
        payload: impl Into<Vec<u8>>,
        qos: Qos,
        retain: bool,
    ) -> Self {
        self.last_will = Some(LastWill {
            topic: topic.into(),
            payload: payload.into(),
            qos,
            retain,
        });
        self
    }

    /// Subscribes to `filter` at `qos` (call again for more). A `$share/group/filter`
    /// filter works as it is. The sensor and status filters of the settings are not added by
    /// themselves.
    pub fn subscribe(mut self, filter: TopicFilter, qos: Qos) -> Self {
        self.subscriptions.push((filter, qos));
        self
    }

    /// Subscribes to each of `filters` at `qos`, as [`subscribe`](Self::subscribe) does.
    pub fn subscribe_all(mut self, filters: &[TopicFilter], qos: Qos) -> Self {
        self.subscriptions
            .extend(filters.iter().map(|filter| (filter.clone(), qos)));
        self
    }

    /// A persistent session (default off): the broker keeps subscriptions and queues QoS 1/2
    /// messages while this client is away. Needs a stable `MQTT_CLIENT_ID`. MQTT 3.1.1 uses
    /// `clean_session(false)`; MQTT 5 uses `clean_start(false)` and a session expiry
    /// ([`session_expiry`](Self::session_expiry)).
    pub fn persistent(mut self, on: bool) -> Self {
        self.persistent = on;
        self
    }

    /// How long an MQTT 5 broker keeps a persistent session after a disconnect (default
    /// 7 days).
    pub fn session_expiry(mut self, expiry: Duration) -> Self {
        self.session_expiry = expiry;
        self
    }

    /// How long one connect attempt may take until the CONNACK (default 10 s; paho counts
    /// whole seconds, at least 1).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Duration::from_secs(timeout.as_secs_f64().ceil().max(1.0) as u64);
        self
    }

    /// The keep-alive interval (default 30 s).
    pub fn keep_alive(mut self, interval: Duration) -> Self {
        self.keep_alive = interval;
        self
    }

    /// How the first connect is retried (default [`RetryPolicy::forever`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The event handler. It may run on paho's callback thread: the same rules as for the
    /// message handler apply (short, never waits for the broker).
    pub fn on_event(mut self, f: impl Fn(SessionEvent) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(f));
        self
    }

    /// The message handler, called on paho's callback thread for every message; the broker
    /// gets the acknowledgement when it returns. See the [module docs](self).
    pub fn on_message(mut self, f: impl FnMut(Incoming<'_>) + Send + 'static) -> Self {
        self.on_message = Some(Box::new(f));
        self
    }

    /// A stop signal that ends the retries of the first connect ([`ConnectError::Stopped`]).
    pub fn stop_signal(mut self, stop: &StopSignal) -> Self {
        self.stop = Some(stop.clone());
        self
    }

    /// How many publishes [`Session::publish_nowait`] keeps in flight (default 1000); more
    /// wait for the oldest.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// How long a publish waits for the broker's acknowledgement (default 10 s).
    pub fn publish_timeout(mut self, timeout: Duration) -> Self {
        self.publish_timeout = timeout;
        self
    }

    /// Connects, subscribes and returns once the broker acknowledged both.
    ///
    /// # Errors
    ///
    /// A [`ConnectError`] naming the cause and the fix: at once when it is fatal, after the
    /// [`RetryPolicy`] is used up when it is retryable.
    pub fn connect(self) -> Result<Session, ConnectError> {
        connect::connect(self)
    }
}

/// A connected MQTT session. See the [module docs](self).
///
/// Dropping it stops it as [`stop`](Self::stop) does.
pub struct Session {
    cli: paho::AsyncClient,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    window: Mutex<std::collections::VecDeque<paho::DeliveryToken>>,
    max_in_flight: usize,
    publish_timeout: Duration,
    subscriptions: Vec<(TopicFilter, Qos)>,
    stopped: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.cli.server_uri())
            .field("client_id", &self.cli.client_id())
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Options for a session to the broker of `settings` (cloned).
    pub fn builder(settings: &ConnectionSettings) -> SessionBuilder {
        SessionBuilder {
            settings: settings.clone(),
            subscriptions: Vec::new(),
            persistent: false,
            session_expiry: DEFAULT_SESSION_EXPIRY,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            keep_alive: DEFAULT_KEEP_ALIVE,
            retry: RetryPolicy::default(),
            on_event: None,
            on_message: None,
            stop: None,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            publish_timeout: DEFAULT_PUBLISH_TIMEOUT,
            last_will: None,
        }
    }

    /// Subscribes again to every filter of the session and waits for the broker's answer:
    /// for a caller that suspects the broker lost a subscription (a board silent for too
    /// long). Reconnects already re-subscribe by themselves.
    ///
    /// # Errors
    ///
    /// [`PublishError::InCallback`] when called on paho's callback thread (it would
    /// deadlock), or the broker's refusal or silence.
    pub fn resubscribe(&self) -> Result<(), PublishError> {
        for (filter, qos) in &self.subscriptions {
            if callbacks::in_callback() {
                return Err(PublishError::InCallback {
                    topic: filter.as_str().to_owned(),
                });
            }
            let token = self.cli.subscribe(filter.as_str(), i32::from(qos.number()));
            match token.wait_for(self.publish_timeout) {
                Ok(_) => {}
                Err(paho::Error::Timeout) => {
                    return Err(PublishError::Timeout {
                        topic: filter.as_str().to_owned(),
                        timeout: self.publish_timeout,
                    })
                }
                Err(source) => {
                    return Err(PublishError::Failed {
                        topic: filter.as_str().to_owned(),
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    /// Whether the connection is up now, as last reported by paho's callbacks.
    pub fn is_connected(&self) -> bool {
        self.shared.connected.load(Ordering::SeqCst)
    }

    /// How many times the message handler panicked.
    pub fn handler_panics(&self) -> u64 {
        self.shared.panics.load(Ordering::SeqCst)
    }

    /// How many times the session connected (1 after `connect`, +1 per reconnect).
    pub fn connects(&self) -> u32 {
        self.shared.connects.load(Ordering::SeqCst)
    }

    /// Stops: no more reconnects, a DISCONNECT to the broker (at most about 1 s), helper
    /// threads ended. Messages still arriving meanwhile go to the handler as usual.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// [`Session::stop`] for a program that ends right after: the same DISCONNECT, sent and
    /// waited for, but the client is left for the process's exit to end.
    ///
    /// Tearing a Paho C client down waits for the library's receive thread to leave a poll
    /// that lasts up to a second, so Ctrl+C would take a second to give the prompt back; a
    /// program about to exit gains nothing from that wait. Use [`Session::stop`] when the
    /// program goes on (tests, a session per task), or the clients pile up.
    pub fn stop_at_exit(mut self) {
        self.shutdown();
        // Leaves the paho client undestroyed; its threads end with the process.
        std::mem::forget(self);
    }

    /// Leaves the session as it is, for a program that ends now because its message handler
    /// could not take a message (a disk full): no DISCONNECT and nothing waited for, since
    /// paho's callback thread may be held in the handler for good. The broker sees the
    /// connection drop and keeps, for a persistent session, every message not acknowledged.
    pub fn abandon(self) {
        std::mem::forget(self);
    }

    fn shutdown(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        self.shared.closing.store(true, Ordering::SeqCst);
        // The helper threads first: the watcher waits out pending SUBACKs, and the
        // reconnect thread parks its client if a reconnect is still pending.
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        if self.shared.connected.swap(false, Ordering::SeqCst) {
            let opts = paho::DisconnectOptionsBuilder::new()
                .timeout(DISCONNECT_TIMEOUT)
                .finalize();
            let _ = self.cli.disconnect(opts).wait_for(DISCONNECT_TIMEOUT * 2);
        }
        self.shared.emit(SessionEvent::Stopped);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shutdown();
    }
}
