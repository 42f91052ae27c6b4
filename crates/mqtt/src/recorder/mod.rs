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

mod handle;
mod options;
mod writer;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;

use hexaboard_core::pipeline::Pipeline;
use time::OffsetDateTime;

use crate::counters::{Counters, CountersSnapshot};
use crate::rejects::{self, RejectsFile};
use crate::session::{Incoming, StopSignal};
use crate::store::{CsvStore, StoreError};
use handle::Redeliveries;
pub use options::{Record, RecorderOptions};

type Observer = Box<dyn FnMut(&Record<'_>, OffsetDateTime) + Send>;

struct State {
    pipeline: Pipeline,
    store: CsvStore,
    rejects: RejectsFile,
    kinds_seen: HashSet<&'static str>,
    observer: Option<Observer>,
    redeliveries: Redeliveries,
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
