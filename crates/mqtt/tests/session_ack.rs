//! The broker gets the acknowledgement (PUBACK) of a QoS 1 message only after the message
//! handler returned: what the handler stored before returning cannot be lost.

mod session_support;

use std::sync::mpsc;
use std::time::Duration;

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::Session;
use hexaboard_testkit::Mosquitto;
use session_support::{plain, publisher, quick, topic_filter, wait_until};

#[test]
fn the_puback_reaches_the_broker_only_after_the_handler_returns() {
    let broker = Mosquitto::builder().log_all(true).start().unwrap();
    let (inside_tx, inside_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let _receiver = quick(Session::builder(&plain(
        broker.port(),
        MqttVersion::V311,
        "recv-ack",
    )))
    .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
    .on_message(move |_m| {
        let _ = inside_tx.send(());
        // The test holds the handler here (at most 5 s) while it reads the broker's log.
        let _ = release_rx
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(5));
    })
    .connect()
    .unwrap();
    let sender = publisher(broker.port(), MqttVersion::V311, "pub-ack");
    let pending = sender
        .publish_nowait("hexaboard/A1/sensor/data", "{}", Qos::AtLeastOnce, false)
        .unwrap();

    inside_rx.recv_timeout(Duration::from_secs(5)).unwrap();
    let log = || broker.log().unwrap();
    assert!(wait_until(Duration::from_secs(2), || log()
        .contains("Sending PUBLISH to recv-ack")));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !log().contains("Received PUBACK from recv-ack"),
        "PUBACK sent while the handler still runs:\n{}",
        log()
    );

    release_tx.send(()).unwrap();
    assert!(
        wait_until(Duration::from_secs(3), || log()
            .contains("Received PUBACK from recv-ack")),
        "no PUBACK after the handler returned:\n{}",
        log()
    );
    pending.wait(Duration::from_secs(3)).unwrap();
}
