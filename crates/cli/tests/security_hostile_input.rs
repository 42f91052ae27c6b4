//! Hostile publishers: board ids and payloads carrying terminal escape sequences reach no
//! terminal raw, a board id that is a spreadsheet formula lands in the CSV as text, and a
//! publisher inventing a board id per message is warned about once while every reading is
//! still stored.

mod faults_support;
mod live_support;

use std::time::Duration;

use hexaboard_mqtt::session::Session;
use hexaboard_mqtt::settings::{ConnectionSettings, Qos};
use hexaboard_testkit::Mosquitto;
use live_support::{broker_flags, hexaboard, Running};

const ESC: u8 = 0x1b;

fn publisher(port: u16) -> Session {
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .client_id("hostile-pub")
        .build()
        .unwrap();
    Session::builder(&settings).connect().unwrap()
}

/// Board ids and payloads meant to clear the screen, recolour it, set the window title or
/// ring the bell.
fn publish_hostile(session: &Session) {
    let boards = [
        "\u{1b}[2J\u{1b}[31mEVIL",
        "bell\u{7}",
        "t\u{1b}]0;owned\u{7}",
        "c\u{9b}31m",
    ];
    for (i, board) in boards.iter().enumerate() {
        let payload = serde_json::json!({
            "board": board, "temperature": 20 + i, "humidity": 50, "timestamp": 817_349_415 + i
        });
        session
            .publish(
                "hexaboard/X/sensor/data",
                payload.to_string(),
                Qos::AtLeastOnce,
                false,
            )
            .unwrap();
        // A topic cannot carry them: mosquitto refuses a topic with control characters
        // (it closes the publisher's connection). Its board level is shown too, though.
        let topic = format!("hexaboard/{}/sensor/data", i);
        session
            .publish(&topic, "\u{1b}[31mnot json", Qos::AtLeastOnce, false)
            .unwrap();
    }
    let wrong_type = r#"{"board":"W\u001b[2J","temperature":"\u001b[2Jhot","humidity":50}"#;
    session
        .publish(
            "hexaboard/X/sensor/data",
            wrong_type,
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    session
        .publish(
            "hexaboard/X/sensor/data",
            b"\x1b[5m\xff\xfe".to_vec(),
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    session
        .publish(
            "hexaboard/Z/status",
            "\u{1b}[2Joffline",
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    session
        .publish("hexaboard/END/status", "offline", Qos::AtLeastOnce, false)
        .unwrap();
}

fn assert_no_escape(what: &str, text: &str) {
    assert!(
        !text.as_bytes().contains(&ESC) && !text.contains('\u{9b}') && !text.contains('\u{7}'),
        "{what} carries a raw control character:\n{text:?}"
    );
}

#[test]
fn record_and_watch_print_no_raw_escape_from_board_ids_topics_or_payloads() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.push("record".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut record = Running::start(hexaboard(dir.path(), &args));
    record.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/status")
    });

    let mut args = broker_flags(broker.port());
    args.extend(["watch", "--plain", "--refresh", "0.2"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut watch = Running::start(hexaboard(dir.path(), &args));
    watch.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/status")
    });

    publish_hostile(&publisher(broker.port()));
    record.wait_for("the last status", |out, _| out.contains("END"));
    watch.wait_for("the last board in the table", |out, _| out.contains("END"));
    std::thread::sleep(Duration::from_millis(500));
    for running in [&record, &watch] {
        faults_support::signal(running.pid(), "TERM");
    }
    assert!(record.wait().success(), "{}", record.stderr());
    assert!(watch.wait().success(), "{}", watch.stderr());

    assert_no_escape("record's stdout", &record.stdout());
    assert_no_escape("record's stderr", &record.stderr());
    assert_no_escape("watch's stdout", &watch.stdout());
    assert_no_escape("watch's stderr", &watch.stderr());
    assert!(
        record.stdout().contains("EVIL"),
        "the board is shown, made harmless"
    );
    assert!(
        watch.stdout().contains("EVIL"),
        "the board is shown, made harmless"
    );
    // Stored as sent: the CSV and the rejects file keep the bytes (a file, not a terminal).
    let csv = std::fs::read_to_string(dir.path().join("sensor_data.csv")).unwrap();
    assert!(csv.contains("\u{1b}[2J\u{1b}[31mEVIL"), "{csv:?}");
}

#[test]
fn a_board_id_that_is_a_formula_lands_in_the_csv_as_text_with_a_leading_quote() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut record = faults_support::record_quiet(dir.path(), broker.port(), &[], &[]);
    let session = publisher(broker.port());
    for (i, board) in ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "A"]
        .iter()
        .enumerate()
    {
        let payload = serde_json::json!({"board": board, "temperature": 20 + i, "humidity": 50});
        session
            .publish(
                "hexaboard/X/sensor/data",
                payload.to_string(),
                Qos::AtLeastOnce,
                false,
            )
            .unwrap();
    }
    assert!(faults_support::wait_until(
        Duration::from_secs(10),
        || faults_support::rows(&csv) == 5
    ));
    faults_support::signal(record.pid(), "TERM");
    assert!(record.wait().success(), "{}", record.stderr());
    let text = std::fs::read_to_string(&csv).unwrap();
    let boards: Vec<String> = text
        .lines()
        .skip(1)
        .map(|line| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            r.records().next().unwrap().unwrap()[1].to_owned()
        })
        .collect();
    assert_eq!(
        boards,
        ["'=cmd|' /C calc'!A0", "'+1+1", "'-2", "'@SUM(A1)", "A"]
    );
}

