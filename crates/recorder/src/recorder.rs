//! [`Recorder`]: the message handler, the store it appends through, and the failure that
//! stopped it.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;

use hexaboard_core::pipeline::{Pipeline, PipelineConfig};
use hexaboard_mqtt::session::{Incoming, StopSignal};
#[cfg(doc)]
use hexaboard_store::{csv::CsvStore, RejectsFile};
use hexaboard_store::{Store, StoreError};
use time::OffsetDateTime;

use crate::counters::{Counters, CountersSnapshot};
use crate::options::{Record, RecorderOptions};

type Observer = Box<dyn FnMut(&Record<'_>, OffsetDateTime) + Send>;

pub(crate) struct State {
    pub(crate) pipeline: Pipeline,
    pub(crate) store: Box<dyn Store>,
    pub(crate) kinds_seen: HashSet<&'static str>,
    pub(crate) observer: Option<Observer>,
}

/// Records readings into a [`Store`] as they arrive. Cloning gives another handle to the
/// same recorder.
#[derive(Clone)]
pub struct Recorder {
    state: Arc<Mutex<Option<State>>>,
    pub(crate) counters: Arc<Counters>,
    failure: Arc<OnceLock<Arc<StoreError>>>,
    /// The stop signal given to [`Recorder::handler`], set when the writer thread fails.
    stop: Arc<OnceLock<StopSignal>>,
    /// The thread that writes gathered rows and syncs, woken when rows start to gather.
    pub(crate) writer: Thread,
}

impl Recorder {
    /// Opens (or creates) the CSV at `csv_path` and the rejects file beside it
    /// ([`RecorderOptions::open_csv`]) and records into them.
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`CsvStore::open`] or [`RejectsFile::open`]: a file with another
    /// header, a path that cannot be opened or written; [`StoreError::Thread`] when the
    /// recorder's thread cannot be started.
    pub fn open(
        csv_path: impl AsRef<Path>,
        options: RecorderOptions,
    ) -> Result<Recorder, StoreError> {
        let files = options.open_csv(csv_path)?;
        Recorder::new(Box::new(files), options.pipeline)
    }

    /// Records into `store`, every message through a pipeline set up by `pipeline`.
    ///
    /// The recorder syncs the store from a thread of its own ([`Store::sync_work`]), never
    /// on paho's callback thread, where a slow disk would hold up every message; a store
    /// opened to sync by itself works too, at that cost.
    ///
    /// # Errors
    ///
    /// [`StoreError::Thread`] when the recorder's thread cannot be started.
    pub fn new(store: Box<dyn Store>, pipeline: PipelineConfig) -> Result<Recorder, StoreError> {
        let state = Arc::new(Mutex::new(Some(State {
            pipeline: Pipeline::new(pipeline),
            store,
            kinds_seen: HashSet::new(),
            observer: None,
        })));
        let failure = Arc::new(OnceLock::new());
        let stop = Arc::new(OnceLock::new());
        let writer = Recorder::start_writer(
            Arc::downgrade(&state),
            Arc::clone(&failure),
            Arc::clone(&stop),
        )?;
        Ok(Recorder {
            state,
            counters: Arc::new(Counters::default()),
            failure,
            stop,
            writer,
        })
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

    /// The message handler for
    /// [`SessionBuilder::on_message`](hexaboard_mqtt::session::SessionBuilder::on_message).
    /// On a store failure it sets `stop` and never returns (see the crate docs).
    pub fn handler(&self, stop: StopSignal) -> impl FnMut(Incoming<'_>) + Send + 'static {
        let _ = self.stop.set(stop.clone());
        let recorder = self.clone();
        move |message| {
            let result = match recorder.failure.get() {
                // A write or sync failed on the recorder's writer thread: stop here.
                Some(_) => Err(None),
                None => recorder
                    .handle_incoming(&message, OffsetDateTime::now_utc())
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

    /// Stops recording: writes the gathered readings, makes the store durable
    /// ([`Store::close`]), and returns the counts. Messages handled after this are not
    /// recorded.
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`Store::close`].
    pub fn close(&self) -> Result<CountersSnapshot, StoreError> {
        let state = self.lock().take();
        self.writer.unpark(); // to see the recorder closed and end
        if let Some(mut state) = state {
            state.store.close()?;
        }
        Ok(self.counters.snapshot())
    }

    /// Writes the readings of QoS 0 messages still gathered, as far as it can: for a program
    /// that ends on an error without [`Recorder::close`].
    ///
    /// # Errors
    ///
    /// The [`StoreError`] of [`Store::flush`].
    pub fn write_gathered(&self) -> Result<(), StoreError> {
        match self.lock().as_mut() {
            Some(state) => state.store.flush(),
            None => Ok(()),
        }
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Option<State>> {
        // A panic while holding the lock cannot leave half a row behind (one write per row),
        // so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
