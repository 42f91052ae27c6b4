//! A session's last will reaches subscribers when it dies without a clean stop, and a
//! subscription can be made again on request.

mod session_support;

use std::process::Command;
use std::time::Duration;

use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::Session;
use hexaboard_testkit::Mosquitto;
use session_support::{collector, plain, publisher, quick, take, topic_filter};

const CHILD: &str = "HEXABOARD_WILL_CHILD";

/// Connects with a last will, says READY, then waits to be killed. Runs only as a child.
#[test]
fn will_child_process() {
    let Ok(port) = std::env::var(CHILD) else {
        return;
    };
    let settings = plain(port.parse().unwrap(), MqttVersion::V311, "will-board");
    let _session = quick(Session::builder(&settings))
        .last_will("hexaboard/W/status", "offline", Qos::AtLeastOnce, true)
        .connect()
        .unwrap();
    println!("READY");
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn a_session_killed_without_a_stop_leaves_its_last_will() {
    let broker = Mosquitto::start().unwrap();
    let settings = plain(broker.port(), MqttVersion::V311, "will-watcher");
    let (handler, rx) = collector();
    let _watcher = quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/status"), Qos::AtLeastOnce)
        .on_message(handler)
        .connect()
        .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "will_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, broker.port().to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("READY") {
        line.clear();
        assert!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0,
            "child ended"
        );
    }
    assert!(
        take(&rx, 1, Duration::from_millis(300)).is_empty(),
        "no will while alive"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let got = take(&rx, 1, Duration::from_secs(5));
    assert_eq!(got.len(), 1, "the will arrives after the kill");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_slice()),
        ("hexaboard/W/status", &b"offline"[..])
    );
}

#[test]
fn resubscribing_keeps_messages_flowing_once() {
    let broker = Mosquitto::start().unwrap();
    let settings = plain(broker.port(), MqttVersion::V311, "resub");
    let (handler, rx) = collector();
    let session = quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(handler)
        .connect()
        .unwrap();
    session.resubscribe().unwrap();
    let sender = publisher(broker.port(), MqttVersion::V311, "resub-pub");
    sender
        .publish("hexaboard/A/sensor/data", "1", Qos::AtLeastOnce, false)
        .unwrap();
    assert_eq!(
        take(&rx, 2, Duration::from_secs(2)).len(),
        1,
        "one subscription, one copy"
    );
}
