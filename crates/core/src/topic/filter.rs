//! [`TopicFilter`]: a checked MQTT topic filter, and how it matches topics.

use std::fmt;
use std::str::FromStr;

use super::captures::Captures;
use super::check::check_filter;
use super::{TopicError, SHARE_PREFIX};

/// A valid MQTT topic filter, to subscribe with; possibly a `$share/{group}/{filter}` shared
/// subscription.
///
/// Build one with [`TopicFilter::new`] or [`str::parse`]; [`as_str`](Self::as_str) gives back
/// the exact text to send to the broker.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicFilter {
    text: String,
    // Byte offset of the filter inside `$share/{group}/`, 0 when not shared. Kept so that
    // matching never has to parse the prefix again.
    inner_start: usize,
    // Number of `+` and `#` levels: zero lets `matches` use a plain comparison, and it sizes
    // the captures.
    wildcards: usize,
    // Offset of the `+` in the inner filter when it is the only wildcard (the shape of
    // `hexaboard/+/sensor/data`): `matches` then compares the text around it directly.
    single_plus: Option<usize>,
}

impl TopicFilter {
    /// Checks `filter` against the rules of MQTT section 4.7 and keeps it.
    ///
    /// A filter starting with `$share/` is read as a shared subscription
    /// `$share/{group}/{filter}`.
    ///
    /// # Errors
    ///
    /// Returns a [`TopicError`] when the filter is empty, longer than
    /// [`MAX_TOPIC_LEN`](super::MAX_TOPIC_LEN) bytes, contains NUL, has a `+` or `#` that does
    /// not fill its level, has a `#` that is not the last level, or is a shared subscription
    /// with an empty or wildcard group or no filter.
    pub fn new(filter: &str) -> Result<TopicFilter, TopicError> {
        TopicFilter::try_from(filter.to_owned())
    }

    /// The full filter, `$share/...` prefix included: the text to give to the broker.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The filter that topics are matched against: the part after `$share/{group}/` for a
    /// shared subscription, the whole filter otherwise.
    pub fn inner(&self) -> &str {
        &self.text[self.inner_start..]
    }

    /// The group of a shared subscription (`recorders` in `$share/recorders/#`), or `None`.
    pub fn share_group(&self) -> Option<&str> {
        if self.inner_start == 0 {
            None
        } else {
            // `inner_start - 1` is the `/` that ends the group.
            Some(&self.text[SHARE_PREFIX.len()..self.inner_start - 1])
        }
    }

    /// Whether this is a `$share/{group}/{filter}` shared subscription.
    pub fn is_shared(&self) -> bool {
        self.inner_start != 0
    }

    /// Whether the filter contains a `+` or `#` level, so may match more than one topic.
    pub fn is_wildcard(&self) -> bool {
        self.wildcards != 0
    }

    /// Whether a message published to `topic` is delivered to this subscription.
    ///
    /// `topic` is taken as delivered by the broker (a topic name: no wildcards). Levels are
    /// compared byte for byte, so case matters and any UTF-8 text works. Nothing is
    /// allocated.
    pub fn matches(&self, topic: &str) -> bool {
        let filter = self.inner();
        if self.wildcards == 0 {
            // Without wildcards the levels line up one to one: a plain comparison is enough.
            return filter == topic;
        }
        // Section 4.7.2: `$` topics belong to the broker, a leading wildcard must not catch them.
        if starts_with_wildcard(filter) && topic.starts_with('$') {
            return false;
        }
        let (f, t) = (filter.as_bytes(), topic.as_bytes());
        if let Some(plus) = self.single_plus {
            // `{prefix}+{suffix}`: the topic starts and ends with them, and what lies between
            // (the level `+` matches, possibly empty) holds no `/`.
            let (prefix, suffix) = (&f[..plus], &f[plus + 1..]);
            return t.len() >= prefix.len() + suffix.len()
                && t.starts_with(prefix)
                && t.ends_with(suffix)
                && !t[prefix.len()..t.len() - suffix.len()].contains(&b'/');
        }
        // Walk both texts once, byte by byte: literal runs of the filter (its `/` included)
        // must appear as they are in the topic, a `+` skips one topic level. Nothing is
        // split up front, so nothing is allocated and a mismatch stops the walk early. Bytes
        // are safe to compare: in UTF-8, `/`, `+` and `#` never occur inside another character.
        let (mut i, mut j) = (0, 0);
        loop {
            let run = literal_run(&f[i..]);
            if t.get(j..j + run) != Some(&f[i..i + run]) {
                // `sport/#` on `sport`: `#` also matches its parent level, so the topic may end
                // just before the filter's final `/#`.
                return run > 0 && &f[i + run - 1..] == b"/#" && t[j..] == f[i..i + run - 1];
            }
            i += run;
            j += run;
            match f.get(i) {
                None => return j == t.len(),
                Some(b'#') => return true,
                // A `+`: skip the topic level, however short (it may be empty).
                _ => {
                    j = level_end(t, j);
                    i += 1;
                }
            }
        }
    }

    /// The texts matched by the wildcards of this filter, in order, if `topic` matches.
    ///
    /// Each `+` yields the level it matched; a final `#` yields the rest of the topic
    /// (`tennis/player1` for `sport/#` on `sport/tennis/player1`), or `""` when it matched
    /// the parent level (`sport/#` on `sport`). A filter without wildcards yields nothing.
    pub fn captures<'f, 't>(&'f self, topic: &'t str) -> Option<Captures<'f, 't>> {
        if !self.matches(topic) {
            return None;
        }
        Some(Captures::new(self.inner(), topic, self.wildcards))
    }

    /// The text matched by the wildcard number `index` (from 0), if `topic` matches.
    ///
    /// `hexaboard/+/sensor/data` captures the board id at index 0.
    pub fn capture<'t>(&self, topic: &'t str, index: usize) -> Option<&'t str> {
        self.captures(topic)?.nth(index)
    }
}

impl fmt::Debug for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TopicFilter").field(&self.text).finish()
    }
}

impl fmt::Display for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for TopicFilter {
    type Err = TopicError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TopicFilter::new(s)
    }
}

impl TryFrom<&str> for TopicFilter {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        TopicFilter::new(s)
    }
}

impl TryFrom<String> for TopicFilter {
    type Error = TopicError;

    /// Keeps the string's buffer instead of copying it.
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let (inner_start, wildcards) = check_filter(&text)?;
        let inner = &text.as_bytes()[inner_start..];
        let first = literal_run(inner);
        let single_plus = (wildcards == 1 && inner.get(first) == Some(&b'+')).then_some(first);
        Ok(TopicFilter {
            text,
            inner_start,
            wildcards,
            single_plus,
        })
    }
}

impl AsRef<str> for TopicFilter {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// Whether the first level of a valid filter is `+` or `#` (they always fill their level).
fn starts_with_wildcard(filter: &str) -> bool {
    matches!(filter.as_bytes().first(), Some(b'+' | b'#'))
}

/// How many bytes of a valid filter come before its next wildcard (all of them if none).
pub(super) fn literal_run(filter: &[u8]) -> usize {
    filter
        .iter()
        .position(|&b| b == b'+' || b == b'#')
        .unwrap_or(filter.len())
}

/// Where the topic level starting at byte `from` ends: at the next `/` or the end.
pub(super) fn level_end(topic: &[u8], from: usize) -> usize {
    topic
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'/'))
        .map_or(topic.len(), |at| from + at)
}
