//! After a broker restart the session reports the loss, reconnects, subscribes again and
//! receives again.

mod session_support;

use std::time::{Duration, Instant};

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Session, SessionEvent};
use hexaboard_testkit::Mosquitto;
use session_support::{collector, plain, publisher, quick, take, topic_filter, Events};

fn reconnects_after_a_broker_restart(version: MqttVersion) {
    let mut broker = Mosquitto::start().unwrap();
    let events = Events::default();
    let (handler, rx) = collector();
    let receiver = quick(Session::builder(&plain(broker.port(), version, "recv-r")))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_event(events.handler())
        .on_message(handler)
        .connect()
        .unwrap();

    broker.stop().unwrap();
    assert!(events.wait_for(Duration::from_secs(5), |e| matches!(
        e,
        SessionEvent::ConnectionLost { .. }
    )));
    assert!(!receiver.is_connected());
    let restarted = Instant::now();
    broker.restart().unwrap();
    assert!(
        events.wait_for(Duration::from_secs(10), |e| matches!(
            e,
            SessionEvent::Reconnected
        )),
        "{:?}",
        events.texts()
    );
    // The subscription is made again (this broker kept no session).
    assert!(events.wait_for(Duration::from_secs(5), |e| matches!(
        e,
        SessionEvent::Subscribed { .. }
    ) && events
        .all()
        .iter()
        .filter(|e| matches!(e, SessionEvent::Subscribed { .. }))
        .count()
        == 2));
    eprintln!("reconnected {:?} after the restart", restarted.elapsed());
    assert_eq!(receiver.connects(), 2);

    let sender = publisher(broker.port(), version, "pub-r");
    sender
        .publish("hexaboard/A1/sensor/data", "after", Qos::AtLeastOnce, false)
        .unwrap();
    let got = take(&rx, 1, Duration::from_secs(5));
    assert_eq!(got.len(), 1, "{:?}", events.texts());
    assert_eq!(got[0].1, b"after");

    // Each event once: one loss, one reconnect.
    let all = events.all();
    let count = |f: fn(&SessionEvent) -> bool| all.iter().filter(|e| f(e)).count();
    assert_eq!(
        count(|e| matches!(e, SessionEvent::ConnectionLost { .. })),
        1
    );
    assert_eq!(count(|e| matches!(e, SessionEvent::Reconnected)), 1);
    let started = Instant::now();
    receiver.stop();
    eprintln!("stop took {:?}", started.elapsed());
}

#[test]
fn a_broker_restart_is_reported_and_the_session_receives_again_over_mqtt_3_1_1() {
    reconnects_after_a_broker_restart(MqttVersion::V311);
}

#[test]
fn a_broker_restart_is_reported_and_the_session_receives_again_over_mqtt_5() {
    reconnects_after_a_broker_restart(MqttVersion::V5);
}

#[test]
fn reconnect_attempts_while_the_broker_is_down_are_reported_with_their_reason() {
    let mut broker = Mosquitto::start().unwrap();
    let events = Events::default();
    let receiver = quick(Session::builder(&plain(
        broker.port(),
        MqttVersion::V311,
        "recv-d",
    )))
    .subscribe(topic_filter("t/#"), Qos::AtLeastOnce)
    .on_event(events.handler())
    .connect()
    .unwrap();
    broker.stop().unwrap();
    assert!(events.wait_for(Duration::from_secs(5), |e| matches!(
        e,
        SessionEvent::ReconnectFailed { .. }
    )));
    let text = events
        .texts()
        .into_iter()
        .find(|t| t.starts_with("reconnect attempt 1 failed"))
        .unwrap();
    assert!(
        text.contains(&format!("nothing listens on 127.0.0.1:{}", broker.port())),
        "{text}"
    );
    // Stopping while the broker is down returns quickly.
    let started = Instant::now();
    receiver.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
