//! Loading settings from an environment lookup and a `.env` file, without touching the
//! process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hexaboard_mqtt::core::topic::TopicFilter;
use hexaboard_mqtt::settings::{
    AppSettings, ConnectionSettings, Defaults, Lang, MqttVersion, Qos, Settings, SettingsError,
    Source, Sources, StoreLocation,
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

/// The connection settings of `vars`.
fn connection(vars: &[(&str, &str)]) -> Result<ConnectionSettings, SettingsError> {
    load(vars).map(|s| s.connection)
}

/// A topic filter the test knows to be valid.
fn filter(text: &str) -> TopicFilter {
    TopicFilter::new(text).unwrap()
}

/// Filters as text, to compare with a list of strings.
fn filters(filters: &[TopicFilter]) -> Vec<&str> {
    filters.iter().map(TopicFilter::as_str).collect()
}

#[test]
fn only_the_broker_is_needed_and_everything_else_has_its_default() {
    let Settings {
        connection: s, app, ..
    } = load(&[("MQTT_BROKER", "abc123.s1.eu.hivemq.cloud")]).unwrap();
    assert_eq!(s.broker(), "abc123.s1.eu.hivemq.cloud");
    assert_eq!(s.port(), 8883);
    assert!(s.tls_enabled());
    assert_eq!(s.user(), None);
    assert!(s.password().is_none());
    assert_eq!(filters(s.sensor_filters()), ["hexaboard/+/sensor/data"]);
    assert_eq!(s.status_filter().as_str(), "hexaboard/+/status");
    assert_eq!(s.ca_file(), None);
    assert_eq!(s.client_cert(), None);
    assert!(!s.tls_insecure());
    assert_eq!(s.qos(), Qos::AtMostOnce);
    assert_eq!(s.mqtt_version(), MqttVersion::V311);
    assert_eq!(app.csv_file(), Path::new("sensor_data.csv"));
    assert_eq!(app.lang(), Lang::Ko);
    assert_eq!(s.server_uri(), "ssl://abc123.s1.eu.hivemq.cloud:8883");
    assert_eq!(s.source("MQTT_BROKER"), Some(&Source::Environment));
    assert_eq!(s.source("MQTT_PORT"), Some(&Source::Default));
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn the_generated_client_id_is_short_and_plain_enough_for_every_broker() {
    let s = connection(&[("MQTT_BROKER", "localhost")]).unwrap();
    let id = s.client_id();
    assert!(id.starts_with("hexaboard-"), "{id}");
    assert!(id.len() <= 23, "{id}");
    assert!(
        id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{id}"
    );
    assert_eq!(s.source("MQTT_CLIENT_ID"), Some(&Source::Default));
    assert!(s.client_id_is_random());
    let other = connection(&[("MQTT_BROKER", "localhost")]).unwrap();
    assert_ne!(id, other.client_id());
}

#[test]
fn tls_is_on_for_8883_off_for_1883_and_on_for_any_other_port() {
    let tls_for = |port: &str| {
        connection(&[("MQTT_BROKER", "example.com"), ("MQTT_PORT", port)])
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
        let s = connection(&[("MQTT_BROKER", "example.com"), ("MQTT_TLS", value)]).unwrap();
        assert_eq!(s.tls_enabled(), on, "MQTT_TLS={value}");
        assert_eq!(s.source("MQTT_TLS"), Some(&Source::Environment));
    }
    let s = connection(&[
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
    let s = Settings::from_sources(env(&[("MQTT_BROKER", "from-env.example")]), Some(&path))
        .unwrap()
        .connection;
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
    assert_eq!(s.connection.broker(), "b");
}

#[test]
fn an_empty_value_counts_as_not_set() {
    let (_dir, path) = dotenv("MQTT_BROKER=b\nMQTT_USER=\nMQTT_PASSWORD=\nMQTT_PORT=\n");
    let s = Settings::from_sources(env(&[("MQTT_PORT", "  ")]), Some(&path))
        .unwrap()
        .connection;
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
    let names: Vec<&str> = lines.iter().map(|l| l.name).collect();
    // The advisor's variables are described by its own settings.
    let table: Vec<&str> = hexaboard_mqtt::settings::VARIABLES
        .iter()
        .map(|v| v.name())
        .filter(|name| !name.starts_with("OPENAI_"))
        .collect();
    assert_eq!(names, table);
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
    let recording = Settings::from_sources_with(
        env(&[("MQTT_BROKER", "b")]),
        None,
        &Defaults::recording(Path::new("sensor_data.csv")),
    )
    .unwrap();
    assert_eq!(recording.connection.qos(), Qos::AtLeastOnce);
    let chosen = Settings::from_sources_with(
        env(&[("MQTT_BROKER", "b"), ("MQTT_QOS", "2")]),
        None,
        &Defaults::recording(Path::new("sensor_data.csv")),
    )
    .unwrap();
    assert_eq!(chosen.connection.qos(), Qos::ExactlyOnce);
}

#[test]
fn comma_separated_sensor_topics_are_trimmed_and_kept_in_order() {
    let s = connection(&[
        ("MQTT_BROKER", "b"),
        (
            "TOPIC_SENSOR",
            " hexaboard/A/sensor/data , hexaboard/B/sensor/data,lab/# ",
        ),
    ])
    .unwrap();
    assert_eq!(
        filters(s.sensor_filters()),
        [
            "hexaboard/A/sensor/data",
            "hexaboard/B/sensor/data",
            "lab/#"
        ]
    );
}

#[test]
fn topic_filters_are_taken_when_wildcards_fill_whole_levels() {
    for ok in [
        "#", "+", "a/+/b", "a/#", "+/+", "/", "a//b", "$SYS/#", "센서/+",
    ] {
        let s = connection(&[("MQTT_BROKER", "b"), ("TOPIC_STATUS", ok)]);
        assert_eq!(s.unwrap().status_filter().as_str(), ok, "{ok}");
    }
    // An empty filter can only be an empty item of a list: an empty value is unset.
    for (var, bad) in [
        ("TOPIC_SENSOR", "a,"),
        ("TOPIC_STATUS", "a/b#"),
        ("TOPIC_STATUS", "a/#/b"),
        ("TOPIC_STATUS", "a+/b"),
        ("TOPIC_STATUS", "a/+b"),
        ("TOPIC_STATUS", "##"),
        ("TOPIC_STATUS", "a\0b"),
    ] {
        let err = connection(&[("MQTT_BROKER", "b"), (var, bad)]).unwrap_err();
        assert!(
            matches!(err, SettingsError::InvalidTopicFilter { var: v, .. } if v == var),
            "{bad:?}: {err:?}"
        );
        // The rule broken is kept as the source, not flattened into text.
        let source = std::error::Error::source(&err).expect("the filter's error");
        assert!(
            source.is::<hexaboard_mqtt::core::topic::TopicError>(),
            "{bad:?}"
        );
    }
}

#[test]
fn version_language_and_csv_file_are_read() {
    let Settings {
        connection: s, app, ..
    } = load(&[
        ("MQTT_BROKER", "b"),
        ("MQTT_VERSION", "5"),
        ("HEXABOARD_LANG", "EN"),
        ("CSV_FILE", "/data/readings.csv"),
        ("MQTT_CLIENT_ID", "receiver-1"),
    ])
    .unwrap();
    assert_eq!(s.mqtt_version(), MqttVersion::V5);
    assert_eq!(app.lang(), Lang::En);
    assert_eq!(app.csv_file(), Path::new("/data/readings.csv"));
    assert_eq!(s.client_id(), "receiver-1");
    assert!(!s.client_id_is_random());
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
    let s = ConnectionSettings::builder("b")
        .ca_file(&ca)
        .client_cert(&cert, &key)
        .build()
        .unwrap();
    assert_eq!(s.ca_file(), Some(ca.as_path()));
    assert_eq!(s.client_cert(), Some((cert.as_path(), key.as_path())));
}

#[test]
fn the_builder_makes_settings_without_the_environment() {
    let s = ConnectionSettings::builder("::1")
        .port(1883)
        .credentials("hexaboard", "secret")
        .sensor_filters(["hexaboard/A/sensor/data", "hexaboard/B/sensor/data"].map(filter))
        .tls(false)
        .qos(Qos::AtLeastOnce)
        .client_id("hexaboard-test")
        .build()
        .unwrap();
    assert_eq!(s.server_uri(), "tcp://[::1]:1883");
    assert!(s.is_loopback_host());
    assert_eq!(s.user(), Some("hexaboard"));
    assert_eq!(s.password().unwrap().expose(), "secret");
    assert_eq!(s.sensor_filters().len(), 2);
    assert_eq!(s.qos(), Qos::AtLeastOnce);
    assert_eq!(s.source("MQTT_BROKER"), Some(&Source::Builder));
    assert_eq!(s.source("MQTT_CSV"), None);
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn loopback_hosts_are_localhost_127_slash_8_and_ipv6_one() {
    let loopback = |host: &str| {
        ConnectionSettings::builder(host)
            .build()
            .unwrap()
            .is_loopback_host()
    };
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
    let s = ConnectionSettings::builder("[2001:db8::1]")
        .build()
        .unwrap();
    assert_eq!(s.broker(), "2001:db8::1");
    assert_eq!(s.server_uri(), "ssl://[2001:db8::1]:8883");
}

#[test]
fn application_settings_are_read_without_needing_the_connection_ones() {
    let (_dir, path) =
        dotenv("\u{feff}CSV_FILE=\" from_dotenv.csv \"\nHEXABOARD_LANG=\nMQTT_PORT=bad\n");
    let app = |vars: &[(&str, &str)]| {
        Sources::new(env(vars), Some(&path))
            .expect("a readable .env")
            .app()
            .expect("valid application settings")
    };
    // No broker anywhere, a bad port: neither matters for the application's settings.
    assert_eq!(app(&[]).csv_file(), Path::new("from_dotenv.csv"));
    assert_eq!(
        app(&[("CSV_FILE", "from_env.csv ")]).csv_file(),
        Path::new("from_env.csv")
    );
    // Empty counts as unset, in the environment and in the file.
    assert_eq!(
        app(&[("CSV_FILE", " ")]).csv_file(),
        Path::new("from_dotenv.csv")
    );
    assert_eq!(app(&[]).source("HEXABOARD_LANG"), Some(&Source::Default));
    // The value is the one the full load takes; the connection, here, stops at the bad port.
    let (_dir2, good) = dotenv("CSV_FILE=\" lab.csv \"\n");
    let full = Settings::from_sources(env(&[("MQTT_BROKER", "b")]), Some(&good)).unwrap();
    let single = Sources::new(env(&[]), Some(&good)).unwrap().app().unwrap();
    assert_eq!(single.csv_file(), full.app.csv_file());
    let sources = Sources::new(env(&[("MQTT_BROKER", "b")]), Some(&path)).unwrap();
    assert!(sources.connection(&Defaults::examples()).is_err());
    assert!(Settings::from_sources(env(&[("MQTT_BROKER", "b")]), Some(&path)).is_err());
    // Without a broker only the connection is refused.
    let sources = Sources::new(env(&[]), None).unwrap();
    assert!(matches!(
        sources.connection(&Defaults::examples()),
        Err(SettingsError::Missing { var: "MQTT_BROKER" })
    ));
    assert!(sources.app().is_ok());
    // A missing .env is no error; a broken one is the same error as for the full load.
    let missing = path.with_file_name("absent.env");
    let defaults = Sources::new(env(&[]), Some(&missing))
        .unwrap()
        .app()
        .unwrap();
    assert_eq!(defaults.csv_file(), Path::new("sensor_data.csv"));
    let (_dir3, broken) = dotenv("CSV_FILE=lab.csv\nthis is not valid\n");
    let error = Sources::new(env(&[]), Some(&broken)).unwrap_err();
    assert!(
        matches!(error, SettingsError::DotEnvSyntax { line: 2, .. }),
        "{error:?}"
    );
}

#[test]
fn flags_win_over_the_environment_and_dotenv_and_describe_says_so() {
    let (_dir, path) = dotenv("MQTT_BROKER=from-dotenv\nMQTT_PORT=1884\nMQTT_USER=u\n");
    let sources = Sources::new(env(&[("MQTT_PORT", "1885")]), Some(&path))
        .unwrap()
        .with_flags([
            ("MQTT_PORT", "1883"),
            ("MQTT_USER", " "),
            ("NOT_A_VARIABLE", "x"),
        ]);
    let s = sources.settings(&Defaults::examples()).unwrap();
    assert_eq!(s.connection.port(), 1883);
    assert_eq!(s.connection.source("MQTT_PORT"), Some(&Source::Flag));
    // A blank flag is not set: the next source gives the value.
    assert_eq!(s.connection.user(), Some("u"));
    assert_eq!(s.connection.broker(), "from-dotenv");
    let port = s.describe().into_iter().find(|d| d.name == "MQTT_PORT");
    assert_eq!(port.unwrap().to_string(), "MQTT_PORT = 1883 (from flag)");
}

#[cfg(unix)]
#[test]
fn paths_from_the_environment_need_not_be_utf8() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    let csv = OsString::from_vec(b"/data/lab-\xff.csv".to_vec());
    let lookup = |name: &str| (name == "CSV_FILE").then(|| csv.clone());
    let app = Sources::new(lookup, None).unwrap().app().unwrap();
    assert_eq!(app.csv_file().as_os_str(), csv);
    // Text that must be UTF-8 says so, naming the variable.
    let port = OsString::from_vec(b"18\xff83".to_vec());
    let lookup = |name: &str| match name {
        "MQTT_BROKER" => Some(OsString::from("b")),
        "MQTT_PORT" => Some(port.clone()),
        _ => None,
    };
    let sources = Sources::new(lookup, None).unwrap();
    let err = sources.connection(&Defaults::examples()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MQTT_PORT is `18\u{fffd}83`: expected UTF-8 text"
    );
}

#[test]
fn a_recording_gets_a_client_id_stable_for_this_machine_and_csv_file() {
    let recording = |vars: &[(&str, &str)], csv: &str| {
        Sources::new(env(vars), None)
            .unwrap()
            .connection(&Defaults::recording(Path::new(csv)))
            .unwrap()
    };
    let s = recording(&[("MQTT_BROKER", "b")], "lab.csv");
    let id = s.client_id();
    assert!(id.starts_with("hexaboard-rec-"), "{id}");
    assert_eq!(id.len(), 22, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    assert_eq!(s.source("MQTT_CLIENT_ID"), Some(&Source::Default));
    assert!(!s.client_id_is_random());
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    assert_eq!(
        recording(&[("MQTT_BROKER", "b")], "lab.csv").client_id(),
        id
    );
    assert_ne!(
        recording(&[("MQTT_BROKER", "b")], "other.csv").client_id(),
        id
    );
    let chosen = recording(
        &[("MQTT_BROKER", "b"), ("MQTT_CLIENT_ID", "rec-1")],
        "lab.csv",
    );
    assert_eq!(chosen.client_id(), "rec-1");
    assert_eq!(chosen.source("MQTT_CLIENT_ID"), Some(&Source::Environment));
}

#[test]
fn the_builder_gives_the_errors_the_environment_gives() {
    let from_env = |name, value| {
        connection(&[("MQTT_BROKER", "b"), (name, value)])
            .unwrap_err()
            .to_string()
    };
    let built = |builder: hexaboard_mqtt::settings::ConnectionBuilder| {
        builder.build().unwrap_err().to_string()
    };
    let b = || ConnectionSettings::builder("b");
    assert_eq!(built(b().port(0)), from_env("MQTT_PORT", "0"));
    assert_eq!(
        built(b().client_id("board/#1")),
        from_env("MQTT_CLIENT_ID", "board/#1")
    );
    assert_eq!(
        built(b().ca_file("no/such/ca.pem")),
        from_env("MQTT_CA_FILE", "no/such/ca.pem")
    );
    assert_eq!(
        built(b().sensor_filters([])),
        "TOPIC_SENSOR is ``: expected at least one topic filter"
    );
    assert_eq!(
        built(ConnectionSettings::builder("ssl://abc.hivemq.cloud:8883")),
        connection(&[("MQTT_BROKER", "ssl://abc.hivemq.cloud:8883")])
            .unwrap_err()
            .to_string()
    );
    assert!(matches!(
        b().credentials("", "pw").build(),
        Err(SettingsError::PasswordWithoutUser)
    ));
}

#[test]
fn the_app_builder_makes_application_settings_without_the_environment() {
    let app = AppSettings::builder()
        .csv_file("/data/lab.csv")
        .lang(Lang::En)
        .build()
        .unwrap();
    assert_eq!(app.csv_file(), Path::new("/data/lab.csv"));
    assert_eq!(app.lang(), Lang::En);
    assert_eq!(app.source("CSV_FILE"), Some(&Source::Builder));
    let defaults = AppSettings::builder().build().unwrap();
    assert_eq!(defaults.csv_file(), Path::new("sensor_data.csv"));
    assert_eq!(defaults.source("HEXABOARD_LANG"), Some(&Source::Default));
}

#[test]
fn the_store_is_csv_file_unless_store_names_one() {
    let app = load(&[("MQTT_BROKER", "b"), ("CSV_FILE", "lab.csv")])
        .unwrap()
        .app;
    assert_eq!(app.store(), &StoreLocation::Csv("lab.csv".into()));
    let store = app.describe().iter().find(|d| d.name == "STORE").unwrap();
    assert_eq!(
        store.to_string(),
        "STORE = (not set: CSV_FILE) (from default)"
    );

    let app = load(&[
        ("MQTT_BROKER", "b"),
        ("STORE", " sqlite:/data/lab "),
        ("CSV_FILE", "lab.csv"),
    ])
    .unwrap()
    .app;
    assert_eq!(app.store(), &StoreLocation::Sqlite("/data/lab".into()));
    assert_eq!(app.csv_file(), Path::new("lab.csv"));
    assert_eq!(app.source("STORE"), Some(&Source::Environment));

    let app = AppSettings::builder()
        .store(StoreLocation::Sqlite("r.db".into()))
        .build()
        .unwrap();
    assert_eq!(app.store().path(), Some(Path::new("r.db")));
}

#[test]
fn a_group_shares_every_subscription_and_routes_by_the_plain_filters() {
    let s = connection(&[
        ("MQTT_BROKER", "b"),
        ("MQTT_GROUP", "recorders"),
        ("TOPIC_SENSOR", "hexaboard/+/sensor/data,lab/#"),
    ])
    .unwrap();
    assert_eq!(s.group(), Some("recorders"));
    assert_eq!(
        filters(&s.subscriptions()),
        [
            "$share/recorders/hexaboard/+/sensor/data",
            "$share/recorders/lab/#",
            "$share/recorders/hexaboard/+/status",
        ]
    );
    // Messages arrive on their own topics: the pipeline matches the plain filters.
    let routing = s.pipeline_config();
    assert_eq!(
        filters(&routing.sensor_filters),
        ["hexaboard/+/sensor/data", "lab/#"]
    );
    let alone = connection(&[("MQTT_BROKER", "b")]).unwrap();
    assert_eq!(alone.group(), None);
    assert_eq!(
        filters(&alone.subscriptions()),
        ["hexaboard/+/sensor/data", "hexaboard/+/status"]
    );
}
