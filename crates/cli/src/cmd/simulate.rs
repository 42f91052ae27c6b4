//! `hexaboard simulate`: virtual boards publishing readings like the course firmware, each
//! every `--interval` seconds (the first at once), `online` / `offline` on their status
//! topics, and with `--led` what each would do with the commands on its control topic.

use std::io::Write as _;

use hexaboard_core::control::LedCommand;
use hexaboard_core::reading::{board_from_topic, ReadingParser};
use hexaboard_core::sim::VirtualBoard;
use hexaboard_core::text::Text;
use hexaboard_core::topic::TopicFilter;
use hexaboard_mqtt::session::{Session, StopSignal};
use hexaboard_mqtt::settings::{Defaults, Qos};
use time::UtcOffset;

use crate::boards::{board_ids, interval, publish_readings, Schedule};
use crate::cli::SimulateArgs;
use crate::common::Context;
use crate::failure::{Failure, UsageError};
use crate::live;

pub(crate) fn run(args: &SimulateArgs, context: &Context) -> anyhow::Result<()> {
    let ids = board_ids(&args.boards)?;
    let interval = interval(args.interval)?;
    let qos = Qos::from_number(args.publish_qos).ok_or_else(|| {
        UsageError(format!(
            "--publish-qos {}: expected 0, 1 or 2",
            args.publish_qos
        ))
    })?;
    let text = context.text();
    let settings = context.connection(&Defaults::examples())?;
    let stop = StopSignal::install()?;

    eprintln!("{}", text.connecting(settings.broker(), settings.port()));
    let mut builder = Session::builder(&settings)
        .on_event(live::event_printer(text))
        .stop_signal(&stop);
    if let [only] = ids.as_slice() {
        // Like the firmware: if the board dies without saying goodbye, the broker says it.
        // (One connection carries every simulated board, and a connection has one will.)
        builder = builder.last_will(
            format!("hexaboard/{only}/status"),
            "offline",
            Qos::AtLeastOnce,
            true,
        );
    }
    if args.led {
        for id in &ids {
            let filter = TopicFilter::new(&LedCommand::topic(id))?;
            builder = builder.subscribe(filter, Qos::AtLeastOnce);
        }
        builder = builder.on_message(move |message| {
            let board = board_from_topic(message.topic).unwrap_or("?");
            match LedCommand::parse(message.payload) {
                Ok(command) => println!("{}", text.led(board, command)),
                Err(error) => eprintln!("{}", text.rejected(message.topic, &error)),
            }
        });
    }
    let Some(session) = live::connect(builder)? else {
        return Ok(());
    };

    let mut boards: Vec<VirtualBoard> = ids
        .iter()
        .map(|id| VirtualBoard::new(id.as_str(), args.seed))
        .collect();
    let offset = context.offset;
    let published = publish_readings(
        &session,
        &mut boards,
        Schedule {
            interval,
            count: args.count,
            qos,
        },
        &stop,
        |topic, payload| print_published(text, offset, topic, payload),
    );
    session.stop_at_exit();
    let published = published.map_err(Failure::Publish)?;
    println!("{}", text.published(boards.len(), published));
    Ok(())
}

/// `📤 [HH:MM:SS] 보드 A: 25°C, 60%` for a published reading.
fn print_published(text: Text, offset: UtcOffset, topic: &str, payload: &str) {
    let at = live::local(time::OffsetDateTime::now_utc(), offset).time();
    if let Ok(reading) = ReadingParser::default().parse(payload.as_bytes(), topic) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "📤 {}", text.env_reading(at, &reading));
    }
}
