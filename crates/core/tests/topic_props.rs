//! Property tests: `TopicFilter` agrees with a plain, obviously-correct reading of MQTT section
//! 4.7 on many generated filters and topics, and never panics on any input.
//!
//! Filters and topics are built from a tiny alphabet (`a`, `b`, `$x`, empty, `+`, `#`, `/`) so
//! that matches, near misses, empty levels and `$` topics all come up often.

use hexaboard_core::topic::{TopicFilter, TopicName, MAX_TOPIC_LEN};
use proptest::prelude::*;

/// The reference matcher: levels in a `Vec`, compared recursively, as the spec words it.
fn reference_matches(filter: &str, topic: &str) -> bool {
    let filter: Vec<&str> = filter.split('/').collect();
    let topic: Vec<&str> = topic.split('/').collect();
    if topic[0].starts_with('$') && (filter[0] == "+" || filter[0] == "#") {
        return false;
    }
    levels_match(&filter, &topic)
}

fn levels_match(filter: &[&str], topic: &[&str]) -> bool {
    match (filter.first(), topic.first()) {
        // `#` matches what is left, including nothing at all (the parent level).
        (Some(&"#"), _) => true,
        (None, None) => true,
        (Some(&"+"), Some(_)) => levels_match(&filter[1..], &topic[1..]),
        (Some(f), Some(t)) => f == t && levels_match(&filter[1..], &topic[1..]),
        _ => false,
    }
}

/// The reference validator for filters without the `$share/` prefix.
fn reference_valid(filter: &str) -> bool {
    if filter.is_empty() || filter.len() > MAX_TOPIC_LEN || filter.contains('\0') {
        return false;
    }
    let levels: Vec<&str> = filter.split('/').collect();
    levels.iter().enumerate().all(|(i, level)| {
        let hash_ok = !level.contains('#') || (*level == "#" && i == levels.len() - 1);
        let plus_ok = !level.contains('+') || *level == "+";
        hash_ok && plus_ok
    })
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["a", "b", "$x", "", "+", "#", "/"])
}

/// Any string over the alphabet: often invalid as a filter.
fn raw_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..8).prop_map(|tokens| tokens.concat())
}

/// A valid filter over the alphabet: levels joined by `/`, maybe ending in `#`.
fn valid_filter() -> impl Strategy<Value = String> {
    let level = prop::sample::select(vec!["a", "b", "$x", "", "+"]);
    (prop::collection::vec(level, 0..5), any::<bool>()).prop_map(|(levels, hash)| {
        let mut levels = levels;
        if hash {
            levels.push("#");
        }
        let filter = levels.join("/");
        // No levels, or one empty level, would be the empty filter, which is invalid.
        if filter.is_empty() {
            String::from("#")
        } else {
            filter
        }
    })
}

/// A topic name over the alphabet (no wildcards); it may start with `$x`.
fn topic() -> impl Strategy<Value = String> {
    let level = prop::sample::select(vec!["a", "b", "$x", ""]);
    prop::collection::vec(level, 1..6).prop_map(|levels| levels.join("/"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn matches_agrees_with_the_reference_matcher(filter in valid_filter(), topic in topic()) {
        let parsed = TopicFilter::new(&filter).unwrap();
        prop_assert_eq!(parsed.matches(&topic), reference_matches(&filter, &topic));
    }

    #[test]
    fn raw_filters_match_like_the_reference_when_accepted(filter in raw_text(), topic in raw_text()) {
        // Topics here may contain wildcard characters; they are then compared literally.
        if let Ok(parsed) = TopicFilter::new(&filter) {
            if !parsed.is_shared() {
                prop_assert_eq!(parsed.matches(&topic), reference_matches(&filter, &topic));
            }
        }
    }

    #[test]
    fn a_filter_is_accepted_exactly_when_the_reference_says_it_is_valid(filter in raw_text()) {
        prop_assert_eq!(TopicFilter::new(&filter).is_ok(), reference_valid(&filter));
    }

    #[test]
    fn a_shared_filter_matches_like_its_inner_filter(filter in valid_filter(), topic in topic()) {
        let shared = TopicFilter::new(&format!("$share/g/{filter}")).unwrap();
        prop_assert_eq!(shared.share_group(), Some("g"));
        prop_assert_eq!(shared.inner(), filter.as_str());
        prop_assert_eq!(shared.matches(&topic), reference_matches(&filter, &topic));
    }

    #[test]
    fn captures_exist_exactly_when_the_filter_matches_and_rebuild_the_topic(
        filter in valid_filter(),
        topic in topic(),
    ) {
        let parsed = TopicFilter::new(&filter).unwrap();
        let Some(captures) = parsed.captures(&topic) else {
            prop_assert!(!parsed.matches(&topic));
            return Ok(());
        };
        prop_assert!(parsed.matches(&topic));
        let wildcards = filter.split('/').filter(|l| *l == "+" || *l == "#").count();
        prop_assert_eq!(captures.len(), wildcards);
        let captured: Vec<&str> = captures.collect();
        prop_assert_eq!(captured.len(), wildcards);
        for (index, text) in captured.iter().enumerate() {
            prop_assert_eq!(parsed.capture(&topic, index), Some(*text));
        }

        // Putting the captured texts back in place of the wildcards gives the topic again,
        // except that `#` on its parent level captured "" and leaves a trailing `/`.
        let mut texts = captured.iter();
        let rebuilt: Vec<&str> = filter
            .split('/')
            .map(|level| if level == "+" || level == "#" { texts.next().copied().unwrap_or("") } else { level })
            .collect();
        let rebuilt = rebuilt.join("/");
        let hash_on_parent = filter.ends_with('#') && captured.last() == Some(&"");
        prop_assert!(
            rebuilt == topic || (hash_on_parent && rebuilt.strip_suffix('/') == Some(topic.as_str())),
            "rebuilt {:?} from {:?} for {:?}", rebuilt, filter, topic
        );
    }

    #[test]
    fn new_never_panics_and_accepted_filters_round_trip(text in any::<String>()) {
        if let Ok(parsed) = TopicFilter::new(&text) {
            prop_assert_eq!(parsed.as_str(), text.as_str());
            prop_assert_eq!(parsed.to_string(), text.clone());
            let again: TopicFilter = parsed.as_str().parse().unwrap();
            prop_assert_eq!(again, parsed);
        } else {
            // Building the message must not panic either.
            let _ = TopicFilter::new(&text).unwrap_err().to_string();
        }
        match TopicName::new(&text) {
            Ok(name) => prop_assert_eq!(name.as_str(), text.as_str()),
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }

    #[test]
    fn awkward_inputs_never_panic(text in "[a+#/$\u{0}센]{0,12}(share/)?[a+#/$\u{0}센]{0,12}") {
        for candidate in [text.clone(), format!("$share/{text}"), format!("$share/g/{text}")] {
            match TopicFilter::new(&candidate) {
                Ok(parsed) => {
                    prop_assert_eq!(parsed.as_str(), candidate.as_str());
                    let _ = parsed.matches(&candidate);
                    let _ = parsed.captures(&candidate).map(Iterator::count);
                }
                Err(error) => {
                    let _ = error.to_string();
                }
            }
        }
    }
}
