//! `hexaboard simulate --led`: virtual boards that show what they would do with an LED command.

mod live_support;

use std::process::Command;

use live_support::{broker_flags, hexaboard, Running};

fn mosquitto_pub(port: u16, topic: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(["-t", topic, "-m", payload])
        .status()
        .expect("mosquitto_pub runs");
    assert!(status.success());
}

#[test]
fn simulate_with_led_prints_what_each_board_would_do_with_a_command() {
    let broker = hexaboard_testkit::Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(["simulate", "--boards", "A,B", "--led", "--interval", "60"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut sim = Running::start(hexaboard(dir.path(), &args));
    sim.wait_for("the first readings", |out, err| {
        err.contains("hexaboard/B/control/led") && out.contains("📤") && out.contains("보드 B")
    });

    mosquitto_pub(
        broker.port(),
        "hexaboard/B/control/led",
        r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#,
    );
    sim.wait_for("the LED line", |out, _| {
        out.contains("💡 보드 B LED: 파랑 (0,0,255) 80%")
    });
    mosquitto_pub(
        broker.port(),
        "hexaboard/A/control/led",
        r#"{"action":"led_off"}"#,
    );
    sim.wait_for("the LED off line", |out, _| {
        out.contains("💡 보드 A LED 끔")
    });
    mosquitto_pub(broker.port(), "hexaboard/A/control/led", "blink please");
    sim.wait_for("the refusal", |_, err| {
        err.contains("❌ 잘못된 데이터 (hexaboard/A/control/led)")
    });

    sim.terminate();
    assert!(sim.wait().success(), "{}", sim.stderr());
    assert!(
        sim.stdout().contains("📤 발행 완료: 보드 2개, 데이터 2개"),
        "{}",
        sim.stdout()
    );
}

#[test]
fn simulate_rejects_board_ids_that_are_not_topic_levels() {
    let dir = tempfile::tempdir().unwrap();
    let output = hexaboard(
        dir.path(),
        &[
            "--broker",
            "127.0.0.1",
            "--tls",
            "off",
            "simulate",
            "--boards",
            "A,+",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--boards A,+"));
}
