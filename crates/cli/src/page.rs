//! What `serve` and `demo` share to show the page (`hexaboard-web`): the address it listens
//! on and who may send commands, the store read back for its charts, the session that sends
//! its LED commands, and every message fed to its live cards from the message callback.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use hexaboard_core::control::{LedCommand, CONTROL_TOPICS};
use hexaboard_core::pipeline::{Outcome, PipelineConfig, ReadingOutcome};
use hexaboard_core::rule::{RuleState, RULE_TOPICS};
use hexaboard_core::text::Text;
use hexaboard_core::topic::TopicFilter;
use hexaboard_mqtt::session::{PublishError, Session, SessionEvent};
use hexaboard_mqtt::settings::{Qos, StoreLocation};
use hexaboard_recorder::Recorder;
use hexaboard_store::history::Selection;
use hexaboard_web::{
    router, Archive, ArchiveError, CommandError, Commands, Config, Counts, Live, Point, Server,
    Services,
};
use time::{OffsetDateTime, UtcOffset};

use crate::common::Context;
use crate::failure::UsageError;
use crate::history_points;
use crate::history_source::{self, Source};

/// What the page subscribes to besides the readings and statuses: every board's LED control
/// topic, to show its last command (from the page, `send`, `react` or anything else), and the
/// `react` rules' states.
pub(crate) fn page_filters() -> [TopicFilter; 2] {
    [CONTROL_TOPICS, RULE_TOPICS].map(|f| TopicFilter::new(f).expect("a valid filter"))
}

/// Listens on `listen` (`HOST:PORT`).
///
/// # Errors
///
/// [`UsageError`] for an address that is not `HOST:PORT`; the address is taken or cannot be
/// listened on.
pub(crate) fn bind(listen: &str) -> anyhow::Result<TcpListener> {
    let address: SocketAddr = listen.parse().map_err(|_| {
        UsageError(format!(
            "--listen {listen}: expected IP:PORT, for example 127.0.0.1:8080 (or 0.0.0.0:8080 \
             for every network, with --token)"
        ))
    })?;
    TcpListener::bind(address).with_context(|| {
        format!("cannot listen on {address}: is another program (another serve?) using it?")
    })
}

/// The page's address as a browser opens it.
fn url(address: SocketAddr) -> String {
    if address.ip().is_unspecified() {
        format!("http://127.0.0.1:{}/", address.port())
    } else {
        format!("http://{address}/")
    }
}

/// Whether the page on `address` is read-only: beyond loopback without a token, said loudly
/// on stderr.
fn read_only(address: SocketAddr, token: Option<&str>, text: Text) -> bool {
    let exposed = !address.ip().is_loopback() && token.is_none();
    if exposed {
        eprintln!("{}", text.page_read_only(&address.to_string()));
    }
    exposed
}

/// The page's live cards, judged and capped as `pipeline` judges and caps, showing `broker`.
pub(crate) fn live(pipeline: &PipelineConfig, broker: String) -> Live {
    Live::new(
        pipeline.max_boards,
        pipeline.board,
        pipeline.thresholds,
        broker,
    )
}

/// What the page shows of the store.
pub(crate) struct Store {
    /// Where the readings are.
    pub(crate) location: StoreLocation,
    /// Whether this process records into it.
    pub(crate) recording: bool,
}

/// Serves the page on `listener` (read-only beyond loopback without `token`), its charts from
/// `store`, its commands through `commands`, its `/metrics` counts from `counts`; says its
/// address on stdout.
///
/// # Errors
///
/// The server's thread or runtime cannot be started.
pub(crate) fn start(
    listener: TcpListener,
    token: Option<String>,
    live: Live,
    commands: Arc<SessionCommands>,
    counts: CountsFn,
    store: Store,
    context: &Context,
) -> anyhow::Result<Server> {
    let text = context.text();
    let address = listener.local_addr()?;
    let config = Config {
        read_only: read_only(address, token.as_deref(), text),
        token,
        lang: text.lang(),
        recording: store.recording.then(|| store.location.to_string()),
    };
    let services = Services {
        live,
        archive: Arc::new(StoreArchive {
            location: store.location,
            offset: context.offset,
            text,
        }),
        commands,
        counts,
    };
    let server = Server::start(listener, router(config, services))?;
    println!("{}", text.page_at(&url(address)));
    Ok(server)
}

/// Feeds a reading the pipeline accepted to the page.
pub(crate) fn on_reading(live: &Live, outcome: &ReadingOutcome<'_>, at: OffsetDateTime) {
    let reading = &outcome.reading;
    live.reading(
        reading.board(),
        reading.temperature(),
        reading.humidity(),
        reading.light(),
        at,
    );
}

