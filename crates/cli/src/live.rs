//! What the live commands (`record`, `watch`, `simulate`, `demo`) share: a session that
//! subscribes to the settings' filters, its events in the chosen language, the screen of a
//! live table, and local times.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use hexaboard_core::text::{sanitize_for_terminal, Text};
use hexaboard_mqtt::session::{ConnectError, Session, SessionBuilder, SessionEvent, StopSignal};
use hexaboard_mqtt::settings::ConnectionSettings;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::failure::Failure;

/// Clears the screen and moves the cursor home (plain ANSI).
const CLEAR_HOME: &str = "\x1b[2J\x1b[H";

/// A session for a receiver: subscribed to every filter of `settings` at its QoS, its events
/// printed on stderr, ended by `stop`.
pub(crate) fn subscriber(
    settings: &ConnectionSettings,
    text: Text,
    stop: &StopSignal,
) -> SessionBuilder {
    Session::builder(settings)
        .on_event(event_printer(text))
        .stop_signal(stop)
        .subscribe_all(&settings.subscriptions(), settings.qos())
}

/// Connects; `None` when a stop (Ctrl+C) came before the connection was made.
///
/// # Errors
///
/// [`Failure::Connect`]: why the broker could not be reached or refused the connection.
pub(crate) fn connect(builder: SessionBuilder) -> Result<Option<Session>, Failure> {
    match builder.connect() {
        Ok(session) => Ok(Some(session)),
        Err(ConnectError::Stopped) => Ok(None),
        Err(error) => Err(Failure::Connect(error)),
    }
}

/// Shows a live table: redrawn in place, with how to quit, when `redraw`; otherwise printed
/// below the last one.
pub(crate) fn draw(screen: &str, redraw: bool, text: Text) {
    let mut out = std::io::stdout().lock();
    let _ = if redraw {
        write!(out, "{CLEAR_HOME}{screen}{}", text.ctrl_c_to_quit())
    } else {
        writeln!(out, "{screen}")
    };
    let _ = out.flush();
}

/// An event handler for [`hexaboard_mqtt::SessionBuilder::on_event`] that prints each event
/// once on stderr, with the chapter's words where the chapter has them.
pub(crate) fn event_printer(text: Text) -> impl Fn(SessionEvent) + Send + Sync + 'static {
    let subscribed_once = AtomicBool::new(false);
    move |event| match event {
        SessionEvent::Connected { .. } => eprintln!("{}", text.connected()),
        SessionEvent::Subscribed { filters, .. } => {
            let again = subscribed_once.swap(true, Ordering::Relaxed);
            for filter in &filters {
                if again {
                    eprintln!("{}", text.resubscribed(filter));
                } else {
                    eprintln!("{}", text.subscribed(filter));
                }
            }
        }
        SessionEvent::ConnectionLost { cause } => {
            eprintln!("{}", text.connection_lost(&cause));
            eprintln!("{}", text.reconnecting());
        }
        SessionEvent::Reconnected => eprintln!("{}", text.reconnected()),
        SessionEvent::Stopped => {}
        other => eprintln!("{}", sanitize_for_terminal(&other.to_string())),
    }
}

/// `at` as local wall-clock time at `offset`.
pub(crate) fn local(at: OffsetDateTime, offset: UtcOffset) -> PrimitiveDateTime {
    let at = at.to_offset(offset);
    PrimitiveDateTime::new(at.date(), at.time())
}
