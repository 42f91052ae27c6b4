//! The PostgreSQL store: readings, statuses and rejects in the tables of `docs/schema.md`,
//! shared by several receivers.
//!
//! ```no_run
//! use hexaboard_core::reading::ReadingParser;
//! use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
//! use hexaboard_store::{Appended, MessageId, Store};
//! use time::OffsetDateTime;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let password = std::env::var("PGPASSWORD").ok();
//! let options = PostgresOptions::default().notify(Box::new(|note| eprintln!("{note}")));
//! let mut store = PostgresStore::connect(
//!     "postgres://hexaboard@127.0.0.1:5432/hexaboard",
//!     password.as_deref(),
//!     options,
//! )?;
//! let (topic, payload) = ("hexaboard/A/sensor/data", br#"{"temperature":25,"humidity":60}"#);
//! let reading = ReadingParser::default().parse(payload, topic)?;
//! let id = MessageId::new(topic, payload, false);
//! // Committed when it returns: acknowledge the message.
//! assert_eq!(store.append(OffsetDateTime::now_utc(), topic, &reading, id)?, Appended::Stored);
//! store.close()?;
//! # Ok(())
//! # }
//! ```
//!
//! # What is promised
//!
//! - **Committed before `append` returns.** Each reading is one transaction, committed with
//!   the server's `synchronous_commit` (durable on the server, by default) before
//!   [`Store::append`] returns, so its message may be acknowledged right after. A reading
//!   without DUP is one statement, one round trip.
//! - **Stored once, also with several receivers.** A QoS 1 reading keeps its message's
//!   digest in its row (`readings.digest`). A message flagged DUP whose digest is on one of
//!   the newest 65,536 readings is a redelivery ([`MessageId::is_redelivery`]): nothing is
//!   written. Every QoS 1 reading's transaction first takes an advisory lock keyed by its
//!   digest, so two receivers given the same message take turns: the second waits for the
//!   first's commit and then sees its row. A message without DUP is always stored. QoS 0
//!   readings are only stored, without digest.
//! - **Numbers as sent**: `25`, `25.5` and `25.0` go into `numeric` as their text and come
//!   back as written. `board_time` is the board's `timestamp` interpreted
//!   ([`BoardTime`](hexaboard_core::board_time::BoardTime)), null when its clock never synced.
//! - **The database going away is waited for.** When the connection is lost (the server
//!   stopped, restarted, crashed), the call waits: it connects again after 0.5 s, then
//!   doubling pauses up to 10 s ([`PostgresOptions::retry`]), says so
//!   ([`StoreNote::DatabaseWaiting`], then [`StoreNote::DatabaseBack`], through
//!   [`PostgresOptions::notify`]) and runs its transaction again. A transaction whose commit
//!   was sent but not answered may have committed, so the try again looks for its row first
//!   (a reading: the same values received at the same microsecond, after waiting for any
//!   transaction of the lost connection holding its digest's lock; a status or reject: the `id` its row
//!   got before the commit): the row is not stored twice. A stop signal
//!   ([`PostgresOptions::should_stop`]) ends the wait with an error: nothing is stored, the
//!   message is not acknowledged, the broker sends it again.
//! - **Connecting at start is not waited for**: a wrong password, a missing database, a
//!   refused or unreachable server fail [`PostgresStore::connect`] with one
//!   [`StoreError::Database`] naming the URL (never the password) and the fix.
//! - **The schema** is made when the database has none, migrated from an older version, and
//!   a newer one is refused untouched ([`StoreError::NewerSchema`]); receivers starting
//!   together take an advisory lock, so one makes it.
//! - **Rejects** keep their payload cut at [`PAYLOAD_CUT`] bytes, up to 10 MiB of payloads
//!   ([`PostgresOptions::rejects_limit`], counted from the table at connect), then are only
//!   counted ([`Rejected::NotWritten`]).
//! - **No TLS**: plain TCP and Unix sockets (`postgres:///hexaboard?host=/run/postgresql`);
//!   `sslmode=require` is refused with what to do.
//!
//! | file | holds |
//! | --- | --- |
//! | `location.rs` | the URL parsed once, and shown without password |
//! | `options.rs` | [`PostgresOptions`]: retries, notifier, stop signal, rejects cap |
//! | `schema.rs` | the tables, as a list of migrations |
//! | `statements.rs` | the statements, prepared once per connection |
//! | `session.rs` | the connection, lost and found again |
//! | `write.rs` | the transactions, safe to run again |
//! | `history.rs` | [`PostgresHistory`]: the readings read back |
//! | `import.rs` | [`PostgresImport`]: readings of the chapter's CSV put in, none twice |
//! | `advice.rs` | [`PostgresAdviceLog`]: the advisor's audit trail in the `advice` table |
//! | `cause.rs` | [`Cause`]: the database's error on one line, with the fix |

mod advice;
mod cause;
mod history;
mod import;
mod location;
mod options;
mod retention;
mod schema;
mod session;
mod statements;
mod write;