/// Publishes readings of `n` distinct boards at QoS 1 and returns once all are acknowledged.
fn invent_boards(session: &Session, n: usize) {
    for i in 0..n {
        let payload =
            serde_json::json!({"board": format!("b{i}"), "temperature": 21, "humidity": 50});
        session
            .publish_nowait(
                "hexaboard/X/sensor/data",
                payload.to_string(),
                Qos::AtLeastOnce,
                false,
            )
            .unwrap();
    }
    session.flush(Duration::from_secs(10)).unwrap();
}

#[test]
fn a_publisher_inventing_board_ids_is_warned_about_once_and_every_reading_is_still_stored() {
    // Room for the whole burst in the recorder's queue (mosquitto's default is 1000).
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut record = faults_support::record_quiet(dir.path(), broker.port(), &[], &[]);
    let mut args = broker_flags(broker.port());
    args.extend(["watch", "--plain", "--refresh", "0.5"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut watch = hexaboard(dir.path(), &args);
    watch.env("HEXABOARD_LANG", "en");
    let mut watch = Running::start(watch);
    watch.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/status")
    });

    let boards = 1024 + 500; // the cap is 1024 boards
    invent_boards(&publisher(broker.port()), boards);
    assert!(
        faults_support::wait_until(Duration::from_secs(15), || {
            faults_support::rows(&csv) == boards
        }),
        "{} rows of {boards}",
        faults_support::rows(&csv)
    );
    std::thread::sleep(Duration::from_millis(600));
    for running in [&record, &watch] {
        faults_support::signal(running.pid(), "TERM");
    }
    assert!(record.wait().success(), "{}", record.stderr());
    assert!(watch.wait().success(), "{}", watch.stderr());
    let warning = "More than 1024 boards: forgetting the statistics of board b0";
    assert_eq!(
        record.stderr().matches("More than 1024 boards").count(),
        1,
        "{}",
        record.stderr()
    );
    assert!(record.stderr().contains(warning), "{}", record.stderr());
    assert_eq!(
        watch.stderr().matches("More than 1024 boards").count(),
        1,
        "{}",
        watch.stderr()
    );
    let (_, stored, _, _) = faults_support::totals(&record.stdout());
    assert_eq!(stored as usize, boards);
    // The live table holds at most the cap: the last table printed has 1024 board rows.
    let out = watch.stdout();
    let last = out
        .rsplit("\n\n")
        .find(|t| t.contains("b1523"))
        .expect("a table with the last board");
    let rows = last
        .lines()
        .filter(|l| l.trim_start().starts_with('b'))
        .count();
    assert_eq!(rows, 1024, "{}", &last[..last.len().min(500)]);
}
