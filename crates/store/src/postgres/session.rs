//! [`Session`]: the connection of a store and what it does when the database goes away: every
//! call waits, connecting again with a growing pause, says so, and runs its transaction again
//! once the database is back.

use std::collections::VecDeque;
use std::error::Error as _;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::{Client, NoTls};

use super::cause::Cause;
use super::location::Location;
use super::options::{Notifier, PostgresOptions, StopSignal, STOP_CHECK};
use super::statements::Statements;
use crate::{StoreError, StoreNote};

/// A connection with its prepared statements.
pub(super) struct Live {
    /// The connection.
    pub(super) client: Client,
    /// Its prepared statements.
    pub(super) statements: Statements,
}

impl Live {
    /// Connects to `location` and prepares the statements.
    pub(super) fn connect(location: &Location) -> Result<Live, postgres::Error> {
        let mut client = location.config().connect(NoTls)?;
        let statements = Statements::prepare(&mut client)?;
        Ok(Live { client, statements })
    }
}

/// A store's connection, replaced when it is lost, and the notes said meanwhile.
pub(super) struct Session {
    location: Location,
    live: Option<Live>,
    first_retry: Duration,
    max_retry: Duration,
    notify: Option<Notifier>,
    should_stop: StopSignal,
    notes: VecDeque<StoreNote>,
}

impl Session {
    /// A session over the connection `live` to `location`, taking the waiting options.
    pub(super) fn new(location: Location, live: Live, options: &mut PostgresOptions) -> Session {
        Session {
            location,
            live: Some(live),
            first_retry: options.first_retry,
            max_retry: options.max_retry,
            notify: options.notify.take(),
            should_stop: std::mem::replace(&mut options.should_stop, Box::new(|| false)),
            notes: VecDeque::new(),
        }
    }

    /// The database as messages name it.
    pub(super) fn shown(&self) -> &str {
        self.location.shown()
    }

    /// The oldest note not yet taken (when no notifier takes them as they come).
    pub(super) fn take_note(&mut self) -> Option<StoreNote> {
        self.notes.pop_front()
    }

    /// Runs `attempt` on the connection. When the connection is lost, waits until the
    /// database is back and runs it again, on the new connection: `attempt` must be safe to
    /// run again after a try whose commit may or may not have happened. Any other error of
    /// the database fails the call, named by `action`.
    pub(super) fn run<T>(
        &mut self,
        action: &'static str,
        mut attempt: impl FnMut(&mut Live) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        loop {
            let Some(live) = self.live.as_mut() else {
                return Err(StoreError::database(
                    self.location.shown(),
                    action,
                    Cause::plain("the store is closed"),
                ));
            };
            let e = match attempt(live) {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            if !is_lost(&live.client, &e) {
                return Err(StoreError::database(
                    self.location.shown(),
                    action,
                    Cause::new(&e),
                ));
            }
            self.live = None;
            let live = self.reconnect(action, &Cause::new(&e))?;
            self.live = Some(live);
        }
    }

    /// Ends the connection: later calls fail.
    pub(super) fn close(&mut self) {
        self.live = None;
    }

    /// Connects again: at once, then, while that fails, after pauses from the first retry
    /// doubling to the longest, saying that it waits (again whenever the cause changes) and
    /// when the database is back. Fails only when told to stop.
    fn reconnect(&mut self, action: &'static str, lost: &Cause) -> Result<Live, StoreError> {
        let started = Instant::now();
        let mut cause = match Live::connect(&self.location) {
            Ok(live) => return Ok(live),
            Err(e) => Cause::new(&e),
        };
        // The loss is the news; why connecting fails is added when it is another thing.
        let mut last = cause.to_string();
        let lost = lost.to_string();
        let first = if lost == last {
            lost
        } else {
            format!("{lost}; then {last}")
        };
        self.tell(StoreNote::DatabaseWaiting {
            store: self.location.shown().to_owned(),
            cause: first,
        });
        let mut pause = self.first_retry;
        loop {
            if !self.sleep(pause) {
                return Err(StoreError::database(
                    self.location.shown(),
                    action,
                    Cause::plain(format!(
                        "stopped while waiting for the database ({cause}): nothing stored"
                    )),
                ));
            }
            match Live::connect(&self.location) {
                Ok(live) => {
                    self.tell(StoreNote::DatabaseBack {
                        store: self.location.shown().to_owned(),
                        waited: started.elapsed(),
                    });
                    return Ok(live);
                }
                Err(e) => cause = Cause::new(&e),
            }
            let text = cause.to_string();
            if text != last {
                last = text;
                self.tell(StoreNote::DatabaseWaiting {
                    store: self.location.shown().to_owned(),
                    cause: last.clone(),
                });
            }
            pause = (pause * 2).min(self.max_retry);
        }
    }

    /// Sleeps `pause`, checking the stop signal meanwhile: false when told to stop.
    fn sleep(&self, pause: Duration) -> bool {
        let until = Instant::now() + pause;
        loop {
            if (self.should_stop)() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            thread::sleep((until - now).min(STOP_CHECK));
        }
    }

    /// Gives `note` to the notifier, or keeps it for [`Session::take_note`].
    fn tell(&mut self, note: StoreNote) {
        match self.notify.as_mut() {
            Some(notify) => notify(&note),
            None => self.notes.push_back(note),
        }
    }
}

/// Whether `e` means the connection is gone (the server stopped, crashed, restarts, or the
/// network failed), rather than that the statement was refused.
fn is_lost(client: &Client, e: &postgres::Error) -> bool {
    if client.is_closed() || e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            code.code().starts_with("08")
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
        }
        None => e.source().is_some_and(|source| source.is::<io::Error>()),
    }
}
