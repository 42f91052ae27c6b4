//! The paho callbacks and the two helper threads of a session.
//!
//! Every callback here runs on paho's C thread. None of them waits on a token, asks
//! `is_connected()` or blocks: they update atomics, send on unbounded channels and make
//! fire-and-forget subscribe requests. User code (the message handler and the event
//! handler) runs under `catch_unwind`, since a panic across the C boundary aborts the process.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hexaboard_core::text::Report;
use hexaboard_core::topic::TopicFilter;
use paho_mqtt as paho;

use super::dup_flag;
use super::event::{Incoming, SessionEvent};
use crate::diagnose;
use crate::settings::{ConnectionSettings, Qos};

/// The user's event handler.
pub(super) type EventFn = Arc<dyn Fn(SessionEvent) + Send + Sync + 'static>;
/// The user's message handler.
pub(super) type MessageFn = Box<dyn FnMut(Incoming<'_>) + Send + 'static>;

thread_local! {
    /// Set while this thread runs one of the session's callbacks.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside one of the session's paho callbacks, where waiting
/// for the broker would deadlock.
pub(super) fn in_callback() -> bool {
    IN_CALLBACK.with(Cell::get)
}

struct CallbackGuard;

impl CallbackGuard {
    fn enter() -> Self {
        IN_CALLBACK.with(|c| c.set(true));
        CallbackGuard
    }
}

impl Drop for CallbackGuard {
    fn drop(&mut self) {
        IN_CALLBACK.with(|c| c.set(false));
    }
}

/// Clients that must never be dropped: see [`park`].
static PARKED: Mutex<Vec<paho::AsyncClient>> = Mutex::new(Vec::new());

/// Keeps a client alive until the process ends.
///
/// paho-mqtt issue #239: a request token (connect, subscribe) holds a clone of its client,
/// and the C library drops that token on its own thread when the request completes. If that
/// is the last reference, the client is destroyed on the C thread, which takes the C library's
/// global lock again and hangs every client in the process. A client whose connect failed, or
/// that still has a request outstanding, is therefore parked here instead of dropped.
pub(super) fn park(cli: paho::AsyncClient) {
    PARKED.lock().unwrap_or_else(|e| e.into_inner()).push(cli);
}

/// State shared by the session, its callbacks and its threads.
pub(super) struct Shared {
    pub(super) on_event: Option<EventFn>,
    /// Successful connects so far (the first, then every reconnect).
    pub(super) connects: AtomicU32,
    pub(super) connected: AtomicBool,
    /// Set when the session stops: threads end, losses are not reported.
    pub(super) closing: AtomicBool,
    pub(super) panics: AtomicU64,
}

impl Shared {
    pub(super) fn new(on_event: Option<EventFn>) -> Self {
        Shared {
            on_event,
            connects: AtomicU32::new(0),
            connected: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            panics: AtomicU64::new(0),
        }
    }

    /// Hands an event to the user's handler; a panic there is swallowed (it is reported on
    /// stderr by the panic hook).
    pub(super) fn emit(&self, event: SessionEvent) {
        if let Some(f) = &self.on_event {
            let _ = catch_unwind(AssertUnwindSafe(|| f(event)));
        }
    }

    pub(super) fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }
}

/// Subscribe requests made by one connect: `(generation, [(filter, qos, token)])`.
pub(super) type Round = (u32, Vec<(String, Qos, paho::Token)>);

/// How one round of subscriptions ended.
#[derive(Debug, Default)]
pub(super) struct RoundOutcome {
    pub(super) granted: Vec<(String, Qos)>,
    pub(super) refused: Vec<String>,
    pub(super) failed: Vec<(String, String)>,
}

/// Sets the connected, connection-lost, disconnected and message callbacks.
pub(super) fn install(
    cli: &paho::AsyncClient,
    shared: &Arc<Shared>,
    subscriptions: Vec<(TopicFilter, Qos)>,
    rounds: Sender<Round>,
    lost: Sender<()>,
    handler: Option<MessageFn>,
) {
    let sh = Arc::clone(shared);
    cli.set_connected_callback(move |c| {
        let _g = CallbackGuard::enter();
        let generation = sh.connects.fetch_add(1, Ordering::SeqCst) + 1;
        sh.connected.store(true, Ordering::SeqCst);
        if generation > 1 {
            sh.emit(SessionEvent::Reconnected);
        }
        // Fire and forget: the watcher thread waits for the SUBACKs.
        let tokens = subscriptions
            .iter()
            .map(|(filter, qos)| {
                let tok = c.subscribe(filter.as_str(), i32::from(qos.number()));
                (filter.as_str().to_owned(), *qos, tok)
            })
            .collect();
        let _ = rounds.send((generation, tokens));
    });

    let sh = Arc::clone(shared);
    let server = cli.server_uri();
    cli.set_connection_lost_callback(move |_c| {
        let _g = CallbackGuard::enter();
        sh.connected.store(false, Ordering::SeqCst);
        if !sh.closing() {
            sh.emit(SessionEvent::ConnectionLost {
                cause: format!("{server} closed the connection or stopped answering"),
            });
            let _ = lost.send(());
        }
    });

    let sh = Arc::clone(shared);
    cli.set_disconnected_callback(move |_c, _props, reason| {
        let _g = CallbackGuard::enter();
        if !sh.closing() {
            sh.emit(SessionEvent::BrokerDisconnected {
                reason: format!("{reason} (reason 0x{:02X})", reason as u8),
            });
        }
    });

    let sh = Arc::clone(shared);
    let mut handler = handler;
    cli.set_message_callback(move |_c, msg| {
        let _g = CallbackGuard::enter();
        let (Some(msg), Some(handler)) = (msg, handler.as_mut()) else {
            return;
        };
        let incoming = Incoming {
            topic: msg.topic(),
            payload: msg.payload(),
            // paho passes 0, 1 or 2; anything else is treated as needing the row first.
            qos: Qos::from_number(msg.qos() as u8).unwrap_or(Qos::AtLeastOnce),
            retained: msg.retained(),
            duplicate: dup_flag::is_duplicate(&msg),
        };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| handler(incoming))) {
            sh.panics.fetch_add(1, Ordering::SeqCst);
            sh.emit(SessionEvent::HandlerPanicked {
                topic: msg.topic().to_owned(),
                message: panic_text(&*panic),
            });
        }
    });
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

