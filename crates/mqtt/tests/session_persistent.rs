//! Persistent sessions keep what was published while the receiver was away; shared
//! subscriptions split the messages between receivers.

mod session_support;

use std::collections::BTreeSet;
use std::time::Duration;

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Session, SessionEvent};
use hexaboard_testkit::Mosquitto;
use session_support::{collector, drain, plain, publisher, quick, take, topic_filter, Events};

const TOPIC: &str = "hexaboard/A1/sensor/data";

fn a_persistent_session_gets_what_was_published_while_away(version: MqttVersion) {
    let broker = Mosquitto::start().unwrap();
    let settings = plain(broker.port(), version, "recv-persistent");
    let first = quick(Session::builder(&settings))
        .persistent(true)
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .connect()
        .unwrap();
    first.stop();

    let sender = publisher(broker.port(), version, "pub-persistent");
    for i in 0..100 {
        sender
            .publish_nowait(TOPIC, i.to_string(), Qos::AtLeastOnce, false)
            .unwrap();
    }
    sender.flush(Duration::from_secs(5)).unwrap();

    let events = Events::default();
    let (handler, rx) = collector();
    let _second = quick(Session::builder(&settings))
        .persistent(true)
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_event(events.handler())
        .on_message(handler)
        .connect()
        .unwrap();
    assert!(events.all().iter().any(|e| matches!(
        e,
        SessionEvent::Connected {
            session_present: true,
            ..
        }
    )));
    let got = take(&rx, 100, Duration::from_secs(10));
    let numbers: BTreeSet<u32> = got
        .iter()
        .map(|m| String::from_utf8_lossy(&m.1).parse().unwrap())
        .collect();
    assert_eq!(numbers, (0..100).collect(), "got {} messages", got.len());
    assert!(
        drain(&rx, Duration::from_millis(300)).is_empty(),
        "duplicates"
    );
}

#[test]
fn a_persistent_session_over_mqtt_3_1_1_gets_all_100_messages_published_while_away() {
    a_persistent_session_gets_what_was_published_while_away(MqttVersion::V311);
}

#[test]
fn a_persistent_session_over_mqtt_5_gets_all_100_messages_published_while_away() {
    a_persistent_session_gets_what_was_published_while_away(MqttVersion::V5);
}

#[test]
fn a_clean_session_does_not_get_what_was_published_while_away() {
    let broker = Mosquitto::start().unwrap();
    let settings = plain(broker.port(), MqttVersion::V5, "recv-clean");
    quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .connect()
        .unwrap()
        .stop();
    let sender = publisher(broker.port(), MqttVersion::V5, "pub-clean");
    sender
        .publish(TOPIC, "lost", Qos::AtLeastOnce, false)
        .unwrap();
    let (handler, rx) = collector();
    let _again = quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(handler)
        .connect()
        .unwrap();
    assert!(drain(&rx, Duration::from_millis(500)).is_empty());
}

fn shared_subscription_splits(version: MqttVersion) {
    let broker = Mosquitto::start().unwrap();
    let filter = "$share/recorders/hexaboard/+/sensor/data";
    let (h1, rx1) = collector();
    let (h2, rx2) = collector();
    let _a = quick(Session::builder(&plain(broker.port(), version, "share-a")))
        .subscribe(topic_filter(filter), Qos::AtLeastOnce)
        .on_message(h1)
        .connect()
        .unwrap();
    let _b = quick(Session::builder(&plain(broker.port(), version, "share-b")))
        .subscribe(topic_filter(filter), Qos::AtLeastOnce)
        .on_message(h2)
        .connect()
        .unwrap();
    let sender = publisher(broker.port(), version, "share-pub");
    for i in 0..200 {
        sender
            .publish_nowait(TOPIC, i.to_string(), Qos::AtLeastOnce, false)
            .unwrap();
    }
    sender.flush(Duration::from_secs(5)).unwrap();
    let numbers = |got: Vec<session_support::Received>| -> BTreeSet<u32> {
        got.iter()
            .map(|m| String::from_utf8_lossy(&m.1).parse().unwrap())
            .collect()
    };
    let a = numbers(drain(&rx1, Duration::from_millis(500)));
    let b = numbers(drain(&rx2, Duration::from_millis(500)));
    eprintln!("shared subscription split: {} / {}", a.len(), b.len());
    assert!(!a.is_empty() && !b.is_empty(), "{} / {}", a.len(), b.len());
    assert!(a.is_disjoint(&b));
    assert_eq!(
        a.union(&b).copied().collect::<BTreeSet<_>>(),
        (0..200).collect()
    );
}

#[test]
fn two_sessions_on_a_shared_subscription_get_disjoint_halves_over_mqtt_3_1_1() {
    shared_subscription_splits(MqttVersion::V311);
}

#[test]
fn two_sessions_on_a_shared_subscription_get_disjoint_halves_over_mqtt_5() {
    shared_subscription_splits(MqttVersion::V5);
}
