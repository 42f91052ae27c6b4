//! A reading's values as the schema stores them: numbers as sent, times as UTC text.

use hexaboard_core::board_time::{BoardTime, Tolerance};
use hexaboard_core::number::Number;
use rusqlite::types::Value;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `received_at`: `YYYY-MM-DD HH:MM:SS.SSSSSS`, UTC.
const RECEIVED_AT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");

/// A `received_at` read back: any number of subsecond digits.
const RECEIVED_AT_READ: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]");

/// `board_time`: `YYYY-MM-DD HH:MM:SS`, UTC.
const BOARD_TIME: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// A number as the board sent it: an integer literal that fits `i64` as INTEGER (`25`),
/// anything else as REAL (`25.5`, `25.0`), so each comes back as it was written.
pub(super) fn number(n: Number) -> Value {
    match n.as_str().parse::<i64>() {
        Ok(integer) => Value::Integer(integer),
        Err(_) => Value::Real(n.value()),
    }
}

/// `at` as the schema's receive time, written into `text` (cleared first).
pub(super) fn received_at(at: OffsetDateTime, text: &mut String) {
    utc_text(at, RECEIVED_AT, text);
}

/// A time [`received_at`] wrote (UTC text), read back.
pub(super) fn read_received_at(text: &str) -> rusqlite::Result<OffsetDateTime> {
    PrimitiveDateTime::parse(text, RECEIVED_AT_READ)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
}

/// The board's `timestamp` interpreted ([`BoardTime::interpret`]) as the schema's UTC text,
/// or `None` when the board's clock never synced (or the time is out of range).
pub(super) fn board_time(
    raw: Number,
    received_at: OffsetDateTime,
    clock: Tolerance,
) -> Option<String> {
    let unix = BoardTime::interpret(raw.value(), received_at.unix_timestamp(), clock).unix()?;
    let at = OffsetDateTime::from_unix_timestamp(unix).ok()?;
    let mut text = String::new();
    utc_text(at, BOARD_TIME, &mut text);
    Some(text)
}

fn utc_text(at: OffsetDateTime, format: &[FormatItem<'_>], text: &mut String) {
    text.clear();
    let mut bytes = std::mem::take(text).into_bytes();
    // Formatting a valid date into memory cannot fail; the formats hold only ASCII.
    let _ = at.to_offset(UtcOffset::UTC).format_into(&mut bytes, format);
    *text = String::from_utf8(bytes).unwrap_or_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn n(text: &str) -> Number {
        Number::parse_json(text).unwrap()
    }

    #[test]
    fn whole_numbers_are_integers_and_others_reals() {
        assert_eq!(number(n("25")), Value::Integer(25));
        assert_eq!(number(n("-0")), Value::Integer(0));
        assert_eq!(number(n("25.0")), Value::Real(25.0));
        assert_eq!(number(n("25.5")), Value::Real(25.5));
        assert_eq!(number(n("1e3")), Value::Real(1000.0));
        assert_eq!(number(n("99999999999999999999")), Value::Real(1e20));
    }

    #[test]
    fn receive_times_are_utc_to_the_microsecond() {
        let mut text = String::from("old");
        received_at(datetime!(2025-11-25 10:30:15.123456789 +09:00), &mut text);
        assert_eq!(text, "2025-11-25 01:30:15.123456");
    }

    #[test]
    fn board_times_are_utc_seconds_or_none_when_unsynced() {
        let at = datetime!(2025-11-25 01:30:15 UTC);
        let clock = Tolerance::default();
        assert_eq!(
            board_time(n("817349415"), at, clock).as_deref(),
            Some("2025-11-25 01:30:15")
        );
        assert_eq!(
            board_time(n("1764034210.75"), at, clock).as_deref(),
            Some("2025-11-25 01:30:10")
        );
        assert_eq!(board_time(n("42"), at, clock), None);
    }
}
