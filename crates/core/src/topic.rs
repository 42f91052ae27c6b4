//! MQTT topic filters and topic names (MQTT 3.1.1 and 5, section 4.7).
//!
//! A board publishes to a *topic name* such as `hexaboard/A/sensor/data`; the receiver
//! subscribes with a *topic filter* such as `hexaboard/+/sensor/data`. Both are built only
//! through their constructors, which reject what a broker would reject, so a [`TopicFilter`]
//! in hand is always valid and [`TopicFilter::matches`] cannot fail.
//!
//! The rules of section 4.7, in short:
//!
//! - `/` separates levels; a leading, trailing or doubled `/` makes an empty level.
//! - `+` matches exactly one level (an empty one too) and must fill its level.
//! - `#` matches any number of levels, *including the parent level* (`sport/#` matches
//!   `sport`); it must fill its level and be the last one.
//! - Topics starting with `$` (such as `$SYS/...`) are not matched by a filter whose first
//!   level is a wildcard; a filter that names the `$` level literally does match them.
//! - `$share/{group}/{filter}` is an MQTT 5 shared subscription: the broker hands each message
//!   to one subscriber of the group, and the message's topic is matched by `{filter}`.
//!
//! ```
//! use hexaboard_core::topic::TopicFilter;
//!
//! let filter = TopicFilter::new("hexaboard/+/sensor/data")?;
//! assert!(filter.matches("hexaboard/A/sensor/data"));
//! assert!(!filter.matches("hexaboard/A/status"));
//!
//! // The board id is the text matched by the first `+`.
//! assert_eq!(filter.capture("hexaboard/B/sensor/data", 0), Some("B"));
//!
//! // Mistakes are caught when the filter is built, with a hint.
//! let error = TopicFilter::new("hexaboard+/sensor/data").unwrap_err();
//! assert!(error.to_string().contains("write `hexaboard/+/sensor/data`"));
//! # Ok::<(), hexaboard_core::topic::TopicError>(())
//! ```

use std::fmt;
use std::iter::FusedIterator;
use std::str::FromStr;

/// The longest topic a broker accepts: topics travel as a UTF-8 string with a 16-bit length.
pub const MAX_TOPIC_LEN: usize = 65_535;

/// The prefix of an MQTT 5 shared subscription, `$share/{group}/{filter}`.
const SHARE_PREFIX: &str = "$share/";

/// Which kind of topic text an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// A topic filter, used to subscribe; it may contain wildcards.
    Filter,
    /// A topic name, used to publish; it may not contain wildcards.
    Name,
}

impl fmt::Display for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TopicKind::Filter => "topic filter",
            TopicKind::Name => "topic name",
        })
    }
}

