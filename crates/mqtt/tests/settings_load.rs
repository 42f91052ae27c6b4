//! Loading settings from an environment lookup and a `.env` file, without touching the
//! process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hexaboard_mqtt::settings::{
    validate_filter, Defaults, Lang, MqttVersion, Qos, Settings, SettingsError, Source,
};

/// An environment lookup over a fixed list of variables.
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

/// Writes a `.env` file with `text` into a new temporary directory.
fn dotenv(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn load(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::from_sources(env(vars), None)
}

#[test]
fn only_the_broker_is_needed_and_everything_else_has_its_default() {
    let s = load(&[("MQTT_BROKER", "abc123.s1.eu.hivemq.cloud")]).unwrap();
    assert_eq!(s.broker(), "abc123.s1.eu.hivemq.cloud");
    assert_eq!(s.port(), 8883);
    assert!(s.tls_enabled());
    assert_eq!(s.user(), None);
    assert!(s.password().is_none());
    assert_eq!(s.sensor_topics(), ["hexaboard/+/sensor/data"]);
    assert_eq!(s.status_topic(), "hexaboard/+/status");
    assert_eq!(s.ca_file(), None);
    assert_eq!(s.client_cert(), None);
    assert!(!s.tls_insecure());
    assert_eq!(s.qos(), Qos::AtMostOnce);
    assert_eq!(s.mqtt_version(), MqttVersion::V311);
    assert_eq!(s.csv_file(), Path::new("sensor_data.csv"));
    assert_eq!(s.lang(), Lang::Ko);
    assert_eq!(s.server_uri(), "ssl://abc123.s1.eu.hivemq.cloud:8883");
    assert_eq!(s.source("MQTT_BROKER"), Some(&Source::Environment));
    assert_eq!(s.source("MQTT_PORT"), Some(&Source::Default));
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn the_generated_client_id_is_short_and_plain_enough_for_every_broker() {
    let s = load(&[("MQTT_BROKER", "localhost")]).unwrap();
    let id = s.client_id();
    assert!(id.starts_with("hexaboard-"), "{id}");
    assert!(id.len() <= 23, "{id}");
    assert!(
        id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{id}"
    );
    assert_eq!(s.source("MQTT_CLIENT_ID"), Some(&Source::Default));
    let other = load(&[("MQTT_BROKER", "localhost")]).unwrap();
    assert_ne!(id, other.client_id());
}

#[test]
fn tls_is_on_for_8883_off_for_1883_and_on_for_any_other_port() {
    let tls_for = |port: &str| {
        load(&[("MQTT_BROKER", "example.com"), ("MQTT_PORT", port)])
            .unwrap()
            .tls_enabled()
    };
    assert!(tls_for("8883"));
    assert!(!tls_for("1883"));
    assert!(tls_for("443"));
    assert!(tls_for("18883"));
}

#[test]
fn mqtt_tls_overrides_the_port_and_accepts_the_usual_spellings() {
    for (value, on) in [
        ("on", true),
        ("OFF", false),
        ("True", true),
        ("false", false),
        ("1", true),
        ("0", false),
        ("yes", true),
        ("No", false),
    ] {
        let s = load(&[("MQTT_BROKER", "example.com"), ("MQTT_TLS", value)]).unwrap();
        assert_eq!(s.tls_enabled(), on, "MQTT_TLS={value}");
        assert_eq!(s.source("MQTT_TLS"), Some(&Source::Environment));
    }
    let s = load(&[
        ("MQTT_BROKER", "example.com"),
        ("MQTT_PORT", "1883"),
        ("MQTT_TLS", "on"),
    ])
    .unwrap();
    assert_eq!(s.server_uri(), "ssl://example.com:1883");
}

#[test]
fn a_real_environment_variable_beats_the_same_name_in_dotenv() {
    let (_dir, path) = dotenv(
        "MQTT_BROKER=from-dotenv.example\nMQTT_PORT=1883\nMQTT_USER=hexaboard\nMQTT_PASSWORD=pw\n",
    );
    let s =
        Settings::from_sources(env(&[("MQTT_BROKER", "from-env.example")]), Some(&path)).unwrap();
    assert_eq!(s.broker(), "from-env.example");
    assert_eq!(s.source("MQTT_BROKER"), Some(&Source::Environment));
    assert_eq!(s.port(), 1883);
    assert_eq!(s.source("MQTT_PORT"), Some(&Source::DotEnv(path)));
    assert_eq!(s.user(), Some("hexaboard"));
    assert_eq!(s.password().map(|p| p.expose()), Some("pw"));
}

#[test]
fn loading_dotenv_does_not_change_the_process_environment() {
    let (_dir, path) = dotenv("MQTT_BROKER=b\nHEXABOARD_SETTINGS_TEST_MARKER=1\n");
    Settings::from_sources(|_| None, Some(&path)).unwrap();
    assert!(std::env::var_os("HEXABOARD_SETTINGS_TEST_MARKER").is_none());
}

#[test]
fn a_missing_dotenv_file_is_simply_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let s = Settings::from_sources(env(&[("MQTT_BROKER", "b")]), Some(&path)).unwrap();
    assert_eq!(s.broker(), "b");
}

#[test]
fn an_empty_value_counts_as_not_set() {
    let (_dir, path) = dotenv("MQTT_BROKER=b\nMQTT_USER=\nMQTT_PASSWORD=\nMQTT_PORT=\n");
    let s = Settings::from_sources(env(&[("MQTT_PORT", "  ")]), Some(&path)).unwrap();
    assert_eq!(s.user(), None);
    assert!(s.password().is_none());
    assert_eq!(s.port(), 8883);
    assert_eq!(s.source("MQTT_PORT"), Some(&Source::Default));
}

#[test]
fn describe_names_every_variable_with_its_source() {
    let (_dir, path) = dotenv("MQTT_BROKER=localhost\nMQTT_PORT=1883\n");
    let s = Settings::from_sources(env(&[("HEXABOARD_LANG", "en")]), Some(&path)).unwrap();
    let lines = s.describe();
    assert_eq!(lines.len(), hexaboard_mqtt::settings::VARIABLES.len());
    assert_eq!(
        lines[0].to_string(),
        format!("MQTT_BROKER = localhost (from {})", path.display())
    );
    assert_eq!(
        lines[1].to_string(),
        format!("MQTT_PORT = 1883 (from {})", path.display())
    );
    let lang = lines.iter().find(|l| l.name == "HEXABOARD_LANG").unwrap();
    assert_eq!(lang.to_string(), "HEXABOARD_LANG = en (from environment)");
    let tls = lines.iter().find(|l| l.name == "MQTT_TLS").unwrap();
    assert_eq!(tls.to_string(), "MQTT_TLS = off (from default)");
    let password = lines.iter().find(|l| l.name == "MQTT_PASSWORD").unwrap();
    assert_eq!(password.value, "(not set)");
}

#[test]
fn qos_defaults_to_what_the_program_chose_unless_mqtt_qos_is_set() {
    let recording =
        Settings::from_sources_with(env(&[("MQTT_BROKER", "b")]), None, Defaults::recording())
            .unwrap();
    assert_eq!(recording.qos(), Qos::AtLeastOnce);
    let chosen = Settings::from_sources_with(
        env(&[("MQTT_BROKER", "b"), ("MQTT_QOS", "2")]),
        None,
        Defaults::recording(),
    )
    .unwrap();
    assert_eq!(chosen.qos(), Qos::ExactlyOnce);
}

#[test]
fn comma_separated_sensor_topics_are_trimmed_and_kept_in_order() {
    let s = load(&[
        ("MQTT_BROKER", "b"),
        (
            "TOPIC_SENSOR",
            " hexaboard/A/sensor/data , hexaboard/B/sensor/data,lab/# ",
        ),
    ])
    .unwrap();
    assert_eq!(
        s.sensor_topics(),
        [
            "hexaboard/A/sensor/data",
            "hexaboard/B/sensor/data",
            "lab/#"
        ]
    );
}

#[test]
fn validate_filter_accepts_wildcards_that_fill_whole_levels() {
    for ok in [
        "#", "+", "a/+/b", "a/#", "+/+", "/", "a//b", "$SYS/#", "센서/+",
    ] {
        assert_eq!(validate_filter(ok), Ok(()), "{ok}");
    }
    for bad in ["", "a/b#", "a/#/b", "a+/b", "a/+b", "##", "a\0b"] {
        assert!(validate_filter(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn version_language_and_csv_file_are_read() {
    let s = load(&[
        ("MQTT_BROKER", "b"),
        ("MQTT_VERSION", "5"),
        ("HEXABOARD_LANG", "EN"),
        ("CSV_FILE", "/data/readings.csv"),
        ("MQTT_CLIENT_ID", "receiver-1"),
    ])
    .unwrap();
    assert_eq!(s.mqtt_version(), MqttVersion::V5);
    assert_eq!(s.lang(), Lang::En);
    assert_eq!(s.csv_file(), Path::new("/data/readings.csv"));
    assert_eq!(s.client_id(), "receiver-1");
}

#[test]
fn tls_files_are_taken_when_they_exist() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let cert = dir.path().join("client.pem");
    let key = dir.path().join("client.key");
    for f in [&ca, &cert, &key] {
        std::fs::write(f, "-----BEGIN CERTIFICATE-----\n").unwrap();
    }
    let s = Settings::builder("b")
        .ca_file(&ca)
        .client_cert(&cert, &key)
        .build()
        .unwrap();
    assert_eq!(s.ca_file(), Some(ca.as_path()));
    assert_eq!(s.client_cert(), Some((cert.as_path(), key.as_path())));
}

#[test]
fn the_builder_makes_settings_without_the_environment() {
    let s = Settings::builder("::1")
        .port(1883)
        .credentials("hexaboard", "secret")
        .sensor_topics(["hexaboard/A/sensor/data", "hexaboard/B/sensor/data"])
        .tls(false)
        .qos(Qos::AtLeastOnce)
        .client_id("hexaboard-test")
        .lang(Lang::En)
        .build()
        .unwrap();
    assert_eq!(s.server_uri(), "tcp://[::1]:1883");
    assert!(s.is_loopback_host());
    assert_eq!(s.user(), Some("hexaboard"));
    assert_eq!(s.password().unwrap().expose(), "secret");
    assert_eq!(s.sensor_topics().len(), 2);
    assert_eq!(s.qos(), Qos::AtLeastOnce);
    assert_eq!(s.source("MQTT_BROKER"), Some(&Source::Builder));
    assert_eq!(s.source("MQTT_CSV"), None);
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn loopback_hosts_are_localhost_127_slash_8_and_ipv6_one() {
    let loopback = |host: &str| Settings::builder(host).build().unwrap().is_loopback_host();
    assert!(loopback("localhost"));
    assert!(loopback("LOCALHOST"));
    assert!(loopback("127.0.0.1"));
    assert!(loopback("127.1.2.3"));
    assert!(loopback("::1"));
    assert!(loopback("[::1]"));
    assert!(!loopback("192.168.0.10"));
    assert!(!loopback("broker.hivemq.com"));
    assert!(!loopback("localhost.example.com"));
}

#[test]
fn an_ipv6_broker_is_bracketed_in_the_server_uri() {
    let s = Settings::builder("[2001:db8::1]").build().unwrap();
    assert_eq!(s.broker(), "2001:db8::1");
    assert_eq!(s.server_uri(), "ssl://[2001:db8::1]:8883");
}

#[test]
fn one_variable_is_read_like_the_whole_settings_without_needing_the_others() {
    let (_dir, path) =
        dotenv("\u{feff}CSV_FILE=\" from_dotenv.csv \"\nHEXABOARD_LANG=\nMQTT_PORT=bad\n");
    let one = |vars: &[(&str, &str)], name| {
        Settings::variable(env(vars), Some(&path), name).expect("a readable .env")
    };
    // No broker anywhere, a bad port: neither matters for reading one other variable.
    assert_eq!(one(&[], "CSV_FILE").as_deref(), Some("from_dotenv.csv"));
    assert_eq!(
        one(&[("CSV_FILE", "from_env.csv ")], "CSV_FILE").as_deref(),
        Some("from_env.csv")
    );
    // Empty counts as unset, in the environment and in the file.
    assert_eq!(
        one(&[("CSV_FILE", " ")], "CSV_FILE").as_deref(),
        Some("from_dotenv.csv")
    );
    assert_eq!(one(&[], "HEXABOARD_LANG"), None);
    // The value is the one the full load takes (which, here, stops at the bad port).
    let (_dir2, good) = dotenv("CSV_FILE=\" lab.csv \"\n");
    let full = Settings::from_sources(env(&[("MQTT_BROKER", "b")]), Some(&good)).unwrap();
    let single = Settings::variable(env(&[]), Some(&good), "CSV_FILE").unwrap();
    assert_eq!(single.as_deref().map(Path::new), Some(full.csv_file()));
    assert!(Settings::from_sources(env(&[("MQTT_BROKER", "b")]), Some(&path)).is_err());
    // A missing .env is no error; a broken one is the same error as for the full load.
    let missing = path.with_file_name("absent.env");
    assert_eq!(
        Settings::variable(env(&[]), Some(&missing), "CSV_FILE").unwrap(),
        None
    );
    let (_dir3, broken) = dotenv("CSV_FILE=lab.csv\nthis is not valid\n");
    let error = Settings::variable(env(&[]), Some(&broken), "CSV_FILE").unwrap_err();
    assert!(
        matches!(error, SettingsError::DotEnvSyntax { line: 2, .. }),
        "{error:?}"
    );
}
