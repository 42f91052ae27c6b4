//! Secrets and certificates: TLS checks are on unless asked off (and then a warning at every
//! start), the password never shows in any output or file of any subcommand, right or wrong
//! settings, and a `.env` holding a password that every user can read gets a warning.

mod faults_support;
mod live_support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use hexaboard_testkit::{free_port, Mosquitto, TestCerts};
use live_support::{hexaboard, Running};

const PASSWORD: &str = "S3cr3t-pa55";
const USER: &str = "hexa";

/// `hexaboard` in `dir` with the TLS flags for `port` and `ca` (none: the system's CAs).
fn tls_record(dir: &Path, port: u16, ca: Option<&Path>) -> Command {
    let port = port.to_string();
    let mut args = vec!["--broker", "localhost", "--port", &port, "--tls", "on"];
    let ca = ca.map(|p| p.display().to_string());
    if let Some(ca) = &ca {
        args.extend(["--ca-file", ca]);
    }
    args.extend(["record", "--quiet"]);
    let mut command = hexaboard(dir, &args);
    command.env("HEXABOARD_LANG", "en");
    command
}

#[test]
fn record_over_tls_works_with_the_right_ca_and_refuses_an_unknown_one_unless_insecure_is_asked() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder().tls(&certs).start().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let mut trusted = Running::start(tls_record(
        dir.path(),
        broker.tls_port(),
        Some(&certs.ca_cert()),
    ));
    trusted.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    faults_support::signal(trusted.pid(), "TERM");
    assert!(trusted.wait().success(), "{}", trusted.stderr());
    assert!(!trusted.stderr().contains("MQTT_TLS_INSECURE=1:"));

    let refused = tls_record(dir.path(), broker.tls_port(), None)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is not signed by a trusted CA") && stderr.contains("MQTT_CA_FILE"),
        "{stderr}"
    );

    let wrong = tls_record(dir.path(), broker.tls_port(), Some(&certs.wrong_ca_cert()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not signed by a trusted CA"), "{stderr}");

    let mut insecure = tls_record(dir.path(), broker.tls_port(), None);
    insecure.env("MQTT_TLS_INSECURE", "1");
    let mut insecure = Running::start(insecure);
    insecure.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    faults_support::signal(insecure.pid(), "TERM");
    assert!(insecure.wait().success(), "{}", insecure.stderr());
    assert_eq!(
        insecure
            .stderr()
            .matches("MQTT_TLS_INSECURE=1: server certificate checks are OFF")
            .count(),
        1,
        "{}",
        insecure.stderr()
    );
}

/// Every subcommand, each in its own directory with a CSV to read and a reading to publish.
const SUBCOMMANDS: &[&[&str]] = &[
    &["record"],
    &["record", "--quiet", "--status-every", "1"],
    &["watch", "--plain", "--refresh", "0.3"],
    &["summary"],
    &["plot"],
    &["check", "--wait", "1"],
    &["send", "A", "led-on"],
    &[
        "simulate",
        "--boards",
        "A",
        "--count",
        "2",
        "--interval",
        "0.1",
    ],
    &["react", "--from", "A", "--to", "B"],
    &["demo", "--duration", "2", "--interval", "0.2"],
];

const CSV: &str = "Timestamp,Board,Temperature,Humidity,Light\r\n\
    2025-11-25 10:00:00,A,25,60,\r\n2025-11-25 10:00:05,A,26,61,\r\n";

/// Runs every subcommand with `settings` (flags before the subcommand) and the password in
/// `MQTT_PASSWORD`, each for at most 4 s (then SIGTERM), all at once; asserts the password is
/// in none of their outputs nor any file they left.
fn password_shows_nowhere(settings: &[String], password_as_flag: bool) {
    let runs: Vec<_> = SUBCOMMANDS
        .iter()
        .map(|sub| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("sensor_data.csv"), CSV).unwrap();
            let mut args: Vec<String> = settings.to_vec();
            if password_as_flag {
                args.extend(["--password".to_owned(), PASSWORD.to_owned()]);
            }
            args.extend(sub.iter().map(|s| (*s).to_owned()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut command = hexaboard(dir.path(), &args);
            command.env("MQTT_USER", USER).env("HEXABOARD_LANG", "en");
            if !password_as_flag {
                command.env("MQTT_PASSWORD", PASSWORD);
            }
            (sub, dir, Running::start(command), Instant::now())
        })
        .collect();
    for (sub, dir, mut running, started) in runs {
        while running.try_status().is_none() && started.elapsed() < Duration::from_secs(4) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if running.try_status().is_none() {
            faults_support::signal(running.pid(), "TERM");
        }
        let status = running.wait();
        let (out, err) = (running.stdout(), running.stderr());
        assert!(
            !out.contains(PASSWORD) && !err.contains(PASSWORD),
            "{sub:?} ({status}) printed the password:\n{out}\n{err}"
        );
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(PASSWORD),
                "{sub:?} wrote the password into {}",
                path.display()
            );
        }
    }
}

