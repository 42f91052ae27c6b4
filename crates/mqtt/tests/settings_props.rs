//! Settings over arbitrary values: loading never panics, every error names a variable, and the
//! password never shows in an error or in the description of the settings.

use hexaboard_mqtt::settings::{Settings, VARIABLES};
use proptest::prelude::*;

const PASSWORD: &str = "pw-Zq81-secret";

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[ -~]{0,24}",
        "[0-9]{1,6}",
        prop_oneof![
            Just("on"),
            Just("off"),
            Just("1"),
            Just("5"),
            Just("3.1.1"),
            Just("ko"),
            Just("en")
        ]
        .prop_map(str::to_owned),
        prop_oneof![
            Just("a/+/b"),
            Just("a+/b"),
            Just("#/x"),
            Just("$share/g/#"),
            Just("x,,y")
        ]
        .prop_map(str::to_owned),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_values_load_or_fail_naming_a_variable_without_the_password(
        values in proptest::collection::vec(value(), VARIABLES.len())
    ) {
        let lookup = |name: &str| {
            if name == "MQTT_PASSWORD" {
                return Some(PASSWORD.to_owned());
            }
            let i = VARIABLES.iter().position(|v| v.name() == name)?;
            Some(values[i].clone())
        };
        match Settings::from_sources(lookup, None) {
            Ok(settings) => {
                let shown = format!("{settings} {settings:?} {:?}", settings.connection.warnings());
                prop_assert!(!shown.contains(PASSWORD), "{}", shown);
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(!message.contains(PASSWORD), "{}", message);
                prop_assert!(
                    VARIABLES.iter().any(|v| message.contains(v.name())),
                    "no variable named in {}", message
                );
            }
        }
    }
}