/// Why a topic filter or topic name was rejected.
///
/// Each variant keeps the whole input; the message shows it shortened when it is long, says
/// what is wrong and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TopicError {
    /// The text is empty; MQTT requires at least one character.
    #[error("{kind} is empty ({})", empty_hint(*.kind))]
    Empty {
        /// Filter or name.
        kind: TopicKind,
    },

    /// The text is longer than [`MAX_TOPIC_LEN`] bytes once encoded as UTF-8.
    #[error(
        "{kind} {} is {len} bytes long, over the MQTT limit of {MAX_TOPIC_LEN} bytes (shorten it)",
        excerpt(.input, 0)
    )]
    TooLong {
        /// Filter or name.
        kind: TopicKind,
        /// The rejected text.
        input: String,
        /// Its length in bytes.
        len: usize,
    },

    /// The text contains the NUL character U+0000, which MQTT forbids in topics.
    #[error(
        "{kind} {} contains a NUL character (U+0000) at byte {at}, which MQTT forbids in topics (remove it)",
        excerpt(.input, *.at)
    )]
    Nul {
        /// Filter or name.
        kind: TopicKind,
        /// The rejected text.
        input: String,
        /// Byte offset of the first NUL.
        at: usize,
    },

    /// A `+` shares its level with other characters, as in `sport+`.
    #[error(
        "topic filter {}: `+` must fill a whole level ({})",
        excerpt(.filter, *.at),
        plus_hint(.filter, *.at)
    )]
    PlusNotAlone {
        /// The rejected filter.
        filter: String,
        /// Byte offset where the offending level starts.
        at: usize,
    },

    /// A `#` shares its level with other characters, as in `sport/tennis#`.
    #[error(
        "topic filter {}: `#` must fill a whole level ({})",
        excerpt(.filter, *.at),
        hash_alone_hint(.filter, *.at)
    )]
    HashNotAlone {
        /// The rejected filter.
        filter: String,
        /// Byte offset where the offending level starts.
        at: usize,
    },

    /// A `#` is followed by more levels, as in `sport/tennis/#/ranking`.
    #[error(
        "topic filter {}: `#` must be the last level, it already matches everything below ({})",
        excerpt(.filter, *.at),
        hash_last_hint(.filter, *.at)
    )]
    HashNotLast {
        /// The rejected filter.
        filter: String,
        /// Byte offset of the `#`.
        at: usize,
    },

    /// A topic name contains `+` or `#`; wildcards belong in subscriptions only.
    #[error(
        "topic name {} contains the wildcard `{wildcard}` at byte {at}; wildcards are for \
         subscribing only (publish to a concrete topic such as `hexaboard/A/control/led`)",
        excerpt(.name, *.at)
    )]
    WildcardInName {
        /// The rejected name.
        name: String,
        /// The wildcard found, `+` or `#`.
        wildcard: char,
        /// Byte offset of the first wildcard.
        at: usize,
    },

    /// A shared subscription `$share/{group}/{filter}` has an empty group.
    #[error(
        "shared subscription {}: the group name is empty (write `$share/{{group}}/{{filter}}`, \
         e.g. `$share/recorders/hexaboard/+/sensor/data`)",
        excerpt(.filter, 0)
    )]
    ShareGroupEmpty {
        /// The rejected filter.
        filter: String,
    },

    /// The group of a shared subscription contains `+` or `#`.
    #[error(
        "shared subscription {}: the group name may not contain `+` or `#` ({})",
        excerpt(.filter, 0),
        share_group_hint(.filter)
    )]
    ShareGroupWildcard {
        /// The rejected filter.
        filter: String,
    },

    /// A shared subscription has a group but no topic filter after it, as in `$share/group`.
    #[error(
        "shared subscription {}: no topic filter after the group ({})",
        excerpt(.filter, 0),
        share_filter_hint(.filter)
    )]
    ShareFilterMissing {
        /// The rejected filter.
        filter: String,
    },
}

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
    /// Returns a [`TopicError`] when the filter is empty, longer than [`MAX_TOPIC_LEN`] bytes,
    /// contains NUL, has a `+` or `#` that does not fill its level, has a `#` that is not the
    /// last level, or is a shared subscription with an empty or wildcard group or no filter.
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
        Some(Captures {
            filter: self.inner(),
            topic,
            i: 0,
            j: 0,
            left: self.wildcards,
        })
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

/// The texts matched by the wildcards of a [`TopicFilter`], from [`TopicFilter::captures`].
///
/// An iterator that walks the filter and the topic as it goes, so it allocates nothing.
#[derive(Debug, Clone)]
pub struct Captures<'f, 't> {
    filter: &'f str,
    topic: &'t str,
    // Positions in `filter` and `topic` where the walk goes on; they advance together over
    // literal text, which the topic shares with the filter since it matched.
    i: usize,
    j: usize,
    // Wildcards not yet yielded; lets the iterator report its exact length.
    left: usize,
}

impl<'t> Captures<'_, 't> {
    /// The text matched by the wildcard number `index` (from 0), if there is one.
    pub fn get(&self, index: usize) -> Option<&'t str> {
        self.clone().nth(index)
    }
}

