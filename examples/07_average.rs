//! # Challenge 2 (도전 과제 2): the average of the last 5 temperatures
//!
//! Prints every reading (`[10:30:15] 보드 A: 25°C, 60%`) and, once a board has sent 5, the
//! average of its last 5 temperatures under each of its readings: `평균 온도: 25.4°C`.
//!
//! What it teaches: a rolling window per board. The chapter's hint keeps one list for all
//! boards, growing without end; here each board has a window of 5 values allocated once
//! ([`RollingWindow`] inside the board's statistics), so two boards never mix their averages
//! and memory stays the same however long it runs. The average is rounded to one decimal as
//! Python's `{avg:.1f}` does.
//!
//! ```text
//! cargo run --example 07_average
//! ```
//!
//! Settings (environment, then `.env`): `MQTT_BROKER` (required), `MQTT_PORT`, `MQTT_USER`,
//! `MQTT_PASSWORD`, `TOPIC_SENSOR` (default `hexaboard/+/sensor/data`), `MQTT_TLS`,
//! `MQTT_CA_FILE`, `MQTT_QOS`, `MQTT_CLIENT_ID`, `HEXABOARD_LANG` (`ko` or `en`).
//!
//! [`RollingWindow`]: hexaboard::core::stats::RollingWindow

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::reading::ReadingParser;
use hexaboard::core::stats::{BoardConfig, Registry};
use hexaboard::core::text::Text;
use hexaboard::mqtt::session::Session;
use time::{OffsetDateTime, UtcOffset};

/// How many of the latest temperatures are averaged, the chapter's `temp_history[-5:]`.
const WINDOW: usize = 5;

fn main() -> ExitCode {
    // Read before any thread starts: the `time` crate cannot read it later.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    let config = BoardConfig {
        window: WINDOW,
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
            let recorded = boards.record(
                reading.board(),
                reading.temperature().value(),
                reading.humidity().value(),
                received_at,
            );
            // `if len(temp_history) >= 5`: nothing until the board's window is full.
            if let Some(average) = recorded.stats.window().average_if_full() {
                println!("{}", text.average_temperature(average));
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
