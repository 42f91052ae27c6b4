//! `hexaboard send` publishes the firmware's LED JSON, acknowledged by the broker.

mod live_support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use hexaboard_mqtt::session::Session;
use hexaboard_testkit::Mosquitto;
use live_support::mqtt_client;

/// `hexaboard` in an empty directory (no stray `.env`), with no hexaboard variable from
/// outside, the broker given by `MQTT_*` variables.
fn hexaboard(dir: &Path, port: u16, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_") || name.starts_with("TOPIC_") || name == "HEXABOARD_LANG" {
            command.env_remove(name);
        }
    }
    command
        .env("MQTT_BROKER", "127.0.0.1")
        .env("MQTT_PORT", port.to_string())
        .env("MQTT_TLS", "off")
        .env("HEXABOARD_LANG", "en")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A subscriber to every control topic; returns the session and what it receives.
fn listen(port: u16) -> (Session, mpsc::Receiver<(String, String)>) {
    mqtt_client(port, Some("hexaboard/+/control/led"))
}

#[test]
fn led_on_reaches_the_boards_control_topic_as_the_firmwares_json() {
    let broker = Mosquitto::start().unwrap();
    let (_listener, received) = listen(broker.port());
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(
        dir.path(),
        broker.port(),
        &[
            "send",
            "B",
            "led-on",
            "--color",
            "0,0,255",
            "--brightness",
            "80",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#;
    assert_eq!(
        received.recv_timeout(Duration::from_secs(10)).unwrap(),
        ("hexaboard/B/control/led".to_owned(), json.to_owned())
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(json) && stdout.contains("acknowledged by the broker"),
        "{stdout}"
    );
}

#[test]
fn led_off_sends_the_short_command() {
    let broker = Mosquitto::start().unwrap();
    let (_listener, received) = listen(broker.port());
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), broker.port(), &["send", "A", "led-off"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        received.recv_timeout(Duration::from_secs(10)).unwrap(),
        (
            "hexaboard/A/control/led".to_owned(),
            r#"{"action":"led_off"}"#.to_owned()
        )
    );
}

#[test]
fn a_brightness_over_100_is_refused_before_anything_is_sent() {
    let broker = Mosquitto::start().unwrap();
    let (_listener, received) = listen(broker.port());
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(
        dir.path(),
        broker.port(),
        &["send", "B", "led-on", "--brightness", "101"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: --brightness: brightness is 101, expected 0-100 (percent)\n"
    );
    assert!(received.recv_timeout(Duration::from_millis(300)).is_err());
}

#[test]
fn a_colour_that_is_not_r_g_b_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), 1, &["send", "B", "led-on", "--color", "blue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("colour `blue` is not R,G,B"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_board_id_with_topic_wildcards_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for board in ["a/b", "+", "#"] {
        let out = hexaboard(dir.path(), 1, &["send", board, "led-off"]);
        assert_eq!(out.status.code(), Some(2), "{board}");
        assert!(
            text(&out.stderr).contains("cannot be a topic level"),
            "{}",
            text(&out.stderr)
        );
    }
}
