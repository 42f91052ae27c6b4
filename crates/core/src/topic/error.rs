//! Why a topic filter or name was rejected: [`TopicError`], one variant per rule of MQTT
//! section 4.7, each message naming the input and the fix.

use std::fmt;

use super::hint::{
    empty_hint, excerpt, hash_alone_hint, hash_last_hint, plus_hint, share_filter_hint,
    share_group_hint,
};
use super::MAX_TOPIC_LEN;

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
