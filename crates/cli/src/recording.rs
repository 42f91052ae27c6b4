//! What `record` and `demo` share: a session whose every message goes to a [`Recorder`], and
//! the end of a recording, cleanly with the chapter's closing lines, or on a reading that
//! could not be stored.

use std::fmt;
use std::io::Write as _;

use hexaboard_core::text::Text;
use hexaboard_mqtt::session::{Session, StopSignal};
use hexaboard_mqtt::settings::ConnectionSettings;
use hexaboard_recorder::Recorder;

use crate::failure::Failure;
use crate::live;

/// Connects a session that hands every message on the filters of `settings` to `recorder`,
/// with a persistent session when `persistent`; `None` when stopped before it connected.
///
/// # Errors
///
/// [`Failure::Connect`]: why the broker could not be reached or refused the connection.
pub(crate) fn connect(
    recorder: &Recorder,
    settings: &ConnectionSettings,
    persistent: bool,
    text: Text,
    stop: &StopSignal,
) -> Result<Option<Session>, Failure> {
    let builder = live::subscriber(settings, text, stop)
        .persistent(persistent)
        .on_message(recorder.handler(stop.clone()));
    live::connect(builder)
}

/// Ends a recording once it was stopped: the session stopped, the recorder closed, and the
/// chapter's closing lines with the totals and where the data is (`location`).
///
/// # Errors
///
/// [`Failure::Store`] when a reading could not be stored: the message in hand was not
/// acknowledged and paho's callback thread waits in the handler for good, so the session is
/// left without a DISCONNECT ([`Session::abandon`]) and the broker sends the message again
/// next time. Otherwise the error of closing the recorder.
pub(crate) fn finish(
    recorder: &Recorder,
    session: Option<Session>,
    location: &dyn fmt::Display,
    text: Text,
) -> anyhow::Result<()> {
    if let Some(error) = recorder.failure() {
        if let Some(session) = session {
            session.abandon();
        }
        // What was gathered (QoS 0) is written if the file still takes it.
        let _ = recorder.write_gathered();
        let _ = std::io::stdout().flush();
        return Err(Failure::Store(error).into());
    }
    if let Some(session) = session {
        session.stop_at_exit();
    }
    let totals = recorder.close()?;
    println!("{}", text.shutdown_after_saving());
    println!("{}", text.totals(&totals.in_words(text)));
    println!("{}", text.data_location(location));
    Ok(())
}
