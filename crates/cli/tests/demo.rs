//! `hexaboard demo`: no settings, its own broker, two virtual boards, a CSV in the working
//! directory.

mod live_support;

use live_support::{csv_lines, hexaboard, Running};

#[test]
fn demo_runs_for_its_duration_and_leaves_rows_from_both_boards() {
    let dir = tempfile::tempdir().unwrap();
    // A learner's .env for the real broker: the demo must not use it.
    std::fs::write(
        dir.path().join(".env"),
        "MQTT_BROKER=broker.invalid\nMQTT_PORT=8883\n",
    )
    .unwrap();
    let mut demo = Running::start(hexaboard(dir.path(), &["demo", "--duration", "4"]));
    let status = demo.wait();
    assert!(status.success(), "{status}\n{}", demo.stderr());

    let rows = csv_lines(&dir.path().join("sensor_data.csv"));
    assert_eq!(rows[0], "Timestamp,Board,Temperature,Humidity,Light");
    assert!(rows[1..].iter().any(|r| r.contains(",A,")), "{rows:?}");
    assert!(rows[1..].iter().any(|r| r.contains(",B,")), "{rows:?}");
    let out = demo.stdout();
    assert!(
        out.contains("📁 데이터 저장 위치: sensor_data.csv"),
        "{out}"
    );
    let stored = format!("저장 {},", rows.len() - 1);
    assert!(
        out.contains(&stored),
        "the totals count the rows ({stored}):\n{out}"
    );
    assert!(
        demo.stderr().contains("내장 브로커 127.0.0.1:"),
        "{}",
        demo.stderr()
    );
}