/// Waits for each round's SUBACKs. The first round's outcome goes to `first` (the thread in
/// `connect` reports it); later rounds are reported as events here.
pub(super) fn watch_subscriptions(
    shared: &Shared,
    rounds: &Receiver<Round>,
    first: &SyncSender<RoundOutcome>,
    timeout: Duration,
) {
    loop {
        let (generation, tokens) = match rounds.recv_timeout(Duration::from_millis(100)) {
            Ok(round) => round,
            Err(RecvTimeoutError::Timeout) if shared.closing() => return,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut outcome = RoundOutcome::default();
        for (filter, qos, tok) in tokens {
            match tok.wait_for(timeout) {
                Ok(rsp) => match granted(&rsp, qos) {
                    Some(q) => outcome.granted.push((filter, q)),
                    None => outcome.refused.push(filter),
                },
                Err(e @ (paho::Error::Timeout | paho::Error::Disconnected)) => {
                    outcome.failed.push((filter, e.to_string()));
                }
                Err(_) => outcome.refused.push(filter),
            }
        }
        if generation == 1 {
            let _ = first.try_send(outcome);
        } else {
            report(shared, outcome);
        }
    }
}

/// The QoS granted by a SUBACK, `None` when it is a refusal (0x80 and up).
fn granted(rsp: &paho::ServerResponse, asked: Qos) -> Option<Qos> {
    let code = match rsp.subscribe_response() {
        Some(q) => q,
        None => rsp.reason_code() as i32,
    };
    if code >= 0x80 {
        return None;
    }
    Some(
        u8::try_from(code)
            .ok()
            .and_then(Qos::from_number)
            .unwrap_or(asked),
    )
}

/// Reports a round of subscriptions as events.
pub(super) fn report(shared: &Shared, outcome: RoundOutcome) {
    if !outcome.granted.is_empty() {
        let (filters, granted) = outcome.granted.into_iter().unzip();
        shared.emit(SessionEvent::Subscribed { filters, granted });
    }
    for filter in outcome.refused {
        shared.emit(SessionEvent::SubscribeRefused { filter });
    }
    for (filter, cause) in outcome.failed {
        shared.emit(SessionEvent::SubscribeFailed { filter, cause });
    }
}

/// The first wait before reconnecting, then doubled up to [`RECONNECT_MAX`].
const RECONNECT_FIRST: Duration = Duration::from_millis(500);
/// The longest wait between reconnect attempts.
const RECONNECT_MAX: Duration = Duration::from_secs(30);

/// Reconnects after every loss, with capped exponential backoff, until the session closes.
///
/// The session reconnects itself rather than with paho's `automatic_reconnect`: with that
/// option paho also keeps retrying a *failed first* connect in the background, forever, even
/// after a refused password, and says nothing about why later attempts fail.
pub(super) fn reconnect_loop(
    cli: paho::AsyncClient,
    settings: &ConnectionSettings,
    shared: &Shared,
    lost: &Receiver<()>,
    connect_timeout: Duration,
) {
    loop {
        match lost.recv_timeout(Duration::from_millis(100)) {
            Ok(()) => {}
            Err(RecvTimeoutError::Timeout) if shared.closing() => break,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let mut wait = RECONNECT_FIRST;
        let mut attempt = 0;
        loop {
            if !sleep_unless_closing(shared, wait) {
                drop(cli);
                return;
            }
            attempt += 1;
            let started = Instant::now();
            let mut tok = cli.reconnect();
            let result = loop {
                if let Some(result) = tok.try_wait() {
                    break result;
                }
                if shared.closing() || started.elapsed() > connect_timeout * 2 + RECONNECT_MAX {
                    // The request is still with the C library: never drop the last client
                    // reference behind it (see `park`).
                    park(cli);
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            };
            match result {
                Ok(_) => break,
                Err(e) => {
                    let cause = diagnose::explain(settings, e, started.elapsed(), connect_timeout);
                    wait = (wait * 2).min(RECONNECT_MAX);
                    shared.emit(SessionEvent::ReconnectFailed {
                        attempt,
                        wait,
                        cause: Report(&cause).to_string(),
                    });
                }
            }
        }
    }
}

/// Sleeps `d` in short steps; `false` when the session started closing meanwhile.
pub(super) fn sleep_unless_closing(shared: &Shared, d: Duration) -> bool {
    let deadline = Instant::now() + d;
    while Instant::now() < deadline {
        if shared.closing() {
            return false;
        }
        thread::sleep(
            deadline
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(50)),
        );
    }
    !shared.closing()
}
