//! `hexaboard react` judges board A's readings and sets board B's LED when the judgement
//! changes.

mod live_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use hexaboard_mqtt::session::Session;
use hexaboard_mqtt::settings::Qos;
use hexaboard_testkit::Mosquitto;
use live_support::mqtt_client;

const WAIT: Duration = Duration::from_secs(15);
const BLUE: &str = r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#;
const GREEN: &str = r#"{"action":"led_on","color":[0,255,0],"brightness":80}"#;

/// A running `hexaboard react`, its stdout lines on a channel; killed on drop.
struct React {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl React {
    fn start(port: u16, args: &[&str]) -> React {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
        command.current_dir(dir.path());
        for (name, _) in std::env::vars() {
            if name.starts_with("MQTT_") || name.starts_with("TOPIC_") || name == "HEXABOARD_LANG" {
                command.env_remove(name);
            }
        }
        let mut child = command
            .env("MQTT_BROKER", "127.0.0.1")
            .env("MQTT_PORT", port.to_string())
            .env("MQTT_TLS", "off")
            .env("HEXABOARD_LANG", "en")
            .arg("react")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let react = React { child, lines };
        react.wait_line("🔁 Judging board A's temperature to set board B's LED");
        react
    }

    /// Waits for a stdout line containing `text`, returning the lines seen up to it.
    fn wait_line(&self, text: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no line with `{text}`; saw {seen:#?}"));
            let found = line.contains(text);
            seen.push(line);
            if found {
                return seen;
            }
        }
    }
}

impl Drop for React {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A session that publishes board A's readings and hears board B's control topic.
fn boards(port: u16) -> (Session, mpsc::Receiver<(String, String)>) {
    mqtt_client(port, Some("hexaboard/B/control/led"))
}

fn reading(session: &Session, temperature: u32) {
    let payload = format!(r#"{{"board":"A","temperature":{temperature},"humidity":50}}"#);
    session
        .publish("hexaboard/A/sensor/data", payload, Qos::AtLeastOnce, false)
        .unwrap();
}

#[test]
fn a_changed_judgement_sets_the_led_and_a_repeated_one_sends_nothing() {
    let broker = Mosquitto::start().unwrap();
    let (session, control) = boards(broker.port());
    let react = React::start(
        broker.port(),
        &["--from", "A", "--to", "B", "--min-interval", "0"],
    );

    reading(&session, 30); // above 28: too hot → blue
    assert_eq!(control.recv_timeout(WAIT).unwrap().1, BLUE);
    react.wait_line("💡 board B → blue");

    reading(&session, 31); // still too hot
    react.wait_line("board B's LED is already blue: nothing sent");

    reading(&session, 24); // comfortable → green, the very next command
    assert_eq!(control.recv_timeout(WAIT).unwrap().1, GREEN);
    let seen = react.wait_line("💡 board B → green");
    assert!(
        seen.iter()
            .any(|l| l == "🌡️ A: 24°C, 50% → comfortable, comfortable"),
        "{seen:#?}"
    );
}

#[test]
fn a_change_inside_the_interval_is_sent_when_it_ends_if_still_current() {
    let broker = Mosquitto::start().unwrap();
    let (session, control) = boards(broker.port());
    let react = React::start(
        broker.port(),
        &["--from", "A", "--to", "B", "--min-interval", "4"],
    );

    reading(&session, 30);
    assert_eq!(control.recv_timeout(WAIT).unwrap().1, BLUE);
    react.wait_line("💡 board B → blue");

    // Too cold, then comfortable, both within the 4 s after the blue command: only the
    // judgement still current when the interval ends is sent.
    reading(&session, 10);
    react.wait_line("⏳ red: sent in");
    reading(&session, 22);
    react.wait_line("⏳ green: sent in");
    assert_eq!(control.recv_timeout(WAIT).unwrap().1, GREEN);
    react.wait_line("💡 board B → green");
}
