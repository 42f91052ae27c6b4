//! `hexaboard watch --plain` against a mosquitto started here, fed by `hexaboard simulate`.

mod live_support;

use live_support::{broker_flags, hexaboard, simulate, Running};

/// The last table printed: the lines after the last header.
fn last_table(out: &str, header: &str) -> String {
    let start = out.rfind(header).expect("a table was printed");
    out[start..]
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn watch_plain_shows_every_board_with_its_last_values_and_stores_nothing() {
    let broker = hexaboard_testkit::Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(["watch", "--plain", "--refresh", "0.2"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut watch = Running::start(hexaboard(dir.path(), &args));
    watch.wait_for("the subscriptions", |_, err| {
        err.contains("hexaboard/+/status")
    });

    simulate(
        dir.path(),
        broker.port(),
        &["--boards", "A,B", "--count", "3", "--interval", "0.05"],
    );
    watch.wait_for("both boards offline in the table", |out, _| {
        let table = out.rsplit("보드 ").next().unwrap_or_default();
        out.contains("보드 ") && table.matches("offline").count() == 2
    });
    watch.terminate();
    assert!(watch.wait().success(), "{}", watch.stderr());

    let table = last_table(&watch.stdout(), "보드  ");
    // Values are those of simulate's seed; only the time since the last reading varies.
    insta::with_settings!({filters => vec![(r"\d+초 전", "N초 전")]}, {
        insta::assert_snapshot!("watch_plain_ko", table);
    });
    assert!(!dir.path().join("sensor_data.csv").exists());
}