impl<'t> Iterator for Captures<'_, 't> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        if self.left == 0 {
            return None;
        }
        let run = literal_run(&self.filter.as_bytes()[self.i..]);
        self.i += run;
        self.j += run;
        match self.filter.as_bytes().get(self.i)? {
            b'#' => {
                self.left = 0;
                // Past the end when `#` matched the parent level: then it captured nothing.
                Some(self.topic.get(self.j..).unwrap_or(""))
            }
            _ => {
                let start = self.j;
                self.j = level_end(self.topic.as_bytes(), start);
                self.i += 1;
                self.left -= 1;
                // `start` follows a `/` (or is 0) and `j` is at a `/` or the end: both are
                // character boundaries.
                self.topic.get(start..self.j)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Captures<'_, '_> {}

impl FusedIterator for Captures<'_, '_> {}

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
    /// Returns a [`TopicError`] when the name is empty, longer than [`MAX_TOPIC_LEN`] bytes,
    /// or contains NUL, `+` or `#`.
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

/// Length and NUL checks shared by filters and names.
fn check_common(text: &str, kind: TopicKind) -> Result<(), TopicError> {
    if text.is_empty() {
        return Err(TopicError::Empty { kind });
    }
    if text.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong {
            kind,
            input: text.to_owned(),
            len: text.len(),
        });
    }
    if let Some(at) = text.bytes().position(|b| b == 0) {
        return Err(TopicError::Nul {
            kind,
            input: text.to_owned(),
            at,
        });
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), TopicError> {
    check_common(name, TopicKind::Name)?;
    if let Some(at) = name.bytes().position(|b| b == b'+' || b == b'#') {
        return Err(TopicError::WildcardInName {
            name: name.to_owned(),
            wildcard: char::from(name.as_bytes()[at]),
            at,
        });
    }
    Ok(())
}

/// Validates a filter; returns where its matching part starts and how many wildcards it has.
fn check_filter(text: &str) -> Result<(usize, usize), TopicError> {
    check_common(text, TopicKind::Filter)?;
    let inner_start = match text.strip_prefix(SHARE_PREFIX) {
        None => 0,
        Some(rest) => {
            // A missing `/` after the group is reported as a missing filter, after the group
            // itself was checked.
            let (group, inner) = rest.split_once('/').unwrap_or((rest, ""));
            if group.is_empty() {
                return Err(TopicError::ShareGroupEmpty {
                    filter: text.to_owned(),
                });
            }
            if group.contains(['+', '#']) {
                return Err(TopicError::ShareGroupWildcard {
                    filter: text.to_owned(),
                });
            }
            if inner.is_empty() {
                return Err(TopicError::ShareFilterMissing {
                    filter: text.to_owned(),
                });
            }
            SHARE_PREFIX.len() + group.len() + 1
        }
    };

    let inner = &text[inner_start..];
    let mut wildcards = 0;
    let mut at = inner_start;
    let mut levels = inner.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') {
            if level != "#" {
                return Err(TopicError::HashNotAlone {
                    filter: text.to_owned(),
                    at,
                });
            }
            if levels.peek().is_some() {
                return Err(TopicError::HashNotLast {
                    filter: text.to_owned(),
                    at,
                });
            }
            wildcards += 1;
        } else if level.contains('+') {
            if level != "+" {
                return Err(TopicError::PlusNotAlone {
                    filter: text.to_owned(),
                    at,
                });
            }
            wildcards += 1;
        }
        at += level.len() + 1;
    }
    Ok((inner_start, wildcards))
}

/// Whether the first level of a valid filter is `+` or `#` (they always fill their level).
fn starts_with_wildcard(filter: &str) -> bool {
    matches!(filter.as_bytes().first(), Some(b'+' | b'#'))
}

/// How many bytes of a valid filter come before its next wildcard (all of them if none).
fn literal_run(filter: &[u8]) -> usize {
    filter
        .iter()
        .position(|&b| b == b'+' || b == b'#')
        .unwrap_or(filter.len())
}

/// Where the topic level starting at byte `from` ends: at the next `/` or the end.
fn level_end(topic: &[u8], from: usize) -> usize {
    topic
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'/'))
        .map_or(topic.len(), |at| from + at)
}

// ----- Error message helpers. They run only when a message is shown, so they may allocate.

/// Inputs longer than this many characters are shortened in messages.
const EXCERPT_CHARS: usize = 60;

/// `text` in backticks, shortened around byte `at` when long, control characters escaped
/// (as `text::sanitize_for_terminal` escapes them everywhere) so that a NUL or newline cannot
/// garble the message.
fn excerpt(text: &str, at: usize) -> String {
    let total = text.chars().count();
    let (skip, cut_front) = if total <= EXCERPT_CHARS {
        (0, false)
    } else {
        // Keep some context before the offending spot, most of the room after it.
        let at_char = text[..floor_char_boundary(text, at)].chars().count();
        let skip = at_char.saturating_sub(EXCERPT_CHARS / 4);
        (skip.min(total - EXCERPT_CHARS), skip > 0)
    };
    let mut out = String::from("`");
    if cut_front {
        out.push('…');
    }
    let kept: String = text.chars().skip(skip).take(EXCERPT_CHARS).collect();
    out.push_str(&crate::text::sanitize_for_terminal(&kept));
    if skip + EXCERPT_CHARS < total {
        out.push('…');
    }
    out.push('`');
    out
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn empty_hint(kind: TopicKind) -> &'static str {
    match kind {
        TopicKind::Filter => {
            "subscribe to at least one level, e.g. `hexaboard/+/sensor/data` or `#` for everything"
        }
        TopicKind::Name => "publish to a concrete topic such as `hexaboard/A/control/led`",
    }
}

