//! `hexaboard serve` with a real broker: the page's API shows what boards publish, sends LED
//! commands the broker delivers, stores with `--record`, and guards itself beyond loopback.

mod live_support;

use std::path::Path;
use std::time::{Duration, Instant};

use hexaboard_mqtt::settings::Qos;
use hexaboard_testkit::Mosquitto;
use live_support::{broker_flags, hexaboard, mqtt_client, Running, PATIENCE};
use serde_json::Value;

/// `hexaboard serve ARGS` on a free loopback port, English, waited for until it is
/// subscribed; returns it with the page's address.
fn serve(dir: &Path, broker: u16, args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut command = hexaboard(dir, &["serve"]);
    command
        .args(broker_flags(broker))
        .args(args)
        .env("HEXABOARD_LANG", "en")
        .env_remove("HEXABOARD_TOKEN");
    if !args.contains(&"--listen") {
        command.args(["--listen", "127.0.0.1:0"]);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let mut running = Running::start(command);
    running.wait_for("the page and the subscription", |out, err| {
        out.contains("Web page: http://") && err.contains("Subscribed")
    });
    let stdout = running.stdout();
    let url = stdout
        .lines()
        .find_map(|l| l.split("Web page: ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    (running, url)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into()
}

/// `GET url` with optional headers: the status and the body.
fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = agent().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

fn json(url: &str) -> Value {
    let (status, body) = get(url, &[]);
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// `POST url` with a JSON body and optional headers.
fn post(url: &str, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = agent().post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// Waits until `board`'s card in `/api/boards` satisfies `ready`; returns it.
fn card(url: &str, board: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let boards = json(&format!("{url}api/boards"));
        if let Some(card) = boards["boards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["board"] == board && ready(c))
        {
            return card.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no such card for {board}: {boards}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

const READING: &str = r#"{"board":"A","temperature":25.5,"humidity":40,"timestamp":1700000000}"#;

#[test]
fn a_published_reading_shows_on_its_card_and_an_led_command_reaches_the_board() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, url) = serve(dir.path(), broker.port(), &[], &[]);
    let (board, commands) = mqtt_client(broker.port(), Some("hexaboard/+/control/led"));

    board
        .publish("hexaboard/A/sensor/data", READING, Qos::AtLeastOnce, false)
        .unwrap();
    let a = card(&url, "A", |c| c["temperature_text"] == "25.5");
    assert_eq!(a["state"], "online");
    assert_eq!(a["alert"], true, "25.5 °C raises the alert");
    assert_eq!(a["comfort"]["temperature"], "comfortable");

    let on = r#"{"action":"led_on","color":[0,0,255],"brightness":60}"#;
    let (status, answer) = post(&format!("{url}api/boards/A/led"), on, &[]);
    assert_eq!(status, 200, "{answer}");
    let (topic, payload) = commands.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(topic, "hexaboard/A/control/led");
    assert_eq!(payload, on);
    // The page watches the control topics: a command from elsewhere shows on the card too.
    board
        .publish(
            "hexaboard/A/control/led",
            r#"{"action":"led_off"}"#,
            Qos::AtLeastOnce,
            false,
        )
        .unwrap();
    card(&url, "A", |c| c["led"]["action"] == "led_off");

    board
        .publish("hexaboard/A/status", "offline", Qos::AtLeastOnce, false)
        .unwrap();
    card(&url, "A", |c| c["state"] == "offline");

    let (status, answer) = post(
        &format!("{url}api/boards/A/led"),
        r#"{"action":"led_on"}"#,
        &[],
    );
    assert_eq!(status, 400);
    assert!(answer.contains("not an LED command"), "{answer}");

    let (_, metrics) = get(&format!("{url}metrics"), &[]);
    assert!(
        metrics.contains("hexaboard_messages_received_total{store=\"\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("hexaboard_mqtt_connected 1"), "{metrics}");
    board.stop();
    serve.terminate();
    assert!(serve.wait().success(), "{}", serve.stderr());
}

#[test]
fn with_record_each_reading_is_stored_and_charted_from_the_database() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, url) = serve(
        dir.path(),
        broker.port(),
        &["--record"],
        &[("STORE", "readings.db")],
    );
    let (board, _) = mqtt_client(broker.port(), None);
    for t in ["21", "22.5", "23"] {
        let payload = READING.replace("25.5", t);
        board
            .publish("hexaboard/A/sensor/data", payload, Qos::AtLeastOnce, false)
            .unwrap();
    }
    card(&url, "A", |c| c["readings"] == 3);
    let chart = json(&format!("{url}api/boards/A/readings?range=1h"));
    assert_eq!(chart["readings"], 3);
    assert_eq!(
        chart["temperature"]["v"],
        serde_json::json!([21.0, 22.5, 23.0])
    );
    let status = json(&format!("{url}api/status"));
    assert_eq!(status["recording"]["store"], "readings.db");
    let (_, metrics) = get(&format!("{url}metrics"), &[]);
    assert!(
        metrics.contains("hexaboard_readings_stored_total{store=\"readings.db\"} 3"),
        "{metrics}"
    );
    board.stop();
    serve.terminate();
    assert!(serve.wait().success(), "{}", serve.stderr());
    let db = rusqlite::Connection::open(dir.path().join("readings.db")).unwrap();
    let stored: i64 = db
        .query_row("SELECT count(*) FROM readings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 3);
    assert!(
        serve.stdout().contains("readings.db"),
        "the closing lines say where"
    );
}

#[test]
fn beyond_loopback_without_a_token_the_page_is_read_only_and_says_so() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = hexaboard_testkit::free_port().unwrap().to_string();
    let listen = format!("0.0.0.0:{port}");
    let (serve, _) = serve(dir.path(), broker.port(), &["--listen", &listen], &[]);
    assert!(serve.stderr().contains("read-only"), "{}", serve.stderr());
    let url = format!("http://127.0.0.1:{port}/");
    let on = r#"{"action":"led_off"}"#;
    let (status, answer) = post(&format!("{url}api/boards/A/led"), on, &[]);
    assert_eq!(status, 403, "{answer}");
    assert_eq!(
        get(&format!("{url}api/boards"), &[]).0,
        200,
        "reading still works"
    );
}

#[test]
fn with_a_token_the_page_needs_it_and_never_shows_it() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = hexaboard_testkit::free_port().unwrap().to_string();
    let listen = format!("0.0.0.0:{port}");
    let (serve, _) = serve(
        dir.path(),
        broker.port(),
        &["--listen", &listen],
        &[("HEXABOARD_TOKEN", "tok-123456")],
    );
    assert!(!serve.stderr().contains("read-only"), "{}", serve.stderr());
    let url = format!("http://127.0.0.1:{port}/");
    let (status, body) = get(&format!("{url}api/boards"), &[]);
    assert_eq!(status, 401);
    assert!(!body.contains("tok-123456"));
    let bearer = [("authorization", "Bearer tok-123456")];
    assert_eq!(get(&format!("{url}api/boards"), &bearer).0, 200);
    let (status, answer) = post(
        &format!("{url}api/boards/A/led"),
        r#"{"action":"led_off"}"#,
        &bearer,
    );
    assert_eq!(status, 200, "{answer}");
    let (_, page) = get(&url, &bearer);
    assert!(
        !page.contains("tok-123456"),
        "no credential reaches the page"
    );
    assert!(!serve.stdout().contains("tok-123456") && !serve.stderr().contains("tok-123456"));
}

#[test]
fn a_bad_or_taken_address_is_said_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let output = hexaboard(dir.path(), &["serve", "--listen", "localhost"])
        .args(broker_flags(1))
        .env("HEXABOARD_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--listen localhost: expected IP:PORT"),
        "{stderr}"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = hexaboard(dir.path(), &["serve", "--listen", &address])
        .args(broker_flags(1))
        .env("HEXABOARD_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "{stderr}"
    );
}

/// The chapter's CSV of board A over the `days` before now, one reading per 30 s, with one
/// spike of 39 °C; times in UTC (the processes run with `TZ=UTC`).
fn week_csv(path: &Path, days: i64) -> usize {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let mut csv = String::from("Timestamp,Board,Temperature,Humidity,Light\r\n");
    let count = (days * 86_400 / 30) as usize;
    for i in 0..count {
        let at = now - time::Duration::seconds(30 * (count - i) as i64);
        let t = if i == count / 3 { 39 } else { 20 + (i % 4) };
        csv.push_str(&format!("{},A,{t},50,\r\n", at.format(&format).unwrap()));
    }
    std::fs::write(path, csv).unwrap();
    count
}

#[test]
fn a_week_is_charted_from_the_readings_then_from_the_minute_rollups_alike() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let readings = week_csv(&dir.path().join("week.csv"), 8);
    let run = |args: &[&str]| {
        let output = hexaboard(dir.path(), args)
            .env("STORE", "readings.db")
            .env("TZ", "UTC")
            .env("HEXABOARD_LANG", "en")
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
    };
    run(&["import", "week.csv"]);
    let chart = || {
        let env = [("STORE", "readings.db"), ("TZ", "UTC")];
        let (mut serve, url) = serve(dir.path(), broker.port(), &[], &env);
        let chart = json(&format!("{url}api/boards/A/readings?range=7d&points=2000"));
        serve.terminate();
        assert!(serve.wait().success());
        chart
    };
    let raw = chart();
    let in_week = readings * 7 / 8;
    let counted = raw["readings"].as_u64().unwrap() as usize;
    assert!(counted.abs_diff(in_week) <= 2, "{counted} of {in_week}");
    // A retention pass makes the per-minute rollups, from which a week is then charted.
    run(&["retain"]);
    let rolled = chart();
    for chart in [&raw, &rolled] {
        let t = chart["temperature"]["t"].as_array().unwrap();
        let v = chart["temperature"]["v"].as_array().unwrap();
        assert!((1000..=2000).contains(&t.len()), "{}", t.len());
        assert!(v.iter().any(|v| v == 39.0), "the spike stays");
        assert!(t.windows(2).all(|w| w[0].as_f64() <= w[1].as_f64()));
    }
    let from_rollups = rolled["readings"].as_u64().unwrap() as usize;
    assert!(
        from_rollups.abs_diff(counted) <= 2,
        "{from_rollups} vs {counted}"
    );
    // With the raw readings of all but the last day deleted, the week still draws in full
    // detail: the minute rollups stand for them (hours' means alone would give 144 points).
    run(&["retain", "--keep-days", "1"]);
    let kept = chart();
    let t = kept["temperature"]["t"].as_array().unwrap();
    assert!((1000..=2000).contains(&t.len()), "{}", t.len());
    assert!(t[0].as_f64().unwrap() - kept["from"].as_f64().unwrap() < 3600.0);
    assert!(kept["temperature"]["v"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v == 39.0));
}

#[test]
fn a_react_rule_running_elsewhere_shows_its_judgement_and_led_until_it_stops() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_serve, url) = serve(dir.path(), broker.port(), &[], &[]);
    let mut react = hexaboard(
        dir.path(),
        &["react", "--from", "A", "--to", "B", "--min-interval", "0"],
    );
    react
        .args(broker_flags(broker.port()))
        .env("HEXABOARD_LANG", "en");
    let mut react = Running::start(react);
    react.wait_for("the rule to start", |out, _| out.contains("A"));
    let rules = |ready: &dyn Fn(&Value) -> bool| {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let status = json(&format!("{url}api/status"));
            if ready(&status["rules"]) {
                return status["rules"].clone();
            }
            assert!(Instant::now() < deadline, "{status}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    rules(&|r| r.as_array().is_some_and(|r| r.len() == 1));
    let (board, _) = mqtt_client(broker.port(), None);
    let hot = READING.replace("25.5", "31");
    board
        .publish("hexaboard/A/sensor/data", hot, Qos::AtLeastOnce, false)
        .unwrap();
    let running = rules(&|r| r[0]["sent"] == serde_json::json!([0, 0, 255]));
    assert_eq!(running[0]["from"], "A");
    assert_eq!(running[0]["to"], "B");
    assert_eq!(running[0]["judged"], "too_hot");
    // The command itself shows on B's card, as any LED command does.
    card(&url, "B", |c| {
        c["led"]["color"] == serde_json::json!([0, 0, 255])
    });
    react.terminate();
    assert!(react.wait().success(), "{}", react.stderr());
    rules(&|r| r.as_array().is_some_and(Vec::is_empty));
    board.stop();
}
