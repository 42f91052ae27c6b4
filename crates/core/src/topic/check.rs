//! The rules of MQTT section 4.7 that topic filters and names are checked against when built.

use super::{TopicError, TopicKind, MAX_TOPIC_LEN, SHARE_PREFIX};
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

pub(super) fn check_name(name: &str) -> Result<(), TopicError> {
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
pub(super) fn check_filter(text: &str) -> Result<(usize, usize), TopicError> {
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
