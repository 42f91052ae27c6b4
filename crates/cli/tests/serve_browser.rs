//! The page of `hexaboard serve` in a real browser: Debian's Chromium, headless, driven over
//! WebDriver. Each test starts its own mosquitto, `hexaboard serve` and chromedriver on
//! loopback and stops them at its end; the browser's console is checked for Content Security
//! Policy violations before each browser is closed.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages) installed.

mod live_support;

use std::fmt::Write as _;
use std::future::Future;
use std::path::Path;
use std::sync::{mpsc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hexaboard_core::topic::TopicFilter;
use hexaboard_mqtt::session::Session;
use hexaboard_mqtt::settings::{ConnectionSettings, Qos};
use hexaboard_testkit::{free_port, Chromedriver, Mosquitto};
use live_support::{hexaboard, Running, PATIENCE};
use serde_json::{json, Value};
use time::macros::format_description;
use time::OffsetDateTime;

/// One browser at a time: several Chromiums at once on a small machine would measure the
/// machine, not the page.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// Runs a browser test on a runtime of its own, one test at a time.
fn run(test: impl Future<Output = ()>) {
    let _one = ONE_BROWSER.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(test);
}

/// `hexaboard serve` on `127.0.0.1:port` in `dir`, with the broker on `broker` and the store
/// `store` (the CSV default when `None`), in English, local time UTC; returns once it
/// prints the page's address.
fn serve(dir: &Path, broker: u16, port: u16, store: Option<&str>) -> Running {
    let listen = format!("127.0.0.1:{port}");
    let mut command = hexaboard(dir, &["serve", "--listen", &listen]);
    command
        .env("MQTT_BROKER", "127.0.0.1")
        .env("MQTT_PORT", broker.to_string())
        .env("MQTT_TLS", "off")
        .env("HEXABOARD_LANG", "en")
        .env("TZ", "UTC");
    if let Some(store) = store {
        command.env("STORE", store);
    }
    let mut running = Running::start(command);
    let address = format!("http://{listen}/");
    running.wait_for("the page's address", |out, _| out.contains(&address));
    running
}

/// A client of the broker on `port` that publishes as a board would.
fn board_client(port: u16) -> Session {
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .build()
        .expect("settings");
    Session::builder(&settings).connect().expect("connects")
}

/// Publishes at QoS 1 and waits for the broker's acknowledgement.
fn publish(board: &Session, topic: &str, payload: &str) {
    board
        .publish(topic, payload, Qos::AtLeastOnce, false)
        .expect("the broker acknowledges");
}

/// A reading as the course firmware sends it, the numbers as written (`21`, `23.5`).
fn reading(board: &str, temperature: &str, humidity: &str) -> String {
    format!(
        r#"{{"board":{},"temperature":{temperature},"humidity":{humidity},"timestamp":820000000}}"#,
        json!(board)
    )
}

/// The browser on the page, and its driver.
struct Browser {
    client: Client,
    driver: Chromedriver,
}

impl Browser {
    /// Starts a chromedriver and a headless Chromium and opens the page on `port`, waiting
    /// until the page says the server is connected to the broker.
    async fn open(port: u16) -> Browser {
        let driver = Chromedriver::start().expect("chromedriver starts");
        let client = ClientBuilder::native()
            .capabilities(driver.capabilities())
            .connect(&driver.url())
            .await
            .expect("a Chromium session");
        let page = format!("http://127.0.0.1:{port}/");
        client.goto(&page).await.expect("the page opens");
        let browser = Browser { client, driver };
        browser
            .until(
                "the page to show the broker connected",
                PATIENCE,
                |v| v == "connected",
                "return document.querySelector('#connection').dataset.state;",
                vec![],
            )
            .await;
        browser
    }

    /// Runs `script` in the page with `args` and gives its value.
    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("running {script}: {e}"))
    }

    /// Runs `script` every 20 ms until `done` holds for its value, which it gives; panics
    /// with the last value after `within`.
    async fn until(
        &self,
        what: &str,
        within: Duration,
        done: impl Fn(&Value) -> bool,
        script: &str,
        args: Vec<Value>,
    ) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let value = self.js(script, args.clone()).await;
            if done(&value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} within {within:?}; last seen: {value}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A field of a board's card: its text, whether it is hidden and its `data-state` and
    /// `data-result`; `null` while there is no such card. The card is found by comparing
    /// `data-board`, so any board id can be asked for.
    async fn field(&self, board: &str, field: &str) -> Value {
        self.js(FIELD, vec![json!(board), json!(field)]).await
    }

    /// Waits until the card's `field` has the text `text`.
    async fn until_field(&self, board: &str, field: &str, text: &str, within: Duration) -> Value {
        self.until(
            &format!("{field} {text:?} on the card of {board:?}"),
            within,
            |v| v["text"] == text,
            FIELD,
            vec![json!(board), json!(field)],
        )
        .await
    }

    /// Publishes `payload` on `topic` again every 2 s until the card of `board` shows `text`
    /// in `field`: for the first message of a test, which the server may miss while it still
    /// subscribes.
    async fn publish_until_shown(
        &self,
        publisher: &Session,
        (topic, payload): (&str, &str),
        (board, field, text): (&str, &str, &str),
    ) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            publish(publisher, topic, payload);
            let shown_by = Instant::now() + Duration::from_secs(2);
            while Instant::now() < shown_by {
                if self.field(board, field).await["text"] == text {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert!(
                Instant::now() < deadline,
                "the card of {board:?} never showed {field} {text:?}: {}",
                self.field(board, field).await
            );
        }
    }

    /// Checks that the console has no Content Security Policy violation, then closes the
    /// browser and stops its driver.
    async fn close(self) {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("the browser's console log");
        let entries = log.as_array().cloned().unwrap_or_default();
        let violations: Vec<&Value> = entries
            .iter()
            .filter(|e| {
                let message = e["message"].as_str().unwrap_or_default();
                message.contains("Content Security Policy") || message.contains("Refused to")
            })
            .collect();
        assert!(
            violations.is_empty(),
            "the page broke its Content Security Policy: {violations:?}"
        );
        self.client.close().await.expect("the browser closes");
        drop(self.driver);
    }
}

