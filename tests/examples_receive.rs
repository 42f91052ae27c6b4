//! The receiving examples (exercises 1, 2 and 5, challenges 1 and 2) print what the chapter
//! shows, in Korean and in English, for messages published to a real broker, and stop
//! cleanly on Ctrl+C.

mod examples_support;

use examples_support::{mask, publish, reading, Run, Running};
use hexaboard_testkit::Mosquitto;

const LANGS: [&str; 2] = ["ko", "en"];

/// Starts `name` against a new broker, waits for its subscription line, publishes
/// `messages`, waits until `done` is true of its output, stops it with Ctrl+C and returns
/// what it printed, masked. The exit must be clean and stderr empty.
fn receive(
    name: &str,
    args: &[&str],
    lang: &str,
    subscribed: &str,
    messages: &[(&str, &str)],
    done: impl Fn(&str) -> bool,
) -> String {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut running: Running = Run::new(name, dir.path())
        .broker(broker.port(), "example-under-test", lang)
        .args(args)
        .start();
    running.wait_for(subscribed, 1);
    publish(broker.port(), messages);
    running.wait_until("every message", done);
    let finished = running.interrupt();
    assert!(finished.status.success(), "{name}: {finished:?}");
    assert_eq!(finished.stderr, "", "{name}");
    mask(&finished.stdout, broker.port())
}

#[test]
fn basic_prints_the_topic_and_payload_of_every_message_and_stops_on_ctrl_c() {
    let a = reading("A", "25", "60", 817_349_415);
    let b = reading("B", "24", "58", 817_349_420);
    let messages = [
        ("hexaboard/A/sensor/data", a.as_str()),
        ("hexaboard/B/sensor/data", b.as_str()),
    ];
    for lang in LANGS {
        let out = receive("01_basic", &[], lang, "📬", &messages, |out| {
            out.matches("Topic:").count() == 2
        });
        insta::assert_snapshot!(format!("basic_{lang}"), out);
    }
}

#[test]
fn json_prints_the_reading_block_and_goes_on_after_a_bad_payload() {
    let plain = reading("A", "25", "60", 817_349_415);
    let messages = [
        ("hexaboard/A/sensor/data", plain.as_str()),
        ("hexaboard/A/sensor/data", "temperature=25"),
        (
            "hexaboard/A/sensor/data",
            r#"{"board": "A", "temperature": "hot", "humidity": 60}"#,
        ),
        (
            "hexaboard/B/sensor/data",
            r#"{"temperature": 26.5, "humidity": 61, "light": 810}"#,
        ),
    ];
    for lang in LANGS {
        let out = receive("02_json", &[], lang, "📬", &messages, |out| {
            out.contains("💡")
        });
        insta::assert_snapshot!(format!("json_{lang}"), out);
    }
}

#[test]
fn multi_prints_sensor_and_status_messages_and_all_of_hexaboard_with_hash() {
    let a = reading("A", "25", "60", 817_349_415);
    let messages = [
        ("hexaboard/A/status", "online"),
        ("hexaboard/A/sensor/data", a.as_str()),
        ("hexaboard/A/control/led", r#"{"action":"led_off"}"#),
        ("hexaboard/B/status", "offline"),
    ];
    for lang in LANGS {
        let out = receive("05_multi", &[], lang, "✅", &messages, |out| {
            out.contains("offline")
        });
        assert!(!out.contains("control/led"), "{out}");
        insta::assert_snapshot!(format!("multi_{lang}"), out);
    }
    let out = receive("05_multi", &["--all"], "en", "✅", &messages, |out| {
        out.contains("offline")
    });
    assert!(out.contains("📥 [hexaboard/A/control/led]"), "{out}");
    insta::assert_snapshot!("multi_all_en", out);
}

#[test]
fn filter_warns_once_per_hot_spell_on_a_sensor_that_flickers_by_one_degree() {
    let temperatures = ["24", "25", "24", "25", "24", "23", "25"];
    let payloads: Vec<String> = (0..)
        .zip(temperatures)
        .map(|(i, t)| reading("A", t, "60", 817_349_415 + 5 * i))
        .collect();
    let messages: Vec<(&str, &str)> = payloads
        .iter()
        .map(|p| ("hexaboard/A/sensor/data", p.as_str()))
        .collect();
    for lang in LANGS {
        let out = receive("06_filter", &[], lang, "📬", &messages, |out| {
            out.matches("%\n").count() == temperatures.len()
        });
        assert_eq!(out.matches("⚠️").count(), 2, "{out}");
        insta::assert_snapshot!(format!("filter_{lang}"), out);
    }
}

#[test]
fn average_prints_each_boards_mean_of_its_last_five_temperatures() {
    let series = [
        ("A", "24"),
        ("A", "25"),
        ("B", "30"),
        ("A", "26"),
        ("A", "25"),
        ("A", "24"),
        ("A", "30"),
    ];
    let payloads: Vec<(String, String)> = (0..)
        .zip(series)
        .map(|(i, (board, t))| {
            (
                format!("hexaboard/{board}/sensor/data"),
                reading(board, t, "60", 817_349_415 + i),
            )
        })
        .collect();
    let messages: Vec<(&str, &str)> = payloads
        .iter()
        .map(|(topic, payload)| (topic.as_str(), payload.as_str()))
        .collect();
    for lang in LANGS {
        let out = receive("07_average", &[], lang, "📬", &messages, |out| {
            out.matches("%\n").count() == series.len()
        });
        insta::assert_snapshot!(format!("average_{lang}"), out);
    }
}
#[test]
fn masking_hides_clock_times_ports_and_board_timestamps() {
    let text = "[10:30:15] 보드 A\n💾 저장 완료: 2025-11-25 10:30:15\n연결 중: 127.0.0.1:4242\n\
                {\"timestamp\": 817349415}\n[1:2:3]";
    assert_eq!(
        mask(text, 4242),
        "[hh:mm:ss] 보드 A\n💾 저장 완료: YYYY-MM-DD hh:mm:ss\n연결 중: 127.0.0.1:PORT\n\
         {\"timestamp\": T}\n[1:2:3]"
    );
}
