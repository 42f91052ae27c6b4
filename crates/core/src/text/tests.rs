//! The catalogue's own checks: every message in both languages, with the same placeholders.

use std::collections::BTreeSet;

use super::catalogue::Template;
use super::{advice, analysis, boards, chapter, check, control, receiver, words, Text};

fn all() -> Vec<Template> {
    [
        chapter::templates(),
        receiver::templates(),
        boards::templates(),
        control::templates(),
        advice::templates(),
        check::templates(),
        analysis::templates(),
        words::templates(),
    ]
    .concat()
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}' | '\u{ac00}'..='\u{d7a3}')
}

/// The names inside `{…}` (`{rate:.1}` names `rate`); `{{` is a brace.
fn placeholders(template: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let close = rest.find('}').expect("an open brace is closed");
        let inside = &rest[..close];
        names.insert(inside.split(':').next().unwrap_or(inside));
        rest = &rest[close + 1..];
    }
    names
}

/// `template` without its placeholders.
fn words_of(template: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Names that are the same in both languages.
const NAMES: [&str; 1] = ["TCP"];

#[test]
fn every_message_is_written_in_both_languages() {
    let all = all();
    assert!(all.len() > 100, "{} texts", all.len());
    for t in all {
        assert!(
            !t.ko.is_empty() && !t.en.is_empty(),
            "{}: an empty text",
            t.name
        );
        assert!(
            !t.en.chars().any(is_hangul),
            "{}: the English text is Korean: {:?}",
            t.name,
            t.en
        );
        if !t.ko.chars().any(is_hangul) {
            // Only a line with no words of its own (`📥 [{topic}]`) or a name is the same in
            // both languages; anything else without Korean is an untranslated text.
            let words = words_of(t.ko);
            let wordless = !words.chars().any(char::is_alphabetic);
            assert!(
                t.ko == t.en && (wordless || NAMES.contains(&words.as_str())),
                "{}: the Korean text is not Korean: {:?}",
                t.name,
                t.ko
            );
        }
    }
}

#[test]
fn both_languages_of_a_line_use_the_same_placeholders() {
    for t in all() {
        let ko = placeholders(t.ko);
        assert_eq!(ko, placeholders(t.en), "{}", t.name);
        let args: BTreeSet<&str> = t.args.iter().copied().collect();
        assert_eq!(ko, args, "{}: placeholders and arguments", t.name);
    }
}

#[test]
fn a_line_without_arguments_is_its_text() {
    let ko = Text::default();
    assert_eq!(ko.lang(), super::Lang::Ko);
    assert_eq!(ko.server_start().to_string(), "MQTT 서버 시작...");
    assert_eq!(
        format!("{:?}", ko.reconnecting()),
        "Line(\"🔄 재연결 중...\")"
    );
}
