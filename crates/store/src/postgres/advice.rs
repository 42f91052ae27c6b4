//! [`PostgresAdviceLog`]: the advisor's audit trail in the `advice` table of a PostgreSQL
//! store.

use std::fmt;
use std::time::{Duration, SystemTime};

use postgres::{Client, NoTls, Row};
use time::OffsetDateTime;

use super::cause::Cause;
use super::location::Location;
use super::schema;
use crate::advice::{AdviceEntry, AdviceLog};
use crate::StoreError;

const INSERT: &str = "INSERT INTO advice \
     (at, board, model, summary, answer, target, command, refusal, applied) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
const LAST_APPLIED: &str = "SELECT max(at) FROM advice WHERE applied AND target = $1";
const RECENT: &str = "SELECT at, board, model, summary, answer, target, command, refusal, \
     applied FROM advice WHERE $1::text IS NULL OR board = $1 OR target = $1 \
     ORDER BY at DESC, id DESC LIMIT $2";

/// How long the check of the connection before each call waits for the server's answer.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The advisor's audit trail in a PostgreSQL database: see [`crate::advice`].
///
/// Each call is one statement, committed by the server before it returns. Calls are rare (one
/// per call of the advisor), so each first checks the connection with a round trip and
/// connects again when the server restarted meanwhile. A connection lost during a call fails
/// that call and is made again by the next: an entry whose commit may or may not have
/// happened is not written twice.
pub struct PostgresAdviceLog {
    location: Location,
    client: Client,
}

impl fmt::Debug for PostgresAdviceLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresAdviceLog")
            .field("database", &self.location.shown())
            .finish_non_exhaustive()
    }
}

impl PostgresAdviceLog {
    /// Connects to the database at `url` with `password` (which the URL does not hold), as
    /// [`PostgresStore::connect`](super::PostgresStore::connect) does, and makes or migrates
    /// the tables.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] naming the URL without password, the cause and the fix when
    /// the server cannot be reached, refuses the login or has no such database, or the
    /// tables cannot be made; [`StoreError::NewerSchema`] when a newer hexaboard made them
    /// (the database is left unchanged).
    pub fn connect(url: &str, password: Option<&str>) -> Result<PostgresAdviceLog, StoreError> {
        let location = Location::parse(url, password)?;
        let mut client = connect(&location)?;
        schema::bring_up_to_date(&mut client, location.shown(), schema::MIGRATIONS)?;
        Ok(PostgresAdviceLog { location, client })
    }

    /// The database as messages name it: the URL without password.
    pub fn shown(&self) -> &str {
        self.location.shown()
    }

    /// Runs `work` on the connection, connected again first when it was lost.
    fn run<T>(
        &mut self,
        action: &'static str,
        work: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        if self.client.is_closed() || self.client.is_valid(CHECK_TIMEOUT).is_err() {
            self.client = connect(&self.location)?;
        }
        work(&mut self.client)
            .map_err(|e| StoreError::database(self.location.shown(), action, Cause::new(&e)))
    }
}

/// A connection to `location`.
fn connect(location: &Location) -> Result<Client, StoreError> {
    location.config().connect(NoTls).map_err(|e| {
        StoreError::database(
            location.shown(),
            "connect to the database",
            Cause::of_connect(&e),
        )
    })
}

impl AdviceLog for PostgresAdviceLog {
    fn keep(&mut self, entry: &AdviceEntry) -> Result<(), StoreError> {
        let entry = entry.as_kept();
        let at = SystemTime::from(entry.at);
        let bytes = |text: &Option<String>| text.as_ref().map(|text| text.as_bytes().to_vec());
        let (answer, command, refusal) = (
            bytes(&entry.answer),
            bytes(&entry.command),
            bytes(&entry.refusal),
        );
        self.run("keep the advice", |client| {
            client.execute(
                INSERT,
                &[
                    &at,
                    &entry.board,
                    &entry.model.as_bytes(),
                    &entry.summary.as_bytes(),
                    &answer,
                    &entry.target,
                    &command,
                    &refusal,
                    &entry.applied,
                ],
            )
        })?;
        Ok(())
    }

    fn last_applied(&mut self, target: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        let newest: Option<SystemTime> = self.run("read the advice", |client| {
            client.query_one(LAST_APPLIED, &[&target])?.try_get(0)
        })?;
        Ok(newest.map(OffsetDateTime::from))
    }

    fn recent(
        &mut self,
        board: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AdviceEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run("read the advice", |client| {
            client
                .query(RECENT, &[&board, &limit])?
                .iter()
                .map(entry)
                .collect()
        })
    }

    fn name(&self) -> String {
        self.location.shown().to_owned()
    }
}

/// A row of [`RECENT`] as an entry.
fn entry(row: &Row) -> Result<AdviceEntry, postgres::Error> {
    Ok(AdviceEntry {
        at: OffsetDateTime::from(row.try_get::<_, SystemTime>(0)?),
        board: row.try_get(1)?,
        model: text(row.try_get(2)?),
        summary: text(row.try_get(3)?),
        answer: row.try_get::<_, Option<Vec<u8>>>(4)?.map(text),
        target: row.try_get(5)?,
        command: row.try_get::<_, Option<Vec<u8>>>(6)?.map(text),
        refusal: row.try_get::<_, Option<Vec<u8>>>(7)?.map(text),
        applied: row.try_get(8)?,
    })
}

/// The UTF-8 a text column holds (shown with U+FFFD where a hand changed it into something
/// that is not).
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
