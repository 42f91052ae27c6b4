//! What the live commands (`record`, `watch`, `simulate`, `demo`) share: session events in
//! the chosen language, and local times.

use std::sync::atomic::{AtomicBool, Ordering};

use hexaboard_core::text::{sanitize_for_terminal, Text};
use hexaboard_mqtt::session::SessionEvent;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

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
