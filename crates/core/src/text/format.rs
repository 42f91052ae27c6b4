//! Small `Display` helpers the catalogue's templates use for their arguments: times as the
//! chapter's `strftime` writes them, a one-decimal number as Python's `{:.1f}` writes it, and
//! optional parts. None of them allocates.

use std::fmt::{self, Display};

use time::{PrimitiveDateTime, Time};

/// `HH:MM:SS`, as `strftime("%H:%M:%S")` writes it.
#[derive(Clone, Copy)]
pub(crate) struct Hms(pub(crate) Time);

impl Display for Hms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.0.as_hms();
        write!(f, "{h:02}:{m:02}:{s:02}")
    }
}

/// `YYYY-MM-DD HH:MM:SS`, as `strftime("%Y-%m-%d %H:%M:%S")` writes it: the chapter's local
/// time, in the CSV's Timestamp column and in the lines that name a time.
///
/// ```
/// use hexaboard_core::text::DateTime;
/// use time::macros::datetime;
///
/// assert_eq!(DateTime(datetime!(2025-11-25 10:30:05)).to_string(), "2025-11-25 10:30:05");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DateTime(pub PrimitiveDateTime);

impl Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02} {}",
            at.year(),
            u8::from(at.month()),
            at.day(),
            Hms(at.time())
        )
    }
}

/// A number with one decimal, rounded as Python's `{:.1f}` rounds (half to even on the exact
/// binary value, which is what Rust's `{:.1}` does too) and with `nan`, `inf`, `-inf` spelled
/// as Python spells them.
#[derive(Clone, Copy)]
pub(crate) struct OneDecimal(pub(crate) f64);

impl Display for OneDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if value.is_nan() {
            f.write_str("nan")
        } else if value.is_infinite() {
            f.write_str(if value > 0.0 { "inf" } else { "-inf" })
        } else {
            write!(f, "{value:.1}")
        }
    }
}

/// An optional value as Python's f-string writes it: the value, or `None`.
#[derive(Clone, Copy)]
pub(crate) struct OrNone<T>(pub(crate) Option<T>);

impl<T: Display> Display for OrNone<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("None"),
        }
    }
}

/// An optional part of a line: the part, or nothing.
#[derive(Clone, Copy)]
pub(crate) struct Opt<T>(pub(crate) Option<T>);

impl<T: Display> Display for Opt<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(part) => part.fmt(f),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{datetime, time};

    use super::*;

    #[test]
    fn times_are_written_as_strftime_writes_them() {
        assert_eq!(Hms(time!(09:05:03)).to_string(), "09:05:03");
        assert_eq!(
            DateTime(datetime!(2025-01-02 03:04:05)).to_string(),
            "2025-01-02 03:04:05"
        );
    }

    #[test]
    fn one_decimal_rounds_as_python_does() {
        let cases = [
            (24.25, "24.2"),
            (24.35, "24.4"),
            (0.25, "0.2"),
            (0.75, "0.8"),
            (-0.04, "-0.0"),
            (25.0, "25.0"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (value, shown) in cases {
            assert_eq!(OneDecimal(value).to_string(), shown, "{value}");
        }
    }

    #[test]
    fn optional_parts_write_nothing_or_none() {
        assert_eq!(Opt(None::<u8>).to_string(), "");
        assert_eq!(Opt(Some(5)).to_string(), "5");
        assert_eq!(OrNone(None::<u8>).to_string(), "None");
        assert_eq!(OrNone(Some(800)).to_string(), "800");
    }
}
