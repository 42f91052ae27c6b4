//! Every endpoint of the page's server, through its router, without a browser or a network:
//! what a script or the page is answered, and what is refused.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use hexaboard_core::control::LedCommand;
use hexaboard_core::judge::Thresholds;
use hexaboard_core::number::Number;
use hexaboard_core::stats::BoardConfig;
use hexaboard_core::status::Status;
use hexaboard_core::text::Lang;
use hexaboard_web::{
    router, Archive, ArchiveError, CommandError, Commands, Config, Counts, Live, Point, Services,
};
use http_body_util::BodyExt as _;
use serde_json::Value;
use time::{Duration as Span, OffsetDateTime};
use tower::ServiceExt as _;

/// Readings kept in memory: `(board, at, temperature, humidity)`.
struct Memory(Vec<(String, OffsetDateTime, f64, f64)>);

impl Archive for Memory {
    fn points(
        &self,
        board: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        each: &mut dyn FnMut(Point),
    ) -> Result<(), ArchiveError> {
        for (b, at, t, h) in &self.0 {
            if b == board && *at >= from && *at < to {
                each(Point {
                    at: *at,
                    temperature: Some(*t),
                    humidity: Some(*h),
                    readings: 1,
                });
            }
        }
        Ok(())
    }
}

/// Commands noted instead of published; `connected` says whether they go through.
#[derive(Default)]
struct Noted {
    sent: Mutex<Vec<(String, LedCommand)>>,
    offline: bool,
}

impl Commands for Noted {
    fn send_led(&self, board: &str, command: &LedCommand) -> Result<(), CommandError> {
        if self.offline {
            return Err(CommandError::NotConnected);
        }
        self.sent.lock().unwrap().push((board.to_owned(), *command));
        Ok(())
    }
}

struct Page {
    router: Router,
    live: Live,
    commands: Arc<Noted>,
}

fn page(config: Config, archive: Memory, commands: Noted) -> Page {
    let live = Live::new(
        16,
        BoardConfig::default(),
        Thresholds::default(),
        "127.0.0.1:1883".into(),
    );
    let commands = Arc::new(commands);
    let router = router(
        config,
        Services {
            live: live.clone(),
            archive: Arc::new(archive),
            commands: Arc::clone(&commands) as _,
            counts: Box::new(|| Counts {
                received: 7,
                stored: 6,
                rejected: 1,
                duplicates: 0,
            }),
        },
    );
    Page {
        router,
        live,
        commands,
    }
}

fn plain() -> Page {
    page(Config::default(), Memory(Vec::new()), Noted::default())
}

fn n(text: &str) -> Number {
    Number::parse_json(text).unwrap()
}

