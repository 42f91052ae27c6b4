//! An error and its causes in one line, as a program prints it: `what failed: why`.
//!
//! Errors keep their cause as a source (`#[source]` with `thiserror`), so the whole story is
//! the chain of an error and its sources. [`Report`] writes that chain, each link after `: `,
//! the way `anyhow` writes `{:#}`, escaped like every other text that may come from outside
//! ([`sanitize_for_terminal`]). An error that says its cause in its own message does not also
//! give it as its source, so each cause is said once.
//!
//! [`sanitize_for_terminal`]: super::sanitize_for_terminal

use std::error::Error;
use std::fmt::{self, Display};

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
        write!(f, "{}", Escaped(self.0))?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {}", Escaped(error))?;
            cause = error.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Middle);

    #[derive(Debug, thiserror::Error)]
    #[error("middle")]
    struct Middle(#[source] std::io::Error);

    #[test]
    fn every_cause_follows_in_order_and_is_escaped() {
        let error = Outer(Middle(std::io::Error::other("no \u{1b}[2Jroute")));
        assert_eq!(
            Report(&error).to_string(),
            "outer: middle: no \\x1b[2Jroute"
        );
    }

    #[test]
    fn an_error_without_a_source_is_its_message() {
        let error = std::io::Error::other("disk full");
        assert_eq!(Report(&error).to_string(), "disk full");
    }
}
