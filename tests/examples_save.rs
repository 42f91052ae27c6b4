//! Exercise 3's example writes `sensor_data.csv` byte for byte as the chapter's Python
//! program would for the same messages, and prints the chapter's lines.

mod examples_support;

use std::path::Path;

use examples_support::{mask, publish, Run};
use hexaboard_testkit::Mosquitto;

/// Runs `03_save` in `dir`, publishes `messages`, waits for `stored` rows and the error
/// lines, stops it with Ctrl+C. Returns its stdout (unmasked) and the broker's port.
fn save(dir: &Path, lang: &str, messages: &[(&str, &str)], lines: usize) -> (String, u16) {
    let broker = Mosquitto::start().unwrap();
    let mut running = Run::new("03_save", dir)
        .broker(broker.port(), "example-save", lang)
        .start();
    running.wait_for("📬", 1);
    publish(broker.port(), messages);
    running.wait_until("a line per message", |out| {
        out.matches("💾").count() + out.matches("❌").count() == lines
    });
    let finished = running.interrupt();
    assert!(finished.status.success(), "{finished:?}");
    assert_eq!(finished.stderr, "");
    (finished.stdout, broker.port())
}

/// The timestamps the example says it saved (`💾 저장 완료: 2025-11-25 10:30:15`), which are
/// the receive times the chapter's Python would write.
fn saved_timestamps(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| line.starts_with("💾"))
        .map(|line| &line[line.len() - "2025-11-25 10:30:15".len()..])
        .collect()
}

/// The bytes Python's `csv.writer` writes for `writerow([timestamp, board, temp, humid,
/// light])`: `str()` of each value, `None` as an empty cell, `\r\n` at the end.
fn python_row(
    timestamp: &str,
    board: &str,
    temp: &str,
    humid: &str,
    light: Option<&str>,
) -> String {
    format!(
        "{timestamp},{board},{temp},{humid},{}\r\n",
        light.unwrap_or("")
    )
}

const HEADER: &str = "Timestamp,Board,Temperature,Humidity,Light\r\n";

#[test]
fn save_writes_the_chapters_csv_bytes_with_the_header_only_when_the_file_is_new() {
    for lang in ["ko", "en"] {
        let dir = tempfile::tempdir().unwrap();
        let first = [
            (
                "hexaboard/A/sensor/data",
                r#"{"board": "A", "temperature": 25, "humidity": 60, "timestamp": 817349415}"#,
            ),
            ("hexaboard/B/sensor/data", "not json"),
            (
                "hexaboard/B/sensor/data",
                r#"{"board": "B", "temperature": 25.5, "humidity": 60.0, "light": 800, "timestamp": 817349416}"#,
            ),
        ];
        let (stdout, port) = save(dir.path(), lang, &first, 3);
        insta::assert_snapshot!(format!("save_new_file_{lang}"), mask(&stdout, port));
        let times = saved_timestamps(&stdout);
        assert_eq!(times.len(), 2, "{stdout}");
        let mut expected = String::from(HEADER);
        expected += &python_row(times[0], "A", "25", "60", None);
        expected += &python_row(times[1], "B", "25.5", "60.0", Some("800"));
        let csv = std::fs::read(dir.path().join("sensor_data.csv")).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), expected);

        // Run again: the file is continued, no second header, no "CSV created" line.
        let second = [(
            "hexaboard/C/sensor/data",
            r#"{"temperature": 19, "humidity": 41, "timestamp": 817349420}"#,
        )];
        let (stdout, port) = save(dir.path(), lang, &second, 1);
        insta::assert_snapshot!(format!("save_existing_file_{lang}"), mask(&stdout, port));
        let times = saved_timestamps(&stdout);
        expected += &python_row(times[0], "C", "19", "41", None);
        let csv = std::fs::read(dir.path().join("sensor_data.csv")).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), expected);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            files,
            ["sensor_data.csv"],
            "nothing else is written beside it"
        );
    }
}

#[test]
fn save_refuses_a_csv_file_that_is_not_the_chapters_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let other = "name,score\r\nkim,3\r\n";
    std::fs::write(dir.path().join("sensor_data.csv"), other).unwrap();
    let finished = Run::new("03_save", dir.path())
        .broker(1, "example-save", "en")
        .output();
    assert!(!finished.status.success());
    assert!(finished.stdout.starts_with("❌ Error: "), "{finished:?}");
    assert!(finished.stdout.contains("sensor_data.csv"), "{finished:?}");
    let csv = std::fs::read_to_string(dir.path().join("sensor_data.csv")).unwrap();
    assert_eq!(csv, other);
}
