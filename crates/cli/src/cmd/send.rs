//! `hexaboard send`: one LED command to a board, acknowledged by the broker.

use hexaboard_core::control::{parse_color, LedCommand};
use hexaboard_mqtt::session::{RetryPolicy, Session, SessionEvent};
use hexaboard_mqtt::settings::Defaults;

use crate::cli::{LedAction, SendArgs};
use crate::cmd::led;
use crate::common::Context;
use crate::failure::UsageError;
use crate::live;

pub(crate) fn run(args: &SendArgs, context: &Context) -> anyhow::Result<()> {
    led::check_board(&args.board)?;
    let command = match args.action {
        LedAction::LedOff => LedCommand::LedOff,
        LedAction::LedOn => {
            let color =
                parse_color(&args.color).map_err(|e| UsageError(format!("--color: {e}")))?;
            LedCommand::on(color, args.brightness)
                .map_err(|e| UsageError(format!("--brightness: {e}")))?
        }
    };
    let settings = context.connection(&Defaults::examples())?;
    let text = context.text();
    let builder = Session::builder(&settings)
        .retry(RetryPolicy::none())
        .on_event(|event| {
            if let SessionEvent::Warning(warning) = event {
                eprintln!("⚠️ {warning}");
            }
        });
    let Some(session) = live::connect(builder)? else {
        return Ok(());
    };
    let sent = led::publish(&session, &args.board, &command);
    session.stop_at_exit();
    sent?;
    let topic = LedCommand::topic(&args.board);
    let json = command.to_json();
    println!("{}", text.command_sent(&args.board, &topic, &json));
    Ok(())
}
