//! [`SyncWork`]: making what a store wrote durable against power loss, on another thread.

use std::fmt;

#[cfg(doc)]
use crate::Store;
use crate::StoreError;

/// The work of making what a store wrote durable (an `fsync`, a WAL checkpoint), taken from
/// the store by [`Store::sync_work`] to run on another thread without holding the store.
pub struct SyncWork {
    run: Box<dyn FnOnce() -> Result<(), StoreError> + Send>,
}

impl SyncWork {
    /// Work that `run` does when [`SyncWork::run`] is called.
    pub(crate) fn new(run: impl FnOnce() -> Result<(), StoreError> + Send + 'static) -> SyncWork {
        SyncWork { run: Box::new(run) }
    }

    /// Makes what the store wrote before this work was taken durable.
    ///
    /// # Errors
    ///
    /// The store's [`StoreError`] naming the file or database and the cause.
    pub fn run(self) -> Result<(), StoreError> {
        (self.run)()
    }
}

impl fmt::Debug for SyncWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncWork").finish_non_exhaustive()
    }
}
