//! The server thread of a [`Resender`](super::Resender): one client connection at a time, the
//! session it keeps across connections, and the script run on it.

use std::net::TcpListener;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::connection::Connection;
use super::packet::{self, Inbound};
use super::script::{Message, Step};
use super::{Ended, ResendEvent, Shared};

/// How long the client has to send CONNECT, then SUBSCRIBE, and to acknowledge what it got.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The highest QoS granted: the script publishes at QoS 1.
const MAX_QOS: u8 = 1;

/// The server's state across connections: the script's progress and the client's session.
pub(super) struct Server {
    shared: Arc<Shared>,
    steps: Vec<Step>,
    next: usize,
    /// Whether a session exists: the last client connected without clean session.
    session: bool,
    subscribed: bool,
    /// Messages sent and not acknowledged yet, in the order sent.
    unacked: Vec<Message>,
}

impl Server {
    pub(super) fn new(steps: Vec<Step>, shared: Arc<Shared>) -> Self {
        Self {
            shared,
            steps,
            next: 0,
            session: false,
            subscribed: false,
            unacked: Vec::new(),
        }
    }

    /// Accepts and serves connections, one at a time, until stopped or failed.
    pub(super) fn run(mut self, listener: &TcpListener) {
        let end = self.serve_connections(listener);
        let mut state = self.shared.lock();
        if let Err(Ended::Failed(why)) = end {
            state.outcome.get_or_insert(Err(why));
        }
        drop(state);
        self.shared.changed.notify_all();
    }

    fn serve_connections(&mut self, listener: &TcpListener) -> Result<(), Ended> {
        listener
            .set_nonblocking(true)
            .map_err(|e| Ended::Failed(format!("listener: {e}")))?;
        loop {
            let stream = loop {
                if self.shared.lock().stop {
                    return Ok(());
                }
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            };
            let mut conn = Connection::open(stream, Arc::clone(&self.shared))
                .map_err(|e| Ended::Failed(format!("accepted connection: {e}")))?;
            let end = self.serve(&mut conn);
            conn.close(matches!(end, Ended::Dropped));
            match end {
                Ended::Dropped => self.shared.record(ResendEvent::Dropped),
                Ended::ClientGone => self.shared.record(ResendEvent::ConnectionLost),
                Ended::Disconnected => self.shared.record(ResendEvent::Disconnected),
                Ended::Stopped => return Ok(()),
                Ended::Failed(why) => return Err(Ended::Failed(why)),
            }
        }
    }

    /// Serves one connection: CONNECT, the resends a session owes, SUBSCRIBE when there is no
    /// subscription, the rest of the script, then whatever the client sends until it leaves.
    fn serve(&mut self, conn: &mut Connection) -> Ended {
        let Err(end) = self.serve_inner(conn);
        end
    }

    fn serve_inner(&mut self, conn: &mut Connection) -> Result<std::convert::Infallible, Ended> {
        let (level, clean_session, client_id) = match conn.next(deadline())? {
            Some(Inbound::Connect {
                protocol_level,
                clean_session,
                client_id,
            }) => (protocol_level, clean_session, client_id),
            Some(other) => return Err(Ended::Failed(format!("{other:?} before CONNECT"))),
            None => return Err(Ended::Failed("no CONNECT within 10 s".to_owned())),
        };
        if !(3..=4).contains(&level) {
            // Unacceptable protocol version: a client may try again with MQTT 3.1.1.
            conn.send(&packet::connack(false, 1))?;
            return Err(Ended::ClientGone);
        }
        if clean_session {
            self.subscribed = false;
            self.unacked.clear();
        }
        let session_present = !clean_session && self.session;
        self.session = !clean_session;
        self.shared.record(ResendEvent::Connected {
            client_id,
            clean_session,
        });
        conn.send(&packet::connack(session_present, 0))?;
        for message in self.unacked.clone() {
            self.send(conn, &message, true)?;
        }
        if !self.subscribed && !self.read_until(conn, deadline(), |s| s.subscribed)? {
            return Err(Ended::Failed("no SUBSCRIBE within 10 s".to_owned()));
        }
        while let Some(step) = self.steps.get(self.next).cloned() {
            self.next += 1;
            match step {
                Step::Publish(message) => self.send(conn, &message, false)?,
                Step::Replay(message) => self.send(conn, &message, true)?,
                Step::WaitForAcks => self.wait_for_acks(conn)?,
                Step::Pause(duration) => {
                    self.read_until(conn, Instant::now() + duration, |_| false)?;
                }
                Step::DropConnection => return Err(Ended::Dropped),
            }
        }
        if self.shared.lock().outcome.is_none() {
            self.wait_for_acks(conn)?;
            self.shared.lock().outcome = Some(Ok(()));
            self.shared.changed.notify_all();
        }
        loop {
            self.read_until(conn, Instant::now() + CLIENT_TIMEOUT, |_| false)?;
        }
    }

