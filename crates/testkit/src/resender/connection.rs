//! One client connection of the [`Resender`](super::Resender): packets written on the socket,
//! packets read by a thread of its own and handed over through a channel, so that waiting for
//! the next one can time out without losing half a packet.

use std::io::{self, BufReader, Write as _};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::packet::{read_packet, Inbound};
use super::{Ended, Shared};

/// How often a wait looks whether the server is being stopped.
const POLL: Duration = Duration::from_millis(50);
/// How long a dropped connection waits for the client to close its side. Paho notices the
/// end of the stream at once but keeps its socket open until it reconnects; by then it has
/// read everything, so the reset that closing with unread input may send loses nothing.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(200);

pub(super) struct Connection {
    stream: TcpStream,
    inbound: Receiver<io::Result<Inbound>>,
    reader: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl Connection {
    /// Starts reading `stream` in a thread and lets the server's owner shut it down.
    pub(super) fn open(stream: TcpStream, shared: Arc<Shared>) -> io::Result<Self> {
        stream.set_nonblocking(false)?;
        stream.set_nodelay(true)?;
        let mut reading = BufReader::new(stream.try_clone()?);
        let (tx, inbound) = mpsc::channel();
        let reader = thread::Builder::new()
            .name("resender-reader".to_owned())
            .spawn(move || loop {
                let packet = read_packet(&mut reading);
                let failed = packet.is_err();
                if tx.send(packet).is_err() || failed {
                    break;
                }
            })?;
        shared.lock().stream = Some(stream.try_clone()?);
        Ok(Self {
            stream,
            inbound,
            reader: Some(reader),
            shared,
        })
    }

    /// Writes one packet.
    ///
    /// # Errors
    ///
    /// `ClientGone` when the socket is closed.
    pub(super) fn send(&mut self, packet: &[u8]) -> Result<(), Ended> {
        self.stream.write_all(packet).map_err(|_| Ended::ClientGone)
    }

    /// The next packet from the client, or `None` when `deadline` passes first.
    ///
    /// # Errors
    ///
    /// `Stopped` when the server is being stopped, `ClientGone` when the client closed the
    /// connection, `Failed` when it sent something that is not a client's MQTT 3.1.1 packet.
    pub(super) fn next(&self, deadline: Instant) -> Result<Option<Inbound>, Ended> {
        loop {
            if self.shared.lock().stop {
                return Err(Ended::Stopped);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            match self.inbound.recv_timeout(left.min(POLL)) {
                Ok(Ok(packet)) => return Ok(Some(packet)),
                Ok(Err(e)) if e.kind() == io::ErrorKind::InvalidData => {
                    return Err(Ended::Failed(format!("the client sent a {e}")))
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Err(Ended::ClientGone),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// Closes the connection. `gracefully`: sends FIN and waits (up to 200 ms) for the client
    /// to close its side, so that what was written reaches it rather than being thrown away
    /// by a reset. Packets still unread are dropped, as a broken connection drops them.
    pub(super) fn close(self, gracefully: bool) {
        if gracefully {
            let _ = self.stream.shutdown(Shutdown::Write);
            let deadline = Instant::now() + CLOSE_TIMEOUT;
            while self.reader.as_ref().is_some_and(|r| !r.is_finished())
                && Instant::now() < deadline
            {
                thread::sleep(Duration::from_millis(5));
            }
        }
        // Dropping shuts the socket down and joins the reader.
    }

    fn shutdown(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        self.shared.lock().stream = None;
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.shutdown();
    }
}
