//! `hexaboard record --store` / `STORE`: the CSV it names, a clear refusal of a value of no
//! known form, and a database that cannot be reached named without its password.

mod live_support;

use std::path::Path;
use std::process::Output;

use hexaboard_testkit::{free_port, Mosquitto};
use live_support::{broker_flags, csv_lines, hexaboard, simulate, Running};

const PASSWORD: &str = "hunter2-store-secret";

/// `hexaboard [broker flags] record --quiet` in English, with `env` set, run to its end.
fn record_once(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let port = free_port().unwrap();
    let mut args = broker_flags(port);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.extend(["record", "--quiet"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir, &args);
    command
        .env("HEXABOARD_LANG", "en")
        .envs(env.iter().copied());
    command.output().unwrap()
}

#[test]
fn record_writes_the_csv_that_store_names() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(["--store", "lab.csv", "record", "--count", "4"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let mut recorder = Running::start(command);
    recorder.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "2", "--interval", "0.05"],
    );
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert_eq!(csv_lines(&dir.path().join("lab.csv")).len(), 1 + 4);
    assert!(!dir.path().join("sensor_data.csv").exists());
    let stdout = recorder.stdout();
    assert!(stdout.contains("CSV file created: lab.csv"), "{stdout}");
    assert!(stdout.contains("Data saved in: lab.csv"), "{stdout}");
}

#[test]
fn a_store_of_no_known_form_is_a_settings_error_naming_store() {
    let dir = tempfile::tempdir().unwrap();
    let output = record_once(dir.path(), &[("STORE", "readings.txt")], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("STORE is `readings.txt`") && stderr.contains("sqlite:PATH"),
        "{stderr}"
    );
    assert!(!dir.path().join("sensor_data.csv").exists());
}

#[test]
fn an_unreachable_postgresql_store_is_one_line_without_its_password_and_no_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this port: the database cannot be reached at start, which is said
    // at once (only a database lost while recording is waited for).
    let port = free_port().unwrap();
    let url = format!("postgres://maker:{PASSWORD}@127.0.0.1:{port}/hexaboard");
    let output = record_once(dir.path(), &[("STORE", &url)], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("postgres://maker@127.0.0.1:{port}/hexaboard")),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD) && !stdout.contains(PASSWORD));
    assert!(!dir.path().join("sensor_data.csv").exists());
}
