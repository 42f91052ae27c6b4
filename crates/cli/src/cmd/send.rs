//! `hexaboard send`: one LED command to a board, acknowledged by the broker.

use hexaboard_core::control::{parse_color, LedCommand};
use hexaboard_mqtt::settings::Defaults;

use crate::cli::{LedAction, SendArgs};
use crate::cmd::led;
use crate::common::Context;
use crate::failure::UsageError;

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
    led::send_once(&settings, &args.board, &command, context.text())
}
