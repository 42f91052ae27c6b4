//! The virtual board example publishes like the course firmware, and its LED mode shows what
//! an LED board does with the commands it receives.

mod examples_support;

use examples_support::{mask, publish, Run};
use hexaboard::core::board_time::MICROPYTHON_EPOCH_OFFSET;
use hexaboard::core::reading::ReadingParser;
use hexaboard_testkit::Mosquitto;
use time::OffsetDateTime;

#[test]
fn the_virtual_board_publishes_firmware_readings_between_online_and_offline() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut receiver = Run::new("05_multi", dir.path())
        .broker(broker.port(), "receiver", "ko")
        .start();
    receiver.wait_for("✅", 1);

    let args = [
        "--interval",
        "0.1",
        "--count",
        "3",
        "--boards",
        "A,B",
        "--seed",
        "7",
    ];
    for lang in ["ko", "en"] {
        let board = Run::new("08_board", dir.path())
            .broker(broker.port(), "board", lang)
            .args(&args)
            .output();
        assert!(board.status.success(), "{board:?}");
        assert_eq!(board.stderr, "");
        insta::assert_snapshot!(format!("board_{lang}"), mask(&board.stdout, broker.port()));
    }
    receiver.wait_for("offline", 4);
    let received = receiver.interrupt();

    // What was sent is what was received, in order: online, 3 rounds of readings, offline.
    let shown: Vec<&str> = received
        .stdout
        .lines()
        .filter(|l| l.starts_with("   "))
        .collect();
    assert_eq!(shown.len(), 2 * (2 + 3 * 2 + 2), "{}", received.stdout);
    assert_eq!(&shown[..2], ["   online", "   online"]);
    assert_eq!(
        &shown[8..12],
        ["   offline", "   offline", "   online", "   online"]
    );

    // Readings parse, carry whole degrees, and MicroPython's clock (seconds since 2000).
    let parser = ReadingParser::default();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    for payload in shown.iter().filter(|l| l.contains('{')) {
        let reading = parser
            .parse(payload.trim().as_bytes(), "hexaboard/A/sensor/data")
            .unwrap();
        assert!(!reading.temperature().as_str().contains('.'), "{payload}");
        let unix = reading.timestamp().unwrap().value() as i64 + MICROPYTHON_EPOCH_OFFSET;
        assert!(
            (now - unix).abs() < 600,
            "{payload}: not MicroPython's clock"
        );
    }
    // The same seed gives the same readings (only the clock differs).
    let masked = |lines: &[&str]| mask(&lines.join("\n"), broker.port());
    assert_eq!(masked(&shown[2..8]), masked(&shown[12..18]));
}

#[test]
fn the_virtual_board_stops_on_ctrl_c_and_says_offline() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut board = Run::new("08_board", dir.path())
        .broker(broker.port(), "board", "en")
        .args(&["--interval", "0.1", "--seed", "1"])
        .start();
    board.wait_for("sensor/data", 2);
    let finished = board.interrupt();
    assert!(finished.status.success(), "{finished:?}");
    assert!(
        finished
            .stdout
            .ends_with("📤 [hexaboard/A/status] offline\n\n⏹ Virtual board stopped\n"),
        "{}",
        finished.stdout
    );
}

#[test]
fn the_led_board_prints_what_the_led_does_with_each_command() {
    for lang in ["ko", "en"] {
        let broker = Mosquitto::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut board = Run::new("08_board", dir.path())
            .broker(broker.port(), "led-board", lang)
            .args(&["--led", "--boards", "A,B"])
            .start();
        board.wait_for("online", 2);
        publish(
            broker.port(),
            &[
                (
                    "hexaboard/A/control/led",
                    r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#,
                ),
                ("hexaboard/B/control/led", r#"{"action":"led_off"}"#),
                ("hexaboard/B/control/led", r#"{"action":"dance"}"#),
                (
                    "hexaboard/A/control/led",
                    r#"{"action":"led_on","color":[255,0,0],"brightness":120}"#,
                ),
            ],
        );
        // Delivered in order: the last command is the one with brightness 120.
        board.wait_for("120", 1);
        let finished = board.interrupt();
        assert!(finished.status.success(), "{finished:?}");
        assert_eq!(finished.stderr, "");
        insta::assert_snapshot!(format!("led_{lang}"), mask(&finished.stdout, broker.port()));
    }
}

#[test]
fn the_board_refuses_an_unknown_option_with_its_usage() {
    let dir = tempfile::tempdir().unwrap();
    let finished = Run::new("08_board", dir.path())
        .broker(1, "board", "en")
        .args(&["--interval", "soon"])
        .output();
    assert_eq!(finished.status.code(), Some(2), "{finished:?}");
    assert_eq!(
        finished.stderr,
        "❌ --interval `soon`: expected seconds, such as 5 or 0.5\n\
         usage: 08_board [--interval SECONDS] [--count N] [--boards A,B] [--seed N] [--led]\n"
    );
}
