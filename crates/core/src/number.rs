//! A sensor number, kept with the text the chapter's program would print for it.
//!
//! A DHT11 sends whole degrees (`25`), other boards send `25.5`. The chapter's Python program
//! prints and stores whatever `json.loads` made of the number: `25` stays `25`, `25.5` stays
//! `25.5`, `25.0` stays `25.0`, `25.50` becomes `25.5`. [`Number`] keeps the value for
//! arithmetic and that exact text for output, so a CSV written by hexaboard is byte for byte the
//! CSV the chapter's program writes.
//!
//! ```
//! use hexaboard_core::number::Number;
//!
//! let whole = Number::parse_json("25").unwrap();
//! let half = Number::parse_json("25.50").unwrap();
//! assert_eq!((whole.value(), whole.as_str()), (25.0, "25"));
//! assert_eq!((half.value(), half.as_str()), (25.5, "25.5"));
//! ```
//!
//! The text lives inline (no allocation): parsing a number is on the per-message hot path.

use std::fmt;
use std::fmt::Write as _;

/// Longest text a [`Number`] holds: Python's `repr` of any finite `f64` fits
/// (`-2.2250738585072014e-308` is 23 bytes).
const CAP: usize = 24;

/// A finite number from a sensor payload, with the text Python would print for it.
#[derive(Clone, Copy)]
pub struct Number {
    value: f64,
    len: u8,
    text: [u8; CAP],
}

/// Why a text is not a [`Number`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// The text does not follow JSON's number grammar (`25`, `-3.5`, `1e3`).
    NotANumber,
    /// The text is a number, but too large or too small for a finite `f64` (`1e999`), or it
    /// spells `NaN` / `inf`.
    NonFinite,
}

impl Number {
    /// Parses a JSON number token (`25`, `-0`, `25.50`, `2.5e1`).
    ///
    /// Integers keep their digits (`-0` becomes `0`, as Python's `int` does); numbers with a
    /// fraction or an exponent get Python's `repr` of the float (`25.50` → `25.5`, `2.5e1` →
    /// `25.0`, `0.00001` → `1e-05`).
    ///
    /// # Errors
    ///
    /// [`NumberError::NotANumber`] when `text` is not a JSON number, [`NumberError::NonFinite`]
    /// when it overflows `f64` or names a non-finite value.
    pub fn parse_json(text: &str) -> Result<Number, NumberError> {
        match Number::parse_plain(text.as_bytes()) {
            Some(n) => Ok(n),
            None => Number::parse_general(text),
        }
    }

    /// The common case in one pass: `-?[0-9]+(\.[0-9]+)?` with at most 15 digits in all, no
    /// leading zero. Its value is exact (see [`fast_value`]) and its text, with trailing zeros of
    /// the fraction cut, is already Python's repr unless it is below 1e-4. `None` sends the
    /// token to [`Number::parse_general`].
    #[inline]
    fn parse_plain(b: &[u8]) -> Option<Number> {
        Number::parse_plain_prefix(b).and_then(|(n, len)| (len == b.len()).then_some(n))
    }

