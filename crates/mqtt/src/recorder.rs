//! Recording: the message handler that turns every message into a stored row, a counted
//! status, or a kept reject, before the message is acknowledged.
//!
//! A [`Recorder`] owns the core [`Pipeline`], the [`CsvStore`] and the [`RejectsFile`]. Its
//! [`Recorder::handler`] is given to [`SessionBuilder::on_message`](crate::session::SessionBuilder::on_message), so it runs on paho's
//! callback thread, and paho acknowledges a QoS 1 message only after it returns: by then the
//! row has been written to the file. A receiver killed at any moment loses no QoS 1 reading;
//! the broker redelivers what was not acknowledged and the store keeps a redelivered row
//! single. The rows of QoS 0 readings, which the broker never sends again, are gathered for
//! a few milliseconds and written together ([`RecorderOptions::gather`]).
//!
//! ```no_run
//! use hexaboard_mqtt::recorder::{Recorder, RecorderOptions};
//! use hexaboard_mqtt::session::{Session, StopSignal};
//! use hexaboard_mqtt::settings::{Defaults, Sources};
//!
//! let offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
//! let sources = Sources::from_env()?;
//! let app = sources.app()?;
//! let connection = sources.connection(&Defaults::recording(app.csv_file()))?;
//! let recorder = Recorder::open(app.csv_file(), RecorderOptions::new(offset))?;
//! let stop = StopSignal::install()?;
//! let mut builder = Session::builder(&connection)
//!     .persistent(true)
//!     .on_message(recorder.handler(stop.clone()))
//!     .stop_signal(&stop);
//! for filter in connection.sensor_filters() {
//!     builder = builder.subscribe(filter.clone(), connection.qos());
//! }
//! let session = builder.connect()?;
//! stop.wait();
//! if let Some(error) = recorder.failure() {
//!     // The message in hand was not acknowledged: the broker sends it again next time.
//!     session.abandon();
//!     return Err(error.into());
//! }
//! session.stop();
//! println!("{}", recorder.close()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When the disk fails
//!
//! A row that cannot be written must not be acknowledged. The handler then records the error
//! ([`Recorder::failure`]), sets the stop signal and parks paho's callback thread for good, so
//! the message is never acknowledged. The program then leaves the session with
//! [`Session::abandon`](crate::session::Session::abandon) (it cannot disconnect cleanly while
//! the callback thread is parked), says why and ends; with a persistent session the broker
//! keeps the message for the next run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::thread::Thread;
use std::time::{Duration, Instant};

use hexaboard_core::pipeline::{Outcome, Pipeline, PipelineConfig, ReadingOutcome};
use hexaboard_core::status::Status;
use time::{OffsetDateTime, UtcOffset};

use crate::counters::{Counters, CountersSnapshot};
use crate::rejects::{self, Rejected, RejectsFile, DEFAULT_REJECTS_LIMIT};
use crate::session::{Incoming, StopSignal};
use crate::settings::Qos;
use crate::store::{
    Appended, CsvStore, MessageId, StoreError, StoreNote, StoreOptions, DEFAULT_GATHER_DELAY,
};

/// How a [`Recorder`] is set up.
#[derive(Debug, Clone)]
pub struct RecorderOptions {
    /// UTC offset of the CSV's local timestamps (read once at start-up, before any thread).
    pub offset: UtcOffset,
    /// Routing, limits, thresholds and board cap.
    pub pipeline: PipelineConfig,
    /// Duplicate memory and sync interval of the CSV store. [`Recorder::open`] adds its own
    /// background `fsync`, and gathers the rows of QoS 0 messages for
    /// [`RecorderOptions::gather`].
    pub store: StoreOptions,
    /// How long the row of a QoS 0 message may wait in memory to be written with others
    /// (default [`DEFAULT_GATHER_DELAY`]; `None` writes every row as it comes). See
    /// [`StoreOptions::gather_at_most_once`].
    pub gather: Option<Duration>,
    /// The rejects file; default: the CSV path with `.rejects.jsonl` appended.
    pub rejects_path: Option<PathBuf>,
    /// Size cap of the rejects file in bytes (default 10 MiB).
    pub rejects_limit: u64,
}

impl RecorderOptions {
    /// Defaults, with timestamps at `offset`.
    pub fn new(offset: UtcOffset) -> RecorderOptions {
        RecorderOptions {
            offset,
            pipeline: PipelineConfig::default(),
            store: StoreOptions::default(),
            gather: Some(DEFAULT_GATHER_DELAY),
            rejects_path: None,
            rejects_limit: DEFAULT_REJECTS_LIMIT,
        }
    }
}

