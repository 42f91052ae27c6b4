//! [`TopicName`]: a checked MQTT topic name, to publish to.

use std::fmt;
use std::str::FromStr;

use super::check::check_name;
use super::TopicError;
/// A valid MQTT topic name, to publish to: no wildcards.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicName {
    text: String,
}

impl TopicName {
    /// Checks `name` and keeps it.
    ///
    /// # Errors
    ///
    /// Returns a [`TopicError`] when the name is empty, longer than
    /// [`MAX_TOPIC_LEN`](super::MAX_TOPIC_LEN) bytes, or contains NUL, `+` or `#`.
    pub fn new(name: &str) -> Result<TopicName, TopicError> {
        check_name(name)?;
        Ok(TopicName {
            text: name.to_owned(),
        })
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for TopicName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TopicName").field(&self.text).finish()
    }
}

impl fmt::Display for TopicName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for TopicName {
    type Err = TopicError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TopicName::new(s)
    }
}

impl TryFrom<&str> for TopicName {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        TopicName::new(s)
    }
}

impl TryFrom<String> for TopicName {
    type Error = TopicError;

    /// Keeps the string's buffer instead of copying it.
    fn try_from(text: String) -> Result<Self, Self::Error> {
        check_name(&text)?;
        Ok(TopicName { text })
    }
}

impl AsRef<str> for TopicName {
    fn as_ref(&self) -> &str {
        &self.text
    }
}
