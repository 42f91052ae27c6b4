//! The MQTT 3.1.1 packets the [`Resender`](super::Resender) reads and writes, as bytes: no
//! socket here. Only what a subscribing client sends is decoded (CONNECT, SUBSCRIBE,
//! UNSUBSCRIBE, PUBLISH, PUBACK, PINGREQ, DISCONNECT); only what a broker answers it is
//! encoded (CONNACK, SUBACK, UNSUBACK, PUBLISH, PUBACK, PINGRESP).

use std::io::{self, Read};

/// A packet from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Inbound {
    Connect {
        protocol_level: u8,
        clean_session: bool,
        client_id: String,
    },
    Subscribe {
        packet_id: u16,
        /// Each topic filter with its requested QoS.
        filters: Vec<(String, u8)>,
    },
    Unsubscribe {
        packet_id: u16,
    },
    Publish {
        qos: u8,
        packet_id: Option<u16>,
    },
    Puback {
        packet_id: u16,
    },
    Pingreq,
    Disconnect,
}

const CONNECT: u8 = 1;
const CONNACK: u8 = 2;
const PUBLISH: u8 = 3;
const PUBACK: u8 = 4;
const SUBSCRIBE: u8 = 8;
const SUBACK: u8 = 9;
const UNSUBSCRIBE: u8 = 10;
const UNSUBACK: u8 = 11;
const PINGREQ: u8 = 12;
const PINGRESP: u8 = 13;
const DISCONNECT: u8 = 14;

/// The largest remaining length MQTT can encode (four length bytes).
const MAX_REMAINING: usize = 268_435_455;

fn malformed(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("malformed packet: {what}"),
    )
}

/// Reads one whole packet.
///
/// # Errors
///
/// The reader's errors (an end of stream is `UnexpectedEof`), or `InvalidData` for a packet
/// that is malformed or of a kind a client does not send.
pub(super) fn read_packet(reader: &mut impl Read) -> io::Result<Inbound> {
    let mut first = [0u8; 1];
    reader.read_exact(&mut first)?;
    let len = read_remaining_length(reader)?;
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    decode(first[0], &body)
}

/// Reads the variable-length "remaining length" (1 to 4 bytes, 7 bits each, low first).
fn read_remaining_length(reader: &mut impl Read) -> io::Result<usize> {
    let mut value = 0usize;
    for i in 0..4 {
        let mut byte = [0u8; 1];
        reader.read_exact(&mut byte)?;
        value |= usize::from(byte[0] & 0x7f) << (7 * i);
        if byte[0] & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(malformed("remaining length longer than 4 bytes"))
}

fn decode(first: u8, body: &[u8]) -> io::Result<Inbound> {
    let flags = first & 0x0f;
    let mut body = Body(body);
    let packet = match first >> 4 {
        CONNECT => {
            let _protocol_name = body.string()?;
            let protocol_level = body.byte()?;
            let connect_flags = body.byte()?;
            let _keep_alive = body.u16()?;
            let client_id = body.string()?;
            Inbound::Connect {
                protocol_level,
                clean_session: connect_flags & 0x02 != 0,
                client_id,
            }
        }
        SUBSCRIBE if flags == 0x02 => {
            let packet_id = body.u16()?;
            let mut filters = Vec::new();
            while !body.0.is_empty() {
                filters.push((body.string()?, body.byte()? & 0x03));
            }
            if filters.is_empty() {
                return Err(malformed("SUBSCRIBE without a topic filter"));
            }
            Inbound::Subscribe { packet_id, filters }
        }
        UNSUBSCRIBE if flags == 0x02 => Inbound::Unsubscribe {
            packet_id: body.u16()?,
        },
        PUBLISH => {
            let qos = (flags >> 1) & 0x03;
            let _topic = body.string()?;
            let packet_id = if qos > 0 { Some(body.u16()?) } else { None };
            Inbound::Publish { qos, packet_id }
        }
        PUBACK => Inbound::Puback {
            packet_id: body.u16()?,
        },
        PINGREQ => Inbound::Pingreq,
        DISCONNECT => Inbound::Disconnect,
        kind => return Err(malformed(&format!("packet type {kind} flags {flags:#x}"))),
    };
    Ok(packet)
}

/// The unread rest of a packet's body.
struct Body<'a>(&'a [u8]);

impl Body<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(malformed("body shorter than its fields"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> io::Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn string(&mut self) -> io::Result<String> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed("string is not UTF-8"))
    }
}

/// A packet of `kind` with `flags` and `body`, its remaining length encoded in front.
fn frame(kind: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    assert!(body.len() <= MAX_REMAINING, "MQTT packet too long");
    let mut out = Vec::with_capacity(body.len() + 5);
    out.push((kind << 4) | flags);
    let mut len = body.len();
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if len == 0 {
            break;
        }
    }
    out.extend_from_slice(body);
    out
}

/// CONNACK with the session-present flag and a return code (0 accepted, 1 bad protocol
/// version).
pub(super) fn connack(session_present: bool, code: u8) -> Vec<u8> {
    frame(CONNACK, 0, &[u8::from(session_present), code])
}

/// SUBACK granting each filter's QoS in order.
pub(super) fn suback(packet_id: u16, granted: &[u8]) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    body.extend_from_slice(granted);
    frame(SUBACK, 0, &body)
}

/// UNSUBACK.
pub(super) fn unsuback(packet_id: u16) -> Vec<u8> {
    frame(UNSUBACK, 0, &packet_id.to_be_bytes())
}

/// A QoS 1 PUBLISH, with the DUP flag when `dup`.
pub(super) fn publish(dup: bool, packet_id: u16, topic: &str, payload: &[u8]) -> Vec<u8> {
    let topic_len = u16::try_from(topic.len()).expect("topic longer than 65,535 bytes");
    let mut body = Vec::with_capacity(topic.len() + payload.len() + 4);
    body.extend_from_slice(&topic_len.to_be_bytes());
    body.extend_from_slice(topic.as_bytes());
    body.extend_from_slice(&packet_id.to_be_bytes());
    body.extend_from_slice(payload);
    let qos1 = 0x02;
    frame(PUBLISH, if dup { 0x08 | qos1 } else { qos1 }, &body)
}

/// PUBACK, for a QoS 1 PUBLISH from the client.
pub(super) fn puback(packet_id: u16) -> Vec<u8> {
    frame(PUBACK, 0, &packet_id.to_be_bytes())
}

/// PINGRESP.
pub(super) fn pingresp() -> Vec<u8> {
    frame(PINGRESP, 0, &[])
}

#[cfg(test)]
mod tests;
