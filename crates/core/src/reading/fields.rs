//! Finding a payload's five fields: a fast scan for the flat objects boards send, with
//! `serde_json` as the reference for everything else.
//!
//! Every board publishes a small flat object (`{"board": "A", "temperature": 25, ...}`).
//! Reading one through `serde_json`'s derive costs about as much as all other per-message work
//! together, so the parser first tries [`scan_flat`]: one pass over the bytes that accepts only
//! flat objects of plain strings (no escapes), numbers and literals, and reads the known
//! fields' numbers as it meets them. Anything else — nested values, escapes, duplicate keys,
//! numbers of unusual shape, invalid JSON or UTF-8 — falls back to [`by_serde`], which also
//! produces every error message. The property tests check that the two agree on arbitrary
//! input.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::number::{self, Number, IN_NUMBER};

/// The raw JSON text of each known field (`"A"` with its quotes, `25`, ...); `None` when the
/// key is absent or `null`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fields<'a> {
    pub(crate) board: Option<&'a str>,
    pub(crate) temperature: Option<&'a str>,
    pub(crate) humidity: Option<&'a str>,
    pub(crate) light: Option<&'a str>,
    pub(crate) timestamp: Option<&'a str>,
}

/// The known fields of a flat payload, read by [`scan_flat`]: the board's text without its
/// quotes, and the numbers.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Scanned<'a> {
    pub(crate) board: Option<&'a str>,
    pub(crate) temperature: Option<Number>,
    pub(crate) humidity: Option<Number>,
    pub(crate) light: Option<Number>,
    pub(crate) timestamp: Option<Number>,
}

#[derive(Deserialize)]
struct RawPayload<'a> {
    #[serde(borrow, default)]
    board: Option<&'a RawValue>,
    #[serde(borrow, default)]
    temperature: Option<&'a RawValue>,
    #[serde(borrow, default)]
    humidity: Option<&'a RawValue>,
    #[serde(borrow, default)]
    light: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
}

/// The fields of a JSON object text, found by `serde_json` (the reference).
pub(crate) fn by_serde(text: &str) -> Result<Fields<'_>, serde_json::Error> {
    let raw: RawPayload<'_> = serde_json::from_str(text)?;
    Ok(Fields {
        board: raw.board.map(RawValue::get),
        temperature: raw.temperature.map(RawValue::get),
        humidity: raw.humidity.map(RawValue::get),
        light: raw.light.map(RawValue::get),
        timestamp: raw.timestamp.map(RawValue::get),
    })
}

/// A key of the payload.
#[derive(Clone, Copy)]
enum Key {
    Board,
    Temperature,
    Humidity,
    Light,
    Timestamp,
    Other,
}

/// One pass over a payload holding a flat JSON object; `None` for anything it does not handle
/// (the caller falls back to [`by_serde`]). When it answers, the payload is valid UTF-8 and
/// valid JSON, and the board and numbers are what the `serde_json` path makes of them: a plain
/// string board, and numbers [`Number::parse_json`] reads in its fast path.
///
/// Written as a cursor over the remaining bytes (`rest`) rather than indices: the compiler then
/// drops nearly every bounds check, which matters at a few hundred nanoseconds per message.
pub(crate) fn scan_flat(payload: &[u8]) -> Option<Scanned<'_>> {
    let mut found = Scanned::default();
    let mut rest = skip_ws(payload).strip_prefix(b"{")?;
    rest = skip_ws(rest);
    if let Some(after) = rest.strip_prefix(b"}") {
        return skip_ws(after).is_empty().then_some(found);
    }
    loop {
        let (key, after) = match known_key(rest) {
            Some(known) => known,
            None => (Key::Other, plain_string(rest)?.1),
        };
        rest = skip_ws(after).strip_prefix(b":")?;
        rest = skip_ws(rest);
        // A repeated key is serde_json's to report, and so is `null` (rare enough to defer).
        rest = match key {
            Key::Board if found.board.is_none() => {
                let (board, after) = plain_string(rest)?;
                found.board = Some(board);
                after
            }
            Key::Temperature => read_number(&mut found.temperature, rest)?,
            Key::Humidity => read_number(&mut found.humidity, rest)?,
            Key::Light => read_number(&mut found.light, rest)?,
            Key::Timestamp => read_number(&mut found.timestamp, rest)?,
            Key::Other => rest.get(value_len(rest)?..)?,
            Key::Board => return None,
        };
        rest = skip_ws(rest);
        match rest.split_first() {
            Some((b',', after)) => rest = skip_ws(after),
            Some((b'}', after)) => return skip_ws(after).is_empty().then_some(found),
            _ => return None,
        }
    }
}

/// Reads the number at the start of `rest` into an empty `slot`; what follows it.
#[inline]
fn read_number<'a>(slot: &mut Option<Number>, rest: &'a [u8]) -> Option<&'a [u8]> {
    if slot.is_some() {
        return None;
    }
    let (n, len) = Number::parse_plain_prefix(rest)?;
    *slot = Some(n);
    rest.get(len..)
}

