//! What `send`, `react` and `advise` share: board ids checked as a topic level, the interval
//! between commands, and an LED command published at QoS 1 with the broker's
//! acknowledgement awaited.

use std::time::Duration;

use anyhow::Context as _;
use hexaboard_core::control::LedCommand;
use hexaboard_core::text::Text;
use hexaboard_core::topic::check_board_id;
use hexaboard_mqtt::session::{RetryPolicy, Session, SessionEvent};
use hexaboard_mqtt::settings::{ConnectionSettings, Qos};

use crate::failure::UsageError;
use crate::live;

/// Checks that `board` can stand as one level of `hexaboard/{board}/control/led`.
///
/// # Errors
///
/// A [`UsageError`] naming the board and what is wrong with it.
pub(crate) fn check_board(board: &str) -> Result<(), UsageError> {
    check_board_id(board).map_err(|invalid| UsageError(invalid.to_string()))
}

/// The fewest time between two commands, from `--min-interval`'s seconds.
///
/// # Errors
///
/// A [`UsageError`] for a negative or not finite number.
pub(crate) fn min_interval(seconds: f64) -> Result<Duration, UsageError> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        UsageError(format!(
            "--min-interval {seconds}: expected a number of seconds, 0 or more"
        ))
    })
}

/// Publishes `command` to `board`'s control topic at QoS 1 and waits for the PUBACK.
///
/// # Errors
///
/// When the broker does not acknowledge it within the session's publish timeout (10 s).
pub(crate) fn publish(session: &Session, board: &str, command: &LedCommand) -> anyhow::Result<()> {
    let topic = LedCommand::topic(board);
    session
        .publish(&topic, command.to_json(), Qos::AtLeastOnce, false)
        .with_context(|| format!("cannot send the LED command to board {board}"))
}

/// Connects once (no retries), sends `command` to `board` as [`publish`] does, disconnects,
/// and says it was delivered: `send`'s path, also `advise --apply`'s.
///
/// # Errors
///
/// The broker cannot be reached, or does not acknowledge the command.
pub(crate) fn send_once(
    settings: &ConnectionSettings,
    board: &str,
    command: &LedCommand,
    text: Text,
) -> anyhow::Result<()> {
    let builder = Session::builder(settings)
        .retry(RetryPolicy::none())
        .on_event(|event| {
            if let SessionEvent::Warning(warning) = event {
                eprintln!("⚠️ {warning}");
            }
        });
    let Some(session) = live::connect(builder)? else {
        anyhow::bail!("stopped before the LED command was sent");
    };
    let sent = publish(&session, board, command);
    session.stop_at_exit();
    sent?;
    let topic = LedCommand::topic(board);
    println!("{}", text.command_sent(board, &topic, &command.to_json()));
    Ok(())
}
