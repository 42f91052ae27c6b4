//! An error and its causes in one line, as a program prints it: `what failed: why`.
//!
//! Errors keep their cause as a source (`#[source]` with `thiserror`), so the whole story is
//! the chain of an error and its sources. [`Report`] writes that chain, each link after `: `,
//! the way `anyhow` writes `{:#}`, with two differences that matter on a terminal: the text is
//! escaped like every other text that may come from outside ([`sanitize_for_terminal`]), and a
//! cause whose words are already in the line is not written again (some messages name their
//! cause in the middle, with the fix after it, and keep it as a source for programs to look at).
//!
//! [`sanitize_for_terminal`]: super::sanitize_for_terminal

use std::error::Error;
use std::fmt::{self, Display, Write as _};

use super::Escaped;

/// An error with its chain of causes, written in one line: `message: cause: cause`.
///
/// ```
/// use hexaboard_core::text::Report;
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("cannot read `lab.csv`")]
/// struct ReadFailed(#[source] std::io::Error);
///
/// let error = ReadFailed(std::io::Error::other("permission denied"));
/// assert_eq!(Report(&error).to_string(), "cannot read `lab.csv`: permission denied");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(pub &'a (dyn Error + 'static));

impl Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !line.contains(&text) {
                write!(line, ": {text}")?;
            }
            cause = error.source();
        }
        write!(f, "{}", Escaped(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Middle);

    #[derive(Debug, thiserror::Error)]
    #[error("middle ({0}), try again")]
    struct Middle(#[source] std::io::Error);

    #[test]
    fn every_cause_follows_once_and_is_escaped() {
        let error = Outer(Middle(std::io::Error::other("no \u{1b}[2Jroute")));
        // The middle message names the OS error already: it is not repeated.
        assert_eq!(
            Report(&error).to_string(),
            "outer: middle (no \\x1b[2Jroute), try again"
        );
    }

    #[test]
    fn an_error_without_a_source_is_its_message() {
        let error = std::io::Error::other("disk full");
        assert_eq!(Report(&error).to_string(), "disk full");
    }
}
