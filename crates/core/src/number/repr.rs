//! Python's `repr` of a float, the text a [`Number`] computed or read with an exponent gets.

use std::fmt;
use std::fmt::Write as _;

use super::Number;

impl Number {
    /// Lays `value` out as CPython's `repr(float)`: the shortest digits that read back to the
    /// same value, fixed notation for exponents -4..16, scientific (`1e+16`, `1e-05`) outside.
    pub(super) fn push_python_repr(&mut self, value: f64) {
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
