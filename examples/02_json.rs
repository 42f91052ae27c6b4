//! # Exercise 2 (실습 2): JSON parsing — the chapter's `ch15_mqtt_json.py`
//!
//! Parses every payload into a reading and prints the chapter's block: the receive time, the
//! board, temperature, humidity, and light when the board sends it (the course firmware does
//! not). A payload that is not JSON prints `❌ JSON 파싱 오류: ...`, any other bad payload
//! `❌ 처리 오류: ...`, and the program goes on with the next message.
//!
//! What it teaches: a typed reading instead of `data.get(...)`. [`ReadingParser`] checks what
//! the Python leaves to chance: a missing or non-numeric temperature is an error naming the
//! field, not a `None°C` line; numbers print as the board sent them (`25`, `25.5`); the board
//! id comes from the payload, else from the topic, else `Unknown`.
//!
//! ```text
//! cargo run --example 02_json
//! ```
//!
//! Settings (environment, then `.env`): `MQTT_BROKER` (required), `MQTT_PORT`, `MQTT_USER`,
//! `MQTT_PASSWORD`, `TOPIC_SENSOR` (default `hexaboard/+/sensor/data`), `MQTT_TLS`,
//! `MQTT_CA_FILE`, `MQTT_QOS`, `MQTT_CLIENT_ID`, `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::reading::{ReadingErrorKind, ReadingParser};
use hexaboard::core::text::Text;
use hexaboard::mqtt::session::Session;
use time::UtcOffset;

fn main() -> ExitCode {
    // Read before any thread starts: the `time` crate cannot read it later.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    println!("{}", text.server_start());
    println!("{}", text.waiting_for_data());

    let parser = ReadingParser::default();
    let builder = Session::builder(&settings.connection)
        .on_event(common::print_events(text, Greeting::Chapter))
        .on_message(move |msg| {
            let time = common::now(offset).time();
            match parser.parse(msg.payload, msg.topic) {
                Ok(reading) => println!("{}", text.reading(time, &reading)),
                Err(error) if error.kind() == ReadingErrorKind::NotJson => {
                    println!("{}", text.json_parse_error(msg.payload));
                }
                Err(error) => println!("{}", text.processing_error(&error)),
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
