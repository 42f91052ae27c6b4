//! # Exercise 4 (실습 4): settings from `.env` — the chapter's `ch15_mqtt_env.py`
//!
//! Reads the broker, port, credentials and topic from the environment or a `.env` file, with
//! the chapter's variable names, so the learner's Python `.env` works as it is. Before
//! connecting it shows every setting and where it came from (`environment`, `.env` or
//! `default`; the password only as `********`), then prints one line per reading:
//! `[10:30:15] 보드 A: 25°C, 60%`.
//!
//! What it teaches: keeping secrets out of the code. `cp .env.example .env`, fill it in, and
//! never commit `.env` (it is in `.gitignore`). A real environment variable wins over the
//! same name in `.env`. Where the Python would call `int(None)` or connect to `None`, a
//! missing `MQTT_BROKER` gives one clear line naming the fix, and the exit code is 2:
//!
//! ```text
//! ❌ 오류: MQTT_BROKER is not set: copy .env.example to .env and fill it in
//! ```
//!
//! ```text
//! cp .env.example .env      # then edit it
//! cargo run --example 04_env
//! ```
//!
//! Settings: every variable of `.env.example`; this example uses `MQTT_BROKER` (required),
//! `MQTT_PORT`, `MQTT_USER`, `MQTT_PASSWORD`, `TOPIC_SENSOR`, `MQTT_TLS`, `MQTT_CA_FILE`,
//! `MQTT_QOS`, `MQTT_CLIENT_ID` and `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;

use common::Greeting;
use hexaboard::core::reading::ReadingParser;
use hexaboard::core::text::Text;
use hexaboard::mqtt::session::Session;
use time::UtcOffset;

fn main() -> ExitCode {
    // Read before any thread starts: the `time` crate cannot read it later.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    // load_dotenv() and os.getenv(...): the environment first, then `./.env`.
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    for setting in settings.describe() {
        println!("{setting}");
    }
    println!();
    let connection = &settings.connection;
    println!(
        "{}",
        text.connecting(connection.broker(), connection.port())
    );

    let parser = ReadingParser::default();
    let builder = Session::builder(connection)
        .on_event(common::print_events(text, Greeting::Chapter))
        .on_message(move |msg| {
            let time = common::now(offset).time();
            match parser.parse(msg.payload, msg.topic) {
                Ok(reading) => println!("{}", text.env_reading(time, &reading)),
                Err(error) => println!("{}", text.error(&error)),
            }
        })
        .stop_signal(&stop)
        .subscribe_all(connection.sensor_filters(), connection.qos());
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
