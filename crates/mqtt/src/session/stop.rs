//! [`StopSignal`]: Ctrl+C (SIGINT) and SIGTERM as a flag a program waits on.

use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Why a [`StopSignal`] could not be installed.
#[derive(Debug, thiserror::Error)]
#[error("cannot catch Ctrl+C / SIGTERM")]
pub struct StopSignalError {
    /// What the signal library said; shared, as every later install answers with it too.
    #[source]
    source: Arc<ctrlc::Error>,
}

#[derive(Debug, Default)]
struct Flag {
    set: Mutex<bool>,
    changed: Condvar,
}

/// A flag set once, by a signal or by code; threads may wait for it.
///
/// [`StopSignal::install`] connects it to Ctrl+C (SIGINT) and SIGTERM, once per process:
/// installing again returns the same flag. A second signal after the first ends the process
/// at once with exit code 130, for when a graceful stop hangs.
///
/// ```
/// let stop = hexaboard_mqtt::session::StopSignal::new();
/// assert!(!stop.is_set());
/// stop.set();
/// assert!(stop.wait_timeout(std::time::Duration::ZERO));
/// ```
#[derive(Clone, Debug, Default)]
pub struct StopSignal {
    flag: Arc<Flag>,
}

/// The process's signal-connected flag.
static INSTALLED: OnceLock<Result<StopSignal, Arc<ctrlc::Error>>> = OnceLock::new();

impl StopSignal {
    /// A flag not connected to any signal, set by [`set`](Self::set) (tests, or a stop asked
    /// for by the program itself).
    pub fn new() -> Self {
        StopSignal::default()
    }

    /// The flag set by Ctrl+C (SIGINT) and SIGTERM. The handler is installed on the first
    /// call; later calls return the same flag.
    ///
    /// # Errors
    ///
    /// When another signal handler was installed in this process by other code.
    pub fn install() -> Result<StopSignal, StopSignalError> {
        INSTALLED
            .get_or_init(|| {
                let stop = StopSignal::new();
                let handler = stop.clone();
                ctrlc::set_handler(move || {
                    if handler.is_set() {
                        std::process::exit(130);
                    }
                    handler.set();
                })
                .map(|()| stop)
                .map_err(Arc::new)
            })
            .clone()
            .map_err(|source| StopSignalError { source })
    }

    /// Sets the flag and wakes every waiting thread.
    pub fn set(&self) {
        let mut set = self.flag.set.lock().unwrap_or_else(|e| e.into_inner());
        *set = true;
        self.flag.changed.notify_all();
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *self.flag.set.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the flag is set.
    pub fn wait(&self) {
        let mut set = self.flag.set.lock().unwrap_or_else(|e| e.into_inner());
        while !*set {
            set = self
                .flag
                .changed
                .wait(set)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits until the flag is set or `timeout` passes; returns whether it is set.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut set = self.flag.set.lock().unwrap_or_else(|e| e.into_inner());
        while !*set {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            set = self
                .flag
                .changed
                .wait_timeout(set, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *set
    }
}