fn plain(port: u16) -> Vec<String> {
    [
        "--broker",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--tls",
        "off",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn no_subcommand_prints_or_stores_the_password_when_it_is_right() {
    let broker = Mosquitto::builder()
        .password(USER, PASSWORD)
        .start()
        .unwrap();
    password_shows_nowhere(&plain(broker.auth_port()), false);
}

#[test]
fn no_subcommand_prints_the_password_when_the_broker_rejects_the_login() {
    let broker = Mosquitto::builder()
        .password("someone-else", "other")
        .start()
        .unwrap();
    password_shows_nowhere(&plain(broker.auth_port()), false);
    password_shows_nowhere(&plain(broker.auth_port()), true);
}

#[test]
fn no_subcommand_prints_the_password_when_nothing_listens_on_the_port() {
    password_shows_nowhere(&plain(free_port().unwrap()), false);
}

#[test]
fn no_subcommand_prints_the_password_when_the_ca_is_wrong() {
    let certs = TestCerts::generate().unwrap();
    let broker = Mosquitto::builder()
        .tls(&certs)
        .password(USER, PASSWORD)
        .start()
        .unwrap();
    let settings = [
        "--broker",
        "localhost",
        "--port",
        &broker.tls_port().to_string(),
        "--tls",
        "on",
        "--ca-file",
        &certs.wrong_ca_cert().display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    password_shows_nowhere(&settings, false);
}

fn env_file(dir: &Path, port: u16, mode: u32) {
    let path = dir.join(".env");
    std::fs::write(
        &path,
        format!(
            "MQTT_BROKER=127.0.0.1\nMQTT_PORT={port}\nMQTT_TLS=off\nMQTT_USER={USER}\n\
             MQTT_PASSWORD=\"{PASSWORD}\"\nHEXABOARD_LANG=en\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn record_warns_about_a_env_file_every_user_can_read_and_not_about_a_private_one() {
    let broker = Mosquitto::builder()
        .password(USER, PASSWORD)
        .start()
        .unwrap();
    for (mode, warned) in [(0o644, true), (0o600, false)] {
        let dir = tempfile::tempdir().unwrap();
        env_file(dir.path(), broker.auth_port(), mode);
        let mut record = Running::start(hexaboard(dir.path(), &["record", "--quiet"]));
        record.wait_for("the subscription", |_, err| {
            err.contains("hexaboard/+/sensor/data")
        });
        faults_support::signal(record.pid(), "TERM");
        assert!(record.wait().success(), "{}", record.stderr());
        let err = record.stderr();
        assert_eq!(
            err.contains("is readable by every user: chmod 600"),
            warned,
            "mode {mode:o}:\n{err}"
        );
        assert!(!err.contains(PASSWORD) && !record.stdout().contains(PASSWORD));
    }
}
