//! JSON's number grammar, a token's exact value when it is a plain decimal, and whether its
//! text is already what Python's `repr` prints.

/// The shape of a JSON number token.
pub(super) enum Shape {
    Integer,
    Fixed { int_len: usize, frac_len: usize },
    Exponent,
}

/// Checks JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
pub(super) fn scan(b: &[u8]) -> Option<Shape> {
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
pub(super) fn canonical_fixed(text: &str, int_len: usize, frac_len: usize) -> bool {
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

/// The value of a plain decimal with at most 15 significant digits, computed exactly: the
/// digits as an integer (exact below 2^53) divided by a power of ten (exact up to 10^22), one
/// correctly rounded IEEE operation, so the result equals `str::parse`. `None` for other
/// tokens, which go to `str::parse`.
pub(super) fn exact_value(text: &str) -> Option<f64> {
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
