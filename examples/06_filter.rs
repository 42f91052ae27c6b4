//! # Challenge 1 (도전 과제 1): warn on high temperature, with hysteresis
//!
//! Prints every reading (`[10:30:15] 보드 A: 25°C, 60%`) and, under the reading that changes
//! things, `⚠️ 높은 온도: 25°C` when a board gets hot and `✅ 온도 정상: 23°C` when it has
//! cooled down again. Each board has its own alert.
//!
//! What it teaches: why a threshold needs two points. The chapter's hint warns on every
//! reading `>= 25`. The course's DHT11 reports whole degrees, so a room sitting at about
//! 25 °C reads 24, 25, 24, 25, ...: a single threshold warns, stops, warns again on every
//! other reading, and a warning that flaps is soon ignored. [`ThresholdAlert`] is raised at
//! 25 °C and cleared only below 24 °C, one sensor step lower: the sequence above warns once,
//! and the all-clear comes when the room really reaches 23 °C.
//!
//! ```text
//! cargo run --example 06_filter
//! ```
//!
//! Settings (environment, then `.env`): `MQTT_BROKER` (required), `MQTT_PORT`, `MQTT_USER`,
//! `MQTT_PASSWORD`, `TOPIC_SENSOR` (default `hexaboard/+/sensor/data`), `MQTT_TLS`,
//! `MQTT_CA_FILE`, `MQTT_QOS`, `MQTT_CLIENT_ID`, `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::judge::{AlertTransition, ThresholdAlert};
use hexaboard::core::reading::ReadingParser;
use hexaboard::core::stats::{BoardConfig, Registry};
use hexaboard::core::text::Text;
use hexaboard::mqtt::session::Session;
use time::{OffsetDateTime, UtcOffset};

/// Warn at this temperature or above (°C), the chapter's `if temp >= 25`.
const RAISE: f64 = 25.0;
/// Clear the warning only below this temperature (°C): one DHT11 step under `RAISE`.
const CLEAR: f64 = 24.0;

fn main() -> ExitCode {
    // Read before any thread starts: the `time` crate cannot read it later.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    // One alert per board; the registry holds at most 1024 boards, so a stranger
    // publishing under many board ids cannot make it grow without end.
    let alert = ThresholdAlert::new(RAISE, CLEAR).expect("CLEAR is not above RAISE");
    let config = BoardConfig {
        alert,
        ..BoardConfig::default()
    };
    let mut boards = Registry::with_config(Registry::DEFAULT_MAX_BOARDS, config);
    let parser = ReadingParser::default();
    let builder = Session::builder(&settings.connection)
        .on_event(common::print_events(text, Greeting::Chapter))
        .on_message(move |msg| {
            let received_at = OffsetDateTime::now_utc();
            let reading = match parser.parse(msg.payload, msg.topic) {
                Ok(reading) => reading,
                Err(error) => return println!("{}", text.error(&error)),
            };
            println!(
                "{}",
                text.env_reading(received_at.to_offset(offset).time(), &reading)
            );
            let temperature = reading.temperature();
            let recorded = boards.record(
                reading.board(),
                temperature.value(),
                reading.humidity().value(),
                received_at,
            );
            match recorded.alert {
                Some(AlertTransition::Raised) => {
                    println!("{}", text.high_temperature(temperature));
                }
                Some(AlertTransition::Cleared) => {
                    println!("{}", text.temperature_normal(temperature));
                }
                None => {}
            }
        })
        .stop_signal(&stop)
        .subscribe_all(
            settings.connection.sensor_filters(),
            settings.connection.qos(),
        );
    let session = match common::connect(builder, text, Text::connect_failed) {
        Ok(session) => session,
        Err(code) => return code,
    };

    stop.wait();
    if let Some(session) = session {
        session.stop_at_exit();
    }
    println!("{}", text.shutdown());
    ExitCode::SUCCESS
}
