//! The mosquitto broker of the test kit, checked with mosquitto_pub and mosquitto_sub.

mod common;

use std::time::Duration;

use common::{process_exists, publish, round_trip};
use hexaboard_testkit::{wait_for_port, Mosquitto};

#[test]
fn plain_listener_carries_one_message() {
    let broker = Mosquitto::start().unwrap();
    let port = broker.port().to_string();
    assert_eq!(broker.url(), format!("tcp://127.0.0.1:{port}"));
    let run = round_trip(
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "hexa/test",
            "-C",
            "1",
            "-W",
            "8",
        ],
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "hexa/test",
            "-m",
            "hello hexaboard",
            "-q",
            "1",
        ],
    );
    assert!(run.status.success(), "{run:?}\n{}", broker.log().unwrap());
    assert_eq!(run.stdout.trim(), "hello hexaboard");
}

#[test]
fn password_listener_refuses_wrong_password_and_accepts_right_one() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .start()
        .unwrap();
    let port = broker.auth_port().to_string();
    assert_ne!(broker.auth_port(), broker.port());
    let base = ["-h", "127.0.0.1", "-p", &port, "-t", "hexa/auth", "-m", "x"];

    let wrong = publish(&[&base[..], &["-u", "hexa", "-P", "wrong"]].concat());
    assert!(
        !wrong.status.success(),
        "wrong password accepted: {wrong:?}"
    );

    assert!(wrong.stderr.contains("not authorised"), "{wrong:?}");

    let anonymous = publish(&base);
    assert!(
        !anonymous.status.success(),
        "anonymous accepted: {anonymous:?}"
    );

    let right = publish(&[&base[..], &["-u", "hexa", "-P", "secret"]].concat());
    assert!(right.status.success(), "right password refused: {right:?}");

    // The plain listener stays anonymous.
    let plain_port = broker.port().to_string();
    let plain = publish(&["-h", "127.0.0.1", "-p", &plain_port, "-t", "t", "-m", "x"]);
    assert!(plain.status.success(), "{plain:?}");
}

#[test]
fn restart_keeps_ports_and_persisted_messages() {
    let mut broker = Mosquitto::builder().persistence(true).start().unwrap();
    let port = broker.port();
    let first_pid = broker.pid().unwrap();
    let p = port.to_string();
    let retained = publish(&[
        "-h",
        "127.0.0.1",
        "-p",
        &p,
        "-t",
        "hexa/kept",
        "-m",
        "still here",
        "-r",
        "-q",
        "1",
    ]);
    assert!(retained.status.success(), "{retained:?}");

    broker.restart().unwrap();
    assert_eq!(broker.port(), port);
    assert!(broker.is_running());
    let second_pid = broker.pid().unwrap();
    assert_ne!(second_pid, first_pid);
    assert!(!process_exists(first_pid));

    let run = common::finish(
        common::subscribe(&[
            "-h",
            "127.0.0.1",
            "-p",
            &p,
            "-t",
            "hexa/kept",
            "-C",
            "1",
            "-W",
            "5",
        ]),
        Duration::from_secs(8),
    );
    assert!(run.status.success(), "{run:?}\n{}", broker.log().unwrap());
    assert_eq!(run.stdout.trim(), "still here");
}

#[test]
fn kill_stop_and_restart_change_the_process_state() {
    let mut broker = Mosquitto::start().unwrap();
    let pid = broker.pid().unwrap();
    broker.kill().unwrap();
    assert!(!broker.is_running());
    assert_eq!(broker.pid(), None);
    assert!(!process_exists(pid));

    broker.restart().unwrap();
    assert!(broker.is_running());
    wait_for_port(broker.port(), Duration::from_secs(1)).unwrap();

    let pid = broker.pid().unwrap();
    broker.stop().unwrap();
    assert!(!broker.is_running());
    assert!(!process_exists(pid));
    // Stopping twice is fine.
    broker.stop().unwrap();
}

#[test]
fn drop_leaves_no_process() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .persistence(true)
        .log_all(true)
        .start()
        .unwrap();
    let pid = broker.pid().unwrap();
    let dir = broker.dir().to_owned();
    assert!(process_exists(pid));
    drop(broker);
    assert!(
        !process_exists(pid),
        "mosquitto {pid} outlived its Mosquitto"
    );
    assert!(!dir.exists(), "{} outlived its Mosquitto", dir.display());
}

#[test]
fn log_all_shows_pubacks() {
    let broker = Mosquitto::builder()
        .log_all(true)
        .max_queued_messages(10)
        .max_inflight_messages(2)
        .start()
        .unwrap();
    let port = broker.port().to_string();
    let run = publish(&[
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-i",
        "hexa-log",
        "-t",
        "hexa/log",
        "-m",
        "x",
        "-q",
        "1",
    ]);
    assert!(run.status.success(), "{run:?}");
    let log = broker.log().unwrap();
    assert!(log.contains("Sending PUBACK to hexa-log"), "{log}");
}

#[test]
fn config_is_written_as_documented() {
    let broker = Mosquitto::builder()
        .password("hexa", "secret")
        .max_queued_messages(7)
        .start()
        .unwrap();
    let config = std::fs::read_to_string(broker.dir().join("mosquitto.conf")).unwrap();
    for line in [
        "user root",
        "per_listener_settings true",
        "max_queued_messages 7",
        &format!("listener {} 127.0.0.1", broker.port()),
        &format!("listener {} 127.0.0.1", broker.auth_port()),
    ] {
        assert!(
            config.lines().any(|l| l == line),
            "{line:?} missing:\n{config}"
        );
    }
    // Comments take whole lines only.
    for l in config.lines() {
        assert!(
            l.starts_with('#') || !l.contains('#'),
            "inline comment: {l}"
        );
    }
}

#[test]
fn bad_config_fails_with_the_log() {
    let err = Mosquitto::builder()
        .config_line("no_such_option 1")
        .start()
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("no_such_option"), "{text}");
}