async fn send(
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn get(router: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn led(uri: &str) -> axum::http::request::Builder {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "127.0.0.1:8080")
}

async fn post(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let (status, _, body) = send(router, request).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

const ON: &str = r#"{"action":"led_on","color":[255,0,0],"brightness":80}"#;

#[tokio::test]
async fn the_page_and_its_assets_come_with_a_policy_against_inline_scripts() {
    let page = plain();
    for uri in [
        "/",
        "/assets/app.js",
        "/assets/app.css",
        "/assets/uPlot.iife.min.js",
        "/api/boards",
    ] {
        let (status, headers, body) =
            send(&page.router, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.is_empty(), "{uri}");
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let (_, headers, body) =
        send(&page.router, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(body.contains("<html lang=\"ko\""), "Korean by default");
    let (status, _, _) = send(
        &page.router,
        Request::get("/assets/nope.js").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let english = page_with_lang(Lang::En);
    let (_, _, body) = send(&english, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(body.contains("<html lang=\"en\""));
}

fn page_with_lang(lang: Lang) -> Router {
    let config = Config {
        lang,
        ..Config::default()
    };
    page(config, Memory(Vec::new()), Noted::default()).router
}

#[tokio::test]
async fn boards_show_the_last_reading_as_sent_with_judgement_alert_and_state() {
    let page = plain();
    let now = OffsetDateTime::now_utc();
    page.live
        .reading("A", n("25.0"), n("75"), Some(n("300")), now);
    page.live.status("B", Status::Offline, now);
    let (status, json) = get(&page.router, "/api/boards").await;
    assert_eq!(status, StatusCode::OK);
    let boards = json["boards"].as_array().unwrap();
    assert_eq!(boards.len(), 2);
    let a = &boards[0];
    assert_eq!(a["board"], "A");
    assert_eq!(a["temperature_text"], "25.0");
    assert_eq!(a["temperature"], 25.0);
    assert_eq!(a["light"], 300.0);
    assert_eq!(a["comfort"]["humidity"], "too_humid");
    assert_eq!(a["alert"], true);
    assert_eq!(a["state"], "online");
    assert_eq!(a["trend"], "not_enough_data");
    assert_eq!(boards[1]["state"], "offline");
    assert!(json["event_id"].as_str().unwrap().contains('-'));

    let (_, status) = get(&page.router, "/api/status").await;
    assert_eq!(status["lang"], "ko");
    assert_eq!(status["read_only"], false);
    assert_eq!(status["broker"]["address"], "127.0.0.1:1883");
    assert_eq!(status["recording"], Value::Null);
}

#[tokio::test]
async fn words_come_in_both_languages_with_the_consoles_comfort_words() {
    let (status, words) = get(&plain().router, "/api/words").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(words["ko"]["too_hot"], "너무 더움");
    assert_eq!(words["en"]["too_hot"], "too hot");
}

#[tokio::test]
async fn readings_over_a_range_are_thinned_on_the_server_keeping_spikes() {
    let now = OffsetDateTime::now_utc();
    // A week at one reading per 5 s, one spike.
    let week: Vec<_> = (0..120_960)
        .map(|i| {
            // 2 s inside the range the request asks a moment later.
            let at = now - Span::seconds(5 * (120_960 - i) - 2);
            let t = if i == 50_000 {
                39.0
            } else {
                20.0 + (i % 5) as f64
            };
            ("A".to_owned(), at, t, 40.0)
        })
        .collect();
    let page = page(Config::default(), Memory(week), Noted::default());
    let (status, chart) = get(&page.router, "/api/boards/A/readings?range=7d&points=2000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(chart["readings"], 120_960);
    let t = chart["temperature"]["t"].as_array().unwrap();
    let v = chart["temperature"]["v"].as_array().unwrap();
    assert_eq!(t.len(), v.len());
    assert!((1000..=2000).contains(&t.len()), "{}", t.len());
    assert!(v.iter().any(|v| v == 39.0), "the spike stays");
    let (_, hour) = get(&page.router, "/api/boards/A/readings?range=1h").await;
    assert_eq!(hour["temperature"]["t"].as_array().unwrap().len(), 720);
    let (_, other) = get(&page.router, "/api/boards/Z/readings?range=24h").await;
    assert_eq!(other["readings"], 0);
    let from = (now - Span::DAY).unix_timestamp();
    let uri = format!(
        "/api/boards/A/readings?from={from}&to={}&points=100",
        now.unix_timestamp()
    );
    let (status, day) = get(&page.router, &uri).await;
    assert_eq!(status, StatusCode::OK);
    assert!(day["temperature"]["t"].as_array().unwrap().len() <= 100);
    for bad in [
        "range=2h",
        "points=1&range=1h",
        "points=10001&range=1h",
        "from=5&to=1",
        "",
    ] {
        let (status, json) = get(&page.router, &format!("/api/boards/A/readings?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn an_led_command_is_checked_sent_and_shown_on_the_card() {
    let page = plain();
    let (status, json) = post(
        &page.router,
        led("/api/boards/A/led").body(Body::from(ON)).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["topic"], "hexaboard/A/control/led");
    assert_eq!(json["payload"], ON);
    assert_eq!(
        page.commands.sent.lock().unwrap()[..],
        [("A".to_owned(), LedCommand::on([255, 0, 0], 80).unwrap())]
    );
    let (_, boards) = get(&page.router, "/api/boards").await;
    assert_eq!(boards["boards"][0]["led"]["action"], "led_on");
    assert_eq!(boards["boards"][0]["led"]["brightness"], 80);

    for (uri, body, why) in [
        (
            "/api/boards/A/led",
            r#"{"action":"led_on","color":[255,0,0],"brightness":101}"#,
            "brightness",
        ),
        (
            "/api/boards/A/led",
            r#"{"action":"blink"}"#,
            "not an LED command",
        ),
        ("/api/boards/A+/led", ON, "cannot be a topic level"),
    ] {
        let (status, json) = post(&page.router, led(uri).body(Body::from(body)).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(json["error"].as_str().unwrap().contains(why), "{json}");
    }
    assert_eq!(
        page.commands.sent.lock().unwrap().len(),
        1,
        "nothing else sent"
    );
}

#[tokio::test]
async fn commands_are_refused_cross_origin_without_json_read_only_or_offline() {
    let page = plain();
    let from_elsewhere = led("/api/boards/A/led")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from(ON))
        .unwrap();
    assert_eq!(
        post(&page.router, from_elsewhere).await.0,
        StatusCode::FORBIDDEN
    );
    let form = Request::post("/api/boards/A/led")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(ON))
        .unwrap();
    assert_eq!(
        post(&page.router, form).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let get_led = Request::get("/api/boards/A/led")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&page.router, get_led).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert!(page.commands.sent.lock().unwrap().is_empty());

    let read_only = page_config(Config {
        read_only: true,
        ..Config::default()
    });
    let (status, json) = post(
        &read_only,
        led("/api/boards/A/led").body(Body::from(ON)).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(json["error"].as_str().unwrap().contains("read-only"));

    let offline = self::page(
        Config::default(),
        Memory(Vec::new()),
        Noted {
            offline: true,
            ..Noted::default()
        },
    );
    let (status, _) = post(
        &offline.router,
        led("/api/boards/A/led").body(Body::from(ON)).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

fn page_config(config: Config) -> Router {
    page(config, Memory(Vec::new()), Noted::default()).router
}

#[tokio::test]
async fn with_a_token_everything_but_the_assets_needs_it() {
    let router = page_config(Config {
        token: Some("s3cret".into()),
        ..Config::default()
    });
    for uri in ["/", "/api/boards", "/api/status", "/api/events", "/metrics"] {
        let (status, _, body) = send(&router, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(!body.contains("s3cret"));
    }
    let (status, _, _) = send(
        &router,
        Request::get("/assets/app.js").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let bearer = Request::get("/api/boards")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, bearer).await.0, StatusCode::OK);
    let wrong = Request::get("/api/boards")
        .header(header::AUTHORIZATION, "Bearer s3cre7")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, wrong).await.0, StatusCode::UNAUTHORIZED);
    // Opening the page with its token once leaves a cookie and a clean address.
    let (status, headers, _) = send(
        &router,
        Request::get("/?token=s3cret").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = Request::get("/api/boards")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, with_cookie).await.0, StatusCode::OK);
}

#[tokio::test]
async fn metrics_give_counts_connection_and_each_boards_age_in_prometheus_text() {
    let page = page_config_live(Config {
        recording: Some("readings.db".into()),
        ..Config::default()
    });
    page.live.connected(true);
    page.live.connected(false);
    page.live.connected(true);
    let at = OffsetDateTime::now_utc() - Span::seconds(30);
    page.live.reading("A\"1", n("20"), n("40"), None, at);
    let (status, headers, body) = send(
        &page.router,
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    for line in [
        "hexaboard_messages_received_total{store=\"readings.db\"} 7",
        "hexaboard_readings_stored_total{store=\"readings.db\"} 6",
        "hexaboard_messages_rejected_total{store=\"readings.db\"} 1",
        "hexaboard_readings_duplicate_total{store=\"readings.db\"} 0",
        "hexaboard_mqtt_connected 1",
        "hexaboard_mqtt_reconnects_total 1",
        "hexaboard_board_state{board=\"A\\\"1\",state=\"stale\"} 1",
        "# TYPE hexaboard_board_last_reading_age_seconds gauge",
    ] {
        assert!(body.lines().any(|l| l == line), "{line} missing in\n{body}");
    }
    let age: f64 = body
        .lines()
        .find_map(|l| l.strip_prefix("hexaboard_board_last_reading_age_seconds{board=\"A\\\"1\"} "))
        .unwrap()
        .parse()
        .unwrap();
    assert!((30.0..60.0).contains(&age), "{age}");
}

fn page_config_live(config: Config) -> Page {
    page(config, Memory(Vec::new()), Noted::default())
}

/// The next event of `body` (its lines), within 5 s.
async fn next_event(body: &mut Body, buffer: &mut String) -> String {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let event = buffer[..end].to_owned();
            buffer.drain(..end + 2);
            if !event.starts_with(':') {
                return event;
            }
            continue;
        }
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            buffer.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
}

#[tokio::test]
async fn events_send_each_change_and_resume_after_the_last_event_id() {
    let page = plain();
    let now = OffsetDateTime::now_utc();
    page.live.reading("A", n("20"), n("40"), None, now);
    let response = page
        .router
        .clone()
        .oneshot(Request::get("/api/events").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let mut buffer = String::new();
    assert!(next_event(&mut body, &mut buffer)
        .await
        .starts_with("event: status"));
    let first = next_event(&mut body, &mut buffer).await;
    assert!(
        first.contains("event: board") && first.contains("\"board\":\"A\""),
        "{first}"
    );
    page.live.reading("B", n("21.5"), n("40"), None, now);
    let second = next_event(&mut body, &mut buffer).await;
    assert!(
        second.contains("\"board\":\"B\"") && second.contains("\"temperature\":21.5"),
        "{second}"
    );
    let id = second
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_owned();

    // A page that reconnects with the last id it saw gets only what changed since.
    page.live.reading("A", n("22"), n("40"), None, now);
    let response = page
        .router
        .clone()
        .oneshot(
            Request::get("/api/events")
                .header("last-event-id", id)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut buffer = String::new();
    let resumed = next_event(&mut body, &mut buffer).await;
    assert!(
        resumed.contains("\"board\":\"A\"") && resumed.contains("\"temperature_text\":\"22\""),
        "{resumed}"
    );
    // An id of an earlier run of the server gets every board (and the connection).
    let response = page
        .router
        .clone()
        .oneshot(
            Request::get("/api/events")
                .header("last-event-id", "0abc-3")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut buffer = String::new();
    let mut boards = Vec::new();
    for _ in 0..3 {
        let event = next_event(&mut body, &mut buffer).await;
        if event.starts_with("event: board") {
            boards.push(event);
        }
    }
    assert_eq!(boards.len(), 2);
}

#[tokio::test]
async fn a_hostile_board_id_is_data_in_json_never_markup() {
    let page = plain();
    let hostile = "<img src=x onerror=alert(1)>";
    page.live
        .reading(hostile, n("20"), n("40"), None, OffsetDateTime::now_utc());
    let (_, json) = get(&page.router, "/api/boards").await;
    assert_eq!(json["boards"][0]["board"], hostile);
    let (_, headers, _) = send(
        &page.router,
        Request::get("/api/boards").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
}
