//! Single lines, compared with the chapter's literal strings.

use std::path::Path;

use hexaboard_core::control::LedCommand;
use hexaboard_core::number::Number;
use hexaboard_core::reading::Reading;
use hexaboard_core::text::{sanitize_for_terminal, Lang, Text};
use time::macros::{datetime, time};

fn n(text: &str) -> Number {
    Number::parse_json(text).unwrap()
}

const KO: Text = Text::new(Lang::Ko);
const EN: Text = Text::new(Lang::En);

/// What `println!("{line}")` writes.
fn printed(line: impl std::fmt::Display) -> String {
    format!("{line}\n")
}

#[test]
fn the_reading_block_is_the_chapters_example() {
    let reading = Reading::new("A", n("25"), n("60"), Some(n("800")), None);
    // print(f"[{time_str}] 보드 {board}") ... print()
    assert_eq!(
        printed(KO.reading(time!(10:30:15), &reading)),
        "[10:30:15] 보드 A\n  🌡️  온도: 25°C\n  💧 습도: 60%\n  💡 조도: 800\n\n"
    );
}

#[test]
fn the_reading_block_leaves_out_a_missing_light() {
    let reading = Reading::new("A", n("25.5"), n("60"), None, None);
    assert_eq!(
        printed(KO.reading(time!(09:05:03), &reading)),
        "[09:05:03] 보드 A\n  🌡️  온도: 25.5°C\n  💧 습도: 60%\n\n"
    );
    assert!(!EN
        .reading(time!(09:05:03), &reading)
        .to_string()
        .contains('💡'));
}

#[test]
fn the_save_lines_are_the_chapters() {
    let with_light = Reading::new("A", n("25"), n("60"), Some(n("800")), None);
    let without = Reading::new("B", n("24"), n("58"), None, None);
    assert_eq!(
        KO.saved_reading(time!(10:30:15), &with_light).to_string(),
        "[10:30:15] 보드 A: 25°C, 60%, 조도 800"
    );
    // Python prints None for the light the course firmware does not send.
    assert_eq!(
        KO.saved_reading(time!(10:30:25), &without).to_string(),
        "[10:30:25] 보드 B: 24°C, 58%, 조도 None"
    );
    assert_eq!(
        KO.saved(datetime!(2025-11-25 10:30:15)).to_string(),
        "💾 저장 완료: 2025-11-25 10:30:15"
    );
    assert_eq!(
        printed(KO.csv_created(Path::new("sensor_data.csv"))),
        "✅ CSV 파일 생성: sensor_data.csv\n\n"
    );
    assert_eq!(
        KO.data_location(&Path::new("sensor_data.csv").display())
            .to_string(),
        "📁 데이터 저장 위치: sensor_data.csv"
    );
    assert_eq!(printed(KO.shutdown_after_saving()), "\n\n서버 종료\n");
}

#[test]
fn the_connection_lines_are_the_chapters() {
    assert_eq!(KO.server_start().to_string(), "MQTT 서버 시작...");
    assert_eq!(KO.ctrl_c_to_quit().to_string(), "Ctrl+C로 종료");
    assert_eq!(printed(KO.waiting_for_data()), "센서 데이터 대기 중...\n\n");
    assert_eq!(
        printed(KO.collecting()),
        "센서 데이터 수집 및 저장 시작...\n\n"
    );
    assert_eq!(
        KO.broker_connected().to_string(),
        "✅ MQTT Broker 연결 성공!"
    );
    assert_eq!(KO.connected().to_string(), "✅ MQTT 연결 성공!");
    assert_eq!(
        KO.subscribe_started("hexaboard/A/sensor/data").to_string(),
        "📬 구독 시작: hexaboard/A/sensor/data"
    );
    assert_eq!(
        printed(KO.subscribed("hexaboard/+/sensor/data")),
        "📬 구독: hexaboard/+/sensor/data\n\n"
    );
    assert_eq!(
        KO.connect_failed_with_code(&5).to_string(),
        "❌ 연결 실패 (코드: 5)"
    );
    assert_eq!(KO.connect_failed(&5).to_string(), "❌ 연결 실패: 5");
    assert_eq!(
        KO.connecting("abc123.s1.eu.hivemq.cloud", 8883).to_string(),
        "연결 중: abc123.s1.eu.hivemq.cloud:8883"
    );
    assert_eq!(printed(KO.shutdown()), "\n서버 종료\n");
}

