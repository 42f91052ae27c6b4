//! The password never shows, and risky settings are warned about.

use std::collections::HashMap;

use hexaboard_mqtt::settings::{AppSettings, ConnectionSettings, Secret, Settings, StoreLocation};

const PASSWORD: &str = "hunter2-very-secret";

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn a_secret_prints_as_stars_and_only_expose_gives_the_text() {
    let secret = Secret::new(PASSWORD);
    assert_eq!(format!("{secret}"), "********");
    assert_eq!(format!("{secret:?}"), "********");
    assert_eq!(secret.expose(), PASSWORD);
}

#[test]
fn the_password_is_absent_from_debug_display_and_describe() {
    let s = Settings::from_sources(
        env(&[
            ("MQTT_BROKER", "abc.hivemq.cloud"),
            ("MQTT_USER", "hexaboard"),
            ("MQTT_PASSWORD", PASSWORD),
        ]),
        None,
    )
    .unwrap();
    assert!(!format!("{s:?}").contains(PASSWORD));
    assert!(!format!("{s:#?}").contains(PASSWORD));
    assert!(!s.to_string().contains(PASSWORD));
    let described = s.describe();
    assert!(described.iter().all(|d| !d.value.contains(PASSWORD)));
    let password = described
        .iter()
        .find(|d| d.name == "MQTT_PASSWORD")
        .unwrap();
    assert_eq!(
        password.to_string(),
        "MQTT_PASSWORD = ******** (from environment)"
    );
    assert!(s
        .connection
        .warnings()
        .iter()
        .all(|w| !w.contains(PASSWORD)));
    assert_eq!(s.connection.password().unwrap().expose(), PASSWORD);
}

#[test]
fn the_password_is_absent_from_errors() {
    let failing = [
        vec![("MQTT_PASSWORD", PASSWORD)],
        vec![("MQTT_BROKER", "b"), ("MQTT_PASSWORD", PASSWORD)],
        vec![
            ("MQTT_BROKER", "b"),
            ("MQTT_USER", "u"),
            ("MQTT_PASSWORD", PASSWORD),
            ("MQTT_PORT", "x"),
        ],
    ];
    for vars in failing {
        let err = Settings::from_sources(env(&vars), None).unwrap_err();
        assert!(!err.to_string().contains(PASSWORD), "{err}");
        assert!(!format!("{err:?}").contains(PASSWORD), "{err:?}");
    }
}

#[test]
fn a_database_password_is_absent_from_debug_display_describe_and_errors() {
    let url = format!("postgres://maker:{PASSWORD}@db.local/hexaboard");
    let s = Settings::from_sources(env(&[("MQTT_BROKER", "b"), ("STORE", &url)]), None).unwrap();
    assert!(!format!("{s:?}").contains(PASSWORD));
    assert!(!format!("{s:#?}").contains(PASSWORD));
    assert!(!s.to_string().contains(PASSWORD));
    let store = s
        .describe()
        .into_iter()
        .find(|d| d.name == "STORE")
        .unwrap();
    assert_eq!(
        store.to_string(),
        "STORE = postgres://maker@db.local/hexaboard (from environment)"
    );
    let StoreLocation::Postgres(postgres) = s.app.store() else {
        panic!("a PostgreSQL store: {:?}", s.app.store());
    };
    assert_eq!(postgres.password().map(Secret::expose), Some(PASSWORD));
    assert_eq!(postgres.url(), "postgres://maker@db.local/hexaboard");

    // PGPASSWORD, when the URL has none: masked like every secret.
    let s = Settings::from_sources(
        env(&[
            ("MQTT_BROKER", "b"),
            ("STORE", "postgresql://maker@db.local/hexaboard"),
            ("PGPASSWORD", PASSWORD),
        ]),
        None,
    )
    .unwrap();
    assert!(!format!("{s:?}").contains(PASSWORD));
    assert!(!s.to_string().contains(PASSWORD));
    let StoreLocation::Postgres(postgres) = s.app.store() else {
        panic!("a PostgreSQL store");
    };
    assert_eq!(postgres.password().map(Secret::expose), Some(PASSWORD));

    // A URL of another kind is refused, without its password.
    let url = format!("mysql://maker:{PASSWORD}@db.local/hexaboard");
    let err =
        Settings::from_sources(env(&[("MQTT_BROKER", "b"), ("STORE", &url)]), None).unwrap_err();
    assert!(!err.to_string().contains(PASSWORD), "{err}");
    assert!(!format!("{err:?}").contains(PASSWORD), "{err:?}");
    assert!(err.to_string().contains("mysql://maker@db.local"), "{err}");

    let built = AppSettings::builder()
        .store(StoreLocation::parse(&format!("postgres://u:{PASSWORD}@h/d")).unwrap())
        .build()
        .unwrap();
    assert!(!format!("{built:?}").contains(PASSWORD));
}

#[test]
fn the_builder_keeps_the_password_out_of_debug() {
    let builder = ConnectionSettings::builder("b").credentials("u", PASSWORD);
    assert!(!format!("{builder:?}").contains(PASSWORD));
}

#[test]
fn insecure_tls_is_warned_about() {
    let s = ConnectionSettings::builder("b")
        .tls_insecure(true)
        .build()
        .unwrap();
    assert_eq!(
        s.warnings(),
        ["MQTT_TLS_INSECURE=1: server certificate checks are OFF; use only for development"]
    );
}

#[test]
fn a_password_over_plain_tcp_to_another_host_is_warned_about() {
    let remote = ConnectionSettings::builder("broker.example.com")
        .port(1883)
        .credentials("u", PASSWORD)
        .build()
        .unwrap();
    let warnings = remote.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("clear text to broker.example.com:1883"),
        "{warnings:?}"
    );
    assert!(!warnings[0].contains(PASSWORD));

    let local = ConnectionSettings::builder("127.0.0.1")
        .port(1883)
        .credentials("u", PASSWORD)
        .build()
        .unwrap();
    assert!(local.warnings().is_empty(), "{:?}", local.warnings());
}

#[cfg(unix)]
#[test]
fn a_world_readable_dotenv_holding_a_password_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let text = format!("MQTT_BROKER=abc.hivemq.cloud\nMQTT_USER=u\nMQTT_PASSWORD={PASSWORD}\n");
    std::fs::write(&path, text).unwrap();

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Settings::from_sources(|_| None, Some(&path)).unwrap();
    let p = path.display();
    assert_eq!(
        s.connection.warnings(),
        [format!("`{p}` is readable by every user: chmod 600 {p}")]
    );

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let s = Settings::from_sources(|_| None, Some(&path)).unwrap();
    assert!(
        s.connection.warnings().is_empty(),
        "{:?}",
        s.connection.warnings()
    );
}

#[cfg(unix)]
#[test]
fn a_world_readable_dotenv_without_a_password_is_fine() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, "MQTT_BROKER=b\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Settings::from_sources(
        env(&[("MQTT_USER", "u"), ("MQTT_PASSWORD", PASSWORD)]),
        Some(&path),
    )
    .unwrap();
    assert!(
        s.connection.warnings().is_empty(),
        "{:?}",
        s.connection.warnings()
    );
}

#[test]
fn a_misspelt_variable_in_dotenv_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, "MQTT_BROKER=b\nMQTT_HOST=b\nOTHER_TOOL=x\n").unwrap();
    let s = Settings::from_sources(|_| None, Some(&path)).unwrap();
    let warnings = s.connection.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].ends_with("sets MQTT_HOST, which hexaboard does not read: check the spelling")
    );
}
