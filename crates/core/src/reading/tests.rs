//! The reading parser's behaviour: every field, every fallback and every error message.

use super::*;
use crate::number::Number;

fn parse(payload: &str) -> Result<Reading<'_>, ReadingError> {
    static PARSER: std::sync::OnceLock<ReadingParser> = std::sync::OnceLock::new();
    PARSER
        .get_or_init(ReadingParser::default)
        .parse(payload.as_bytes(), "hexaboard/B/sensor/data")
}

#[test]
fn firmware_payload_parses_with_every_field() {
    let r =
        parse(r#"{"board":"A","temperature":25,"humidity":60,"timestamp":1234567890}"#).unwrap();
    assert_eq!(r.board(), "A");
    assert_eq!(r.board_source(), BoardSource::Payload);
    assert_eq!(r.temperature().as_str(), "25");
    assert_eq!(r.humidity().as_str(), "60");
    assert_eq!(r.light(), None);
    assert_eq!(r.timestamp().unwrap().value(), 1_234_567_890.0);
}

#[test]
fn board_falls_back_to_the_topic_then_to_unknown() {
    let r = parse(r#"{"temperature":25,"humidity":60}"#).unwrap();
    assert_eq!((r.board(), r.board_source()), ("B", BoardSource::Topic));
    let p = ReadingParser::default();
    let r = p
        .parse(br#"{"temperature":25,"humidity":60}"#, "lab/sensor")
        .unwrap();
    assert_eq!(
        (r.board(), r.board_source()),
        ("Unknown", BoardSource::Unknown)
    );
}

#[test]
fn board_with_escapes_is_unescaped_and_integer_board_is_accepted() {
    assert_eq!(
        parse(r#"{"board":"\uc13c","temperature":1,"humidity":2}"#)
            .unwrap()
            .board(),
        "센"
    );
    assert_eq!(
        parse(r#"{"board":7,"temperature":1,"humidity":2}"#)
            .unwrap()
            .board(),
        "7"
    );
}

#[test]
fn numbers_in_strings_and_fractions_are_accepted() {
    let r = parse(r#"{"temperature":"25","humidity":" 60.50 ","light":800}"#).unwrap();
    assert_eq!(r.temperature().as_str(), "25");
    assert_eq!(r.humidity().as_str(), "60.5");
    assert_eq!(r.light().unwrap().as_str(), "800");
}

#[test]
fn null_light_is_absent_and_extra_fields_are_ignored() {
    let r =
        parse(r#"{"temperature":25,"humidity":60,"light":null,"rssi":-70,"x":{"y":[1]}}"#).unwrap();
    assert_eq!(r.light(), None);
}

/// What each payload becomes, one paragraph a payload: the reading's fields or the error.
fn outcomes(payloads: &[&str]) -> String {
    let shown = |n: Option<Number>| n.map_or("-".to_owned(), |n| n.to_string());
    let mut text = String::new();
    for payload in payloads {
        let outcome = match parse(payload) {
            Ok(r) => format!(
                "board {}, temperature {}, humidity {}, light {}, timestamp {}",
                r.board(),
                r.temperature(),
                r.humidity(),
                shown(r.light()),
                shown(r.timestamp())
            ),
            Err(e) => e.to_string(),
        };
        text.push_str(&format!("{payload}\n  => {outcome}\n"));
    }
    text
}

#[test]
fn every_error_names_the_field_and_what_was_found() {
    let outcomes = outcomes(&[
        r#"{"humidity":60}"#,
        r#"{"temperature":null,"humidity":60}"#,
        r#"{"temperature":25}"#,
        r#"{"temperature":true,"humidity":60}"#,
        r#"{"temperature":25,"humidity":[60]}"#,
        r#"{"temperature":1e999,"humidity":60}"#,
        r#"{"temperature":"NaN","humidity":60}"#,
        r#"{"temperature":200,"humidity":60}"#,
        r#"{"temperature":20,"humidity":100.5}"#,
        r#"{"board":false,"temperature":20,"humidity":50}"#,
        r#"{"board":"","temperature":20,"humidity":50}"#,
        "[1,2]",
        "  42",
        "{\"temperature\":25,\n \"humidity\":}",
        "hello",
        r#"{"temperature":25,"temperature":26,"humidity":1}"#,
    ]);
    insta::assert_snapshot!(outcomes);
}

#[test]
fn unusual_payloads_are_read_as_json_reads_them() {
    let outcomes = outcomes(&[
        r#"{"board":"\u0041","temperature":1,"humidity":2}"#,
        r#"{"board": "거실", "temperature": 25, "humidity": 60}"#,
        r#"{"x":{"y":1},"temperature":1,"humidity":2}"#,
        r#"{"light":null,"temperature":1,"humidity":2}"#,
        r#"{"temperature":"25","humidity":2}"#,
        r#"{"temperature":2.5e1,"humidity":2}"#,
        r#"{"board":7,"temperature":1,"humidity":2}"#,
        r#"{"temperature":1,"humidity":2,"timestamp":817349415}"#,
        r#"{"temperature":1,"humidity":2,"timestamp":12345678901234567}"#,
        r#"{"temperature":1,"humidity":2,}"#,
        r#"{"temperature":01,"humidity":2}"#,
        r#"{"temperature":1,"humidity":2} x"#,
        "{\"temperature\":1,\"humidity\":\"a\u{1}\"}",
        r#"{"temperature":25-,"humidity":2}"#,
    ]);
    insta::assert_snapshot!(outcomes);
}

#[test]
fn oversized_and_non_utf8_payloads_are_refused_before_parsing() {
    let p = ReadingParser::new(Limits {
        max_payload: 10,
        ..Limits::default()
    });
    assert_eq!(
        p.parse(b"{\"temperature\":1}", "t").unwrap_err(),
        ReadingError::TooLarge {
            size: 17,
            limit: 10
        }
    );
    assert_eq!(
        ReadingParser::default()
            .parse(b"{\"a\xff\"}", "t")
            .unwrap_err(),
        ReadingError::NotUtf8 { offset: 3 }
    );
}

#[test]
fn error_kinds_are_stable_names() {
    let e = parse(r#"{"temperature":25}"#).unwrap_err();
    assert_eq!(e.kind(), ReadingErrorKind::Missing);
    assert_eq!(e.kind().as_str(), "missing");
    assert_eq!(e.field(), Some(Field::Humidity));
}

#[test]
fn ranges_are_configurable() {
    let p = ReadingParser::new(Limits {
        temperature: 0.0..=50.0,
        ..Limits::default()
    });
    let err = p
        .parse(br#"{"temperature":-1,"humidity":5}"#, "t")
        .unwrap_err();
    assert_eq!(err.kind(), ReadingErrorKind::OutOfRange);
}
