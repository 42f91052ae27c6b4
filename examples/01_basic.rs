//! # Exercise 1 (실습 1): basic MQTT receive — the chapter's `ch15_mqtt_basic.py`
//!
//! Connects to the broker (TLS and user/password, as HiveMQ Cloud wants), subscribes to the
//! sensor topic and prints the topic and payload of every message. Ctrl+C stops it cleanly:
//! it disconnects from the broker and prints `서버 종료`.
//!
//! What it teaches: the two callbacks of an MQTT client. The subscription is made when the
//! connection is made (paho's on-connect, inside [`Session`]), so a reconnect subscribes
//! again by itself; and the message handler runs on the client's network thread, so it only
//! prints.
//!
//! ```text
//! cargo run --example 01_basic
//! ```
//!
//! Settings (environment, then `.env`; see `.env.example`): `MQTT_BROKER` (required),
//! `MQTT_PORT` (8883), `MQTT_USER`, `MQTT_PASSWORD`, `TOPIC_SENSOR` (the chapter uses
//! `hexaboard/A/sensor/data`; default every board, `hexaboard/+/sensor/data`), `MQTT_TLS`,
//! `MQTT_CA_FILE`, `MQTT_QOS` (0), `MQTT_CLIENT_ID`, `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::text::Text;
use hexaboard::mqtt::session::Session;
use time::UtcOffset;

fn main() -> ExitCode {
    // The local offset can only be read before threads start; this example prints no time,
    // but every example reads it first, the same way.
    let _offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    println!("{}", text.server_start());
    println!("{}", text.ctrl_c_to_quit());

    let builder = Session::builder(&settings.connection)
        .on_event(common::print_events(text, Greeting::Broker))
        .on_message(move |msg| println!("{}", text.received(msg.topic, msg.payload)))
        .stop_signal(&stop)
        .subscribe_all(
            settings.connection.sensor_filters(),
            settings.connection.qos(),
        );
    let session = match common::connect(builder, text, Text::connect_failed_with_code) {
        Ok(session) => session,
        Err(code) => return code,
    };

    // `client.loop_forever()`: messages arrive on the client's thread until Ctrl+C.
    stop.wait();
    if let Some(session) = session {
        session.stop_at_exit();
    }
    println!("{}", text.shutdown());
    ExitCode::SUCCESS
}
