//! The scripted resending broker of the test kit, checked with the paho-mqtt client hexaboard
//! uses.

use std::time::Duration;

use hexaboard_testkit::{ResendEvent, ResendScript, Resender};
use paho_mqtt as paho;

const FILTER: &str = "hexaboard/+/sensor/data";
const TOPIC: &str = "hexaboard/A/sensor/data";
const WAIT: Duration = Duration::from_secs(10);

/// A paho client of `server` without clean session, subscribed to [`FILTER`] at QoS 1, with
/// the channel its messages arrive on (`None` when the connection is lost).
fn subscriber(
    server: &Resender,
    id: &str,
) -> (paho::Client, paho::SyncReceiver<Option<paho::Message>>) {
    let create = paho::CreateOptionsBuilder::new()
        .server_uri(server.url())
        .client_id(id)
        .persistence(None)
        .finalize();
    let client = paho::Client::new(create).unwrap();
    let messages = client.start_consuming();
    let connect = paho::ConnectOptionsBuilder::new_v3()
        .clean_session(false)
        .keep_alive_interval(Duration::from_secs(20))
        .finalize();
    client.connect(connect).unwrap();
    client.subscribe(FILTER, 1).unwrap();
    (client, messages)
}

/// The payloads of the next `n` messages; a lost connection is made again at once (paho's
/// automatic reconnection waits seconds).
fn payloads(
    client: &paho::Client,
    messages: &paho::SyncReceiver<Option<paho::Message>>,
    n: usize,
) -> Vec<String> {
    let mut got = Vec::new();
    while got.len() < n {
        match messages.recv_timeout(WAIT) {
            Ok(Some(message)) => {
                assert_eq!(message.topic(), TOPIC);
                got.push(message.payload_str().into_owned());
            }
            Ok(None) => {
                client.reconnect().unwrap();
            }
            Err(e) => panic!("after {got:?}: {e}"),
        }
    }
    got
}

fn sent(packet_id: u16, dup: bool) -> ResendEvent {
    ResendEvent::Sent { packet_id, dup }
}

fn acked(packet_id: u16) -> ResendEvent {
    ResendEvent::Acked { packet_id }
}

#[test]
fn replays_with_dup_arrive_after_newer_messages_and_are_acknowledged_again() {
    let script = ResendScript::new()
        .publish(1, TOPIC, "r1")
        .publish(2, TOPIC, "r2")
        .wait_for_acks()
        .replay(1)
        .publish(3, TOPIC, "r3")
        .replay(2);
    let server = Resender::start(script).unwrap();
    let (client, messages) = subscriber(&server, "resender-replays");

    assert_eq!(
        payloads(&client, &messages, 5),
        ["r1", "r2", "r1", "r3", "r2"]
    );
    server.wait_until_done(WAIT).unwrap();
    assert_eq!(
        server.events(),
        [
            ResendEvent::Connected {
                client_id: "resender-replays".to_owned(),
                clean_session: false,
            },
            ResendEvent::Subscribed {
                filters: vec![(FILTER.to_owned(), 1)],
            },
            sent(1, false),
            sent(2, false),
            acked(1),
            acked(2),
            sent(1, true),
            sent(3, false),
            sent(2, true),
            acked(1),
            acked(3),
            acked(2),
        ]
    );
    assert_eq!(server.pubacks(), [1, 2, 1, 3, 2]);

    // Nothing more than the script: no message after the last replay.
    assert!(
        !matches!(
            messages.recv_timeout(Duration::from_millis(200)),
            Ok(Some(_))
        ),
        "a message after the script"
    );
    client.disconnect(None).unwrap();
}

#[test]
fn a_dropped_connection_resumes_with_the_unacknowledged_message_marked_dup() {
    let script = ResendScript::new()
        .publish(1, TOPIC, "r1")
        .wait_for_acks()
        .publish(2, TOPIC, "r2")
        .drop_connection()
        .publish(3, TOPIC, "r3");
    let server = Resender::start(script).unwrap();
    let (client, messages) = subscriber(&server, "resender-drop");

    // r2 reached the client before the drop; its PUBACK did not reach the server.
    assert_eq!(payloads(&client, &messages, 4), ["r1", "r2", "r2", "r3"]);
    server.wait_until_done(WAIT).unwrap();
    assert_eq!(
        server.sent(),
        [(1, false), (2, false), (2, true), (3, false)]
    );
    assert_eq!(server.pubacks(), [1, 2, 3]);
    let events = server.events();
    let dropped = events
        .iter()
        .position(|e| *e == ResendEvent::Dropped)
        .unwrap();
    assert!(matches!(
        &events[dropped + 1],
        ResendEvent::Connected {
            clean_session: false,
            ..
        }
    ));
    assert_eq!(events[dropped + 2], sent(2, true), "{events:#?}");

    client.disconnect(None).unwrap();
}
