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
//!
//! | file | holds |
//! | --- | --- |
//! | `grammar.rs` | JSON's number grammar, and when a token's text is already Python's |
//! | `repr.rs` | Python's `repr` of a float |

use std::fmt;

use grammar::Shape;

mod grammar;
mod repr;
#[cfg(test)]
mod tests;

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
        let shape = match grammar::scan(text.as_bytes()) {
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
            Shape::Integer | Shape::Fixed { .. } => grammar::exact_value(text),
        };
        let value = match value {
            Some(v) => v,
            None => text.parse().map_err(|_| NumberError::NotANumber)?,
        };
        if !value.is_finite() {
            return Err(NumberError::NonFinite);
        }
        let mut n = Number::without_text(value);
        match shape {
            Shape::Integer if text.len() <= CAP => {
                if value == 0.0 {
                    n.push("0");
                } else {
                    n.push(text);
                }
            }
            Shape::Fixed { int_len, frac_len }
                if grammar::canonical_fixed(text, int_len, frac_len) =>
            {
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
        let mut n = Number::without_text(value);
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

    /// `value` with its text still to be pushed.
    fn without_text(value: f64) -> Number {
        Number {
            value,
            len: 0,
            text: [0; CAP],
        }
    }

    /// Appends `s` to the text (cut at [`CAP`] bytes, which no text of a finite `f64` reaches).
    fn push(&mut self, s: &str) {
        let start = usize::from(self.len);
        let end = (start + s.len()).min(CAP);
        self.text[start..end].copy_from_slice(&s.as_bytes()[..end - start]);
        self.len = end as u8;
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