/// Finds a card's field; see [`Browser::field`].
const FIELD: &str = r#"
const card = [...document.querySelectorAll('article.card')]
  .find((c) => c.dataset.board === arguments[0]);
if (!card) return null;
const el = card.querySelector('[data-field="' + arguments[1] + '"]');
if (!el) return null;
return {
  text: el.textContent,
  hidden: el.hidden,
  state: el.dataset.state ?? null,
  result: el.dataset.result ?? null,
  card_state: card.dataset.state ?? null,
};
"#;

/// chromedriver's console log of the page (`POST /session/{id}/se/log`, type `browser`):
/// each entry's `level` and `message`. Reading it empties it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// The broker, a publishing board, a running `serve` with its dir and the browser on its page.
struct Setup {
    broker: Mosquitto,
    board: Session,
    dir: tempfile::TempDir,
    port: u16,
    serve: Running,
    browser: Browser,
}

impl Setup {
    /// Everything for a test of the live page (no store written).
    async fn live() -> Setup {
        let broker = Mosquitto::start().expect("mosquitto starts");
        let board = board_client(broker.port());
        let dir = tempfile::tempdir().expect("a temp dir");
        let port = free_port().expect("a free port");
        let serve = serve(dir.path(), broker.port(), port, None);
        let browser = Browser::open(port).await;
        Setup {
            broker,
            board,
            dir,
            port,
            serve,
            browser,
        }
    }
}

