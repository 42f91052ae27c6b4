//! A scripted MQTT 3.1.1 broker for one subscriber that resends the way the specification
//! allows and mosquitto never does: a QoS 1 PUBLISH again, DUP set, same packet id, after
//! newer messages. The server and what a test reads from it are here; the steps in
//! [`script`], the bytes in `packet`, the socket in `connection`, the session in `serve`.

mod connection;
mod packet;
mod script;
mod serve;

use std::fmt::Write as _;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

pub use script::ResendScript;

use crate::net::LOOPBACK;

/// What a [`Resender`] saw and did, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResendEvent {
    /// A client connected (CONNACK sent).
    Connected {
        /// Its client id.
        client_id: String,
        /// Whether it asked for a clean session (no resends owed to it then).
        clean_session: bool,
    },
    /// The client subscribed (SUBACK sent, QoS granted up to 1).
    Subscribed {
        /// Each topic filter with the QoS the client asked for.
        filters: Vec<(String, u8)>,
    },
    /// A QoS 1 PUBLISH went out.
    Sent {
        /// Its packet id.
        packet_id: u16,
        /// Whether the DUP flag was set (a replay or a resend after reconnecting).
        dup: bool,
    },
    /// A PUBACK came in.
    Acked {
        /// The packet id it acknowledges.
        packet_id: u16,
    },
    /// The script closed the connection.
    Dropped,
    /// The client sent DISCONNECT.
    Disconnected,
    /// The client closed the connection without DISCONNECT.
    ConnectionLost,
}

/// How one connection, or the whole server, ended.
enum Ended {
    ClientGone,
    Disconnected,
    Dropped,
    Stopped,
    Failed(String),
}

/// What the server thread and the test share.
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    events: Vec<ResendEvent>,
    /// `Ok` once the script ran to its end and everything sent was acknowledged; `Err` when
    /// the client broke it.
    outcome: Option<Result<(), String>>,
    stop: bool,
    /// The open connection, for [`Resender`]'s drop to shut down.
    stream: Option<TcpStream>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, event: ResendEvent) {
        self.lock().events.push(event);
        self.changed.notify_all();
    }
}

/// A scripted MQTT 3.1.1 broker on a free loopback port (plain TCP, no authentication) for
/// one client at a time.
///
/// It accepts the client's CONNECT and SUBSCRIBE, runs its [`ResendScript`] (new messages, replays
/// with DUP, waits, dropped connections), resends what is unacknowledged with DUP when the
/// client comes back without a clean session, answers PINGREQ, and records every step as an
/// [`ResendEvent`]. Dropping it stops the server and closes the connection.
///
/// ```no_run
/// use hexaboard_testkit::{Resender, ResendScript};
///
/// let script = ResendScript::new()
///     .publish(1, "hexaboard/A/sensor/data", "first")
///     .publish(2, "hexaboard/A/sensor/data", "second")
///     .replay(1);
/// let server = Resender::start(script)?;
/// // ... connect an MQTT client to server.url() and subscribe at QoS 1 ...
/// server.wait_until_done(std::time::Duration::from_secs(10))?;
/// assert_eq!(server.pubacks(), [1, 2, 1]);
/// # anyhow::Ok(())
/// ```
pub struct Resender {
    port: u16,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Resender {
    /// Binds `127.0.0.1:0` and serves `script` in a background thread.
    ///
    /// # Errors
    ///
    /// When the listener cannot be bound or the thread cannot be spawned.
    pub fn start(script: ResendScript) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((LOOPBACK, 0)).context("binding the resender")?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let server = serve::Server::new(script.steps, Arc::clone(&shared));
        let thread = thread::Builder::new()
            .name(format!("resender-{port}"))
            .spawn(move || server.run(&listener))
            .context("spawning the resender thread")?;
        Ok(Self {
            port,
            shared,
            thread: Some(thread),
        })
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `tcp://127.0.0.1:PORT`, the form paho-mqtt takes as a server URI.
    pub fn url(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// Everything recorded so far.
    pub fn events(&self) -> Vec<ResendEvent> {
        self.shared.lock().events.clone()
    }

    /// The packet ids of the PUBACKs received so far, in order.
    pub fn pubacks(&self) -> Vec<u16> {
        self.shared
            .lock()
            .events
            .iter()
            .filter_map(|e| match e {
                ResendEvent::Acked { packet_id } => Some(*packet_id),
                _ => None,
            })
            .collect()
    }

    /// The PUBLISH packets sent so far, in order: packet id and DUP flag.
    pub fn sent(&self) -> Vec<(u16, bool)> {
        self.shared
            .lock()
            .events
            .iter()
            .filter_map(|e| match e {
                ResendEvent::Sent { packet_id, dup } => Some((*packet_id, *dup)),
                _ => None,
            })
            .collect()
    }

    /// Waits until the script ran to its end and the client acknowledged everything sent.
    /// The server keeps serving the client afterwards.
    ///
    /// # Errors
    ///
    /// When the client broke the protocol or did not acknowledge in time, or `timeout`
    /// passed first; the error lists the events.
    pub fn wait_until_done(&self, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            match &state.outcome {
                Some(Ok(())) => return Ok(()),
                Some(Err(why)) => bail!("the resender's script failed: {why}{}", list(&state)),
                None => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!(
                    "the resender's script was not done within {timeout:?}{}",
                    list(&state)
                );
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// The events, one a line, for an error message.
fn list(state: &State) -> String {
    let mut text = String::from("; events:");
    for event in &state.events {
        let _ = write!(text, "\n  {event:?}");
    }
    text
}

impl std::fmt::Debug for Resender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resender")
            .field("port", &self.port)
            .field("events", &self.events())
            .finish()
    }
}

impl Drop for Resender {
    fn drop(&mut self) {
        {
            let mut state = self.shared.lock();
            state.stop = true;
            if let Some(stream) = state.stream.take() {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