use std::fmt;
use std::time::SystemTime;

use hexaboard_core::board_time::Tolerance;
use hexaboard_core::reading::Reading;
use hexaboard_core::status::Status;
use postgres::types::ToSql;
use postgres::NoTls;
use time::OffsetDateTime;

pub use advice::PostgresAdviceLog;
pub use cause::Cause;
pub use history::PostgresHistory;
pub use import::PostgresImport;
pub use location::DEFAULT_CONNECT_TIMEOUT;
pub use options::{Notifier, PostgresOptions, StopSignal, DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY};
pub use retention::retain;

use crate::rejects_cap::RejectsCap;
use location::Location;
use session::{Live, Session};
use statements::Statements;
use write::ReadingRow;

use crate::rejects::PAYLOAD_CUT;
use crate::{Appended, MessageId, Rejected, Store, StoreError, StoreNote};

/// The bytes of rejected payloads kept, as [`RejectsCap`] counts them.
const REJECTS_SIZE: &str = "SELECT coalesce(sum(octet_length(payload)), 0)::bigint FROM rejects";

/// A [`Store`] in a PostgreSQL database: see the [module docs](self).
pub struct PostgresStore {
    session: Session,
    cap: RejectsCap,
    clock: Tolerance,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("store", &self.session.shown())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://USER@HOST:PORT/DATABASE`, or key/value
    /// parameters) with `password`, which the URL does not hold; makes or migrates the
    /// tables; prepares the statements.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] naming the URL without password, the cause and the fix when
    /// the server cannot be reached, refuses the login or has no such database (not waited
    /// for), or the tables cannot be made; [`StoreError::NewerSchema`] when a newer hexaboard
    /// made them (the database is left unchanged).
    pub fn connect(
        url: &str,
        password: Option<&str>,
        mut options: PostgresOptions,
    ) -> Result<PostgresStore, StoreError> {
        let location = Location::parse(url, password)?;
        let shown = location.shown();
        let mut client = location.config().connect(NoTls).map_err(|e| {
            StoreError::database(shown, "connect to the database", Cause::of_connect(&e))
        })?;
        schema::bring_up_to_date(&mut client, shown, schema::MIGRATIONS)?;
        let fail = |e: postgres::Error| {
            StoreError::database(shown, "prepare the statements", Cause::new(&e))
        };
        let statements = Statements::prepare(&mut client).map_err(fail)?;
        let used: i64 = client.query_one(REJECTS_SIZE, &[]).map_err(fail)?.get(0);
        let cap = RejectsCap::new(options.rejects_limit, used.unsigned_abs());
        let clock = options.clock;
        let live = Live { client, statements };
        Ok(PostgresStore {
            session: Session::new(location, live, &mut options),
            cap,
            clock,
        })
    }

    /// The database as messages name it: the URL without password.
    pub fn shown(&self) -> &str {
        self.session.shown()
    }

    /// How many rejects were left out since connecting, because of the size cap.
    pub fn rejects_not_written(&self) -> u64 {
        self.cap.not_written()
    }
}

impl Store for PostgresStore {
    fn append(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        reading: &Reading<'_>,
        id: MessageId,
    ) -> Result<Appended, StoreError> {
        let row = ReadingRow::new(received_at, topic, reading, id, self.clock);
        let mut again = false;
        self.session.run("store a reading", |live| {
            let tried = std::mem::replace(&mut again, true);
            write::store_reading(live, &row, id, tried)
        })
    }

    fn status(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        board: &str,
        status: Status,
    ) -> Result<(), StoreError> {
        let received_at = SystemTime::from(received_at);
        let mut pending = None;
        self.session.run("store a status", |live| {
            write::store_status(
                live,
                [&received_at, &board, &status.as_str(), &topic],
                &mut pending,
            )
        })
    }

    fn reject(
        &mut self,
        received_at: OffsetDateTime,
        topic: &str,
        kind: &str,
        error: &dyn fmt::Display,
        payload: &[u8],
    ) -> Result<Rejected, StoreError> {
        let error = error.to_string();
        let kept = &payload[..payload.len().min(PAYLOAD_CUT)];
        let bytes = kept.len() as u64;
        if let Some(refused) = self.cap.refuse(bytes) {
            return Ok(refused);
        }
        let received_at = SystemTime::from(received_at);
        let payload_len = i32::try_from(payload.len()).unwrap_or(i32::MAX);
        let mut pending = None;
        self.session.run("store a reject", |live| {
            let values: [&(dyn ToSql + Sync); 6] =
                [&received_at, &topic, &kind, &error, &kept, &payload_len];
            write::store_reject(live, values, &mut pending)
        })?;
        self.cap.add(bytes);
        Ok(Rejected::Written)
    }

    fn take_note(&mut self) -> Option<StoreNote> {
        self.session.take_note()
    }

    /// Ends the connection: every reading stored was committed by its own call.
    fn close(&mut self) -> Result<(), StoreError> {
        self.session.close();
        Ok(())
    }
}
