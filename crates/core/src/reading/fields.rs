//! Finding a payload's five fields: a fast scan for the flat objects boards send, with
//! `serde_json` as the reference for everything else.
//!
//! Every board publishes a small flat object (`{"board": "A", "temperature": 25, ...}`).
//! Reading one through `serde_json`'s derive costs about as much as all other per-message work
//! together, so [`find`] first tries [`scan_flat`]: one pass over the bytes that accepts only
//! flat objects of plain strings (no escapes), numbers and literals. Anything else — nested
//! values, escapes, duplicate keys, invalid JSON — falls back to `serde_json`, which also
//! produces every error message. The property tests below check that the two agree on
//! arbitrary input.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::number;

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

/// The fields of a JSON object text.
pub(crate) fn find(text: &str) -> Result<Fields<'_>, serde_json::Error> {
    match scan_flat(text) {
        Some(fields) => Ok(fields),
        None => by_serde(text),
    }
}

/// The fields, found by `serde_json` (the reference).
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

/// One pass over a flat JSON object; `None` for anything it does not handle (the caller falls
/// back to `serde_json`). When it returns fields, they are exactly what [`by_serde`] returns.
///
/// Written as a cursor over the remaining bytes (`rest`) rather than indices: the compiler then
/// drops nearly every bounds check, which matters at a few hundred nanoseconds per message.
pub(crate) fn scan_flat(text: &str) -> Option<Fields<'_>> {
    let mut fields = Fields::default();
    let mut rest = skip_ws(text.as_bytes()).strip_prefix(b"{")?;
    rest = skip_ws(rest);
    if let Some(after) = rest.strip_prefix(b"}") {
        return skip_ws(after).is_empty().then_some(fields);
    }
    loop {
        let (key, after) = match known_key(rest) {
            Some(found) => found,
            None => plain_string(rest)?,
        };
        rest = skip_ws(after).strip_prefix(b":")?;
        rest = skip_ws(rest);
        let len = value_len(rest)?;
        let start = text.len() - rest.len();
        let value = text.get(start..start + len)?;
        let slot = match key {
            b"board" => Some(&mut fields.board),
            b"temperature" => Some(&mut fields.temperature),
            b"humidity" => Some(&mut fields.humidity),
            b"light" => Some(&mut fields.light),
            b"timestamp" => Some(&mut fields.timestamp),
            _ => None,
        };
        if let Some(slot) = slot {
            // A repeated key is serde_json's to report; `null` is rare enough to defer too.
            if slot.is_some() || value == "null" {
                return None;
            }
            *slot = Some(value);
        }
        rest = skip_ws(&rest[len..]);
        match rest.split_first() {
            Some((b',', after)) => rest = skip_ws(after),
            Some((b'}', after)) => return skip_ws(after).is_empty().then_some(fields),
            _ => return None,
        }
    }
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

/// Bytes that can appear in a JSON number token.
static IN_NUMBER: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        table[c as usize] = true;
        c += 1;
    }
    table[b'-' as usize] = true;
    table[b'+' as usize] = true;
    table[b'.' as usize] = true;
    table[b'e' as usize] = true;
    table[b'E' as usize] = true;
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

/// One of the five keys, quoted, at the start of `rest`: compared whole, which is cheaper than
/// scanning the key byte by byte.
fn known_key(rest: &[u8]) -> Option<(&'static [u8], &[u8])> {
    const KEYS: [&[u8]; 5] = [
        b"\"board\"",
        b"\"temperature\"",
        b"\"timestamp\"",
        b"\"humidity\"",
        b"\"light\"",
    ];
    let candidates: &[&[u8]] = match rest.get(1)? {
        b'b' => &KEYS[..1],
        b't' => &KEYS[1..3],
        b'h' => &KEYS[3..4],
        b'l' => &KEYS[4..],
        _ => return None,
    };
    candidates.iter().find_map(|quoted| {
        rest.strip_prefix(*quoted)
            .map(|after| (&quoted[1..quoted.len() - 1], after))
    })
}

/// The contents of a string at the start of `rest` that has no escapes and no control
/// characters, and what follows its closing quote.
fn plain_string(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = rest.strip_prefix(b"\"")?;
    let close = body
        .iter()
        .position(|&c| ENDS_PLAIN_STRING[usize::from(c)])?;
    match body[close] {
        b'"' => Some((&body[..close], &body[close + 1..])),
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

    #[test]
    fn the_firmware_payload_is_scanned_without_serde() {
        let text = r#"{"board": "A", "temperature": 25, "humidity": 60.5, "timestamp": 817349415}"#;
        let fields = scan_flat(text).unwrap();
        assert_eq!(fields.board, Some("\"A\""));
        assert_eq!(fields.temperature, Some("25"));
        assert_eq!(fields.humidity, Some("60.5"));
        assert_eq!(fields.light, None);
        assert_eq!(fields.timestamp, Some("817349415"));
        assert_eq!(Some(fields), by_serde(text).ok());
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
        ] {
            assert_eq!(scan_flat(text), None, "{text}");
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
            Just("")
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn the_scan_agrees_with_serde_whenever_it_answers(text in payload()) {
            if let Some(fields) = scan_flat(&text) {
                prop_assert_eq!(Some(fields), by_serde(&text).ok(), "{}", text);
            }
        }

        #[test]
        fn the_scan_never_panics_on_any_text(text in ".*") {
            let _ = scan_flat(&text);
        }
    }
}
