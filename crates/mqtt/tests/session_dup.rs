//! The DUP flag reaches the message handler: a scripted broker resends messages with DUP set
//! after newer ones and after a dropped connection, and the handler sees which are which.

mod session_support;

use std::sync::mpsc;
use std::time::Duration;

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Incoming, Session};
use hexaboard_testkit::{ResendScript, Resender};
use session_support::{plain, quick, topic_filter};

const TOPIC: &str = "hexaboard/A/sensor/data";
const WAIT: Duration = Duration::from_secs(10);

#[test]
fn the_handler_sees_the_dup_flag_of_each_message() {
    let script = ResendScript::new()
        .publish(1, TOPIC, "r1")
        .publish(2, TOPIC, "r2")
        .wait_for_acks()
        .replay(1)
        .publish(3, TOPIC, "r3")
        .replay(2)
        .publish(4, TOPIC, "r4")
        .drop_connection()
        .publish(5, TOPIC, "r5");
    let server = Resender::start(script).unwrap();
    let (tx, rx) = mpsc::channel();
    let settings = plain(server.port(), MqttVersion::V311, "session-dup");
    let session = quick(Session::builder(&settings))
        .persistent(true)
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(move |m: Incoming<'_>| {
            let _ = tx.send((m.payload_str().into_owned(), m.duplicate));
        })
        .connect()
        .unwrap();
    let mut got = Vec::new();
    while !got.iter().any(|(p, _): &(String, bool)| p == "r5") {
        got.push(rx.recv_timeout(WAIT).expect("every message of the script"));
    }
    server.wait_until_done(WAIT).unwrap();
    session.stop();
    // The handler sees every PUBLISH the broker sent, in order, each with its own flag:
    // the replays after newer messages, and after the drop everything not yet acknowledged.
    let sent: Vec<(String, bool)> = server
        .sent()
        .iter()
        .map(|(id, dup)| (format!("r{id}"), *dup))
        .collect();
    assert_eq!(got, sent);
    assert_eq!(
        got[..6],
        [
            ("r1".to_owned(), false),
            ("r2".to_owned(), false),
            ("r1".to_owned(), true),
            ("r3".to_owned(), false),
            ("r2".to_owned(), true),
            ("r4".to_owned(), false),
        ]
    );
    assert!(got[6..got.len() - 1].iter().all(|(_, dup)| *dup), "{got:?}");
}