    /// [`Number::parse_plain`] on the number token at the start of `b`, which goes on with
    /// whatever follows the token (`,`, `}`, a space): the number and the token's length.
    /// `None` when the token is not of the plain shape, including when a byte that could
    /// continue a JSON number follows it (`25e3`, `25.`, `2-`).
    #[inline]
    fn parse_plain_prefix(b: &[u8]) -> Option<(Number, usize)> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let ends_at = |i: usize| b.get(i).is_none_or(|&c| !IN_NUMBER[usize::from(c)]);
        let negative = b.first() == Some(&b'-');
        let mut i = usize::from(negative);
        let int_start = i;
        let mut mantissa: u64 = 0;
        while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
            mantissa = mantissa * 10 + u64::from(d);
            i += 1;
            if i - int_start > 15 {
                return None;
            }
        }
        let int_len = i - int_start;
        if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
            return None;
        }
        let int_is_zero = mantissa == 0;
        let mut n = Number {
            value: 0.0,
            len: 0,
            text: [0; CAP],
        };
        let sign = if negative { -1.0 } else { 1.0 };
        if b.get(i) != Some(&b'.') {
            if !ends_at(i) {
                return None;
            }
            n.value = sign * mantissa as f64;
            if int_is_zero {
                n.text[0] = b'0';
                n.len = 1;
            } else {
                n.copy_text(b, i);
            }
            return Some((n, i));
        }
        i += 1;
        let frac_start = i;
        let mut keep = frac_start + 1; // end of the text: after the last non-zero digit
        let mut first_nonzero = None;
        while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
            mantissa = mantissa * 10 + u64::from(d);
            i += 1;
            if d != 0 {
                keep = i;
                first_nonzero.get_or_insert(i - 1 - frac_start);
            }
            if i - int_start - 1 > 15 {
                return None;
            }
        }
        let frac_len = i - frac_start;
        if !ends_at(i) || frac_len == 0 {
            return None;
        }
        if int_is_zero && first_nonzero.is_none_or(|zeros| zeros >= 4) {
            // Zero has its own spelling, and below 1e-4 repr turns scientific.
            return None;
        }
        n.value = sign * (mantissa as f64 / POW10[frac_len]);
        n.copy_text(b, keep);
        Some((n, i))
    }

    /// Takes the first `len` bytes of `b` (`len` ≤ [`CAP`]) as the text. When `b` is long
    /// enough, [`CAP`] bytes are copied at once, a fixed-size copy the compiler does in two
    /// moves instead of a call; the bytes past `len` are never read.
    #[inline]
    fn copy_text(&mut self, b: &[u8], len: usize) {
        match b.first_chunk::<CAP>() {
            Some(chunk) => self.text = *chunk,
            None => self.text[..len].copy_from_slice(&b[..len]),
        }
        self.len = len as u8;
    }

    /// Any JSON number token: grammar check, then `str::parse` and Python's repr as needed.
    fn parse_general(text: &str) -> Result<Number, NumberError> {
        let shape = match scan(text.as_bytes()) {
            Some(shape) => shape,
            None => {
                // Not JSON's grammar; still say "non-finite" for the spellings of NaN and
                // infinity, which is the more useful message.
                return match text.parse::<f64>() {
                    Ok(v) if !v.is_finite() => Err(NumberError::NonFinite),
                    _ => Err(NumberError::NotANumber),
                };
            }
        };
        let value = match shape {
            Shape::Exponent => None,
            Shape::Integer | Shape::Fixed { .. } => fast_value(text),
        };
        let value = match value {
            Some(v) => v,
            None => text.parse().map_err(|_| NumberError::NotANumber)?,
        };
        if !value.is_finite() {
            return Err(NumberError::NonFinite);
        }
        let mut n = Number {
            value,
            len: 0,
            text: [0; CAP],
        };
        match shape {
            Shape::Integer if text.len() <= CAP => {
                if value == 0.0 {
                    n.push("0");
                } else {
                    n.push(text);
                }
            }
            Shape::Fixed { int_len, frac_len } if canonical_fixed(text, int_len, frac_len) => {
                // Drop trailing zeros of the fraction, keeping at least one digit.
                let frac = &text[text.len() - frac_len..];
                let keep = frac.trim_end_matches('0').len().max(1);
                n.push(&text[..text.len() - frac_len + keep]);
            }
            _ => n.push_python_repr(value),
        }
        Ok(n)
    }

    /// A number from a computed value, printed as Python prints a float (`25.0`, `24.5`).
    ///
    /// # Errors
    ///
    /// [`NumberError::NonFinite`] for NaN and infinities.
    pub fn from_f64(value: f64) -> Result<Number, NumberError> {
        if !value.is_finite() {
            return Err(NumberError::NonFinite);
        }
        let mut n = Number {
            value,
            len: 0,
            text: [0; CAP],
        };
        n.push_python_repr(value);
        Ok(n)
    }

    /// The value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The text the chapter's program would print for this number.
    pub fn as_str(&self) -> &str {
        // Only whole `&str`s and ASCII produced by `fmt` are ever pushed.
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or("")
    }

    /// The text as bytes (always ASCII), for writers that take bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text[..usize::from(self.len)]
    }

    fn push(&mut self, s: &str) {
        let start = usize::from(self.len);
        let end = (start + s.len()).min(CAP);
        self.text[start..end].copy_from_slice(&s.as_bytes()[..end - start]);
        self.len = end as u8;
    }

    /// Lays `value` out as CPython's `repr(float)`: the shortest digits that read back to the
    /// same value, fixed notation for exponents -4..16, scientific (`1e+16`, `1e-05`) outside.
    fn push_python_repr(&mut self, value: f64) {
        if value == 0.0 {
            self.push(if value.is_sign_negative() {
                "-0.0"
            } else {
                "0.0"
            });
            return;
        }
        // Rust's `{:e}` prints the shortest round-tripping digits, like `2.55e1`.
        let mut sci = Inline::default();
        let _ = write!(sci, "{value:e}");
        let sci = sci.as_str();
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let negative = mantissa.starts_with('-');
        let mantissa = mantissa.trim_start_matches('-');
        let mut digits = Inline::default();
        for c in mantissa.chars().filter(char::is_ascii_digit) {
            digits.push_byte(c as u8);
        }
        let digits = digits.as_str();
        if negative {
            self.push("-");
        }
        if (-4..16).contains(&exp) {
            if exp < 0 {
                self.push("0.");
                for _ in 0..(-exp - 1) {
                    self.push("0");
                }
                self.push(digits);
            } else {
                let int_len = exp as usize + 1;
                if digits.len() <= int_len {
                    self.push(digits);
                    for _ in digits.len()..int_len {
                        self.push("0");
                    }
                    self.push(".0");
                } else {
                    self.push(&digits[..int_len]);
                    self.push(".");
                    self.push(&digits[int_len..]);
                }
            }
        } else {
            self.push(&digits[..1]);
            if digits.len() > 1 {
                self.push(".");
                self.push(&digits[1..]);
            }
            let mut e = Inline::default();
            let _ = write!(e, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
            self.push(e.as_str());
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.value == other.value && self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.as_str())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value)
    }
}

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

