//! Helpers shared by the session tests: event recorders, message collectors, waiting.
#![allow(dead_code, unreachable_pub)]

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hexaboard_mqtt::core::topic::TopicFilter;
use hexaboard_mqtt::settings::{ConnectionSettings, MqttVersion, Qos};
use hexaboard_mqtt::{Incoming, Session, SessionBuilder, SessionEvent};

/// Events a session reported, in order.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<SessionEvent>>>);

impl Events {
    pub fn handler(&self) -> impl Fn(SessionEvent) + Send + Sync + 'static {
        let events = Arc::clone(&self.0);
        move |e| events.lock().unwrap().push(e)
    }

    pub fn all(&self) -> Vec<SessionEvent> {
        self.0.lock().unwrap().clone()
    }

    pub fn texts(&self) -> Vec<String> {
        self.all().iter().map(ToString::to_string).collect()
    }

    /// Waits until an event matches, up to `timeout`.
    pub fn wait_for(&self, timeout: Duration, f: impl Fn(&SessionEvent) -> bool) -> bool {
        wait_until(timeout, || self.all().iter().any(&f))
    }
}

/// A message as received: topic, payload, qos.
pub type Received = (String, Vec<u8>, Qos);

/// A message handler that sends every message to the returned receiver.
pub fn collector() -> (
    impl FnMut(Incoming<'_>) + Send + 'static,
    Receiver<Received>,
) {
    let (tx, rx) = mpsc::channel();
    let handler = move |m: Incoming<'_>| {
        let _ = tx.send((m.topic.to_owned(), m.payload.to_vec(), m.qos));
    };
    (handler, rx)
}

/// Collects messages until `n` arrived or `timeout` passed.
pub fn take(rx: &Receiver<Received>, n: usize, timeout: Duration) -> Vec<Received> {
    let deadline = Instant::now() + timeout;
    let mut got = Vec::new();
    while got.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(m) => got.push(m),
            Err(_) => break,
        }
    }
    got
}

/// Everything that arrives within `quiet` of silence.
pub fn drain(rx: &Receiver<Received>, quiet: Duration) -> Vec<Received> {
    let mut got = Vec::new();
    while let Ok(m) = rx.recv_timeout(quiet) {
        got.push(m);
    }
    got
}

pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Plain settings for `127.0.0.1:port`.
pub fn plain(port: u16, version: MqttVersion, client_id: &str) -> ConnectionSettings {
    ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .mqtt_version(version)
        .client_id(client_id)
        .build()
        .expect("test settings")
}

/// A topic filter the test knows to be valid.
pub fn topic_filter(text: &str) -> TopicFilter {
    TopicFilter::new(text).expect("a valid test filter")
}

/// A connected publisher session without subscriptions.
pub fn publisher(port: u16, version: MqttVersion, client_id: &str) -> Session {
    quick(Session::builder(&plain(port, version, client_id)))
        .connect()
        .expect("publisher connects")
}

/// Short timeouts and no retries, for tests.
pub fn quick(b: SessionBuilder) -> SessionBuilder {
    b.connect_timeout(Duration::from_secs(3))
        .retry(hexaboard_mqtt::RetryPolicy::none())
}
