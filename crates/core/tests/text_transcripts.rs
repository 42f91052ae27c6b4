//! Transcripts of the chapter's exercises, written line by line as each program prints them,
//! with fixed receive times. The Korean transcripts are checked against the chapter's example
//! output; both languages are kept as snapshots.

use std::fmt::{Display, Write as _};
use std::path::Path;

use hexaboard_core::number::Number;
use hexaboard_core::reading::{Reading, ReadingParser};
use hexaboard_core::text::{Lang, Text};
use time::macros::{datetime, time};

/// What a program has printed so far: `println` appends a line as Python's `print` does.
#[derive(Default)]
struct Console(String);

impl Console {
    fn println(&mut self, line: impl Display) {
        writeln!(self.0, "{line}").unwrap();
    }
}

fn n(text: &str) -> Number {
    Number::parse_json(text).unwrap()
}

const SENSOR_A: &str = "hexaboard/A/sensor/data";
const ALL_SENSORS: &str = "hexaboard/+/sensor/data";

/// Exercise 1: basic receive, one message, then Ctrl+C.
fn exercise1_basic(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.server_start());
    out.println(text.ctrl_c_to_quit());
    out.println(text.broker_connected());
    out.println(text.subscribe_started(SENSOR_A));
    out.println(text.received(
        SENSOR_A,
        br#"{"temperature": 25, "humidity": 60, "timestamp": 1234567890}"#,
    ));
    out.println(text.shutdown());
    out.0
}

/// Exercise 1 when the broker refuses the login.
fn exercise1_refused(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.server_start());
    out.println(text.ctrl_c_to_quit());
    out.println(text.connect_failed_with_code(&5));
    out.0
}

/// Exercise 2: JSON parsing, two readings, a broken payload, a failed message, Ctrl+C.
fn exercise2_json(text: Text) -> String {
    let parser = ReadingParser::default();
    let mut out = Console::default();
    out.println(text.server_start());
    out.println(text.waiting_for_data());
    out.println(text.connected());
    out.println(text.subscribed(SENSOR_A));
    for (at, payload) in [
        (
            time!(10:30:15),
            &br#"{"board": "A", "temperature": 25, "humidity": 60, "light": 800}"#[..],
        ),
        (
            time!(10:30:20),
            &br#"{"board": "A", "temperature": 26, "humidity": 61, "light": 810}"#[..],
        ),
        (
            time!(10:30:25),
            &br#"{"board": "A", "temperature": 26.5, "humidity": 61}"#[..],
        ),
    ] {
        let reading = parser.parse(payload, SENSOR_A).unwrap();
        out.println(text.reading(at, &reading));
    }
    out.println(text.json_parse_error(b"temperature=25\x1b[2J\xff"));
    let error = parser
        .parse(br#"{"temperature": "hot", "humidity": 60}"#, SENSOR_A)
        .unwrap_err();
    out.println(text.processing_error(&error));
    out.println(text.shutdown());
    out.0
}

/// Exercise 2 when the broker refuses the login.
fn exercise2_refused(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.server_start());
    out.println(text.waiting_for_data());
    out.println(text.connect_failed(&"username or password rejected"));
    out.0
}

/// Exercise 3: saving to CSV, the chapter's three rows and one without light, Ctrl+C.
fn exercise3_save(text: Text) -> String {
    let csv = Path::new("sensor_data.csv");
    let mut out = Console::default();
    out.println(text.csv_created(csv));
    out.println(text.collecting());
    out.println(text.connected());
    out.println(text.subscribed(ALL_SENSORS));
    let rows = [
        (datetime!(2025-11-25 10:30:15), "A", "25", "60", Some("800")),
        (datetime!(2025-11-25 10:30:20), "A", "26", "61", Some("810")),
        (datetime!(2025-11-25 10:30:25), "B", "24", "58", Some("750")),
        (datetime!(2025-11-25 10:30:30), "B", "24.5", "58", None),
    ];
    for (at, board, t, h, light) in rows {
        let reading = Reading::new(board, n(t), n(h), light.map(n), None);
        out.println(text.saved_reading(at.time(), &reading));
        out.println(text.saved(at));
    }
    out.println(text.error(&"sensor_data.csv: permission denied"));
    out.println(text.shutdown_after_saving());
    out.println(text.data_location(&csv.display()));
    out.0
}

/// Exercise 4: settings from `.env`, readings from two boards, Ctrl+C.
fn exercise4_env(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.connecting("abc123.s1.eu.hivemq.cloud", 8883));
    out.println(text.connected());
    out.println(text.subscribed(ALL_SENSORS));
    let a = Reading::new("A", n("25"), n("60"), None, None);
    let b = Reading::new("B", n("24.5"), n("58"), None, None);
    out.println(text.env_reading(time!(10:30:15), &a));
    out.println(text.env_reading(time!(10:30:16), &b));
    out.println(text.shutdown());
    out.0
}

