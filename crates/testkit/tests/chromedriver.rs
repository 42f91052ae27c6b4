//! The chromedriver of the test kit: it answers WebDriver on loopback, its capabilities start
//! the headless Chromium, and dropping it leaves no browser process and no profile behind.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{children_of, is_zombie, process_exists};
use hexaboard_testkit::Chromedriver;
use serde_json::{json, Value};

/// One HTTP/1.1 request to chromedriver; the JSON body of its answer.
fn call(driver: &Chromedriver, method: &str, path: &str, body: &Value) -> Value {
    let body = body.to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", driver.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // chromedriver keeps the connection open: the body is as long as its Content-Length.
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut json = vec![0; length];
    reader.read_exact(&mut json).unwrap();
    serde_json::from_slice(&json)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json)))
}

/// Every process under `root`.
fn tree(root: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for pid in children_of(parent) {
            all.push(pid);
            parents.push(pid);
        }
    }
    all
}

#[test]
fn a_session_runs_headless_chromium_and_the_drop_ends_every_process_and_the_profile() {
    let driver = Chromedriver::start().unwrap();
    assert_eq!(driver.url(), format!("http://127.0.0.1:{}", driver.port()));
    let status = call(&driver, "GET", "/status", &json!({}));
    assert_eq!(status["value"]["ready"], true, "{status}");

    let capabilities = driver.capabilities();
    let args = capabilities["goog:chromeOptions"]["args"].to_string();
    assert!(args.contains("--headless") && args.contains("--window-size=1280,900"));
    let session = call(
        &driver,
        "POST",
        "/session",
        &json!({ "capabilities": { "alwaysMatch": capabilities } }),
    );
    let id = session["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {session}\n{}", driver.log().unwrap()))
        .to_owned();
    let agent = call(
        &driver,
        "POST",
        &format!("/session/{id}/execute/sync"),
        &json!({ "script": "return navigator.userAgent", "args": [] }),
    );
    assert!(
        agent["value"].as_str().unwrap().contains("HeadlessChrome"),
        "{agent}"
    );

    let browsers = tree(driver.pid().unwrap());
    assert!(!browsers.is_empty(), "Chromium runs under chromedriver");
    let profile = driver.profile().to_owned();
    assert!(profile.exists());
    drop(driver);
    let deadline = Instant::now() + Duration::from_secs(5);
    let running = || -> Vec<u32> {
        browsers
            .iter()
            .copied()
            .filter(|&p| process_exists(p) && !is_zombie(p))
            .collect()
    };
    while !running().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        running(),
        Vec::<u32>::new(),
        "browser processes outlived the drop"
    );
    assert!(!profile.exists(), "the profile dir is removed");
}
