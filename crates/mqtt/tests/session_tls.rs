//! TLS: the right CA works; a wrong CA, an expired certificate and a wrong name are explained;
//! insecure mode works and warns.

mod session_support;

use std::time::Duration;

use hexaboard_mqtt::settings::{ConnectionSettings, Qos};
use hexaboard_mqtt::{ConnectError, Session, SessionEvent};
use hexaboard_testkit::{Mosquitto, TestCerts};
use session_support::{collector, quick, take, topic_filter, Events};

fn tls_settings(host: &str, port: u16) -> hexaboard_mqtt::settings::ConnectionBuilder {
    ConnectionSettings::builder(host).port(port).tls(true)
}

#[test]
fn tls_with_the_test_ca_connects_and_receives() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.ca_cert())
        .build()
        .unwrap();
    let (handler, rx) = collector();
    let session = quick(Session::builder(&settings))
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(handler)
        .connect()
        .unwrap();
    session
        .publish("hexaboard/A1/sensor/data", "{}", Qos::AtLeastOnce, false)
        .unwrap();
    assert_eq!(take(&rx, 1, Duration::from_secs(5)).len(), 1);
}

#[test]
fn tls_to_the_ip_address_checks_the_ip_in_the_certificate() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = tls_settings("127.0.0.1", broker.tls_port())
        .ca_file(certs.ca_cert())
        .build()
        .unwrap();
    quick(Session::builder(&settings)).connect().unwrap().stop();
}

#[test]
fn a_wrong_ca_is_explained_and_names_mqtt_ca_file() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.wrong_ca_cert())
        .build()
        .unwrap();
    let err = quick(Session::builder(&settings)).connect().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ConnectError::UnknownCa { .. }), "{text}");
    assert!(
        text.contains("not signed by a trusted CA")
            && text.contains("set MQTT_CA_FILE to your broker's CA")
            && text.contains("MQTT_TLS_INSECURE=1 for development only"),
        "{text}"
    );
    assert!(err.is_fatal());
}

#[test]
fn without_a_ca_file_the_system_cas_do_not_trust_the_test_ca() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .build()
        .unwrap();
    let err = quick(Session::builder(&settings)).connect().unwrap_err();
    assert!(
        err.to_string().contains("trusting the system's CAs"),
        "{err}"
    );
}

#[test]
fn an_expired_server_certificate_is_reported_as_expired() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls_files(certs.ca_cert(), certs.expired_cert(), certs.expired_key())
        .start()
        .unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.ca_cert())
        .build()
        .unwrap();
    let err = quick(Session::builder(&settings)).connect().unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, ConnectError::CertificateExpired { .. }),
        "{text}"
    );
    assert!(
        text.contains("expired (notAfter ") && text.contains("GMT"),
        "{text}"
    );
}

/// A server certificate for `elsewhere.example` only, signed by the test CA.
fn cert_for_another_name(certs: &TestCerts) -> (std::path::PathBuf, std::path::PathBuf) {
    use openssl::{asn1::Asn1Time, bn::BigNum, ec, hash::MessageDigest, pkey::PKey, x509};
    let ca = x509::X509::from_pem(&std::fs::read(certs.ca_cert()).unwrap()).unwrap();
    let ca_key = PKey::private_key_from_pem(&std::fs::read(certs.ca_key()).unwrap()).unwrap();
    let group = ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(ec::EcKey::generate(&group).unwrap()).unwrap();
    let mut name = x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "elsewhere.example")
        .unwrap();
    let name = name.build();
    let mut b = x509::X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(ca.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    let san = x509::extension::SubjectAlternativeName::new()
        .dns("elsewhere.example")
        .build(&b.x509v3_context(Some(&ca), None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let (cert, key_file) = (
        certs.dir().join("elsewhere.pem"),
        certs.dir().join("elsewhere.key"),
    );
    std::fs::write(&cert, b.build().to_pem().unwrap()).unwrap();
    std::fs::write(&key_file, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    (cert, key_file)
}

#[test]
fn a_certificate_for_another_name_is_reported_with_its_names() {
    let certs = TestCerts::generate().unwrap();
    let (cert, key) = cert_for_another_name(&certs);
    let broker = Mosquitto::builder()
        .tls_files(certs.ca_cert(), cert, key)
        .start()
        .unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.ca_cert())
        .build()
        .unwrap();
    let err = quick(Session::builder(&settings)).connect().unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, ConnectError::HostnameMismatch { .. }),
        "{text}"
    );
    assert!(
        text.contains("is for `elsewhere.example`, not for `localhost`")
            && text.contains("MQTT_BROKER"),
        "{text}"
    );
}

#[test]
fn insecure_mode_connects_without_the_ca_and_warns_at_start() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .tls_insecure(true)
        .build()
        .unwrap();
    let events = Events::default();
    let session = quick(Session::builder(&settings))
        .on_event(events.handler())
        .connect()
        .unwrap();
    let first = events.all().into_iter().next();
    assert!(
        matches!(&first, Some(SessionEvent::Warning(w)) if w.contains("server certificate checks are OFF")),
        "{first:?}"
    );
    session.stop();
}

#[test]
fn mutual_tls_with_the_client_certificate_connects() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls(&certs)
        .require_certificate(true)
        .start()
        .unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.ca_cert())
        .client_cert(certs.client_cert(), certs.client_key())
        .build()
        .unwrap();
    quick(Session::builder(&settings)).connect().unwrap().stop();
}

#[test]
fn a_broker_that_wants_a_client_certificate_says_so() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls(&certs)
        .require_certificate(true)
        .start()
        .unwrap();
    let settings = tls_settings("localhost", broker.tls_port())
        .ca_file(certs.ca_cert())
        .build()
        .unwrap();
    let err = quick(Session::builder(&settings)).connect().unwrap_err();
    assert!(err.to_string().contains("MQTT_CERT_FILE"), "{err}");
}
