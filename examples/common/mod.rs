//! What every example shares, so each example shows only its exercise: settings loaded the
//! same way (environment, then `.env`), the connection lines printed in the chapter's words,
//! and a clean exit on Ctrl+C.
//!
//! Not every example uses every helper.
#![allow(dead_code)]

use std::fmt::Display;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use hexaboard::core::text::{Lang, Line, Report, Text};
use hexaboard::mqtt::session::{Session, SessionBuilder, SessionEvent, StopSignal};
use hexaboard::mqtt::settings::{Defaults, Settings, Sources};
use hexaboard::mqtt::ConnectError;
use time::{OffsetDateTime, UtcOffset};

/// Exit code for a wrong or missing setting (the `hexaboard` command uses the same).
pub(crate) const EXIT_SETTINGS: u8 = 2;

/// The settings of the examples: the process environment, then `./.env` (read once), with
/// QoS 0 as the chapter's Python. On a mistake, prints the one-line message (which names the
/// variable and the fix) to stderr, in the language of `HEXABOARD_LANG` when that one is
/// readable, and returns the exit code.
pub(crate) fn settings() -> Result<(Settings, Text), ExitCode> {
    let sources = Sources::from_env();
    let lang = match &sources {
        Ok(sources) => sources.app().ok().map(|app| app.lang()),
        // The `.env` file is unreadable: the environment may still say the language.
        Err(_) => std::env::var("HEXABOARD_LANG")
            .ok()
            .and_then(|code| Lang::from_code(&code)),
    };
    let text = Text::new(lang.unwrap_or_default());
    match sources.and_then(|sources| sources.settings(&Defaults::examples())) {
        // Risky settings (such as MQTT_TLS_INSECURE=1) are reported by the session when it
        // starts, as `SessionEvent::Warning`.
        Ok(settings) => Ok((settings, text)),
        Err(error) => {
            // The message and its cause (which rule a topic filter breaks, say).
            eprintln!("{}", text.error(&Report(&error)));
            Err(ExitCode::from(EXIT_SETTINGS))
        }
    }
}

/// Ctrl+C (and SIGTERM) as a flag `main` waits on.
pub(crate) fn stop_signal() -> StopSignal {
    StopSignal::install().unwrap_or_else(|error| {
        // Without the handler Ctrl+C still ends the program, only less politely.
        eprintln!("⚠️ {error}");
        StopSignal::new()
    })
}

/// Now, as local time at `offset` (read once at start-up: see each example's `main`).
pub(crate) fn now(offset: UtcOffset) -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(offset)
}

/// Which of the chapter's connection lines an example prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Greeting {
    /// Exercise 1: `✅ MQTT Broker 연결 성공!`, `📬 구독 시작: {topic}`.
    Broker,
    /// Exercises 2 to 4: `✅ MQTT 연결 성공!`, `📬 구독: {topic}` and a blank line.
    Chapter,
    /// Exercise 5: only `✅ 멀티 Topic 구독 완료`, once for all topics.
    Multi,
}

/// The session's event handler: prints the connection lines like the chapter's `on_connect`,
/// and what happens when the connection drops and comes back (the session reconnects and
/// subscribes again by itself). Runs on paho's thread: it only prints.
pub(crate) fn print_events(
    text: Text,
    greeting: Greeting,
) -> impl Fn(SessionEvent) + Send + Sync + 'static {
    let reconnected = AtomicBool::new(false);
    move |event| match event {
        SessionEvent::Connected { .. } => match greeting {
            Greeting::Broker => println!("{}", text.broker_connected()),
            Greeting::Chapter => println!("{}", text.connected()),
            // Exercise 5 says only that its topics are subscribed.
            Greeting::Multi => {}
        },
        SessionEvent::Subscribed { filters, .. } if reconnected.load(Ordering::Relaxed) => {
            for filter in &filters {
                println!("{}", text.resubscribed(filter));
            }
        }
        SessionEvent::Subscribed { filters, .. } => match greeting {
            Greeting::Broker => filters
                .iter()
                .for_each(|f| println!("{}", text.subscribe_started(f))),
            Greeting::Chapter => filters
                .iter()
                .for_each(|f| println!("{}", text.subscribed(f))),
            Greeting::Multi => println!("{}", text.multi_subscribed()),
        },
        SessionEvent::ConnectionLost { cause } => {
            println!("{}", text.connection_lost(&cause));
            println!("{}", text.reconnecting());
        }
        SessionEvent::Reconnected => {
            reconnected.store(true, Ordering::Relaxed);
            println!("{}", text.reconnected());
        }
        SessionEvent::Stopped => {}
        // Warnings, retries and refusals: one English line with the fix, on stderr.
        other => eprintln!("⚠️ {other}"),
    }
}

/// Connects, or prints why not with the example's connect-failure line.
///
/// `Ok(None)` when Ctrl+C came while the first connect was still being retried.
pub(crate) fn connect(
    builder: SessionBuilder,
    text: Text,
    failed: for<'a> fn(Text, &'a dyn Display) -> Line<'a>,
) -> Result<Option<Session>, ExitCode> {
    match builder.connect() {
        Ok(session) => Ok(Some(session)),
        Err(ConnectError::Stopped) => Ok(None),
        Err(error) => {
            // The cause and the fix, with what the resolver or paho said.
            println!("{}", failed(text, &Report(&error)));
            Err(ExitCode::FAILURE)
        }
    }
}
