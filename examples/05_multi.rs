//! # Exercise 5 (실습 5): several topics with wildcards — the chapter's `ch15_mqtt_multi.py`
//!
//! Subscribes to the sensor data and the status of every board and prints each message as
//! the chapter does:
//!
//! ```text
//! 📥 [hexaboard/A/status]
//!    online
//! ```
//!
//! What it teaches: topic wildcards. `+` stands for exactly one level
//! (`hexaboard/+/status` matches `hexaboard/A/status` and `hexaboard/B/status`), `#` for
//! every level below (`hexaboard/#` matches all of the above and `hexaboard/A/control/led`).
//! By default it subscribes to `TOPIC_SENSOR` and `TOPIC_STATUS` (both with `+`); with
//! `--all` it subscribes to `hexaboard/#` alone. The payload is printed as text: status
//! messages are plain `online` / `offline`, not JSON.
//!
//! ```text
//! cargo run --example 05_multi
//! cargo run --example 05_multi -- --all
//! ```
//!
//! Settings (environment, then `.env`): `MQTT_BROKER` (required), `MQTT_PORT`, `MQTT_USER`,
//! `MQTT_PASSWORD`, `TOPIC_SENSOR` (default `hexaboard/+/sensor/data`), `TOPIC_STATUS`
//! (default `hexaboard/+/status`), `MQTT_TLS`, `MQTT_CA_FILE`, `MQTT_QOS`, `MQTT_CLIENT_ID`,
//! `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::text::Text;
use hexaboard::core::topic::TopicFilter;
use hexaboard::mqtt::session::Session;
use time::UtcOffset;

/// The `#` filter of `--all`: everything a Hexaboard publishes or receives.
const EVERYTHING: &str = "hexaboard/#";

fn main() -> ExitCode {
    // Every example reads the local offset first, before any thread starts.
    let _offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let all = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--all") => true,
        Some(other) => {
            eprintln!("unknown argument `{other}`; usage: 05_multi [--all]");
            return ExitCode::from(common::EXIT_SETTINGS);
        }
    };
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    let mut builder = Session::builder(&settings.connection)
        .on_event(common::print_events(text, Greeting::Multi))
        .on_message(move |msg| println!("{}", text.multi_message(msg.topic, msg.payload)))
        .stop_signal(&stop);
    if all {
        let everything = TopicFilter::new(EVERYTHING).expect("`hexaboard/#` is a valid filter");
        builder = builder.subscribe(everything, settings.connection.qos());
    } else {
        // The sensor filters and the status filter.
        let filters = settings.connection.subscriptions();
        builder = builder.subscribe_all(&filters, settings.connection.qos());
    }
    let session = match common::connect(builder, text, Text::connect_failed) {
        Ok(session) => session,
        Err(code) => return code,
    };

    stop.wait();
    if let Some(session) = session {
        session.stop_at_exit();
    }
    // The chapter's exercise 5 has no Ctrl+C handler (it ends with a traceback); this one
    // stops as the others do.
    println!("{}", text.shutdown());
    ExitCode::SUCCESS
}