#[test]
fn a_reading_shows_on_its_card_within_a_second_of_publishing() {
    run(async {
        let s = Setup::live().await;
        let b = &s.browser;
        let first = reading("A", "21", "40");
        b.publish_until_shown(
            &s.board,
            ("hexaboard/A/sensor/data", &first),
            ("A", "temperature", "21°C"),
        )
        .await;

        let published = Instant::now();
        publish(
            &s.board,
            "hexaboard/A/sensor/data",
            &reading("A", "23.5", "47"),
        );
        b.until_field("A", "temperature", "23.5°C", PATIENCE).await;
        let shown = published.elapsed();
        b.until_field("A", "humidity", "47%", PATIENCE).await;
        eprintln!("published to shown: {shown:?}");
        assert!(
            shown <= Duration::from_secs(1),
            "the reading took {shown:?} to show on its card"
        );
        let state = b.field("A", "state").await;
        assert_eq!(state["state"], "online", "{state}");
        s.browser.close().await;
    })
}

#[test]
fn a_board_that_goes_offline_shows_offline_on_its_card() {
    run(async {
        let s = Setup::live().await;
        let b = &s.browser;
        b.publish_until_shown(
            &s.board,
            ("hexaboard/A/sensor/data", &reading("A", "21", "40")),
            ("A", "temperature", "21°C"),
        )
        .await;
        assert_eq!(b.field("A", "state").await["state"], "online");

        // The firmware's last will.
        publish(&s.board, "hexaboard/A/status", "offline");
        let state = b
            .until(
                "the card of A to show offline",
                PATIENCE,
                |v| v["state"] == "offline",
                FIELD,
                vec![json!("A"), json!("state")],
            )
            .await;
        assert_eq!(state["card_state"], "offline", "{state}");
        assert_eq!(state["text"], "offline", "{state}");
        s.browser.close().await;
    })
}

/// Writes the chapter's CSV with one reading of board A every 5 s from 7 days and 1 hour ago
/// until now (UTC), every value different from its neighbours so that each bucket of the
/// server's thinning has a distinct lowest and highest; returns the number of rows.
fn write_week(path: &Path) -> usize {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let now = OffsetDateTime::now_utc();
    let start = now - time::Duration::days(7) - time::Duration::hours(1);
    let rows = (now - start).whole_seconds() / 5;
    let mut csv = String::from("Timestamp,Board,Temperature,Humidity,Light\r\n");
    for i in 0..rows {
        let at = start + time::Duration::seconds(5 * i);
        let phase = i as f64 / 17_280.0 * std::f64::consts::TAU; // one day
        let temperature = 22.0 + 5.0 * phase.sin() + (i % 7) as f64 * 0.1;
        let humidity = 50 + (10.0 * phase.cos()) as i64 + i % 5;
        let _ = write!(
            csv,
            "{},A,{temperature:.1},{humidity},\r\n",
            at.format(&format).expect("a time")
        );
    }
    std::fs::write(path, csv).expect("the CSV is written");
    rows as usize
}

