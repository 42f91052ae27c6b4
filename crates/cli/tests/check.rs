//! `hexaboard check` walks a newcomer through the settings and stops at the first failure
//! with the fix.

use std::path::Path;
use std::process::{Command, Output};

use hexaboard_mqtt::session::Session;
use hexaboard_mqtt::settings::{ConnectionSettings, Qos};
use hexaboard_testkit::{free_port, Mosquitto};

/// `hexaboard check` in an empty directory (no stray `.env`), with no hexaboard variable from
/// outside but those in `env`.
fn check(dir: &Path, env: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_") || name.starts_with("TOPIC_") || name == "HEXABOARD_LANG" {
            command.env_remove(name);
        }
    }
    command.env("HEXABOARD_LANG", "en");
    for (name, value) in env {
        command.env(name, value);
    }
    command.arg("check").args(args).output().unwrap()
}

fn plain(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("MQTT_BROKER", "127.0.0.1".to_owned()),
        ("MQTT_PORT", port.to_string()),
        ("MQTT_TLS", "off".to_owned()),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn every_step_passes_against_a_broker_with_a_board_publishing() {
    let broker = Mosquitto::start().unwrap();
    // A retained reading: the subscription's first message, whenever check subscribes.
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(broker.port())
        .tls(false)
        .build()
        .unwrap();
    let board = Session::builder(&settings).connect().unwrap();
    board
        .publish(
            "hexaboard/A/sensor/data",
            r#"{"board":"A","temperature":25,"humidity":60}"#,
            Qos::AtLeastOnce,
            true,
        )
        .unwrap();
    board.stop();

    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &plain(broker.port()), &["--wait", "10"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout).replace(&broker.port().to_string(), "PORT");
    insta::assert_snapshot!("check_all_passed", stdout);
}

#[test]
fn a_wrong_password_fails_the_connect_step_naming_the_variables() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .start()
        .unwrap();
    let mut env = plain(broker.auth_port());
    env.push(("MQTT_USER", "hexa".to_owned()));
    env.push(("MQTT_PASSWORD", "wrong".to_owned()));
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &env, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("❌ 4/6 connect: username or password rejected")
            && last.contains("check MQTT_USER / MQTT_PASSWORD"),
        "{stdout}"
    );
    assert!(stdout.contains("✅ 3/6 TCP"), "{stdout}");
    assert!(
        !stdout.contains("wrong"),
        "the password is never shown: {stdout}"
    );
}

#[test]
fn a_port_where_nothing_listens_fails_the_tcp_step_naming_host_and_port() {
    let port = free_port().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &plain(port), &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "❌ 3/6 TCP: nothing accepts connections on 127.0.0.1:{port}"
        )) && last.contains("check MQTT_BROKER / MQTT_PORT"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
}

#[test]
fn no_message_in_time_fails_the_data_step_suggesting_simulate() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &plain(broker.port()), &["--wait", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("✅ 5/6 subscribe: hexaboard/+/sensor/data (QoS 0 granted)"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().last().unwrap(),
        "❌ 6/6 data: no message in 1 s: is a board publishing to hexaboard/+/sensor/data? \
         try `hexaboard simulate`"
    );
}

#[test]
fn without_mqtt_broker_the_settings_step_fails_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("❌ 1/6 settings: MQTT_BROKER is not set"),
        "{stdout}"
    );
}

#[test]
fn the_steps_are_told_in_korean_by_default() {
    let port = free_port().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut env = plain(port);
    env.push(("HEXABOARD_LANG", "ko".to_owned()));
    let out = check(dir.path(), &env, &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("✅ 1/6 설정: 브로커 127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("❌ 3/6 TCP:"), "{stdout}");
}

#[test]
fn with_a_group_check_says_the_broker_granted_the_shared_subscription() {
    let broker = Mosquitto::start().unwrap();
    // A shared subscription gets no retained message: a board publishes while check waits.
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(broker.port())
        .tls(false)
        .build()
        .unwrap();
    let board = Session::builder(&settings).connect().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let publishing = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let reading = r#"{"board":"A","temperature":25,"humidity":60}"#;
                let _ = board.publish("hexaboard/A/sensor/data", reading, Qos::AtLeastOnce, false);
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            board.stop();
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let mut env = plain(broker.port());
    env.push(("MQTT_GROUP", "recorders".to_owned()));
    let out = check(dir.path(), &env, &["--wait", "10"]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    publishing.join().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("$share/recorders/hexaboard/+/sensor/data (QoS 1 granted)")
            || stdout.contains("$share/recorders/hexaboard/+/sensor/data (QoS 0 granted)"),
        "{stdout}"
    );
}
