//! Every missing or malformed setting gives one line naming the variable, the value and the fix.

use std::collections::HashMap;
use std::path::PathBuf;

use hexaboard_core::text::Report;
use hexaboard_mqtt::settings::{Settings, SettingsError};

fn load(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::from_sources(move |name| map.get(name).cloned(), None)
}

/// The message of an error and of each of its causes, as the programs print it.
fn report(error: &SettingsError) -> String {
    Report(error).to_string()
}

/// The message of loading the broker `b` with one more variable set.
fn error_with(name: &str, value: &str) -> String {
    report(&load(&[("MQTT_BROKER", "b"), (name, value)]).unwrap_err())
}

#[test]
fn a_missing_broker_points_to_dotenv_example() {
    insta::assert_snapshot!("missing_broker", load(&[]).unwrap_err().to_string());
    // Blank counts as missing.
    let blank = load(&[("MQTT_BROKER", " ")]).unwrap_err();
    assert!(matches!(
        blank,
        SettingsError::Missing { var: "MQTT_BROKER" }
    ));
}

#[test]
fn a_store_of_no_known_form_names_store_and_the_accepted_forms() {
    insta::assert_snapshot!("store_unknown_form", error_with("STORE", "readings.txt"));
    insta::assert_snapshot!("store_sqlite_without_path", error_with("STORE", "sqlite:"));
}

#[test]
fn a_group_name_that_cannot_be_shared_is_refused() {
    insta::assert_snapshot!("group_with_slash", error_with("MQTT_GROUP", "lab/a"));
    insta::assert_snapshot!("group_wildcard", error_with("MQTT_GROUP", "+"));
}

#[test]
fn a_malformed_port_names_the_value_and_the_range() {
    insta::assert_snapshot!("port_not_a_number", error_with("MQTT_PORT", "88a3"));
    insta::assert_snapshot!("port_zero", error_with("MQTT_PORT", "0"));
    insta::assert_snapshot!("port_too_big", error_with("MQTT_PORT", "65536"));
}

#[test]
fn a_qos_other_than_0_1_2_is_refused() {
    insta::assert_snapshot!("qos_three", error_with("MQTT_QOS", "3"));
    insta::assert_snapshot!("qos_word", error_with("MQTT_QOS", "one"));
}

#[test]
fn a_tls_switch_other_than_on_off_is_refused() {
    insta::assert_snapshot!("tls_word", error_with("MQTT_TLS", "maybe"));
    insta::assert_snapshot!(
        "tls_insecure_word",
        error_with("MQTT_TLS_INSECURE", "please")
    );
}

#[test]
fn version_and_language_name_their_choices() {
    insta::assert_snapshot!("version", error_with("MQTT_VERSION", "4"));
    insta::assert_snapshot!("lang", error_with("HEXABOARD_LANG", "fr"));
}

#[test]
fn a_broker_with_scheme_or_port_is_explained() {
    let broker = |value: &str| load(&[("MQTT_BROKER", value)]).unwrap_err().to_string();
    insta::assert_snapshot!("broker_with_scheme", broker("ssl://abc.hivemq.cloud:8883"));
    insta::assert_snapshot!("broker_with_port", broker("abc.hivemq.cloud:8883"));
    insta::assert_snapshot!("broker_with_space", broker("abc hivemq"));
}

#[test]
fn an_invalid_topic_filter_names_the_filter_and_the_rule() {
    insta::assert_snapshot!(
        "topic_plus_inside_level",
        error_with(
            "TOPIC_SENSOR",
            "hexaboard/A/sensor/data, hexaboard/+x/sensor/data"
        )
    );
    insta::assert_snapshot!(
        "topic_hash_not_last",
        error_with("TOPIC_STATUS", "hexaboard/#/status")
    );
    insta::assert_snapshot!("topic_empty_item", error_with("TOPIC_SENSOR", "a/b,,c/d"));
}

#[test]
fn a_password_without_a_user_names_both_variables() {
    let err = error_with("MQTT_PASSWORD", "hunter2");
    assert!(!err.contains("hunter2"));
    insta::assert_snapshot!("password_without_user", err);
}

#[test]
fn half_a_client_certificate_names_the_missing_half() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("client.pem");
    std::fs::write(&cert, "").unwrap();
    let err = error_with("MQTT_CERT_FILE", cert.to_str().unwrap());
    insta::assert_snapshot!("cert_without_key", err);
}

#[test]
fn a_missing_ca_file_is_named() {
    insta::assert_snapshot!(
        "ca_file_missing",
        error_with("MQTT_CA_FILE", "no/such/ca.pem")
    );
}

#[test]
fn a_client_id_with_wildcards_is_refused() {
    insta::assert_snapshot!(
        "client_id_wildcard",
        error_with("MQTT_CLIENT_ID", "board/#1")
    );
}

#[test]
fn control_characters_in_a_value_are_escaped_to_keep_one_line() {
    let err = error_with("MQTT_PORT", "88\n83");
    assert!(!err.contains('\n'), "{err}");
    assert_eq!(
        err,
        "MQTT_PORT is `88\\n83`: expected a port number 1-65535"
    );
}

#[test]
fn terminal_escapes_in_a_value_are_spelled_as_everywhere_else() {
    // The one escaper of the project (`sanitize_for_terminal`) writes ESC as `\x1b`.
    let err = error_with("MQTT_QOS", "1\u{1b}[2J");
    assert_eq!(err, "MQTT_QOS is `1\\x1b[2J`: expected 0, 1 or 2");
    let err = error_with("TOPIC_STATUS", "a/#/\u{1b}]0;x\u{7}");
    assert!(
        err.starts_with("TOPIC_STATUS is `a/#/\\x1b]0;x\\x07`"),
        "{err}"
    );
}

#[test]
fn an_unparsable_dotenv_names_the_file_and_the_line_but_not_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(
        &path,
        "# broker\nMQTT_BROKER=b\n\nMQTT_USER=hexaboard\nMQTT_PASSWORD=\"hunter2\nMQTT_PORT=8883\n",
    )
    .unwrap();
    let err = Settings::from_sources(|_| None, Some(&path)).unwrap_err();
    let SettingsError::DotEnvSyntax { path: at, line } = &err else {
        panic!("expected a syntax error, got {err:?}");
    };
    assert_eq!(at, &path);
    assert_eq!(*line, 5);
    let message = err.to_string();
    assert!(!message.contains("hunter2"), "{message}");
    let shown = message.replace(&path.display().to_string(), ".env");
    insta::assert_snapshot!("dotenv_syntax", shown);
}

#[test]
fn a_bad_line_in_the_middle_of_dotenv_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(
        &path,
        "MQTT_BROKER=b\r\nMQTT_PORT=1883\r\nnot a setting\r\nCSV_FILE=x.csv\r\n",
    )
    .unwrap();
    let err = Settings::from_sources(|_| None, Some(&path)).unwrap_err();
    assert!(
        matches!(&err, SettingsError::DotEnvSyntax { line: 3, .. }),
        "{err:?}"
    );
}

#[test]
fn a_dotenv_that_is_a_directory_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().to_owned();
    let err = Settings::from_sources(|_| None, Some(&path)).unwrap_err();
    assert!(matches!(err, SettingsError::DotEnvRead { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}