/// What happened to one message, as shown to an observer ([`Recorder::on_record`]).
#[derive(Debug)]
pub enum Record<'a> {
    /// A reading, written to the CSV (at QoS 0 possibly still gathered, to be written
    /// within the gather delay: see [`RecorderOptions::gather`]).
    Stored(&'a ReadingOutcome<'a>),
    /// A reading already stored (a redelivery): nothing written.
    Duplicate(&'a ReadingOutcome<'a>),
    /// A board status.
    Status {
        /// The board.
        board: &'a str,
        /// Online or offline.
        status: Status,
    },
    /// A payload that is not a reading or status, kept in the rejects file.
    Rejected {
        /// The topic it came on.
        topic: &'a str,
        /// What is wrong, in one line.
        error: &'a (dyn std::error::Error + 'static),
        /// Whether this is the first rejection of its kind (report each kind once).
        first_of_kind: bool,
        /// Whether the rejects file is full, so it was counted but not written.
        not_written: bool,
    },
    /// Something about the CSV the user should know while recording goes on: it was moved,
    /// deleted or replaced and opened again, or its duplicate journal failed.
    Note(&'a StoreNote),
    /// A message on a topic that is neither a sensor nor a status topic.
    Other {
        /// The topic.
        topic: &'a str,
        /// The payload.
        payload: &'a [u8],
    },
}

