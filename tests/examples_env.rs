//! Exercise 4's example reads the chapter's variables from the environment and `.env`, shows
//! where each came from, and says clearly what is missing.

mod examples_support;

use std::os::unix::fs::PermissionsExt;

use examples_support::{mask, publish, reading, Run};
use hexaboard_testkit::Mosquitto;

#[test]
fn env_shows_where_each_setting_came_from_and_prints_one_line_per_reading() {
    for lang in ["ko", "en"] {
        let broker = Mosquitto::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dotenv = format!(
            "# .env\nMQTT_PORT={}\nMQTT_USER=hexaboard\nMQTT_PASSWORD=your_password_here\n\
             TOPIC_SENSOR=hexaboard/+/sensor/data\nMQTT_TLS=off\n",
            broker.port()
        );
        let path = dir.path().join(".env");
        std::fs::write(&path, dotenv).unwrap();
        // As a learner should: only its owner may read the password.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        // The broker and client id from the environment, the rest from `.env`.
        let mut running = Run::new("04_env", dir.path())
            .env("MQTT_BROKER", "127.0.0.1")
            .env("MQTT_CLIENT_ID", "example-env")
            .env("HEXABOARD_LANG", lang)
            .start();
        running.wait_for("📬", 1);
        let a = reading("A", "25", "60", 817_349_415);
        publish(
            broker.port(),
            &[
                ("hexaboard/A/sensor/data", &a),
                ("hexaboard/A/sensor/data", "{}"),
            ],
        );
        running.wait_for("❌", 1);
        let finished = running.interrupt();
        assert!(finished.status.success(), "{finished:?}");
        assert_eq!(finished.stderr, "");
        assert!(!finished.stdout.contains("your_password_here"));
        insta::assert_snapshot!(format!("env_{lang}"), mask(&finished.stdout, broker.port()));
    }
}

#[test]
fn env_without_a_broker_prints_the_clear_message_and_exits_non_zero() {
    for lang in ["ko", "en"] {
        let dir = tempfile::tempdir().unwrap();
        let finished = Run::new("04_env", dir.path())
            .env("HEXABOARD_LANG", lang)
            .output();
        assert_eq!(finished.status.code(), Some(2), "{finished:?}");
        assert_eq!(finished.stdout, "");
        insta::assert_snapshot!(format!("env_missing_broker_{lang}"), finished.stderr);
    }
}

#[test]
fn env_takes_the_language_of_the_error_from_dotenv_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "HEXABOARD_LANG=en\nMQTT_PORT=eighty\n",
    )
    .unwrap();
    let finished = Run::new("04_env", dir.path())
        .env("MQTT_BROKER", "localhost")
        .output();
    assert_eq!(finished.status.code(), Some(2), "{finished:?}");
    assert!(
        finished
            .stderr
            .starts_with("❌ Error: MQTT_PORT is `eighty`"),
        "{}",
        finished.stderr
    );
}
