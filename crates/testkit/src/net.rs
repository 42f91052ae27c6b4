//! Loopback port helpers and the [`Silent`] listener.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

/// The only address the test kit listens on.
pub(crate) const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// Returns a TCP port on `127.0.0.1` that was free a moment ago.
///
/// The port is found by binding `127.0.0.1:0` and dropping the listener, so another process
/// may take it before the caller binds it; [`Mosquitto`](crate::Mosquitto) retries on that race.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(free_ports(1)?[0])
}

/// Returns `n` distinct free ports on `127.0.0.1` (all bound at once, then released).
pub(crate) fn free_ports(n: usize) -> anyhow::Result<Vec<u16>> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind((LOOPBACK, 0)))
        .collect::<Result<Vec<_>, _>>()
        .context("binding 127.0.0.1:0 to find a free port")?;
    listeners
        .iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect()
}

/// Whether a TCP connection to `127.0.0.1:port` is accepted within `timeout`.
pub(crate) fn port_accepts(port: u16, timeout: Duration) -> bool {
    let addr = SocketAddr::from((LOOPBACK, port));
    TcpStream::connect_timeout(&addr, timeout.max(Duration::from_millis(1))).is_ok()
}

/// Waits until `127.0.0.1:port` accepts a TCP connection, polling every 10 ms.
///
/// # Errors
///
/// When the port still refuses connections after `timeout`.
pub fn wait_for_port(port: u16, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if port_accepts(port, left.min(Duration::from_millis(200))) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            bail!("127.0.0.1:{port} did not accept a connection within {timeout:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A TCP listener on a free loopback port that accepts connections and never sends a byte.
///
/// An MQTT client connecting to it gets its TCP connection but never a CONNACK, which is what
/// connect-timeout tests need. Accepted connections are held open until the `Silent` is
/// dropped; dropping it stops the accept thread and closes the listener and every connection.
#[derive(Debug)]
pub struct Silent {
    port: u16,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Silent {
    /// Binds `127.0.0.1:0` and starts accepting in a background thread.
    ///
    /// # Errors
    ///
    /// When the listener cannot be bound or the thread cannot be spawned.
    pub fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind((LOOPBACK, 0)).context("binding the silent listener")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let thread = {
            let stop = Arc::clone(&stop);
            let accepted = Arc::clone(&accepted);
            thread::Builder::new()
                .name(format!("silent-{port}"))
                .spawn(move || {
                    let mut held = Vec::new();
                    while !stop.load(Ordering::SeqCst) {
                        match listener.accept() {
                            Ok((stream, _)) => {
                                held.push(stream);
                                accepted.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                                thread::sleep(Duration::from_millis(5));
                            }
                            Err(_) => thread::sleep(Duration::from_millis(5)),
                        }
                    }
                })
                .context("spawning the silent listener thread")?
        };
        Ok(Self {
            port,
            stop,
            accepted,
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

    /// How many connections it has accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
