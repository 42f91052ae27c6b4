//! Topic filters and names checked against the examples of the MQTT specification, section 4.7
//! (the same in 3.1.1 and 5), plus the cases hexaboard meets: board ids, `$SYS`, empty levels,
//! Korean level names, shared subscriptions and the length limit.

use hexaboard_core::topic::{TopicError, TopicFilter, TopicKind, TopicName, MAX_TOPIC_LEN};

fn filter(text: &str) -> TopicFilter {
    TopicFilter::new(text).unwrap_or_else(|e| panic!("{text:?} should be valid: {e}"))
}

/// (filter, topic, expected) rows; every row is checked and all failures are listed at once.
fn check_table(rows: &[(&str, &str, bool)]) {
    let wrong: Vec<String> = rows
        .iter()
        .filter(|(f, t, expected)| filter(f).matches(t) != *expected)
        .map(|(f, t, expected)| format!("{f:?} on {t:?}: expected {expected}"))
        .collect();
    assert!(wrong.is_empty(), "wrong matches:\n{}", wrong.join("\n"));
}

#[test]
fn multi_level_wildcard_examples_of_section_4_7_1_2_match() {
    check_table(&[
        ("sport/tennis/player1/#", "sport/tennis/player1", true),
        (
            "sport/tennis/player1/#",
            "sport/tennis/player1/ranking",
            true,
        ),
        (
            "sport/tennis/player1/#",
            "sport/tennis/player1/score/wimbledon",
            true,
        ),
        ("sport/tennis/player1/#", "sport/tennis/player2", false),
        ("sport/tennis/player1/#", "sport/tennis", false),
        ("sport/#", "sport", true),
        ("sport/#", "sport/", true),
        ("sport/#", "sports", false),
        ("#", "sport", true),
        ("#", "sport/tennis/player1", true),
        ("#", "/", true),
        ("sport/tennis/#", "sport/tennis", true),
        ("sport/tennis/#", "sport/tennis/player1/ranking", true),
    ]);
}

#[test]
fn hash_matches_the_parent_level() {
    assert!(filter("sport/#").matches("sport"));
    assert!(filter("hexaboard/A/#").matches("hexaboard/A"));
}

#[test]
fn single_level_wildcard_examples_of_section_4_7_1_3_match() {
    check_table(&[
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player2", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport", false),
        ("sport/+", "sport/", true),
        ("+", "sport", true),
        ("+/tennis/#", "sport/tennis", true),
        ("+/tennis/#", "sport/tennis/player1", true),
        ("+/tennis/#", "sport/golf", false),
        ("sport/+/player1", "sport/tennis/player1", true),
        ("sport/+/player1", "sport/tennis/player2", false),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
    ]);
}

#[test]
fn plus_matches_an_empty_level() {
    assert!(filter("+/+").matches("/finance"));
    assert!(filter("a/+/b").matches("a//b"));
    assert!(filter("a/+").matches("a/"));
}

