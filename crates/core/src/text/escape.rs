//! Text from the network made safe for a terminal: control characters become visible escapes.
//!
//! One escaper for all of hexaboard: [`sanitize_for_terminal`] for a string, [`Escaped`] for
//! any `Display` value escaped as it is written (no string is built), and the crate's own
//! helpers for the catalogue's arguments (a `&str`, a payload's bytes).

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};

/// Makes text safe to print on a terminal: every character that could control it is replaced
/// by a visible escape, everything else is kept as is.
///
/// Replaced are the C0 controls (all of U+0000..U+001F: `\n`, `\r`, `\t` as those two-character
/// escapes, the others as `\x1b`-style hex), DEL (`\x7f`), the C1 controls U+0080..U+009F
/// (`\x9b`, the one-character CSI, among them), and the invisible characters that reorder or
/// break lines: the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
/// U+200F, U+202A..U+202E, U+2066..U+2069) and the line and paragraph separators
/// (U+2028, U+2029), as `\u202e`-style hex. With ESC (`\x1b`) made visible, an escape sequence
/// is left as harmless text (`\x1b[2J`). The spellings are Python's `repr`.
///
/// Borrows when nothing needs replacing, which is the usual case. The result is for people to
/// read, not to decode: a backslash already in the text is kept as is.
///
/// ```
/// use hexaboard_core::text::sanitize_for_terminal;
///
/// assert_eq!(sanitize_for_terminal("hexaboard/A/sensor/data"), "hexaboard/A/sensor/data");
/// assert_eq!(sanitize_for_terminal("A\u{1b}]0;pwned\u{7}"), "A\\x1b]0;pwned\\x07");
/// assert_eq!(sanitize_for_terminal("line\nbreak"), "line\\nbreak");
/// ```
pub fn sanitize_for_terminal(text: &str) -> Cow<'_, str> {
    match text.find(needs_escape) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let mut out = String::with_capacity(text.len() + 8);
            // Writing into a `String` cannot fail.
            let _ = write_escaped(&mut out, text);
            Cow::Owned(out)
        }
    }
}

/// Any `Display` value (an error, a path, a count), escaped as [`sanitize_for_terminal`]
/// escapes, while it is written: nothing is allocated.
///
/// ```
/// use hexaboard_core::text::Escaped;
///
/// let error = format_args!("bad payload {}", "\u{1b}[2J");
/// assert_eq!(Escaped(error).to_string(), "bad payload \\x1b[2J");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<T>(pub T);

impl<T: Display> Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Escaping works a character at a time, so the pieces the value writes can be
        // escaped one by one.
        struct Escaping<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                write_escaped(self.0, s)
            }
        }
        write!(Escaping(f), "{}", self.0)
    }
}

/// Network text, escaped as it is written: the catalogue's board ids and topics (a shorter
/// path than [`Escaped`] for the lines printed for every message).
#[derive(Clone, Copy)]
pub(crate) struct EscStr<'a>(pub(crate) &'a str);

impl Display for EscStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0)
    }
}

/// A payload: decoded as UTF-8 with `�` for invalid bytes (as `String::from_utf8_lossy`
/// does), escaped as it is written.
#[derive(Clone, Copy)]
pub(crate) struct EscBytes<'a>(pub(crate) &'a [u8]);

impl Display for EscBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            write_escaped(f, chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_char(char::REPLACEMENT_CHARACTER)?;
            }
        }
        Ok(())
    }
}

/// Whether `c` is replaced by [`sanitize_for_terminal`].
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Writes `text` with the characters of [`needs_escape`] replaced, in runs.
fn write_escaped(out: &mut dyn fmt::Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(needs_escape) {
        out.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if u32::from(c) < 0x100 => write!(out, "\\x{:02x}", u32::from(c))?,
            c => write!(out, "\\u{:04x}", u32::from(c))?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizing_borrows_ordinary_text() {
        assert!(matches!(
            sanitize_for_terminal("보드 A 🌡️ 25°C \\ \"x\""),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn sanitizing_makes_every_control_character_visible() {
        let table = [
            ("\u{1b}[31mred", "\\x1b[31mred"),
            ("\0", "\\x00"),
            ("a\r\nb\tc", "a\\r\\nb\\tc"),
            ("\u{7f}", "\\x7f"),
            ("\u{9b}2J", "\\x9b2J"),
            ("\u{85}", "\\x85"),
            ("abc\u{202e}def", "abc\\u202edef"),
            ("\u{2066}x\u{2069}", "\\u2066x\\u2069"),
            ("a\u{2028}b", "a\\u2028b"),
            ("\u{200f}", "\\u200f"),
        ];
        for (raw, shown) in table {
            assert_eq!(sanitize_for_terminal(raw), shown, "{raw:?}");
            assert_eq!(EscStr(raw).to_string(), shown, "{raw:?}");
            assert_eq!(Escaped(raw).to_string(), shown, "{raw:?}");
        }
    }

    #[test]
    fn payload_bytes_are_decoded_lossily_and_escaped() {
        assert_eq!(
            EscBytes(b"{\"t\":\xff25}\x1b[2J").to_string(),
            "{\"t\":\u{fffd}25}\\x1b[2J"
        );
        assert_eq!(EscBytes("온도".as_bytes()).to_string(), "온도");
    }

    #[test]
    fn displayed_errors_are_escaped_across_their_pieces() {
        let error = format_args!("{}{}", "bad \u{1b}", "[2J");
        assert_eq!(Escaped(error).to_string(), "bad \\x1b[2J");
    }
}
