//! A session connects to a plain mosquitto, subscribes and receives what is published.

mod session_support;

use std::time::Duration;

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Session, SessionEvent};
use hexaboard_testkit::Mosquitto;
use session_support::{collector, plain, publisher, quick, take, topic_filter, Events};

const WAIT: Duration = Duration::from_secs(5);

fn receives_what_is_published_on(version: MqttVersion) {
    let broker = Mosquitto::start().unwrap();
    let events = Events::default();
    let (handler, rx) = collector();
    let receiver = quick(Session::builder(&plain(broker.port(), version, "recv-1")))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_event(events.handler())
        .on_message(handler)
        .connect()
        .unwrap();
    assert!(receiver.is_connected());
    assert_eq!(receiver.connects(), 1);
    let all = events.all();
    assert!(
        matches!(&all[..], [SessionEvent::Connected { session_present: false, .. }, SessionEvent::Subscribed { filters, granted }]
            if filters == &["hexaboard/+/sensor/data"] && granted == &[Qos::AtLeastOnce]),
        "{all:?}"
    );

    let sender = publisher(broker.port(), version, "pub-1");
    sender
        .publish(
            "hexaboard/A1/sensor/data",
            r#"{"t":21.5}"#,
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    let got = take(&rx, 1, WAIT);
    assert_eq!(
        got,
        [(
            "hexaboard/A1/sensor/data".to_owned(),
            br#"{"t":21.5}"#.to_vec(),
            Qos::AtLeastOnce
        )]
    );
    sender.stop();
    receiver.stop();
    assert!(events.all().contains(&SessionEvent::Stopped));
}

#[test]
fn a_session_receives_what_is_published_over_mqtt_3_1_1() {
    receives_what_is_published_on(MqttVersion::V311);
}

#[test]
fn a_session_receives_what_is_published_over_mqtt_5() {
    receives_what_is_published_on(MqttVersion::V5);
}

#[test]
fn plus_hash_and_several_filters_each_receive_their_topics_only() {
    let broker = Mosquitto::start().unwrap();
    let (handler, rx) = collector();
    let events = Events::default();
    let receiver = quick(Session::builder(&plain(
        broker.port(),
        MqttVersion::V311,
        "recv-w",
    )))
    .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
    .subscribe(topic_filter("hexaboard/+/status"), Qos::AtMostOnce)
    .subscribe(topic_filter("lab/#"), Qos::AtLeastOnce)
    .on_event(events.handler())
    .on_message(handler)
    .connect()
    .unwrap();
    assert!(events.texts().iter().any(|t| t
        == "subscribed to hexaboard/+/sensor/data (QoS 1), hexaboard/+/status (QoS 0), lab/# (QoS 1)"));

    let sender = publisher(broker.port(), MqttVersion::V311, "pub-w");
    for topic in [
        "hexaboard/A1/sensor/data",
        "hexaboard/A1/sensor/data/extra",
        "hexaboard/B2/status",
        "hexaboard/B2/other",
        "lab",
        "lab/room/1/temp",
        "other/lab",
    ] {
        sender.publish(topic, "x", Qos::AtLeastOnce, false).unwrap();
    }
    let mut topics: Vec<String> = take(&rx, 4, WAIT).into_iter().map(|m| m.0).collect();
    topics.extend(
        session_support::drain(&rx, Duration::from_millis(300))
            .into_iter()
            .map(|m| m.0),
    );
    topics.sort();
    assert_eq!(
        topics,
        [
            "hexaboard/A1/sensor/data",
            "hexaboard/B2/status",
            "lab",
            "lab/room/1/temp"
        ]
    );
    drop(receiver);
}

#[test]
fn a_panicking_handler_is_reported_and_the_session_goes_on() {
    let broker = Mosquitto::start().unwrap();
    let events = Events::default();
    let (mut inner, rx) = collector();
    let receiver = quick(Session::builder(&plain(
        broker.port(),
        MqttVersion::V311,
        "recv-p",
    )))
    .subscribe(topic_filter("t/#"), Qos::AtLeastOnce)
    .on_event(events.handler())
    .on_message(move |m| {
        if m.payload == b"boom" {
            panic!("bad reading");
        }
        inner(m);
    })
    .connect()
    .unwrap();
    let sender = publisher(broker.port(), MqttVersion::V311, "pub-p");
    sender
        .publish("t/1", "boom", Qos::AtLeastOnce, false)
        .unwrap();
    sender
        .publish("t/2", "fine", Qos::AtLeastOnce, false)
        .unwrap();
    assert_eq!(take(&rx, 1, WAIT)[0].0, "t/2");
    assert_eq!(receiver.handler_panics(), 1);
    assert!(events.all().contains(&SessionEvent::HandlerPanicked {
        topic: "t/1".into(),
        message: "bad reading".into()
    }));
}

#[test]
fn publish_from_inside_the_handler_is_refused_instead_of_deadlocking() {
    let broker = Mosquitto::start().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let slot: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<Session>>> = Default::default();
    let in_handler = std::sync::Arc::clone(&slot);
    let receiver = std::sync::Arc::new(
        quick(Session::builder(&plain(
            broker.port(),
            MqttVersion::V311,
            "recv-c",
        )))
        .subscribe(topic_filter("t/#"), Qos::AtLeastOnce)
        .on_message(move |m| {
            if let Some(s) = in_handler.get() {
                let _ = tx.send(
                    s.publish("u/1", m.payload, Qos::AtLeastOnce, false)
                        .map_err(|e| e.to_string()),
                );
            }
        })
        .connect()
        .unwrap(),
    );
    slot.set(std::sync::Arc::clone(&receiver)).unwrap();
    receiver
        .publish("t/1", "x", Qos::AtLeastOnce, false)
        .unwrap();
    let result = rx.recv_timeout(WAIT).unwrap();
    assert!(result.unwrap_err().contains("deadlock"));
}