#[test]
fn dollar_topics_of_section_4_7_2_are_not_matched_by_leading_wildcards() {
    check_table(&[
        ("#", "$SYS/monitor/Clients", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        ("$SYS/#", "$SYS/monitor/Clients", true),
        ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        ("$SYS/#", "$SYS", true),
        ("+", "$SYS", false),
        ("+/#", "$SYS/broker/uptime", false),
        ("$SYS/monitor/Clients", "$SYS/monitor/Clients", true),
        // Only the first level counts: a `$` further down is an ordinary character.
        ("a/+", "a/$x", true),
        ("a/#", "a/$SYS/x", true),
        ("#", "a$/b", true),
    ]);
}

#[test]
fn topic_semantics_of_section_4_7_3_hold() {
    check_table(&[
        ("ACCOUNTS", "Accounts", false),
        ("Accounts", "Accounts", true),
        ("Accounts payable", "Accounts payable", true),
        ("/finance", "finance", false),
        ("finance", "/finance", false),
        ("/finance", "/finance", true),
        ("/", "/", true),
        ("+", "/", false),
        ("+/+", "/", true),
        ("/#", "/", true),
    ]);
}

#[test]
fn leading_trailing_and_doubled_slashes_make_empty_levels() {
    check_table(&[
        ("a/", "a", false),
        ("a/", "a/", true),
        ("a//b", "a/b", false),
        ("a//b", "a//b", true),
        ("a/+/b", "a/b", false),
        ("+/a", "/a", true),
        ("a/+/", "a/x/", true),
        ("a/+/", "a/x", false),
        ("//#", "//", true),
        // `#` also matches its parent, here the two empty levels of `/`.
        ("//#", "/", true),
        ("//#", "/a", false),
    ]);
}

#[test]
fn a_filter_without_wildcards_matches_only_itself() {
    check_table(&[
        ("hexaboard/A/sensor/data", "hexaboard/A/sensor/data", true),
        ("hexaboard/A/sensor/data", "hexaboard/A/sensor/data/", false),
        ("hexaboard/A/sensor/data", "hexaboard/A/sensor", false),
        ("hexaboard/A/sensor/data", "hexaboard/a/sensor/data", false),
    ]);
}

#[test]
fn the_chapter_filters_match_board_topics() {
    check_table(&[
        ("hexaboard/+/sensor/data", "hexaboard/A/sensor/data", true),
        ("hexaboard/+/sensor/data", "hexaboard/B/sensor/data", true),
        ("hexaboard/+/sensor/data", "hexaboard/A/status", false),
        (
            "hexaboard/+/sensor/data",
            "hexaboard/A/B/sensor/data",
            false,
        ),
        ("hexaboard/+/status", "hexaboard/A/status", true),
        ("hexaboard/#", "hexaboard/A/control/led", true),
    ]);
}

#[test]
fn non_ascii_levels_are_compared_byte_for_byte() {
    check_table(&[
        ("센서/+/온도", "센서/A/온도", true),
        ("센서/+/온도", "센서/보드1/온도", true),
        ("센서/+/온도", "센서/A/습도", false),
        ("센서/#", "센서", true),
        ("+/온도", "센서/온도", true),
        ("센서", "센서/", false),
        ("é", "e\u{301}", false),
    ]);
    assert_eq!(
        filter("센서/+/온도").capture("센서/보드1/온도", 0),
        Some("보드1")
    );
}

#[test]
fn valid_filters_of_the_spec_are_accepted() {
    for text in [
        "#",
        "sport/tennis/#",
        "sport/#",
        "+",
        "+/tennis/#",
        "sport/+/player1",
        "+/+",
        "/+",
        "/",
        "//",
        "$SYS/#",
        "$SYS/monitor/+",
        "Accounts payable",
        "센서/+/온도",
        "$share",
        "$shared/x",
        "a/$share/b/c",
    ] {
        let parsed = filter(text);
        assert_eq!(parsed.as_str(), text);
    }
}

#[test]
fn invalid_filters_of_the_spec_are_rejected_with_the_reason() {
    assert!(matches!(
        TopicFilter::new("sport/tennis#"),
        Err(TopicError::HashNotAlone { at: 6, .. })
    ));
    assert!(matches!(
        TopicFilter::new("sport/tennis/#/ranking"),
        Err(TopicError::HashNotLast { at: 13, .. })
    ));
    assert!(matches!(
        TopicFilter::new("sport+"),
        Err(TopicError::PlusNotAlone { at: 0, .. })
    ));
    assert!(matches!(
        TopicFilter::new("#/a"),
        Err(TopicError::HashNotLast { at: 0, .. })
    ));
    assert!(matches!(
        TopicFilter::new("a/+b/c"),
        Err(TopicError::PlusNotAlone { at: 2, .. })
    ));
    assert!(matches!(
        TopicFilter::new("a/##"),
        Err(TopicError::HashNotAlone { at: 2, .. })
    ));
    assert_eq!(
        TopicFilter::new(""),
        Err(TopicError::Empty {
            kind: TopicKind::Filter
        })
    );
    assert!(matches!(
        TopicFilter::new("a/\0/b"),
        Err(TopicError::Nul {
            kind: TopicKind::Filter,
            at: 2,
            ..
        })
    ));
}

#[test]
fn a_filter_of_exactly_65535_bytes_is_accepted_and_one_more_byte_is_not() {
    let exact = "a".repeat(MAX_TOPIC_LEN);
    assert_eq!(filter(&exact).as_str().len(), 65_535);
    assert!(TopicName::new(&exact).is_ok());

    let over = "a".repeat(MAX_TOPIC_LEN + 1);
    assert!(matches!(
        TopicFilter::new(&over),
        Err(TopicError::TooLong { len: 65_536, .. })
    ));
    assert!(matches!(
        TopicName::new(&over),
        Err(TopicError::TooLong { len: 65_536, .. })
    ));
}

#[test]
fn the_length_limit_counts_utf8_bytes_not_characters() {
    // '센' is 3 bytes: 21,845 of them are 65,535 bytes, one more level separator is too many.
    let exact = "센".repeat(21_845);
    assert_eq!(exact.len(), MAX_TOPIC_LEN);
    assert!(TopicFilter::new(&exact).is_ok());
    let over = format!("{exact}/");
    assert!(matches!(
        TopicFilter::new(&over),
        Err(TopicError::TooLong { len: 65_536, .. })
    ));
}

#[test]
fn shared_subscriptions_split_into_group_and_filter() {
    let shared = filter("$share/recorders/hexaboard/+/sensor/data");
    assert!(shared.is_shared());
    assert!(shared.is_wildcard());
    assert_eq!(shared.share_group(), Some("recorders"));
    assert_eq!(shared.inner(), "hexaboard/+/sensor/data");
    assert_eq!(shared.as_str(), "$share/recorders/hexaboard/+/sensor/data");
    assert_eq!(shared.to_string(), shared.as_str());

    let plain = filter("hexaboard/+/sensor/data");
    assert!(!plain.is_shared());
    assert_eq!(plain.share_group(), None);
    assert_eq!(plain.inner(), plain.as_str());
}

#[test]
fn a_shared_filter_matches_like_its_inner_filter() {
    check_table(&[
        (
            "$share/g/hexaboard/+/sensor/data",
            "hexaboard/A/sensor/data",
            true,
        ),
        (
            "$share/g/hexaboard/+/sensor/data",
            "$share/g/hexaboard/A/sensor/data",
            false,
        ),
        ("$share/g/#", "anything/at/all", true),
        ("$share/g/#", "$SYS/uptime", false),
        ("$share/g/$SYS/#", "$SYS/uptime", true),
        ("$share/g/a", "a", true),
        ("$share/g/a", "b", false),
        ("$share/g//", "/", true),
    ]);
    assert_eq!(
        filter("$share/g/hexaboard/+/sensor/data").capture("hexaboard/B/sensor/data", 0),
        Some("B")
    );
}

#[test]
fn shared_subscriptions_with_missing_parts_are_rejected() {
    for text in ["$share/", "$share//a", "$share//"] {
        assert!(
            matches!(
                TopicFilter::new(text),
                Err(TopicError::ShareGroupEmpty { .. })
            ),
            "{text:?}"
        );
    }
    for text in ["$share/g", "$share/g/"] {
        assert!(
            matches!(
                TopicFilter::new(text),
                Err(TopicError::ShareFilterMissing { .. })
            ),
            "{text:?}"
        );
    }
    for text in ["$share/+/a", "$share/g#/a", "$share/#"] {
        assert!(
            matches!(
                TopicFilter::new(text),
                Err(TopicError::ShareGroupWildcard { .. })
            ),
            "{text:?}"
        );
    }
    assert!(matches!(
        TopicFilter::new("$share/g/a+"),
        Err(TopicError::PlusNotAlone { at: 9, .. })
    ));
}

#[test]
fn captures_give_the_board_id_and_the_rest() {
    let sensor = filter("hexaboard/+/sensor/data");
    let got: Vec<&str> = sensor
        .captures("hexaboard/A/sensor/data")
        .unwrap()
        .collect();
    assert_eq!(got, ["A"]);
    assert_eq!(sensor.capture("hexaboard/B/sensor/data", 0), Some("B"));
    assert_eq!(sensor.capture("hexaboard/B/sensor/data", 1), None);
    assert!(sensor.captures("hexaboard/B/status").is_none());
    assert_eq!(sensor.capture("hexaboard/B/status", 0), None);

    let all = filter("hexaboard/+/#");
    let captures = all.captures("hexaboard/A/control/led").unwrap();
    assert_eq!(captures.get(0), Some("A"));
    assert_eq!(captures.get(1), Some("control/led"));
    assert_eq!(captures.get(2), None);
    assert_eq!(captures.len(), 2);
}

#[test]
fn hash_captures_nothing_when_it_matches_the_parent_level() {
    let sport = filter("sport/#");
    assert_eq!(sport.capture("sport", 0), Some(""));
    assert_eq!(sport.capture("sport/", 0), Some(""));
    assert_eq!(
        sport.capture("sport/tennis/player1", 0),
        Some("tennis/player1")
    );
    assert_eq!(filter("#").capture("a/b", 0), Some("a/b"));
}

#[test]
fn plus_captures_empty_levels() {
    let got: Vec<&str> = filter("+/+").captures("/finance").unwrap().collect();
    assert_eq!(got, ["", "finance"]);
}

#[test]
fn a_literal_filter_captures_nothing() {
    let literal = filter("a/b");
    assert!(!literal.is_wildcard());
    assert_eq!(literal.captures("a/b").unwrap().count(), 0);
    assert!(literal.captures("a/c").is_none());
}

#[test]
fn topic_names_reject_wildcards_nul_and_emptiness() {
    assert_eq!(
        TopicName::new("hexaboard/A/control/led").unwrap().as_str(),
        "hexaboard/A/control/led"
    );
    assert!(TopicName::new("/").is_ok());
    assert!(TopicName::new("$SYS/uptime").is_ok());
    assert!(TopicName::new("센서/A/온도").is_ok());
    assert_eq!(
        TopicName::new(""),
        Err(TopicError::Empty {
            kind: TopicKind::Name
        })
    );
    assert!(matches!(
        TopicName::new("a/+"),
        Err(TopicError::WildcardInName {
            wildcard: '+',
            at: 2,
            ..
        })
    ));
    assert!(matches!(
        TopicName::new("a#"),
        Err(TopicError::WildcardInName {
            wildcard: '#',
            at: 1,
            ..
        })
    ));
    assert!(matches!(
        TopicName::new("a\0"),
        Err(TopicError::Nul {
            kind: TopicKind::Name,
            at: 1,
            ..
        })
    ));
}

#[test]
fn filters_and_names_convert_like_strings() {
    let parsed: TopicFilter = "hexaboard/+/status".parse().unwrap();
    assert_eq!(
        parsed,
        TopicFilter::try_from(String::from("hexaboard/+/status")).unwrap()
    );
    assert_eq!(parsed, TopicFilter::try_from("hexaboard/+/status").unwrap());
    assert_eq!(parsed.as_ref(), "hexaboard/+/status");
    assert_eq!(format!("{parsed}"), "hexaboard/+/status");
    assert_eq!(
        format!("{parsed:?}"),
        r#"TopicFilter("hexaboard/+/status")"#
    );

    let name: TopicName = "hexaboard/A/status".parse().unwrap();
    assert_eq!(
        name,
        TopicName::try_from(String::from("hexaboard/A/status")).unwrap()
    );
    assert_eq!(name.as_ref(), "hexaboard/A/status");
    assert_eq!(format!("{name}"), "hexaboard/A/status");
    assert_eq!(format!("{name:?}"), r#"TopicName("hexaboard/A/status")"#);
    assert!(parsed.matches(name.as_str()));

    assert!("a+".parse::<TopicFilter>().is_err());
    assert!(TopicFilter::try_from(String::from("a+")).is_err());
}

/// Every message the user can get, in one snapshot: they must name the input, the fault and
/// the fix.
#[test]
fn error_messages_name_the_input_the_fault_and_a_fix() {
    let filters = [
        "",
        "a+/b",
        "+a/b",
        "a+b/c",
        "a/++",
        "sport+",
        "sport/tennis#",
        "sport/#a",
        "a/#/b",
        "#/b",
        "a\0b",
        "$share/",
        "$share//a",
        "$share/g",
        "$share/g+/a/b",
        "$share/+/a",
        "$share/g/a+",
    ];
    let names = ["", "hexaboard/+/control/led", "a/#", "a\0b"];
    let mut lines = Vec::new();
    for text in filters {
        let error = TopicFilter::new(text).unwrap_err();
        lines.push(format!("{text:?} => {error}"));
    }
    for text in names {
        let error = TopicName::new(text).unwrap_err();
        lines.push(format!("name {text:?} => {error}"));
    }
    insta::assert_snapshot!(lines.join("\n"), @r##"
    "" => topic filter is empty (subscribe to at least one level, e.g. `hexaboard/+/sensor/data` or `#` for everything)
    "a+/b" => topic filter `a+/b`: `+` must fill a whole level (write `a/+/b` or `+/b`)
    "+a/b" => topic filter `+a/b`: `+` must fill a whole level (write `+/a/b` or `+/b`)
    "a+b/c" => topic filter `a+b/c`: `+` must fill a whole level (write `a/+/b/c` or `+/c`)
    "a/++" => topic filter `a/++`: `+` must fill a whole level (write `a/+`)
    "sport+" => topic filter `sport+`: `+` must fill a whole level (write `sport/+` or `+`)
    "sport/tennis#" => topic filter `sport/tennis#`: `#` must fill a whole level (write `sport/tennis/#` or `sport/#`)
    "sport/#a" => topic filter `sport/#a`: `#` must fill a whole level (write `sport/#`)
    "a/#/b" => topic filter `a/#/b`: `#` must be the last level, it already matches everything below (write `a/#` or `a/+/b`)
    "#/b" => topic filter `#/b`: `#` must be the last level, it already matches everything below (write `#` or `+/b`)
    "a\0b" => topic filter `a\x00b` contains a NUL character (U+0000) at byte 1, which MQTT forbids in topics (remove it)
    "$share/" => shared subscription `$share/`: the group name is empty (write `$share/{group}/{filter}`, e.g. `$share/recorders/hexaboard/+/sensor/data`)
    "$share//a" => shared subscription `$share//a`: the group name is empty (write `$share/{group}/{filter}`, e.g. `$share/recorders/hexaboard/+/sensor/data`)
    "$share/g" => shared subscription `$share/g`: no topic filter after the group (write `$share/g/{filter}`, e.g. `$share/g/hexaboard/+/sensor/data`)
    "$share/g+/a/b" => shared subscription `$share/g+/a/b`: the group name may not contain `+` or `#` (write `$share/g/a/b`)
    "$share/+/a" => shared subscription `$share/+/a`: the group name may not contain `+` or `#` (write `$share/recorders/a`)
    "$share/g/a+" => topic filter `$share/g/a+`: `+` must fill a whole level (write `$share/g/a/+` or `$share/g/+`)
    name "" => topic name is empty (publish to a concrete topic such as `hexaboard/A/control/led`)
    name "hexaboard/+/control/led" => topic name `hexaboard/+/control/led` contains the wildcard `+` at byte 10; wildcards are for subscribing only (publish to a concrete topic such as `hexaboard/A/control/led`)
    name "a/#" => topic name `a/#` contains the wildcard `#` at byte 2; wildcards are for subscribing only (publish to a concrete topic such as `hexaboard/A/control/led`)
    name "a\0b" => topic name `a\x00b` contains a NUL character (U+0000) at byte 1, which MQTT forbids in topics (remove it)
    "##);
}

#[test]
fn long_inputs_are_shortened_in_messages() {
    let long = format!("{}/x+/{}", "a".repeat(1000), "b".repeat(1000));
    let message = TopicFilter::new(&long).unwrap_err().to_string();
    assert!(message.len() < 400, "{message}");
    assert!(message.contains("x+"), "{message}");
    assert!(message.contains('…'), "{message}");

    let message = TopicFilter::new(&"a".repeat(MAX_TOPIC_LEN + 1))
        .unwrap_err()
        .to_string();
    assert!(message.len() < 200, "{message}");
    assert!(message.contains("65536 bytes"), "{message}");
}

#[test]
fn the_documented_example_message_is_produced() {
    assert_eq!(
        TopicFilter::new("a+/b").unwrap_err().to_string(),
        "topic filter `a+/b`: `+` must fill a whole level (write `a/+/b` or `+/b`)"
    );
}