type Observer = Box<dyn FnMut(&Record<'_>, OffsetDateTime) + Send>;

struct State {
    pipeline: Pipeline,
    store: CsvStore,
    rejects: RejectsFile,
    kinds_seen: HashSet<&'static str>,
    observer: Option<Observer>,
    redeliveries: Redeliveries,
}

/// Where a broker's redeliveries can be: at the start of a connection, before the first new
/// reading. A QoS 1 message is sent again only when its acknowledgement was lost with a
/// connection, and then first thing on the next one (MQTT 3.1.1 §4.4 requires it there,
/// 5.0 §4.4 forbids it anywhere else, brokers send it before anything queued); so only
/// readings there are checked against the stored ones. Later, the same payload again is a
/// new reading: a board whose clock counts from boot sends the payloads of its last start
/// again after a restart, when the room has not changed.
#[derive(Debug, Default)]
struct Redeliveries {
    /// The connection of the last message.
    connection: Option<u32>,
    /// Whether no new QoS 1 or 2 reading has come on it yet.
    open: bool,
}

impl Redeliveries {
    /// Whether a reading on `connection` (`None`: not known) may be a redelivery.
    fn possible(&mut self, connection: Option<u32>) -> bool {
        let Some(connection) = connection else {
            return true;
        };
        if self.connection != Some(connection) {
            self.connection = Some(connection);
            self.open = true;
        }
        self.open
    }
}

/// Records readings into the chapter's CSV as they arrive. Cloning gives another handle to
/// the same recorder.
#[derive(Clone)]
pub struct Recorder {
    state: Arc<Mutex<Option<State>>>,
    counters: Arc<Counters>,
    failure: Arc<OnceLock<Arc<StoreError>>>,
    /// The stop signal given to [`Recorder::handler`], set when the writer thread fails.
    stop: Arc<OnceLock<StopSignal>>,
    /// The thread that writes gathered rows and syncs, woken when rows start to gather.
    writer: Thread,
    csv_path: PathBuf,
    rejects_path: PathBuf,
    created: bool,
}

impl Recorder {
    /// Opens (or creates) the CSV at `csv_path` and the rejects file beside it.
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`CsvStore::open`] or [`RejectsFile::open`]: a file with another
    /// header, a path that cannot be opened or written.
    pub fn open(
        csv_path: impl AsRef<Path>,
        options: RecorderOptions,
    ) -> Result<Recorder, StoreError> {
        let csv_path = csv_path.as_ref().to_owned();
        // The periodic fsync runs on the recorder's own thread (below), never on paho's
        // callback thread, where a slow disk would hold up every message.
        let store = CsvStore::open(
            &csv_path,
            options.offset,
            options
                .store
                .sync_elsewhere(true)
                .gather_at_most_once(options.gather),
        )?;
        let rejects_path = options
            .rejects_path
            .unwrap_or_else(|| rejects::default_path(&csv_path));
        let rejects = RejectsFile::open(&rejects_path, options.offset, options.rejects_limit)?;
        let created = store.created();
        let state = Arc::new(Mutex::new(Some(State {
            pipeline: Pipeline::new(options.pipeline),
            store,
            rejects,
            kinds_seen: HashSet::new(),
            observer: None,
            redeliveries: Redeliveries::default(),
        })));
        let failure = Arc::new(OnceLock::new());
        let stop = Arc::new(OnceLock::new());
        let writer = Recorder::start_writer(
            Arc::downgrade(&state),
            Arc::clone(&failure),
            Arc::clone(&stop),
            &csv_path,
        )?;
        Ok(Recorder {
            state,
            counters: Arc::new(Counters::default()),
            failure,
            stop,
            writer,
            csv_path,
            rejects_path,
            created,
        })
    }

    /// Starts the thread that writes gathered QoS 0 rows once they are due and syncs the CSV
    /// to disk at most once a second of activity. The lock is held only to write the rows
    /// and take the sync's work; the `fsync` runs without it. The thread ends when the
    /// recorder is closed or dropped, or after a failure (which it reports and stops on).
    fn start_writer(
        state: Weak<Mutex<Option<State>>>,
        failure: Arc<OnceLock<Arc<StoreError>>>,
        stop: Arc<OnceLock<StopSignal>>,
        path: &Path,
    ) -> Result<Thread, StoreError> {
        /// How long the thread sleeps when no rows are gathered.
        const IDLE: Duration = Duration::from_millis(200);
        let fail = move |error: StoreError| {
            let _ = failure.set(Arc::new(error));
            if let Some(stop) = stop.get() {
                stop.set();
            }
        };
        let spawned = std::thread::Builder::new()
            .name("csv-writer".into())
            .spawn(move || loop {
                let Some(state) = state.upgrade() else {
                    return;
                };
                let (work, wake_at) = {
                    let mut guard = state
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let Some(state) = guard.as_mut() else {
                        return;
                    };
                    let now = Instant::now();
                    if let Err(error) = state.store.flush_due(now) {
                        drop(guard);
                        fail(error);
                        return;
                    }
                    let idle = now + IDLE;
                    let wake_at = state.store.flush_at().map_or(idle, |at| at.min(idle));
                    (state.store.sync_work(now), wake_at)
                };
                drop(state);
                if let Some(Err(error)) = work.map(|work| work.run()) {
                    fail(error);
                    return;
                }
                // Woken early by `handle_at` when rows start to gather.
                std::thread::park_timeout(wake_at.saturating_duration_since(Instant::now()));
            });
        match spawned {
            Ok(handle) => Ok(handle.thread().clone()),
            Err(source) => Err(StoreError::Thread {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Whether the CSV was created (with its header) by this recorder.
    pub fn created(&self) -> bool {
        self.created
    }

    /// The CSV path.
    pub fn csv_path(&self) -> &Path {
        &self.csv_path
    }

    /// The rejects file path.
    pub fn rejects_path(&self) -> &Path {
        &self.rejects_path
    }

    /// The counters, shared (for a status line printed by another thread).
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// Calls `observer` for every message, after it is stored (or, at QoS 0, gathered) and
    /// before it is acknowledged.
    /// It runs on paho's callback thread: keep it short (print a line, update a view).
    pub fn on_record(&self, observer: impl FnMut(&Record<'_>, OffsetDateTime) + Send + 'static) {
        if let Some(state) = self.lock().as_mut() {
            state.observer = Some(Box::new(observer));
        }
    }

    /// Runs `f` with the pipeline (its per-board statistics), for a live view.
    pub fn with_pipeline<T>(&self, f: impl FnOnce(&Pipeline) -> T) -> Option<T> {
        self.lock().as_ref().map(|state| f(&state.pipeline))
    }

    /// The store error that stopped recording, if any (shared: the recorder keeps it too).
    pub fn failure(&self) -> Option<Arc<StoreError>> {
        self.failure.get().cloned()
    }

    /// The message handler for [`crate::session::SessionBuilder::on_message`]. On a store
    /// failure it sets `stop` and never returns (see the module docs).
    pub fn handler(&self, stop: StopSignal) -> impl FnMut(Incoming<'_>) + Send + 'static {
        let _ = self.stop.set(stop.clone());
        let recorder = self.clone();
        move |message| {
            let result = match recorder.failure.get() {
                // A write or sync failed on the recorder's writer thread: stop here.
                Some(_) => Err(None),
                None => recorder
                    .handle_on(
                        message.connection,
                        message.topic,
                        message.payload,
                        message.qos,
                        OffsetDateTime::now_utc(),
                    )
                    .map_err(Some),
            };
            if let Err(error) = result {
                if let Some(error) = error {
                    let _ = recorder.failure.set(Arc::new(error));
                }
                stop.set();
                // Never return: returning would acknowledge a message that was not stored.
                loop {
                    std::thread::park();
                }
            }
        }
    }

    /// Handles one message received at `received_at` (at QoS 1 or 2): stores, counts, keeps
    /// rejects.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the CSV or rejects file cannot be written; the message must then
    /// not be acknowledged.
    pub fn handle(
        &self,
        topic: &str,
        payload: &[u8],
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_at(topic, payload, Qos::AtLeastOnce, received_at)
    }

    /// [`Recorder::handle`] for a message delivered at `qos`: at QoS 0 the broker never sends
    /// a message twice, so none is checked or remembered for duplicates (one write per row).
    /// Every reading at QoS 1 or 2 is checked: see [`Recorder::handle_on`].
    ///
    /// # Errors
    ///
    /// As [`Recorder::handle`].
    pub fn handle_at(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_message(None, topic, payload, qos, received_at)
    }

    /// [`Recorder::handle_at`] for a message that came on the session's connection number
    /// `connection` ([`Incoming::connection`]): a reading is checked against the stored ones
    /// only at the start of a connection, up to the first new QoS 1 or 2 reading, where a
    /// broker puts what it sends again. Later the same payload is stored as a new reading.
    ///
    /// # Errors
    ///
    /// As [`Recorder::handle`].
    pub fn handle_on(
        &self,
        connection: u32,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.handle_message(Some(connection), topic, payload, qos, received_at)
    }

    fn handle_message(
        &self,
        connection: Option<u32>,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        received_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut guard = self.lock();
        let Some(state) = guard.as_mut() else {
            return Ok(()); // closed: nothing more is recorded
        };
        self.counters.add_received();
        let State {
            pipeline,
            store,
            rejects,
            kinds_seen,
            observer,
            redeliveries,
        } = state;
        match pipeline.process(topic, payload, received_at) {
            Outcome::Reading(outcome) => {
                // A payload carrying the board's own timestamp identifies its reading, so the
                // same payload on the same topic again where redeliveries come is one.
                // (paho-mqtt does not show the DUP flag.) Without a timestamp, identical
                // payloads may be distinct readings, and both are stored.
                let id = match qos {
                    Qos::AtMostOnce => MessageId::at_most_once(),
                    _ => {
                        let check = redeliveries.possible(connection)
                            && outcome.reading.timestamp().is_some();
                        MessageId::new(topic, payload, check)
                    }
                };
                let idle = store.flush_at().is_none();
                let appended = store.append(received_at, &outcome.reading, id)?;
                if appended == Appended::Stored && qos != Qos::AtMostOnce {
                    // Something new: the broker has sent all it had to send again.
                    redeliveries.open = false;
                }
                if appended == Appended::Gathered && idle {
                    // The first row of a gathering: the writer sets its clock by it.
                    self.writer.unpark();
                }
                let record = match appended {
                    Appended::Stored | Appended::Gathered => {
                        self.counters.add_stored();
                        Record::Stored(&outcome)
                    }
                    Appended::Duplicate => {
                        self.counters.add_duplicate();
                        Record::Duplicate(&outcome)
                    }
                };
                if let Some(observe) = observer.as_mut() {
                    observe(&record, received_at);
                }
                // Drained even without an observer, so notes never pile up.
                while let Some(note) = store.take_note() {
                    if let Some(observe) = observer.as_mut() {
                        observe(&Record::Note(&note), received_at);
                    }
                }
            }
            Outcome::Status { board, status } => {
                self.counters.add_status_message();
                if let Some(observe) = observer {
                    observe(&Record::Status { board, status }, received_at);
                }
            }
            Outcome::Rejected(error) => {
                self.counters.add_rejected();
                let written =
                    rejects.write_kind(received_at, topic, error.kind(), &error, payload)?;
                let not_written = matches!(written, Rejected::NotWritten { .. });
                if not_written {
                    self.counters.add_reject_not_written();
                }
                let first_of_kind = kinds_seen.insert(error.kind());
                if let Some(observe) = observer {
                    let record = Record::Rejected {
                        topic,
                        error: &error,
                        first_of_kind,
                        not_written,
                    };
                    observe(&record, received_at);
                }
            }
            Outcome::Other => {
                if let Some(observe) = observer {
                    observe(&Record::Other { topic, payload }, received_at);
                }
            }
        }
        Ok(())
    }

    /// Stops recording: writes the gathered rows, syncs the CSV and the rejects file, and
    /// returns the counts. Messages handled after this are not recorded.
    ///
    /// # Errors
    ///
    /// The first [`StoreError`] of writing and syncing the CSV, then of syncing the rejects
    /// file (each is tried whatever the other did).
    pub fn close(&self) -> Result<CountersSnapshot, StoreError> {
        let state = self.lock().take();
        self.writer.unpark(); // to see the recorder closed and end
        if let Some(state) = state {
            let csv = state.store.close();
            let rejects = state.rejects.sync();
            csv.and(rejects)?;
        }
        Ok(self.counters.snapshot())
    }

    /// Writes the rows of QoS 0 readings still gathered, as far as it can: for a program that
    /// ends on an error without [`Recorder::close`].
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`CsvStore::flush`].
    pub fn write_gathered(&self) -> Result<(), StoreError> {
        match self.lock().as_mut() {
            Some(state) => state.store.flush(),
            None => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<State>> {
        // A panic while holding the lock cannot leave half a row behind (one write per row),
        // so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
