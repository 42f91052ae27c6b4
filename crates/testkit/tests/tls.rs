//! TLS listeners with the test kit's certificates, checked with mosquitto_pub.

mod common;

use std::process::Command;

use common::publish;
use hexaboard_testkit::{Mosquitto, TestCerts};

fn tls_publish(port: u16, cafile: &std::path::Path, extra: &[&str]) -> common::Run {
    let port = port.to_string();
    let cafile = cafile.to_str().unwrap();
    let base = [
        "--cafile",
        cafile,
        "-h",
        "localhost",
        "-p",
        &port,
        "-t",
        "hexa/tls",
        "-m",
        "x",
    ];
    publish(&[&base[..], extra].concat())
}

#[test]
fn certificates_are_written() {
    let certs = TestCerts::generate().unwrap();
    for path in [
        certs.ca_cert(),
        certs.ca_key(),
        certs.server_cert(),
        certs.server_key(),
        certs.expired_cert(),
        certs.expired_key(),
        certs.client_cert(),
        certs.client_key(),
        certs.wrong_ca_cert(),
        certs.wrong_ca_key(),
    ] {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("-----BEGIN "), "{}", path.display());
        assert!(path.starts_with(certs.dir()));
    }
}

#[test]
fn tls_listener_accepts_the_ca_and_rejects_a_wrong_one() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    assert_eq!(
        broker.tls_url(),
        format!("ssl://localhost:{}", broker.tls_port())
    );

    let good = tls_publish(broker.tls_port(), &certs.ca_cert(), &[]);
    assert!(good.status.success(), "{good:?}\n{}", broker.log().unwrap());

    let wrong = tls_publish(broker.tls_port(), &certs.wrong_ca_cert(), &[]);
    assert!(!wrong.status.success(), "wrong CA accepted: {wrong:?}");
    assert!(wrong.stderr.contains("TLS error"), "{wrong:?}");
}

#[test]
fn expired_server_certificate_is_rejected() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls_files(certs.ca_cert(), certs.expired_cert(), certs.expired_key())
        .start()
        .unwrap();
    let run = tls_publish(broker.tls_port(), &certs.ca_cert(), &[]);
    assert!(
        !run.status.success(),
        "expired certificate accepted: {run:?}"
    );
    assert!(run.stderr.contains("TLS error"), "{run:?}");
}

#[test]
fn mutual_tls_wants_the_client_certificate() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls(&certs)
        .require_certificate(true)
        .start()
        .unwrap();
    let without = tls_publish(broker.tls_port(), &certs.ca_cert(), &[]);
    assert!(
        !without.status.success(),
        "no client certificate accepted: {without:?}"
    );

    let cert = certs.client_cert();
    let key = certs.client_key();
    let with = tls_publish(
        broker.tls_port(),
        &certs.ca_cert(),
        &[
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    assert!(with.status.success(), "{with:?}\n{}", broker.log().unwrap());
}

#[test]
fn certificates_outlive_their_test_certs_inside_the_broker() {
    let certs = TestCerts::generate().unwrap();
    let ca = std::fs::read(certs.ca_cert()).unwrap();
    let mut broker = Mosquitto::builder().tls(&certs).start().unwrap();
    drop(certs);
    broker.restart().unwrap();
    let ca_copy = broker.dir().join("ca.pem");
    assert_eq!(std::fs::read(&ca_copy).unwrap(), ca);
    let run = tls_publish(broker.tls_port(), &ca_copy, &[]);
    assert!(run.status.success(), "{run:?}");
}

/// `openssl verify` of `cert` against `cafile` for `purpose`: (success, output).
fn openssl_verify(
    cafile: &std::path::Path,
    purpose: &str,
    cert: &std::path::Path,
) -> (bool, String) {
    let out = Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(cafile)
        .arg("-purpose")
        .arg(purpose)
        .arg(cert)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn certificates_verify_as_intended_with_openssl() {
    let certs = TestCerts::generate().unwrap();
    let ca = certs.ca_cert();

    let (ok, text) = openssl_verify(&ca, "sslserver", &certs.server_cert());
    assert!(ok, "{text}");
    let (ok, text) = openssl_verify(&ca, "sslclient", &certs.client_cert());
    assert!(ok, "{text}");
    let (ok, text) = openssl_verify(&certs.wrong_ca_cert(), "sslserver", &certs.server_cert());
    assert!(!ok, "{text}");
    let (ok, text) = openssl_verify(&ca, "sslserver", &certs.expired_cert());
    assert!(!ok && text.contains("expired"), "{text}");

    let out = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(certs.server_cert())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "DNS:localhost",
        "IP Address:127.0.0.1",
        "CA:FALSE",
        "TLS Web Server Authentication",
        "CN = localhost",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
}