/// Exercise 5: two filters, a reading and a status message.
fn exercise5_multi(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.multi_subscribed());
    out.println(text.multi_message(
        SENSOR_A,
        br#"{"board": "A", "temperature": 25, "humidity": 60, "timestamp": 1234567890}"#,
    ));
    out.println(text.multi_message("hexaboard/A/status", b"online"));
    out.0
}

/// The challenges: the alert with its end, the average of the last five.
fn challenges(text: Text) -> String {
    let mut out = Console::default();
    out.println(text.high_temperature(n("25")));
    out.println(text.temperature_normal(n("23.5")));
    let history = [24.0, 25.0, 26.0, 25.0, 24.5];
    out.println(text.average_temperature(history.iter().sum::<f64>() / 5.0));
    out.0
}

/// What hexaboard's receiver prints beyond the chapter.
fn ours(text: Text) -> String {
    let parser = ReadingParser::default();
    let mut out = Console::default();
    out.println(text.connected());
    out.println(text.subscribed(ALL_SENSORS));
    let error = parser
        .parse(
            br#"{"board": "C", "temperature": 250, "humidity": 60}"#,
            "hexaboard/C/sensor/data",
        )
        .unwrap_err();
    out.println(text.rejected("hexaboard/C/sensor/data", &error));
    out.println(text.connection_lost(&"connection reset by peer"));
    out.println(text.reconnecting());
    out.println(text.reconnected());
    out.println(text.resubscribed(ALL_SENSORS));
    out.0
}

const KO: Text = Text::new(Lang::Ko);
const EN: Text = Text::new(Lang::En);

#[test]
fn exercise1_prints_the_chapters_example_output() {
    let chapter = "MQTT 서버 시작...
Ctrl+C로 종료
✅ MQTT Broker 연결 성공!
📬 구독 시작: hexaboard/A/sensor/data

📥 수신:
   Topic: hexaboard/A/sensor/data
   Data: {\"temperature\": 25, \"humidity\": 60, \"timestamp\": 1234567890}
";
    let transcript = exercise1_basic(KO);
    assert_eq!(transcript, format!("{chapter}\n서버 종료\n"));
}

#[test]
fn exercise2_prints_the_chapters_example_output() {
    // The chapter's first line says "Python MQTT 서버 시작..."; ours names no language.
    let chapter = "MQTT 서버 시작...
센서 데이터 대기 중...

✅ MQTT 연결 성공!
📬 구독: hexaboard/A/sensor/data

[10:30:15] 보드 A
  🌡️  온도: 25°C
  💧 습도: 60%
  💡 조도: 800

[10:30:20] 보드 A
  🌡️  온도: 26°C
  💧 습도: 61%
  💡 조도: 810
";
    let transcript = exercise2_json(KO);
    assert!(
        transcript.starts_with(&format!("{chapter}\n")),
        "{transcript}"
    );
}

#[test]
fn the_connect_failure_of_the_troubleshooting_section_is_the_chapters() {
    assert_eq!(
        exercise1_refused(KO).lines().last(),
        Some("❌ 연결 실패 (코드: 5)")
    );
}

#[test]
fn exercise1_transcripts() {
    insta::assert_snapshot!("exercise1_basic_ko", exercise1_basic(KO));
    insta::assert_snapshot!("exercise1_basic_en", exercise1_basic(EN));
    insta::assert_snapshot!("exercise1_refused_ko", exercise1_refused(KO));
    insta::assert_snapshot!("exercise1_refused_en", exercise1_refused(EN));
}

#[test]
fn exercise2_transcripts() {
    insta::assert_snapshot!("exercise2_json_ko", exercise2_json(KO));
    insta::assert_snapshot!("exercise2_json_en", exercise2_json(EN));
    insta::assert_snapshot!("exercise2_refused_ko", exercise2_refused(KO));
    insta::assert_snapshot!("exercise2_refused_en", exercise2_refused(EN));
}

#[test]
fn exercise3_transcripts() {
    insta::assert_snapshot!("exercise3_save_ko", exercise3_save(KO));
    insta::assert_snapshot!("exercise3_save_en", exercise3_save(EN));
}

#[test]
fn exercise4_transcripts() {
    insta::assert_snapshot!("exercise4_env_ko", exercise4_env(KO));
    insta::assert_snapshot!("exercise4_env_en", exercise4_env(EN));
}

#[test]
fn exercise5_transcripts() {
    insta::assert_snapshot!("exercise5_multi_ko", exercise5_multi(KO));
    insta::assert_snapshot!("exercise5_multi_en", exercise5_multi(EN));
}

#[test]
fn challenge_transcripts() {
    insta::assert_snapshot!("challenges_ko", challenges(KO));
    insta::assert_snapshot!("challenges_en", challenges(EN));
}

#[test]
fn receiver_transcripts() {
    insta::assert_snapshot!("receiver_ko", ours(KO));
    insta::assert_snapshot!("receiver_en", ours(EN));
}