#[test]
fn the_message_lines_are_the_chapters() {
    assert_eq!(
        printed(KO.received("hexaboard/A/sensor/data", br#"{"temperature": 25}"#)),
        "\n📥 수신:\n   Topic: hexaboard/A/sensor/data\n   Data: {\"temperature\": 25}\n"
    );
    assert_eq!(
        KO.json_parse_error(b"hello").to_string(),
        "❌ JSON 파싱 오류: hello"
    );
    assert_eq!(
        KO.processing_error(&"boom").to_string(),
        "❌ 처리 오류: boom"
    );
    assert_eq!(KO.error(&"boom").to_string(), "❌ 오류: boom");
    assert_eq!(
        KO.env_reading(
            time!(10:30:15),
            &Reading::new("A", n("25"), n("60"), None, None)
        )
        .to_string(),
        "[10:30:15] 보드 A: 25°C, 60%"
    );
    assert_eq!(
        printed(KO.multi_subscribed()),
        "✅ 멀티 Topic 구독 완료\n\n"
    );
    assert_eq!(
        printed(KO.multi_message("hexaboard/A/status", b"online")),
        "📥 [hexaboard/A/status]\n   online\n\n"
    );
}

#[test]
fn the_challenge_lines_are_the_chapters() {
    assert_eq!(
        KO.high_temperature(n("25")).to_string(),
        "⚠️ 높은 온도: 25°C"
    );
    assert_eq!(
        KO.average_temperature(24.9).to_string(),
        "평균 온도: 24.9°C"
    );
    assert_eq!(
        KO.average_temperature(25.0).to_string(),
        "평균 온도: 25.0°C"
    );
}

#[test]
fn escape_sequences_in_a_board_id_do_not_reach_the_output() {
    let reading = Reading::new(
        "A\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}1m",
        n("25"),
        n("60"),
        Some(n("1")),
        None,
    );
    let at = time!(10:30:15);
    for text in [KO, EN] {
        for line in [
            text.reading(at, &reading).to_string(),
            text.saved_reading(at, &reading).to_string(),
            text.env_reading(at, &reading).to_string(),
        ] {
            assert!(!line.contains(['\u{1b}', '\u{7}', '\u{9b}']), "{line:?}");
            assert!(
                line.contains("A\\x1b]0;owned\\x07\\x1b[2J\\x9b1m"),
                "{line:?}"
            );
        }
    }
}

#[test]
fn topics_payloads_and_errors_are_sanitized_too() {
    let topic = "hexaboard/\u{1b}[31m/sensor/data";
    let payload = b"{\"a\":1}\n\x1b[2J\r\x7f";
    let error = "found string \"\u{1b}[5m\"";
    let lines = [
        KO.received(topic, payload).to_string(),
        KO.multi_message(topic, payload).to_string(),
        KO.json_parse_error(payload).to_string(),
        KO.rejected(topic, &error).to_string(),
        KO.error(&error).to_string(),
        KO.processing_error(&error).to_string(),
        KO.connect_failed(&error).to_string(),
        KO.connection_lost(&error).to_string(),
        KO.subscribed(topic).to_string(),
        KO.resubscribed(topic).to_string(),
    ];
    for line in lines {
        assert!(!line.contains(['\u{1b}', '\r', '\u{7f}']), "{line:?}");
    }
    assert_eq!(
        KO.json_parse_error(payload).to_string(),
        "❌ JSON 파싱 오류: {\"a\":1}\\n\\x1b[2J\\r\\x7f"
    );
    assert_eq!(
        sanitize_for_terminal(topic),
        "hexaboard/\\x1b[31m/sensor/data"
    );
}

#[test]
fn the_led_line_names_the_colour_and_brightness() {
    let on = LedCommand::on([0, 0, 255], 80).unwrap();
    assert_eq!(
        KO.led("B", on).to_string(),
        "💡 보드 B LED: 파랑 (0,0,255) 80%"
    );
    assert_eq!(
        KO.led("B", LedCommand::LedOff).to_string(),
        "💡 보드 B LED 끔"
    );
    assert_eq!(
        EN.led("B", on).to_string(),
        "💡 Board B LED: blue (0,0,255) 80%"
    );
}

#[test]
fn the_counts_name_status_messages_and_unwritten_rejects_only_when_there_are_any() {
    assert_eq!(
        KO.counts(6, 6, 0, 0, 0, 0).to_string(),
        "수신 6, 저장 6, 거부 0, 중복 0"
    );
    let counts = KO.counts(6, 5, 1, 0, 2, 1);
    assert_eq!(
        KO.totals(&counts).to_string(),
        "📊 합계: 수신 6, 저장 5, 거부 1, 중복 0, 상태 메시지 2, 기록되지 않은 거부 1"
    );
    assert_eq!(
        KO.counts_per_second(&counts, 2.25).to_string(),
        "수신 6, 저장 5, 거부 1, 중복 0, 상태 메시지 2, 기록되지 않은 거부 1, 초당 2.2건"
    );
    let counts = EN.counts(6, 6, 0, 0, 0, 0);
    assert_eq!(
        EN.counts_per_second(&counts, 2.0).to_string(),
        "received 6, stored 6, rejected 0, duplicates 0, 2.0/s"
    );
}