/// Splits `filter` into the text before the level at `at`, the level, and the text after it.
fn around_level(filter: &str, at: usize) -> (&str, &str, &str) {
    let at = floor_char_boundary(filter, at);
    let end = level_end(filter.as_bytes(), at);
    (&filter[..at], &filter[at..end], &filter[end..])
}

/// "write `x` or `y`", or just one suggestion when both are the same.
fn write_hint(first: &str, second: &str, at: usize) -> String {
    if first == second {
        format!("write {}", excerpt(first, at))
    } else {
        format!("write {} or {}", excerpt(first, at), excerpt(second, at))
    }
}

/// `a+b` becomes `a/+/b` (the `+` gets a level of its own) or `+` (the whole level is a
/// wildcard).
fn plus_hint(filter: &str, at: usize) -> String {
    let (before, level, after) = around_level(filter, at);
    let mut parts: Vec<&str> = Vec::new();
    for piece in level.split('+') {
        if !piece.is_empty() {
            parts.push(piece);
        }
        parts.push("+");
    }
    parts.pop();
    parts.dedup_by(|a, b| *a == "+" && *b == "+");
    let split = format!("{before}{}{after}", parts.join("/"));
    let whole = format!("{before}+{after}");
    write_hint(&split, &whole, at)
}

/// `tennis#` becomes `tennis/#` or `#`; what follows is dropped since `#` must be last.
fn hash_alone_hint(filter: &str, at: usize) -> String {
    let (before, level, _) = around_level(filter, at);
    let literal = level.split('#').next().unwrap_or("");
    let whole = format!("{before}#");
    if literal.is_empty() {
        format!("write {}", excerpt(&whole, at))
    } else {
        write_hint(&format!("{before}{literal}/#"), &whole, at)
    }
}

/// `a/#/b` becomes `a/#` (everything below `a`) or `a/+/b` (one level between).
fn hash_last_hint(filter: &str, at: usize) -> String {
    let (before, _, after) = around_level(filter, at);
    write_hint(&format!("{before}#"), &format!("{before}+{after}"), at)
}

fn share_filter_hint(filter: &str) -> String {
    let prefix = filter.trim_end_matches('/');
    format!(
        "write {}, e.g. {}",
        excerpt(&format!("{prefix}/{{filter}}"), 0),
        excerpt(&format!("{prefix}/hexaboard/+/sensor/data"), 0)
    )
}

fn share_group_hint(filter: &str) -> String {
    let rest = filter.strip_prefix(SHARE_PREFIX).unwrap_or(filter);
    let (group, inner) = rest.split_once('/').unwrap_or((rest, "{filter}"));
    let cleaned: String = group.chars().filter(|c| !matches!(c, '+' | '#')).collect();
    let group = if cleaned.is_empty() {
        "recorders"
    } else {
        &cleaned
    };
    format!(
        "write {}",
        excerpt(&format!("{SHARE_PREFIX}{group}/{inner}"), 0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_inputs_are_shown_whole() {
        assert_eq!(excerpt("a/b", 0), "`a/b`");
    }

    #[test]
    fn long_inputs_are_shortened_around_the_fault() {
        let long = format!("{}/x+/{}", "a".repeat(200), "b".repeat(200));
        let shown = excerpt(&long, 201);
        assert!(shown.starts_with("`…"), "{shown}");
        assert!(shown.ends_with("…`"), "{shown}");
        assert!(shown.contains("x+"), "{shown}");
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 4);
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        assert_eq!(excerpt("a\0b\n", 1), "`a\\x00b\\n`");
    }

    #[test]
    fn excerpts_never_split_a_character() {
        let long = "센".repeat(100);
        for at in 0..long.len() {
            let shown = excerpt(&long, at);
            assert!(shown.contains('센'));
        }
    }

    #[test]
    fn captures_know_their_length() {
        let filter = TopicFilter::new("a/+/+/#").unwrap();
        let captures = filter.captures("a/b/c/d/e").unwrap();
        assert_eq!(captures.len(), 3);
        assert_eq!(captures.collect::<Vec<_>>(), ["b", "c", "d/e"]);
    }
}