/// Feeds a message that is neither a reading nor a status: an LED command on a control topic
/// is shown on its board's card, a `react` rule's state on the page; anything else is ignored.
pub(crate) fn on_other(live: &Live, topic: &str, payload: &[u8], at: OffsetDateTime) {
    if let Some(to) = RuleState::board_of(topic) {
        live.rule(to, RuleState::parse(payload), at);
        return;
    }
    if let (Some(board), Ok(command)) = (LedCommand::board_of(topic), LedCommand::parse(payload)) {
        live.led(board, command, at);
    }
}

/// Feeds what the pipeline made of a message received at `at` to the page.
pub(crate) fn on_outcome(
    live: &Live,
    outcome: &Outcome<'_>,
    topic: &str,
    payload: &[u8],
    at: OffsetDateTime,
) {
    match outcome {
        Outcome::Reading(reading) => on_reading(live, reading, at),
        Outcome::Status { board, status } => live.status(board, *status, at),
        Outcome::Rejected(_) => {}
        Outcome::Other => on_other(live, topic, payload, at),
    }
}

/// Shows the broker connection on the page, then hands the event on.
pub(crate) fn connection_events(
    live: Live,
    then: impl Fn(SessionEvent) + Send + Sync + 'static,
) -> impl Fn(SessionEvent) + Send + Sync + 'static {
    move |event| {
        match &event {
            SessionEvent::Connected { .. } | SessionEvent::Reconnected => live.connected(true),
            SessionEvent::ConnectionLost { .. } | SessionEvent::BrokerDisconnected { .. } => {
                live.connected(false);
            }
            _ => {}
        }
        then(event);
    }
}

/// The receiver's message counts, for `/metrics`.
pub(crate) type CountsFn = Box<dyn Fn() -> Counts + Send + Sync>;

/// A recorder's counts.
pub(crate) fn recorder_counts(recorder: &Recorder) -> CountsFn {
    let counters = recorder.counters();
    Box::new(move || {
        let now = counters.snapshot();
        Counts {
            received: now.received,
            stored: now.stored,
            rejected: now.rejected,
            duplicates: now.duplicates,
        }
    })
}

/// The store, read back for the page's charts: opened for each chart, so a file made after
/// the start (or moved in) is read.
struct StoreArchive {
    location: StoreLocation,
    offset: UtcOffset,
    text: Text,
}

impl Archive for StoreArchive {
    fn points(
        &self,
        board: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        each: &mut dyn FnMut(Point),
    ) -> Result<(), ArchiveError> {
        if self.location.path().is_some_and(|path| !path.exists()) {
            return Ok(()); // nothing recorded yet
        }
        let source = history_source::at(self.location.clone()).map_err(|e| into_boxed(&e))?;
        let selection = Selection::all().from(from).to(to).board(board);
        let mut point = |p: history_points::Point<'_>| {
            each(Point {
                at: p.at,
                temperature: p.temperature,
                humidity: p.humidity,
                readings: p.readings,
            });
        };
        match source {
            Source::Database(mut history) if to - from > ROLLUPS_AFTER => {
                history_points::minutes_then_readings(&mut *history, &selection, &mut point)?;
            }
            source => {
                history_points::for_each(source, &selection, self.offset, self.text, &mut point)
                    .map_err(|e| into_boxed(&e))?;
            }
        }
        Ok(())
    }
}

/// Ranges longer than this are charted from the per-minute rollups where a retention pass made
/// them: a week is 10,080 rollups a board instead of 120,960 readings.
const ROLLUPS_AFTER: time::Duration = time::Duration::DAY;

/// The error with its causes, in one line.
fn into_boxed(error: &anyhow::Error) -> ArchiveError {
    format!("{error:#}").into()
}

/// The session that sends the page's LED commands, once connected.
#[derive(Default)]
pub(crate) struct SessionCommands {
    session: RwLock<Option<Session>>,
}

impl SessionCommands {
    /// Sends through `session` from now on.
    pub(crate) fn set(&self, session: Session) {
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = Some(session);
    }

    /// The session, given back to be stopped.
    pub(crate) fn take(&self) -> Option<Session> {
        self.session
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

impl Commands for SessionCommands {
    fn send_led(&self, board: &str, command: &LedCommand) -> Result<(), CommandError> {
        let guard = self.session.read().unwrap_or_else(|e| e.into_inner());
        let Some(session) = guard.as_ref().filter(|s| s.is_connected()) else {
            return Err(CommandError::NotConnected);
        };
        let topic = LedCommand::topic(board);
        session
            .publish(&topic, command.to_json(), Qos::AtLeastOnce, false)
            .map_err(|e| match e {
                e @ PublishError::Timeout { .. } => CommandError::Timeout(e.to_string()),
                e => CommandError::Failed(format!("{:#}", anyhow::Error::new(e))),
            })
    }
}
