//! Properties of the reading parser over arbitrary input.

use hexaboard_core::number::Number;
use hexaboard_core::reading::{ReadingError, ReadingParser};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parsing_never_panics_on_arbitrary_bytes(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = ReadingParser::default().parse(&payload, "hexaboard/A/sensor/data");
    }

    #[test]
    fn parsing_never_panics_on_arbitrary_json(value in arbitrary_json()) {
        let text = value.to_string();
        match ReadingParser::default().parse(text.as_bytes(), "hexaboard/A/sensor/data") {
            Ok(r) => {
                prop_assert!(r.temperature().value().is_finite());
                prop_assert!(r.humidity().value().is_finite());
                prop_assert!(!r.board().is_empty());
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn sensor_objects_with_random_numbers_parse_or_say_why(t in any::<f64>(), h in -10.0f64..110.0) {
        let text = format!(r#"{{"board":"A","temperature":{t},"humidity":{h}}}"#);
        match ReadingParser::default().parse(text.as_bytes(), "t") {
            Ok(r) => {
                prop_assert_eq!(r.temperature().value(), t);
                prop_assert_eq!(r.humidity().value(), h);
            }
            Err(ReadingError::OutOfRange { .. }) => prop_assert!(!(-40.0..=125.0).contains(&t) || !(0.0..=100.0).contains(&h)),
            Err(ReadingError::NonFinite { .. } | ReadingError::NotJson { .. }) => prop_assert!(!t.is_finite()),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn plain_decimals_read_the_same_as_the_standard_parser(int in 0u64..10_000_000, frac in "[0-9]{0,12}", neg in any::<bool>()) {
        let text = format!("{}{int}{}{frac}", if neg { "-" } else { "" }, if frac.is_empty() { "" } else { "." });
        let n = Number::parse_json(&text).unwrap();
        prop_assert_eq!(n.value().to_bits(), text.parse::<f64>().unwrap().to_bits(), "{}", text);
        // Printing and reading back gives the same value (what the CSV stores is exact).
        prop_assert_eq!(n.as_str().parse::<f64>().unwrap(), n.value());
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-100.0f64..200.0).prop_map(serde_json::Value::from),
        "[a-z0-9 .]{0,8}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("board".to_owned()),
                    Just("temperature".to_owned()),
                    Just("humidity".to_owned()),
                    Just("light".to_owned()),
                    Just("timestamp".to_owned()),
                    "[a-z]{1,5}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
