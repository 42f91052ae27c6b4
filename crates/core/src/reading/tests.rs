//! The reading parser's behaviour: every field, every fallback and every error message.

use super::*;

fn parse(payload: &str) -> Result<Reading<'_>, ReadingError> {
    static PARSER: std::sync::OnceLock<ReadingParser> = std::sync::OnceLock::new();
    PARSER
        .get_or_init(ReadingParser::default)
        .parse(payload.as_bytes(), "hexaboard/B/sensor/data")
}

fn error(payload: &str) -> String {
    parse(payload).unwrap_err().to_string()
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

#[test]
fn every_error_names_the_field_and_what_was_found() {
    let table = [
        (r#"{"humidity":60}"#, "`temperature` is missing"),
        (r#"{"temperature":null,"humidity":60}"#, "`temperature` is missing"),
        (r#"{"temperature":25}"#, "`humidity` is missing"),
        (
            r#"{"temperature":true,"humidity":60}"#,
            "`temperature` should be a number, found boolean true",
        ),
        (
            r#"{"temperature":25,"humidity":[60]}"#,
            "`humidity` should be a number, found array [60]",
        ),
        (
            r#"{"temperature":1e999,"humidity":60}"#,
            "`temperature` is not a finite number: 1e999",
        ),
        (
            r#"{"temperature":"NaN","humidity":60}"#,
            "`temperature` is not a finite number: \"NaN\"",
        ),
        (
            r#"{"temperature":200,"humidity":60}"#,
            "`temperature` is 200 °C, outside the range -40..125 °C a sensor can report",
        ),
        (
            r#"{"temperature":20,"humidity":100.5}"#,
            "`humidity` is 100.5 %, outside the range 0..100 % a sensor can report",
        ),
        (
            r#"{"board":false,"temperature":20,"humidity":50}"#,
            "`board` should be a string, found boolean false",
        ),
        (
            r#"{"board":"","temperature":20,"humidity":50}"#,
            "`board` should be a non-empty string, found string \"\"",
        ),
        ("[1,2]", "payload is a JSON array, expected an object like {\"temperature\": 25, \"humidity\": 60}"),
        ("  42", "payload is a JSON number, expected an object like {\"temperature\": 25, \"humidity\": 60}"),
        (
            "{\"temperature\":25,\n \"humidity\":}",
            "payload is not valid JSON: expected value at line 2, column 13",
        ),
        ("hello", "payload is not valid JSON: expected value at line 1, column 1"),
        (
            r#"{"temperature":25,"temperature":26,"humidity":1}"#,
            "payload is not valid JSON: duplicate field `temperature` at line 1, column 31",
        ),
    ];
    for (payload, expected) in table {
        assert_eq!(error(payload), expected, "payload {payload}");
    }
}

#[test]
fn unusual_payloads_are_read_as_json_reads_them() {
    // What a reading became (board, temperature, humidity, timestamp), or the error.
    let outcome = |payload: &str| match parse(payload) {
        Ok(r) => format!(
            "{} {} {} {:?}",
            r.board(),
            r.temperature(),
            r.humidity(),
            r.timestamp().map(|t| t.to_string())
        ),
        Err(e) => e.to_string(),
    };
    let table = [
        (r#"{"board":"\u0041","temperature":1,"humidity":2}"#, "A 1 2 None"),
        (r#"{"board": "거실", "temperature": 25, "humidity": 60}"#, "거실 25 60 None"),
        (r#"{"x":{"y":1},"temperature":1,"humidity":2}"#, "B 1 2 None"),
        (r#"{"light":null,"temperature":1,"humidity":2}"#, "B 1 2 None"),
        (r#"{"temperature":"25","humidity":2}"#, "B 25 2 None"),
        (r#"{"temperature":2.5e1,"humidity":2}"#, "B 25.0 2 None"),
        (r#"{"board":7,"temperature":1,"humidity":2}"#, "7 1 2 None"),
        (
            r#"{"temperature":1,"humidity":2,"timestamp":817349415}"#,
            "B 1 2 Some(\"817349415\")",
        ),
        (
            r#"{"temperature":1,"humidity":2,"timestamp":12345678901234567}"#,
            "`timestamp` is 12345678901234567 s, outside the range 0..8589934592 s a sensor can report",
        ),
        (
            r#"{"temperature":1,"humidity":2,}"#,
            "payload is not valid JSON: trailing comma at line 1, column 31",
        ),
        (
            r#"{"temperature":01,"humidity":2}"#,
            "payload is not valid JSON: invalid number at line 1, column 17",
        ),
        (
            r#"{"temperature":1,"humidity":2} x"#,
            "payload is not valid JSON: trailing characters at line 1, column 32",
        ),
        (
            "{\"temperature\":1,\"humidity\":\"a\u{1}\"}",
            "payload is not valid JSON: control character (\\u0000-\\u001F) found while parsing a string at line 1, column 30",
        ),
        (
            r#"{"temperature":25-,"humidity":2}"#,
            "payload is not valid JSON: expected `,` or `}` at line 1, column 18",
        ),
    ];
    for (payload, expected) in table {
        assert_eq!(outcome(payload), expected, "payload {payload}");
    }
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