/// The value of a plain decimal with at most 15 significant digits, computed exactly: the
/// digits as an integer (exact below 2^53) divided by a power of ten (exact up to 10^22), one
/// correctly rounded IEEE operation, so the result equals `str::parse`. `None` for other
/// tokens, which go to `str::parse`.
fn fast_value(text: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0;
    let mut frac_len = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
                frac_len = frac_len.map(|n: usize| n + 1);
            }
            b'.' if frac_len.is_none() => frac_len = Some(0),
            _ => return None,
        }
        if count > 15 {
            return None;
        }
    }
    let value = mantissa as f64 / POW10[frac_len.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

/// The shape of a JSON number token.
enum Shape {
    Integer,
    Fixed { int_len: usize, frac_len: usize },
    Exponent,
}

/// Checks JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn scan(b: &[u8]) -> Option<Shape> {
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int_start = i;
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return None,
    }
    let int_len = i - int_start;
    let mut frac_len = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            frac_len += 1;
        }
        if frac_len == 0 {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        return (i > start && i == b.len()).then_some(Shape::Exponent);
    }
    if i != b.len() {
        return None;
    }
    Some(if frac_len == 0 {
        Shape::Integer
    } else {
        Shape::Fixed { int_len, frac_len }
    })
}

/// Whether a fixed-point token, with trailing zeros of its fraction removed, is already what
/// Python's `repr` prints: at most 15 significant digits (so no shorter text reads back to the
/// same double), and an exponent inside repr's fixed range -4..16.
fn canonical_fixed(text: &str, int_len: usize, frac_len: usize) -> bool {
    let b = text.as_bytes();
    let frac = &b[b.len() - frac_len..];
    let frac = &frac[..frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1)];
    let int = &b[b.len() - frac_len - 1 - int_len..b.len() - frac_len - 1];
    let significant = if int == b"0" {
        let leading = frac.iter().take_while(|&&c| c == b'0').count();
        if leading >= 4 || frac.is_empty() {
            // Below 1e-4 repr switches to scientific; zero has its own spelling.
            return false;
        }
        frac.len() - leading
    } else {
        int.len() + frac.len()
    };
    significant <= 15 && int.len() <= 16
}

/// A small stack buffer for `fmt` output.
#[derive(Default)]
struct Inline {
    len: usize,
    buf: [u8; 32],
}

impl Inline {
    fn push_byte(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for Inline {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(|b| self.push_byte(b));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        Number::parse_json(s).unwrap().as_str().to_owned()
    }

    #[test]
    fn whole_numbers_print_as_the_board_sent_them() {
        assert_eq!(text("25"), "25");
        assert_eq!(text("-3"), "-3");
        assert_eq!(text("0"), "0");
        assert_eq!(text("-0"), "0");
    }

    #[test]
    fn fractions_print_as_python_prints_the_float() {
        assert_eq!(text("25.5"), "25.5");
        assert_eq!(text("25.0"), "25.0");
        assert_eq!(text("25.50"), "25.5");
        assert_eq!(text("25.000"), "25.0");
        assert_eq!(text("-0.0"), "-0.0");
        assert_eq!(text("0.0001"), "0.0001");
        assert_eq!(text("0.1"), "0.1");
    }

    #[test]
    fn exponents_and_extremes_follow_python_repr() {
        // Each expected text is what CPython 3 prints for repr(json.loads(token)).
        let table = [
            ("2.5e1", "25.0"),
            ("1E2", "100.0"),
            ("0.00001", "1e-05"),
            ("1e-5", "1e-05"),
            ("1.5e-7", "1.5e-07"),
            ("1e16", "1e+16"),
            ("1e15", "1000000000000000.0"),
            ("123456789012345678.5", "1.2345678901234568e+17"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("0.1000000000000000055511151231257827", "0.1"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("5e-324", "5e-324"),
            ("0e10", "0.0"),
            ("-2.50e0", "-2.5"),
        ];
        for (token, expected) in table {
            assert_eq!(text(token), expected, "repr of {token}");
        }
    }

    #[test]
    fn text_that_is_not_a_json_number_is_refused() {
        for bad in [
            "", "-", "+1", "01", "1.", ".5", "1e", "1e+", "0x10", " 1", "1 ", "25°C",
        ] {
            assert_eq!(
                Number::parse_json(bad),
                Err(NumberError::NotANumber),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn overflow_and_nan_spellings_are_non_finite() {
        for bad in ["1e999", "-1e400", "NaN", "inf", "-Infinity"] {
            assert_eq!(
                Number::parse_json(bad),
                Err(NumberError::NonFinite),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn computed_values_print_like_python_floats() {
        assert_eq!(Number::from_f64(24.0).unwrap().as_str(), "24.0");
        assert_eq!(Number::from_f64(24.25).unwrap().as_str(), "24.25");
        assert_eq!(Number::from_f64(f64::NAN), Err(NumberError::NonFinite));
    }
}