/// Bytes that end a plain string: the quote, a backslash (an escape: left to serde_json) and
/// control characters (invalid in JSON strings). A table lookup is one load per byte.
static ENDS_PLAIN_STRING: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        table[c] = true;
        c += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

#[inline]
fn skip_ws(rest: &[u8]) -> &[u8] {
    // Most calls find no space or one: decide those without a loop.
    match rest {
        [c, ..] if *c > b' ' => rest,
        [b' ', c, ..] if *c > b' ' => &rest[1..],
        _ => skip_ws_run(rest),
    }
}

fn skip_ws_run(mut rest: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\n' | b'\r', after @ ..] = rest {
        rest = after;
    }
    rest
}

/// One of the five keys, quoted, at the start of `rest`, and what follows it. Each key is
/// compared as a fixed-size array, which the compiler turns into a few word comparisons.
#[inline]
fn known_key(rest: &[u8]) -> Option<(Key, &[u8])> {
    #[inline]
    fn quoted<'a, const N: usize>(rest: &'a [u8], key: &[u8; N]) -> Option<&'a [u8]> {
        let (head, after) = rest.split_first_chunk::<N>()?;
        (head == key).then_some(after)
    }
    let key = match rest.get(1)? {
        b'b' => (Key::Board, quoted(rest, b"\"board\"")?),
        b't' => match quoted(rest, b"\"temperature\"") {
            Some(after) => (Key::Temperature, after),
            None => (Key::Timestamp, quoted(rest, b"\"timestamp\"")?),
        },
        b'h' => (Key::Humidity, quoted(rest, b"\"humidity\"")?),
        b'l' => (Key::Light, quoted(rest, b"\"light\"")?),
        _ => return None,
    };
    Some(key)
}

/// The contents of a string at the start of `rest` that has no escapes, no control characters
/// and is valid UTF-8, and what follows its closing quote.
fn plain_string(rest: &[u8]) -> Option<(&str, &[u8])> {
    let body = rest.strip_prefix(b"\"")?;
    let close = body
        .iter()
        .position(|&c| ENDS_PLAIN_STRING[usize::from(c)])?;
    match body.get(close..) {
        Some([b'"', after @ ..]) => Some((std::str::from_utf8(&body[..close]).ok()?, after)),
        _ => None,
    }
}