    /// Sends `message` as a QoS 1 PUBLISH; it is unacknowledged until its PUBACK is read.
    fn send(&mut self, conn: &mut Connection, message: &Message, dup: bool) -> Result<(), Ended> {
        if !dup || !self.unacked.contains(message) {
            self.unacked.push(message.clone());
        }
        self.shared.record(ResendEvent::Sent {
            packet_id: message.packet_id,
            dup,
        });
        conn.send(&packet::publish(
            dup,
            message.packet_id,
            &message.topic,
            &message.payload,
        ))
    }

    fn wait_for_acks(&mut self, conn: &mut Connection) -> Result<(), Ended> {
        if self.read_until(conn, deadline(), |s| s.unacked.is_empty())? {
            return Ok(());
        }
        let ids: Vec<u16> = self.unacked.iter().map(|m| m.packet_id).collect();
        Err(Ended::Failed(format!(
            "the client did not acknowledge packet ids {ids:?} within 10 s"
        )))
    }

    /// Reads and answers the client's packets until `done` holds (`true`) or `until` passes
    /// (`false`).
    fn read_until(
        &mut self,
        conn: &mut Connection,
        until: Instant,
        done: impl Fn(&Self) -> bool,
    ) -> Result<bool, Ended> {
        loop {
            if done(self) {
                return Ok(true);
            }
            match conn.next(until)? {
                Some(packet) => self.answer(conn, packet)?,
                None => return Ok(false),
            }
        }
    }

    fn answer(&mut self, conn: &mut Connection, packet: Inbound) -> Result<(), Ended> {
        match packet {
            Inbound::Puback { packet_id } => {
                if let Some(i) = self.unacked.iter().position(|m| m.packet_id == packet_id) {
                    self.unacked.remove(i);
                }
                self.shared.record(ResendEvent::Acked { packet_id });
            }
            Inbound::Pingreq => conn.send(&packet::pingresp())?,
            Inbound::Subscribe { packet_id, filters } => {
                let granted: Vec<u8> = filters.iter().map(|(_, qos)| (*qos).min(MAX_QOS)).collect();
                self.subscribed = true;
                self.shared.record(ResendEvent::Subscribed { filters });
                conn.send(&packet::suback(packet_id, &granted))?;
            }
            Inbound::Unsubscribe { packet_id } => conn.send(&packet::unsuback(packet_id))?,
            Inbound::Publish {
                qos: 1,
                packet_id: Some(id),
            } => conn.send(&packet::puback(id))?,
            Inbound::Publish { qos: 0, .. } => {}
            Inbound::Publish { qos, .. } => {
                return Err(Ended::Failed(format!(
                    "the client published at QoS {qos}, which this server does not take"
                )))
            }
            Inbound::Disconnect => return Err(Ended::Disconnected),
            Inbound::Connect { .. } => {
                return Err(Ended::Failed(
                    "a second CONNECT on one connection".to_owned(),
                ))
            }
        }
        Ok(())
    }
}

fn deadline() -> Instant {
    Instant::now() + CLIENT_TIMEOUT
}