#[test]
fn the_chart_of_a_seeded_week_draws_the_points_the_server_thinned_it_to() {
    run(async {
        let broker = Mosquitto::start().expect("mosquitto starts");
        let board = board_client(broker.port());
        let dir = tempfile::tempdir().expect("a temp dir");
        let rows = write_week(&dir.path().join("week.csv"));
        let import = hexaboard(dir.path(), &["import", "week.csv"])
            .env("STORE", "readings.db")
            .env("TZ", "UTC")
            .env("HEXABOARD_LANG", "en")
            .output()
            .expect("import runs");
        assert!(
            import.status.success(),
            "import failed: {}",
            String::from_utf8_lossy(&import.stderr)
        );
        let port = free_port().expect("a free port");
        let _serve = serve(dir.path(), broker.port(), port, Some("readings.db"));
        let b = Browser::open(port).await;
        // The board is seen live once (a status, so no live point joins the chart).
        b.publish_until_shown(
            &board,
            ("hexaboard/A/status", "online"),
            ("A", "state", "online"),
        )
        .await;

        b.client
            .find(Locator::Css(r#"[data-range="7d"]"#))
            .await
            .expect("the 7 d button")
            .click()
            .await
            .expect("7 d is chosen");
        // A week holds more readings than any day: the 7 d chart is in once the count is.
        let drawn = b
            .until(
                "the 7 d chart",
                PATIENCE,
                |v| !v.is_null(),
                r#"
const url = performance.getEntriesByType('resource').map((e) => e.name)
  .filter((n) => n.includes('/readings?range=7d')).pop();
const count = Number(document.querySelector('#chart-info').textContent.replace(/[^0-9]/g, ''));
if (!url || count <= 17280) return null;
const box = (name) => document.querySelector('#chart-' + name).dataset;
return {
  url, count,
  temperature: Number(box('temperature').points),
  humidity: Number(box('humidity').points),
  drawn_ms: Number(box('temperature').drawnMs),
};
"#,
                vec![],
            )
            .await;
        eprintln!("7 d chart of {rows} rows: {drawn}");
        let points = drawn["temperature"].as_u64().expect("points drawn");
        assert!(
            (1_000..=2_000).contains(&points),
            "the chart drew {points} points: {drawn}"
        );
        assert_eq!(drawn["humidity"].as_u64(), Some(points), "{drawn}");

        let api = b
            .client
            .execute_async(
                r#"
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then((r) => r.json()).then(
  (body) => done({ temperature: body.temperature.t.length, humidity: body.humidity.t.length }),
  (error) => done({ error: String(error) }));
"#,
                vec![drawn["url"].clone()],
            )
            .await
            .expect("the API answers");
        assert_eq!(
            api["temperature"].as_u64(),
            Some(points),
            "{api} vs {drawn}"
        );
        assert_eq!(api["humidity"].as_u64(), Some(points), "{api} vs {drawn}");

        // Narrowed, the week asked again comes thinned to fewer points; widened back, the page
        // asks for it again by itself, for the wider charts.
        const WEEK: &str = r#"
const asked = performance.getEntriesByType('resource')
  .filter((e) => e.name.includes('/readings?range=7d')).length;
const box = document.querySelector('#chart-temperature');
return { asked, points: Number(box.dataset.points), width: box.clientWidth, window: window.innerWidth };
"#;
        let before = b.js(WEEK, vec![]).await["asked"].as_u64().expect("a count");
        b.client.set_window_size(560, 900).await.expect("narrowed");
        for range in ["24h", "7d"] {
            b.client
                .find(Locator::Css(&format!(r#"[data-range="{range}"]"#)))
                .await
                .expect("the range button")
                .click()
                .await
                .expect("the range is chosen");
        }
        let narrow = b
            .until(
                "the narrow week",
                PATIENCE,
                |v| {
                    v["asked"] == before + 1
                        && v["points"].as_u64().is_some_and(|p| p > 0 && p < points)
                },
                WEEK,
                vec![],
            )
            .await;
        b.client.set_window_size(1280, 900).await.expect("widened");
        let wide = b
            .until(
                "the week asked again for the wider charts",
                PATIENCE,
                |v| v["asked"] == before + 2 && v["points"].as_u64() > narrow["points"].as_u64(),
                WEEK,
                vec![],
            )
            .await;
        eprintln!("narrow {narrow}, widened {wide}");
        b.close().await;
    })
}

#[test]
fn the_led_on_button_sends_the_firmwares_json_and_the_card_shows_the_answer() {
    run(async {
        let s = Setup::live().await;
        let b = &s.browser;
        let settings = ConnectionSettings::builder("127.0.0.1")
            .port(s.broker.port())
            .tls(false)
            .build()
            .expect("settings");
        let (tx, received) = mpsc::channel();
        let _listener = Session::builder(&settings)
            .subscribe(
                TopicFilter::new("hexaboard/+/control/led").expect("a filter"),
                Qos::AtLeastOnce,
            )
            .on_message(move |m| {
                let _ = tx.send((m.topic.to_owned(), m.payload_str().into_owned()));
            })
            .connect()
            .expect("the listener connects");
        b.publish_until_shown(
            &s.board,
            ("hexaboard/A/sensor/data", &reading("A", "21", "40")),
            ("A", "temperature", "21°C"),
        )
        .await;

        b.client
            .find(Locator::Css(
                r#"article.card[data-board="A"] [data-action="led_on"]"#,
            ))
            .await
            .expect("the LED on button")
            .click()
            .await
            .expect("the button is clicked");
        assert_eq!(
            received.recv_timeout(PATIENCE).expect("a command"),
            (
                "hexaboard/A/control/led".to_owned(),
                r#"{"action":"led_on","color":[255,0,0],"brightness":80}"#.to_owned()
            )
        );
        let answer = b
            .until(
                "the answer on the card",
                PATIENCE,
                |v| v["result"] == "sent",
                FIELD,
                vec![json!("A"), json!("led_answer")],
            )
            .await;
        let text = answer["text"].as_str().unwrap_or_default();
        assert!(text.contains("hexaboard/A/control/led"), "{answer}");
        // The command seen on the control topic is the card's last LED command.
        let led = b
            .until(
                "the last command on the card",
                PATIENCE,
                |v| v["hidden"] == false,
                FIELD,
                vec![json!("A"), json!("led")],
            )
            .await;
        assert!(
            led["text"].as_str().unwrap_or_default().contains("red 80%"),
            "{led}"
        );
        s.browser.close().await;
    })
}

#[test]
fn a_board_id_made_of_markup_shows_as_text_and_runs_nothing() {
    run(async {
        let s = Setup::live().await;
        let b = &s.browser;
        let alerting = "<img src=x onerror=alert(1)>";
        let flagging = "<img src=x onerror=window.hexaboardOwned=1>";
        for (level, id) in [("x1", alerting), ("x2", flagging)] {
            let topic = format!("hexaboard/{level}/sensor/data");
            b.publish_until_shown(
                &s.board,
                (&topic, &reading(id, "21", "40")),
                (id, "temperature", "21°C"),
            )
            .await;
        }
        let page = b
            .js(
                r#"
const cards = [...document.querySelectorAll('article.card')];
return {
  ids: cards.map((c) => c.querySelector('.board-id').textContent),
  images: document.querySelectorAll('#boards img').length,
  options: [...document.querySelectorAll('#board-select option')].map((o) => o.textContent),
  owned: window.hexaboardOwned ?? null,
};
"#,
                vec![],
            )
            .await;
        assert_eq!(page["ids"], json!([alerting, flagging]), "{page}");
        assert_eq!(page["options"], json!([alerting, flagging]), "{page}");
        assert_eq!(page["images"], 0, "{page}");
        assert_eq!(page["owned"], Value::Null, "{page}");
        match b.client.get_alert_text().await {
            Err(e) if e.is_no_such_alert() => {}
            other => panic!("an alert opened: {other:?}"),
        }
        s.browser.close().await;
    })
}

#[test]
fn the_page_follows_a_restarted_server_without_a_reload() {
    run(async {
        let mut s = Setup::live().await;
        s.browser
            .publish_until_shown(
                &s.board,
                ("hexaboard/A/sensor/data", &reading("A", "21", "40")),
                ("A", "temperature", "21°C"),
            )
            .await;
        // A reload would forget this.
        s.browser
            .js("window.hexaboardSamePage = 'yes'; return null;", vec![])
            .await;

        s.serve.terminate();
        let status = s.serve.wait();
        assert!(status.success(), "serve stopped with {status}");
        s.browser
            .until(
                "the page to say it reconnects",
                PATIENCE,
                |v| v == "reconnecting",
                "return document.querySelector('#connection').dataset.state;",
                vec![],
            )
            .await;

        s.serve = serve(s.dir.path(), s.broker.port(), s.port, None);
        s.browser
            .publish_until_shown(
                &s.board,
                ("hexaboard/A/sensor/data", &reading("A", "26", "45")),
                ("A", "temperature", "26°C"),
            )
            .await;
        let same = s
            .browser
            .js("return window.hexaboardSamePage ?? null;", vec![])
            .await;
        assert_eq!(same, "yes", "the page was reloaded");
        s.browser
            .until(
                "the page to show the broker connected again",
                PATIENCE,
                |v| v == "connected",
                "return document.querySelector('#connection').dataset.state;",
                vec![],
            )
            .await;
        s.browser.close().await;
    })
}