/// Length of the scalar value at the start of `rest`: a plain string, a number or a literal.
fn value_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' => plain_string(rest).map(|(body, _)| body.len() + 2),
        b'-' | b'0'..=b'9' => {
            let len = rest
                .iter()
                .position(|&c| !IN_NUMBER[usize::from(c)])
                .unwrap_or(rest.len());
            number::is_json_number(&rest[..len]).then_some(len)
        }
        b't' => rest.starts_with(b"true").then_some(4),
        b'f' => rest.starts_with(b"false").then_some(5),
        b'n' => rest.starts_with(b"null").then_some(4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::reading::ReadingParser;

    #[test]
    fn the_firmware_payload_is_scanned_without_serde() {
        let text =
            r#"{"board": "A", "temperature": 25, "humidity": 60.50, "timestamp": 817349415}"#;
        let found = scan_flat(text.as_bytes()).unwrap();
        assert_eq!(found.board, Some("A"));
        assert_eq!(found.temperature.map(|n| n.value()), Some(25.0));
        assert_eq!(found.humidity.map(|n| n.to_string()), Some("60.5".into()));
        assert_eq!(found.light, None);
        assert_eq!(found.timestamp.map(|n| n.value()), Some(817_349_415.0));
        let fields = by_serde(text).unwrap();
        assert_eq!(fields.board, Some("\"A\""));
        assert_eq!(fields.humidity, Some("60.50"));
    }

    #[test]
    fn korean_board_ids_are_scanned_and_broken_utf8_is_not() {
        let text = r#"{"board": "거실", "temperature": 25, "humidity": 60}"#;
        assert_eq!(scan_flat(text.as_bytes()).unwrap().board, Some("거실"));
        let mut broken = text.as_bytes().to_vec();
        broken[12] = 0xff;
        assert_eq!(scan_flat(&broken), None);
        let mut in_other = br#"{"x": "ab", "temperature": 25, "humidity": 60}"#.to_vec();
        in_other[7] = 0xc3; // a lead byte without its continuation
        assert_eq!(scan_flat(&in_other), None);
    }

    #[test]
    fn unusual_shapes_are_left_to_serde() {
        for text in [
            r#"{"board":"\u0041","temperature":1,"humidity":2}"#,
            r#"{"x":{"y":1},"temperature":1,"humidity":2}"#,
            r#"{"temperature":1,"temperature":2,"humidity":2}"#,
            r#"{"temperature":1,"humidity":2,}"#,
            r#"{"temperature":01,"humidity":2}"#,
            r#"{"temperature":1,"humidity":2} x"#,
            r#"{"light":null,"temperature":1,"humidity":2}"#,
            "{\"temperature\":1,\"humidity\":\"a\u{1}\"}",
            r#"{"temperature":"25","humidity":2}"#,
            r#"{"temperature":2.5e1,"humidity":2}"#,
            r#"{"temperature":1,"humidity":2,"timestamp":12345678901234567}"#,
            r#"{"board":7,"temperature":1,"humidity":2}"#,
            r#"{"temperature":25-,"humidity":2}"#,
        ] {
            assert_eq!(scan_flat(text.as_bytes()), None, "{text}");
        }
    }

    use proptest::prelude::*;

    /// JSON-ish texts built from pieces that make the scanner's decisions interesting.
    fn payload() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("\"board\""),
            Just("\"temperature\""),
            Just("\"humidity\""),
            Just("\"light\""),
            Just("\"timestamp\""),
            Just("\"x\""),
            Just("\"b\\u0041\""),
            Just("board"),
            Just("\"\"")
        ];
        let value = prop_oneof![
            Just("25"),
            Just("-0"),
            Just("25.50"),
            Just("1e3"),
            Just("01"),
            Just("1."),
            Just("\"A\""),
            Just("\"\\n\""),
            Just("true"),
            Just("false"),
            Just("null"),
            Just("nul"),
            Just("[1]"),
            Just("{}"),
            Just("\"25\""),
            Just("-"),
            Just(""),
            Just("200"),
            Just("-40.5"),
            Just("0.00001"),
            Just("0.0"),
            Just("25.0"),
            Just("1234567890123456"),
            Just("\"\""),
            Just("\"  \""),
            Just("\"거실\""),
            Just("\"x,y\"")
        ];
        let sep = prop_oneof![Just(","), Just(" , "), Just(",,"), Just(""), Just("\n")];
        let member = (key, prop_oneof![Just(":"), Just(" : "), Just("")], value);
        (
            prop_oneof![Just("{"), Just(" {"), Just("[")],
            proptest::collection::vec((member, sep), 0..6),
            prop_oneof![Just("}"), Just("} "), Just(""), Just("}x")],
        )
            .prop_map(|(open, members, close)| {
                let mut text = open.to_owned();
                for ((k, colon, v), sep) in members {
                    text.push_str(k);
                    text.push_str(colon);
                    text.push_str(v);
                    text.push_str(sep);
                }
                text.push_str(close);
                text
            })
    }

    /// Objects shaped like what boards send, each field present or not, with values near every
    /// edge a check has: most of them are readings, so the checks after the scan are exercised.
    fn reading_like() -> impl Strategy<Value = String> {
        let number = || {
            prop_oneof![
                Just("25"),
                Just("25.50"),
                Just("-40"),
                Just("-40.5"),
                Just("125"),
                Just("125.0001"),
                Just("0"),
                Just("-0"),
                Just("-0.0"),
                Just("100"),
                Just("100.5"),
                Just("0.00001"),
                Just("8589934592"),
                Just("8589934593"),
                Just("1234567890123456"),
                Just("2.5e1"),
                Just("\"25\""),
                Just("null"),
            ]
        };
        let board = prop_oneof![
            Just("\"A\""),
            Just("\"\""),
            Just("\"  \""),
            Just("\"거실\""),
            Just("\"x,y\""),
            Just("\"=1+2\""),
            Just("\"\\u0041\""),
            Just("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""),
            Just("7"),
            Just("null"),
        ];
        let member = |key: &'static str, value: BoxedStrategy<&'static str>| {
            proptest::option::weighted(0.8, value.prop_map(move |v| format!("\"{key}\": {v}")))
        };
        (
            member("board", board.boxed()),
            member("temperature", number().boxed()),
            member("humidity", number().boxed()),
            member("light", number().boxed()),
            member("timestamp", number().boxed()),
            member(
                "x",
                prop_oneof![Just("[1, {}]"), Just("\"y\""), Just("true")].boxed(),
            ),
        )
            .prop_map(|(a, b, c, d, e, f)| {
                let members: Vec<String> = [a, b, c, d, e, f].into_iter().flatten().collect();
                format!("{{{}}}", members.join(", "))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn the_scan_agrees_with_serde_on_reading_like_payloads(text in reading_like()) {
            let parser = ReadingParser::default();
            let topic = "hexaboard/T/sensor/data";
            prop_assert_eq!(
                parser.parse(text.as_bytes(), topic),
                parser.parse_general(text.as_bytes(), topic),
                "{}", text
            );
        }

        #[test]
        fn the_scan_agrees_with_serde_whenever_it_answers(text in payload()) {
            // The whole parse, fast path first, against the serde_json path alone: the same
            // reading or the same error, whatever the text.
            let parser = ReadingParser::default();
            let topic = "hexaboard/T/sensor/data";
            prop_assert_eq!(
                parser.parse(text.as_bytes(), topic),
                parser.parse_general(text.as_bytes(), topic),
                "{}", text
            );
            if scan_flat(text.as_bytes()).is_some() {
                prop_assert!(by_serde(&text).is_ok(), "{}", text);
            }
        }

        #[test]
        fn the_scan_agrees_with_serde_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let parser = ReadingParser::default();
            prop_assert_eq!(
                parser.parse(&bytes, "t"),
                parser.parse_general(&bytes, "t")
            );
        }

        #[test]
        fn the_scan_never_panics_on_any_text(text in ".*") {
            let _ = scan_flat(text.as_bytes());
        }
    }
}
