//! How a topic error shows the input and suggests a fix. These run only when a message is
//! shown, so they may allocate.

use super::filter::level_end;
use super::{TopicKind, SHARE_PREFIX};
/// Inputs longer than this many characters are shortened in messages.
const EXCERPT_CHARS: usize = 60;

/// `text` in backticks, shortened around byte `at` when long, control characters escaped
/// (as `text::sanitize_for_terminal` escapes them everywhere) so that a NUL or newline cannot
/// garble the message.
pub(super) fn excerpt(text: &str, at: usize) -> String {
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

pub(super) fn empty_hint(kind: TopicKind) -> &'static str {
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
pub(super) fn plus_hint(filter: &str, at: usize) -> String {
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
pub(super) fn hash_alone_hint(filter: &str, at: usize) -> String {
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
pub(super) fn hash_last_hint(filter: &str, at: usize) -> String {
    let (before, _, after) = around_level(filter, at);
    write_hint(&format!("{before}#"), &format!("{before}+{after}"), at)
}

pub(super) fn share_filter_hint(filter: &str) -> String {
    let prefix = filter.trim_end_matches('/');
    format!(
        "write {}, e.g. {}",
        excerpt(&format!("{prefix}/{{filter}}"), 0),
        excerpt(&format!("{prefix}/hexaboard/+/sensor/data"), 0)
    )
}

pub(super) fn share_group_hint(filter: &str) -> String {
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
}
