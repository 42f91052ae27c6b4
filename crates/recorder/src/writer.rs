//! The recorder's own thread: it writes gathered QoS 0 rows once they are due and syncs the
//! store, so that neither waits on paho's callback thread.

use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::thread::Thread;
use std::time::{Duration, Instant};

use hexaboard_mqtt::session::StopSignal;
use hexaboard_store::StoreError;

use crate::recorder::{Recorder, State};

impl Recorder {
    /// Starts the thread that writes gathered QoS 0 rows once they are due and syncs the store
    /// to disk at most once a second of activity. The lock is held only to write the rows
    /// and take the sync's work; the `fsync` runs without it. The thread ends when the
    /// recorder is closed or dropped, or after a failure (which it reports and stops on).
    pub(crate) fn start_writer(
        state: Weak<Mutex<Option<State>>>,
        failure: Arc<OnceLock<Arc<StoreError>>>,
        stop: Arc<OnceLock<StopSignal>>,
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
            .name("store-writer".into())
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
            Err(cause) => Err(StoreError::Thread { cause }),
        }
    }
}
