//! `hexaboard record` as a user runs it: against a mosquitto started here, fed by
//! `hexaboard simulate`.

mod live_support;

use hexaboard_testkit::{free_port, Mosquitto};
use live_support::{broker_flags, csv_lines, hexaboard, mask_times, simulate, Running};

fn record(dir: &std::path::Path, port: u16, extra: &[&str]) -> Running {
    let mut args = broker_flags(port);
    args.push("record".into());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut running = Running::start(hexaboard(dir, &args));
    running.wait_for("the subscriptions", |_, err| {
        err.contains("hexaboard/+/sensor/data") && err.contains("hexaboard/+/status")
    });
    running
}

#[test]
fn record_stores_every_reading_simulate_publishes_and_prints_the_chapters_lines() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = record(dir.path(), broker.port(), &[]);

    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "3", "--interval", "0.05"],
    );
    recorder.wait_for("both boards going offline", |out, _| {
        out.contains("보드 A 상태: offline") && out.contains("보드 B 상태: offline")
    });
    recorder.terminate();
    assert!(recorder.wait().success(), "{}", recorder.stderr());

    let csv = csv_lines(&dir.path().join("sensor_data.csv"));
    assert_eq!(csv[0], "Timestamp,Board,Temperature,Humidity,Light");
    assert_eq!(csv.len(), 1 + 6, "one row per published reading: {csv:?}");
    assert_eq!(csv.iter().filter(|l| l.starts_with("Timestamp")).count(), 1);
    assert!(
        csv[1..].iter().all(|row| row.ends_with(',')),
        "the Light cell stays empty: {csv:?}"
    );
    insta::assert_snapshot!("record_ko_stdout", mask_times(&recorder.stdout()));
}

#[test]
fn record_quiet_with_a_count_stops_by_itself_and_prints_the_totals_in_english() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(
        [
            "--topic-status",
            "hexaboard/+/unused",
            "record",
            "--quiet",
            "--count",
            "6",
        ]
        .map(str::to_owned),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir.path(), &args);
    command.env("HEXABOARD_LANG", "en");
    let mut recorder = Running::start(command);
    recorder.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/unused")
    });

    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "3", "--interval", "0.05"],
    );
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert_eq!(csv_lines(&dir.path().join("sensor_data.csv")).len(), 1 + 6);
    insta::assert_snapshot!("record_en_quiet_stdout", mask_times(&recorder.stdout()));
}

#[test]
fn record_refuses_a_csv_with_another_header_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let original = "time,temp\n1,2\n";
    std::fs::write(&csv, original).unwrap();
    let port = free_port().unwrap().to_string();
    let output = hexaboard(
        dir.path(),
        &[
            "--broker",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "off",
            "record",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("has header `time,temp`") && stderr.contains("CSV_FILE"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), original);
}

#[test]
fn record_without_a_broker_setting_names_the_env_example() {
    let dir = tempfile::tempdir().unwrap();
    let output = hexaboard(dir.path(), &["record"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("MQTT_BROKER") && stderr.contains(".env.example"),
        "{stderr}"
    );
    assert!(!dir.path().join("sensor_data.csv").exists());
}

#[test]
fn sigterm_during_a_stream_exits_0_with_every_received_reading_in_the_csv() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = record(dir.path(), broker.port(), &[]);

    let publisher = {
        let dir = dir.path().to_owned();
        let port = broker.port();
        std::thread::spawn(move || {
            simulate(
                &dir,
                port,
                &["--boards", "A,B", "--count", "2000", "--interval", "0"],
            )
        })
    };
    recorder.wait_for("some readings", |out, _| {
        out.matches("저장 완료").count() >= 50
    });
    recorder.terminate();
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    publisher.join().unwrap();

    let out = recorder.stdout();
    let printed = out.matches("저장 완료").count();
    let stored: usize = out
        .lines()
        .find_map(|line| line.strip_prefix("📊 합계: "))
        .and_then(|totals| totals.split(", ").find_map(|t| t.strip_prefix("저장 ")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no totals in:\n{out}"));
    let rows = csv_lines(&dir.path().join("sensor_data.csv")).len() - 1;
    assert_eq!(rows, stored, "every stored reading is a row");
    assert!(rows >= printed, "{rows} rows, {printed} printed");
    assert!(rows < 4000, "stopped during the stream");
}

#[test]
fn at_qos_0_rows_wait_in_memory_up_to_gather_ms_and_sigterm_writes_them() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A gather time far longer than the test: the rows can only reach the file at the stop.
    let mut recorder = record(
        dir.path(),
        broker.port(),
        &["--qos", "0", "--gather-ms", "600000"],
    );
    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "3", "--interval", "0.05"],
    );
    recorder.wait_for("six readings", |out, _| {
        out.matches("저장 완료").count() == 6
    });
    let csv = dir.path().join("sensor_data.csv");
    // The first row came after a quiet time and was written at once; the others wait.
    assert_eq!(
        csv_lines(&csv).len(),
        1 + 1,
        "QoS 0 rows are still gathered"
    );
    recorder.terminate();
    assert!(recorder.wait().success(), "{}", recorder.stderr());
    assert_eq!(csv_lines(&csv).len(), 1 + 6, "written at the stop");
}

#[test]
fn at_qos_0_with_gather_ms_0_each_row_is_in_the_file_when_it_is_printed() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut recorder = record(
        dir.path(),
        broker.port(),
        &["--qos", "0", "--gather-ms", "0"],
    );
    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "20", "--interval", "0.02"],
    );
    // record prints a reading's line after storing it: whenever a line is out, its row is
    // in the file (with rows gathered, the readings of A and B, sent together, would show
    // before B's row is written).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let printed = recorder.stdout().matches("저장 완료").count();
        let rows = csv_lines(&csv).len() - 1;
        assert!(
            rows >= printed,
            "{printed} readings printed, {rows} rows in the file"
        );
        if printed == 40 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(csv_lines(&csv).len(), 1 + 40);
    recorder.terminate();
    assert!(recorder.wait().success(), "{}", recorder.stderr());
}
