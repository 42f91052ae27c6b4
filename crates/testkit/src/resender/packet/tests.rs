//! The codec against byte strings written out from the MQTT 3.1.1 specification.

use super::*;

fn read(bytes: &[u8]) -> io::Result<Inbound> {
    read_packet(&mut &bytes[..])
}

#[test]
fn remaining_length_uses_one_to_four_bytes() {
    for (len, encoded) in [
        (0usize, vec![0x00]),
        (127, vec![0x7f]),
        (128, vec![0x80, 0x01]),
        (16_383, vec![0xff, 0x7f]),
        (16_384, vec![0x80, 0x80, 0x01]),
        (2_097_152, vec![0x80, 0x80, 0x80, 0x01]),
    ] {
        let packet = frame(PUBACK, 0, &vec![0u8; len]);
        assert_eq!(&packet[1..=encoded.len()], &encoded[..], "length {len}");
        assert_eq!(read_remaining_length(&mut &encoded[..]).unwrap(), len);
    }
}

#[test]
fn a_fifth_length_byte_is_malformed() {
    let err = read(&[0xc0, 0x80, 0x80, 0x80, 0x80, 0x01]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
}

#[test]
fn connect_gives_level_clean_session_and_client_id() {
    let mut body = vec![0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c];
    body.extend_from_slice(&[0x00, 0x03, b'r', b'e', b'c']);
    let packet = frame(CONNECT, 0, &body);
    assert_eq!(
        read(&packet).unwrap(),
        Inbound::Connect {
            protocol_level: 4,
            clean_session: true,
            client_id: "rec".to_owned(),
        }
    );
}

#[test]
fn subscribe_gives_each_filter_with_its_qos() {
    let body = [
        0x00, 0x0a, 0x00, 0x03, b'a', b'/', b'#', 0x01, 0x00, 0x01, b'b', 0x00,
    ];
    assert_eq!(
        read(&frame(SUBSCRIBE, 0x02, &body)).unwrap(),
        Inbound::Subscribe {
            packet_id: 10,
            filters: vec![("a/#".to_owned(), 1), ("b".to_owned(), 0)],
        }
    );
    // SUBSCRIBE's reserved flags must be 0010.
    assert!(read(&frame(SUBSCRIBE, 0x00, &body)).is_err());
}

#[test]
fn publish_sets_dup_and_qos_1_in_the_first_byte() {
    let fresh = publish(false, 7, "t/x", b"hi");
    assert_eq!(
        fresh,
        [0x32, 0x09, 0x00, 0x03, b't', b'/', b'x', 0x00, 0x07, b'h', b'i']
    );
    let replay = publish(true, 7, "t/x", b"hi");
    assert_eq!(replay[0], 0x3a);
    assert_eq!(&replay[1..], &fresh[1..]);
    assert_eq!(
        read(&fresh).unwrap(),
        Inbound::Publish {
            qos: 1,
            packet_id: Some(7),
        }
    );
}

#[test]
fn acknowledgements_and_pings_are_two_or_four_bytes() {
    assert_eq!(connack(true, 0), [0x20, 0x02, 0x01, 0x00]);
    assert_eq!(suback(5, &[1, 0]), [0x90, 0x04, 0x00, 0x05, 0x01, 0x00]);
    assert_eq!(unsuback(5), [0xb0, 0x02, 0x00, 0x05]);
    assert_eq!(puback(0x1234), [0x40, 0x02, 0x12, 0x34]);
    assert_eq!(pingresp(), [0xd0, 0x00]);
    assert_eq!(
        read(&[0x40, 0x02, 0x12, 0x34]).unwrap(),
        Inbound::Puback { packet_id: 0x1234 }
    );
    assert_eq!(read(&[0xc0, 0x00]).unwrap(), Inbound::Pingreq);
    assert_eq!(read(&[0xe0, 0x00]).unwrap(), Inbound::Disconnect);
}

#[test]
fn a_short_body_or_a_server_packet_is_malformed() {
    assert_eq!(
        read(&[0x40, 0x01, 0x12]).unwrap_err().kind(),
        io::ErrorKind::InvalidData
    );
    assert_eq!(
        read(&connack(false, 0)).unwrap_err().kind(),
        io::ErrorKind::InvalidData
    );
    assert_eq!(
        read(&[0x40, 0x02, 0x12]).unwrap_err().kind(),
        io::ErrorKind::UnexpectedEof
    );
}
