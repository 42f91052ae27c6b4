//! A failed connect ends in one line naming the cause and the fix, and never hangs.

mod session_support;

use std::time::{Duration, Instant};

use hexaboard_mqtt::settings::{ConnectionSettings, MqttVersion, Qos};
use hexaboard_mqtt::{ConnectError, ConnectErrorKind, RetryPolicy, Session, SessionEvent};
use hexaboard_testkit::{free_port, Mosquitto, Silent, TestCerts};
use session_support::{quick, topic_filter, Events};

fn connect_err(settings: &ConnectionSettings) -> ConnectError {
    quick(Session::builder(settings))
        .subscribe(topic_filter("t/#"), Qos::AtLeastOnce)
        .connect()
        .expect_err("connect must fail")
}

fn wrong_password_names_the_variables(version: MqttVersion) {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .start()
        .unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(broker.auth_port())
        .tls(false)
        .credentials("hexa", "wrong")
        .mqtt_version(version)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = connect_err(&settings);
    let text = err.to_string();
    assert!(
        text.contains("username or password rejected")
            && text.contains("MQTT_USER / MQTT_PASSWORD"),
        "{text}"
    );
    assert!(!text.contains("(0)"), "{text}");
    assert_eq!(err.kind(), ConnectErrorKind::Fatal);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_wrong_password_over_mqtt_3_1_1_names_mqtt_user_and_mqtt_password() {
    wrong_password_names_the_variables(MqttVersion::V311);
}

#[test]
fn a_wrong_password_over_mqtt_5_names_mqtt_user_and_mqtt_password() {
    wrong_password_names_the_variables(MqttVersion::V5);
}

#[test]
fn a_fatal_error_is_not_retried_even_with_a_retry_policy() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .start()
        .unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(broker.auth_port())
        .tls(false)
        .credentials("hexa", "wrong")
        .build()
        .unwrap();
    let events = Events::default();
    let err = Session::builder(&settings)
        .retry(RetryPolicy::forever())
        .on_event(events.handler())
        .connect()
        .unwrap_err();
    assert!(err.is_fatal());
    assert!(!events
        .all()
        .iter()
        .any(|e| matches!(e, SessionEvent::RetryingConnect { .. })));
}

#[test]
fn the_right_password_connects() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .start()
        .unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(broker.auth_port())
        .tls(false)
        .credentials("hexa", "secret")
        .build()
        .unwrap();
    quick(Session::builder(&settings)).connect().unwrap().stop();
}

#[test]
fn a_silent_listener_gives_a_timeout_error_within_the_connect_timeout() {
    let silent = Silent::start().unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(silent.port())
        .tls(false)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = Session::builder(&settings)
        .connect_timeout(Duration::from_secs(2))
        .retry(RetryPolicy::none())
        .connect()
        .unwrap_err();
    let took = started.elapsed();
    let text = err.to_string();
    assert!(matches!(err, ConnectError::Timeout { .. }), "{text}");
    assert!(
        text.contains(&format!("127.0.0.1:{}", silent.port())),
        "{text}"
    );
    assert!(
        text.contains("within 2 s") && text.contains("TLS"),
        "{text}"
    );
    assert_eq!(err.kind(), ConnectErrorKind::Retryable);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_refused_connection_names_host_and_port() {
    let port = free_port().unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .build()
        .unwrap();
    let err = connect_err(&settings);
    assert_eq!(
        err.to_string(),
        format!(
            "nothing listens on 127.0.0.1:{port}: check MQTT_BROKER / MQTT_PORT and that the broker runs"
        )
    );
    assert_eq!(err.kind(), ConnectErrorKind::Retryable);
}

#[test]
fn a_retryable_error_is_retried_and_reported_each_time() {
    let port = free_port().unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .build()
        .unwrap();
    let events = Events::default();
    let err = Session::builder(&settings)
        .retry(
            RetryPolicy::attempts(3).backoff(Duration::from_millis(50), Duration::from_millis(100)),
        )
        .on_event(events.handler())
        .connect()
        .unwrap_err();
    assert!(matches!(err, ConnectError::ConnectionRefused { .. }));
    let retries: Vec<u32> = events
        .all()
        .iter()
        .filter_map(|e| match e {
            SessionEvent::RetryingConnect { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [1, 2]);
}

#[test]
fn a_retry_loop_ends_when_the_stop_signal_is_set() {
    let port = free_port().unwrap();
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .build()
        .unwrap();
    let stop = hexaboard_mqtt::StopSignal::new();
    let setter = stop.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        setter.set();
    });
    let started = Instant::now();
    let err = Session::builder(&settings)
        .stop_signal(&stop)
        .connect()
        .unwrap_err();
    assert!(matches!(err, ConnectError::Stopped), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn an_unknown_host_names_mqtt_broker() {
    let settings = ConnectionSettings::builder("no-such-host.invalid")
        .port(1883)
        .build()
        .unwrap();
    let err = connect_err(&settings);
    let text = err.to_string();
    assert!(
        text.starts_with("cannot resolve host `no-such-host.invalid`")
            && text.contains("MQTT_BROKER"),
        "{text}"
    );
}

#[test]
fn a_tls_client_on_the_plain_port_is_told_the_broker_does_not_speak_tls() {
    let broker = Mosquitto::start().unwrap();
    let settings = ConnectionSettings::builder("localhost")
        .port(broker.port())
        .tls(true)
        .build()
        .unwrap();
    let err = connect_err(&settings);
    assert_eq!(
        err.to_string(),
        format!(
            "the broker at localhost:{} does not speak TLS: set MQTT_TLS=off or use port 8883",
            broker.port()
        )
    );
    assert!(err.is_fatal());
}

#[test]
fn a_plain_client_on_the_tls_port_is_told_the_broker_expects_tls() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = ConnectionSettings::builder("localhost")
        .port(broker.tls_port())
        .tls(false)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = connect_err(&settings);
    assert_eq!(
        err.to_string(),
        format!(
            "the broker at localhost:{} expects TLS: set MQTT_TLS=on",
            broker.tls_port()
        )
    );
    assert!(started.elapsed() < Duration::from_secs(6));
}
