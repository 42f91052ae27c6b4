//! # A virtual Hexaboard (가상 헥사보드): the exercises without hardware
//!
//! Publishes readings like the course firmware: every 5 s per board, to
//! `hexaboard/{board}/sensor/data`, `{"board": "A", "temperature": 25, "humidity": 60,
//! "timestamp": 817349415}` with whole degrees and percents drifting the way a room does, and
//! the timestamp of MicroPython's clock, which counts from 2000-01-01. It announces `online`
//! on `hexaboard/{board}/status` when it starts and `offline` when it stops (Ctrl+C, or after
//! `--count` readings). With `--led` it is an LED board instead: it listens on
//! `hexaboard/{board}/control/led` and prints what the LED would do.
//!
//! What it teaches: the other side of the exercises, publishing. Run it in one terminal and
//! any exercise in another, against a local broker (`mosquitto -p 1883`, then
//! `MQTT_BROKER=localhost MQTT_PORT=1883`) or the course's HiveMQ Cloud.
//!
//! ```text
//! cargo run --example 08_board
//! cargo run --example 08_board -- --interval 1 --count 10 --boards A,B --seed 7
//! cargo run --example 08_board -- --led --boards A
//! ```
//!
//! Options: `--interval SECONDS` (5; fractions allowed), `--count N` readings per board
//! (no end), `--boards A,B` (A), `--seed N` (from the clock; printed at start, so a run can
//! be repeated), `--led`. Settings (environment, then `.env`): `MQTT_BROKER` (required),
//! `MQTT_PORT`, `MQTT_USER`, `MQTT_PASSWORD`, `MQTT_TLS`, `MQTT_CA_FILE`, `MQTT_QOS` (0, for
//! publishing too), `MQTT_CLIENT_ID`, `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::Greeting;
use hexaboard::core::control::LedCommand;
use hexaboard::core::reading::board_from_topic;
use hexaboard::core::sim::VirtualBoard;
use hexaboard::core::text::Text;
use hexaboard::core::topic::{check_board_id, TopicFilter};
use hexaboard::mqtt::session::{Session, StopSignal};
use hexaboard::mqtt::settings::ConnectionSettings;
use time::{OffsetDateTime, UtcOffset};

const USAGE: &str = "usage: 08_board [--interval SECONDS] [--count N] [--boards A,B] \
                     [--seed N] [--led]";

/// The command line.
struct Options {
    interval: Duration,
    count: Option<u64>,
    boards: Vec<String>,
    seed: u64,
    led: bool,
}

fn main() -> ExitCode {
    // Every example reads the local offset first, before any thread starts.
    let _offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("❌ {message}\n{USAGE}");
            return ExitCode::from(common::EXIT_SETTINGS);
        }
    };
    let (settings, text) = match common::settings() {
        Ok((settings, text)) => (settings.connection, text),
        Err(code) => return code,
    };
    let stop = common::stop_signal();
    println!("{}", banner(text, &options));

    let mut builder = Session::builder(&settings)
        .on_event(common::print_events(text, Greeting::Chapter))
        .stop_signal(&stop);
    if options.led {
        for board in &options.boards {
            // The board ids were checked with the arguments: each makes a valid filter.
            let Ok(filter) = TopicFilter::new(&LedCommand::topic(board)) else {
                eprintln!("❌ --boards {board}\n{USAGE}");
                return ExitCode::from(common::EXIT_SETTINGS);
            };
            builder = builder.subscribe(filter, settings.qos());
        }
        builder = builder.on_message(move |msg| {
            // The catalogue escapes the board id and the error (which quotes the payload).
            let board = board_from_topic(msg.topic).unwrap_or("?");
            match LedCommand::parse(msg.payload) {
                Ok(command) => println!("{}", text.led(board, command)),
                Err(error) => println!("{}", text.rejected(msg.topic, &error)),
            }
        });
    }
    let Some(session) = (match common::connect(builder, text, Text::connect_failed) {
        Ok(session) => session,
        Err(code) => return code,
    }) else {
        return ExitCode::SUCCESS;
    };

    announce(&session, &settings, &options.boards, "online");
    if options.led {
        stop.wait();
    } else {
        run_boards(&session, &settings, &options, &stop);
    }
    announce(&session, &settings, &options.boards, "offline");
    session.stop_at_exit();
    println!("{}", text.virtual_boards_stopped());
    ExitCode::SUCCESS
}

/// Publishes a reading of every board each interval, `count` times or until Ctrl+C.
fn run_boards(
    session: &Session,
    settings: &ConnectionSettings,
    options: &Options,
    stop: &StopSignal,
) {
    let mut boards: Vec<VirtualBoard> = options
        .boards
        .iter()
        .map(|id| VirtualBoard::new(id.as_str(), options.seed))
        .collect();
    let mut sent = 0;
    loop {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        for board in &mut boards {
            publish(
                session,
                settings,
                &board.sensor_topic(),
                board.next_payload(now),
            );
        }
        sent += 1;
        if options.count.is_some_and(|count| sent >= count) || stop.wait_timeout(options.interval) {
            break;
        }
    }
}

/// Publishes `online` or `offline` on every board's status topic, as plain text.
fn announce(session: &Session, settings: &ConnectionSettings, boards: &[String], status: &str) {
    for board in boards {
        let topic = format!("hexaboard/{board}/status");
        publish(session, settings, &topic, status.to_owned());
    }
}

/// Publishes and prints `📤 [topic] payload`; a failure is printed and the board goes on
/// (the session reconnects by itself).
fn publish(session: &Session, settings: &ConnectionSettings, topic: &str, payload: String) {
    println!("📤 [{topic}] {payload}");
    if let Err(error) = session.publish(topic, payload, settings.qos(), false) {
        eprintln!("⚠️ {error}");
    }
}

/// The first line: what is simulated, and the seed that repeats the run.
fn banner(text: Text, options: &Options) -> String {
    let boards = options.boards.join(", ");
    if options.led {
        text.virtual_led_boards(&boards).to_string()
    } else {
        let every = options.interval.as_secs_f64();
        text.virtual_boards(&boards, every, options.seed)
            .to_string()
    }
}

/// `--interval 1 --count 10 --boards A,B --seed 7 --led`, as simply as it gets.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        interval: Duration::from_secs(5),
        count: None,
        boards: vec!["A".to_owned()],
        seed: OffsetDateTime::now_utc().unix_timestamp_nanos() as u64,
        led: false,
    };
    while let Some(arg) = args.next() {
        if arg == "--led" {
            options.led = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        let bad = |what: &str| format!("{arg} `{value}`: expected {what}");
        match arg.as_str() {
            "--interval" => {
                options.interval = value
                    .parse::<f64>()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| bad("seconds, such as 5 or 0.5"))?;
            }
            "--count" => {
                options.count = Some(value.parse().map_err(|_| bad("a whole number"))?);
            }
            "--seed" => options.seed = value.parse().map_err(|_| bad("a whole number"))?,
            "--boards" => {
                options.boards = value.split(',').map(|b| b.trim().to_owned()).collect();
                if !options.boards.iter().all(|b| check_board_id(b).is_ok()) {
                    return Err(bad("board ids separated by commas, such as A,B"));
                }
            }
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    Ok(options)
}
