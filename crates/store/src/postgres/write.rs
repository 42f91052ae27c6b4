//! The transactions of a store: a reading, a status, a reject. Each may run again on a new
//! connection after its connection was lost, perhaps after its commit reached the server, so a
//! run again first looks for its row: a reading by its values and receive time, a status or
//! reject by the `id` its row got (`pending`, returned before the commit). A row is never
//! stored twice.

use std::time::SystemTime;

use hexaboard_core::board_time::{BoardTime, Tolerance};
use hexaboard_core::number::Number;
use hexaboard_core::reading::Reading;
use postgres::types::ToSql;
use postgres::Transaction;
use time::OffsetDateTime;

use super::session::Live;
use super::statements::Statements;
use crate::{Appended, MessageId};

/// Among how many of the newest readings a redelivery is looked for (docs/schema.md). A
/// redelivery lies within the broker's in-flight window (65,535 messages at most by the
/// protocol), so this covers any broker.
pub(super) const RECENT_READINGS: i64 = 65_536;

/// A reading's values as bound to the statements, made once for every try.
pub(super) struct ReadingRow<'a> {
    received_at: SystemTime,
    board: &'a str,
    temperature: Number,
    humidity: Number,
    light: Option<Number>,
    board_timestamp: Option<Number>,
    board_time: Option<SystemTime>,
    topic: &'a str,
    /// The message's digest, when it is remembered.
    digest: Option<[u8; 16]>,
    /// The key of the digest's advisory lock: its first 8 bytes.
    lock: i64,
}

impl<'a> ReadingRow<'a> {
    /// The row of `reading` received on `topic` at `received_at` as message `id`; the board's
    /// timestamp is interpreted with `clock`.
    pub(super) fn new(
        received_at: OffsetDateTime,
        topic: &'a str,
        reading: &'a Reading<'_>,
        id: MessageId,
        clock: Tolerance,
    ) -> ReadingRow<'a> {
        let board_time = reading.timestamp().and_then(|raw| {
            let time = BoardTime::interpret(raw.value(), received_at.unix_timestamp(), clock);
            time.unix()
                .and_then(|unix| OffsetDateTime::from_unix_timestamp(unix).ok())
                .map(SystemTime::from)
        });
        ReadingRow {
            received_at: SystemTime::from(received_at),
            board: reading.board(),
            temperature: reading.temperature(),
            humidity: reading.humidity(),
            light: reading.light(),
            board_timestamp: reading.timestamp(),
            board_time,
            topic,
            digest: id.is_remembered().then(|| id.digest().to_be_bytes()),
            lock: (id.digest() >> 64) as i64,
        }
    }
}

/// The values of a reading row as bound: `$1`–`$8` the reading's columns, `$9` its digest,
/// `$10` the key of the digest's advisory lock.
type Values<'v> = [&'v (dyn ToSql + Sync); 10];

impl ReadingRow<'_> {
    /// Calls `f` with the row's values.
    fn with_values<T>(&self, f: impl FnOnce(&Values<'_>) -> T) -> T {
        let digest: Option<&[u8]> = self.digest.as_ref().map(|digest| &digest[..]);
        let (light, board_timestamp) = (
            self.light.as_ref().map(Number::as_str),
            self.board_timestamp.as_ref().map(Number::as_str),
        );
        f(&[
            &self.received_at,
            &self.board,
            &self.temperature.as_str(),
            &self.humidity.as_str(),
            &light,
            &board_timestamp,
            &self.board_time,
            &self.topic,
            &digest,
            &self.lock,
        ])
    }
}

/// Stores the reading `row` of message `id` in one transaction, unless `id` is a redelivery
/// ([`MessageId::is_redelivery`], asked of the newest [`RECENT_READINGS`] readings). The
/// transaction of a remembered message first takes an advisory lock keyed by its digest: of
/// several receivers given the same message, one stores it and the others wait for its commit
/// and find its row (each statement of a transaction in READ COMMITTED sees what was committed
/// before it began).
///
/// A message whose answer cannot be a redelivery is stored by one statement, its own
/// transaction: one round trip. `again` says that an earlier try lost its connection, perhaps
/// after its commit: then the transaction takes the lock (waiting for a transaction of the
/// lost connection still holding it) and looks for the row itself, the same reading received
/// at the same microsecond, before storing anything.
pub(super) fn store_reading(
    live: &mut Live,
    row: &ReadingRow<'_>,
    id: MessageId,
    again: bool,
) -> Result<Appended, postgres::Error> {
    let Live { client, statements } = live;
    row.with_values(|values| {
        if again {
            let mut tx = client.transaction()?;
            if id.is_remembered() {
                tx.execute(&statements.lock_digest, &values[9..])?;
            }
            if tx
                .query_one(&statements.reading_exists, &values[..8])?
                .get(0)
            {
                return Ok(Appended::Stored);
            }
            let redelivery = id.is_redelivery(|_| recently_stored(&mut tx, statements, values))?;
            return finish(tx, statements, values, redelivery);
        }
        let asked = {
            let mut tx = None;
            let redelivery = id.is_redelivery(|_| {
                let tx = tx.insert(client.transaction()?);
                tx.execute(&statements.lock_digest, &values[9..])?;
                recently_stored(tx, statements, values)
            })?;
            tx.map(|tx| finish(tx, statements, values, redelivery))
        };
        if let Some(outcome) = asked {
            return outcome;
        }
        if id.is_remembered() {
            client.execute(&statements.lock_and_insert, values)?;
        } else {
            client.execute(&statements.insert_reading, &values[..9])?;
        }
        Ok(Appended::Stored)
    })
}

/// Whether one of the newest [`RECENT_READINGS`] readings has the digest of `values`.
fn recently_stored(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    values: &Values<'_>,
) -> Result<bool, postgres::Error> {
    Ok(tx
        .query_one(&statements.recently_stored, &[values[8], &RECENT_READINGS])?
        .get(0))
}

/// Ends the transaction `tx`: nothing stored for a redelivery, else the reading.
fn finish(
    mut tx: Transaction<'_>,
    statements: &Statements,
    values: &Values<'_>,
    redelivery: bool,
) -> Result<Appended, postgres::Error> {
    if redelivery {
        tx.rollback()?;
        return Ok(Appended::Duplicate);
    }
    tx.execute(&statements.insert_reading, &values[..9])?;
    tx.commit()?;
    Ok(Appended::Stored)
}

/// Stores a status in one transaction.
pub(super) fn store_status(
    live: &mut Live,
    values: [&(dyn ToSql + Sync); 4],
    pending: &mut Option<i64>,
) -> Result<(), postgres::Error> {
    let Live { client, statements } = live;
    let mut tx = client.transaction()?;
    if let Some(pending) = *pending {
        if exists(&mut tx, &statements.status_exists, pending)? {
            return Ok(());
        }
    }
    *pending = Some(tx.query_one(&statements.insert_status, &values)?.get(0));
    tx.commit()
}

/// Stores a reject in one transaction.
pub(super) fn store_reject(
    live: &mut Live,
    values: [&(dyn ToSql + Sync); 6],
    pending: &mut Option<i64>,
) -> Result<(), postgres::Error> {
    let Live { client, statements } = live;
    let mut tx = client.transaction()?;
    if let Some(pending) = *pending {
        if exists(&mut tx, &statements.reject_exists, pending)? {
            return Ok(());
        }
    }
    *pending = Some(tx.query_one(&statements.insert_reject, &values)?.get(0));
    tx.commit()
}

/// Whether the row `id` exists, asked with `statement`.
fn exists(
    tx: &mut Transaction<'_>,
    statement: &postgres::Statement,
    id: i64,
) -> Result<bool, postgres::Error> {
    Ok(tx.query_one(statement, &[&id])?.get(0))
}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::Duration;

    use hexaboard_core::reading::ReadingParser;
    use hexaboard_testkit::Postgres;
    use postgres::{Client, GenericClient, NoTls};

    use super::*;
    use crate::postgres::location::Location;
    use crate::postgres::schema;

    const TOPIC: &str = "hexaboard/A/sensor/data";
    const PAYLOAD: &[u8] = br#"{"board":"A","temperature":25,"humidity":60}"#;

    /// A connection of the store to a new server with the tables, and the test user's client.
    fn start() -> (Postgres, Live, Client) {
        let server = Postgres::start().unwrap();
        let url = format!("postgres://hexaboard@127.0.0.1:{}/hexaboard", server.port());
        let location = Location::parse(&url, Some(server.password())).unwrap();
        let mut client = Client::connect(&server.url(), NoTls).unwrap();
        schema::bring_up_to_date(&mut client, "db", schema::MIGRATIONS).unwrap();
        let live = Live::connect(&location).unwrap();
        (server, live, client)
    }

    fn count(client: &mut impl GenericClient, table: &str) -> i64 {
        client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    }

    /// Appends [`PAYLOAD`] received `micros` after the Unix epoch; `again` as after a lost
    /// connection.
    fn append(live: &mut Live, micros: i64, dup: bool, again: bool) -> Appended {
        let reading = ReadingParser::default().parse(PAYLOAD, TOPIC).unwrap();
        let id = MessageId::new(TOPIC, PAYLOAD, dup);
        let at = OffsetDateTime::UNIX_EPOCH + time::Duration::microseconds(micros);
        let row = ReadingRow::new(at, TOPIC, &reading, id, Tolerance::default());
        store_reading(live, &row, id, again).unwrap()
    }

    #[test]
    fn a_try_again_after_a_commit_whose_answer_was_lost_stores_nothing_more() {
        let (_server, mut live, mut client) = start();
        assert_eq!(append(&mut live, 1, false, false), Appended::Stored);
        // The commit happened; its answer was lost: the try again finds the row.
        assert_eq!(append(&mut live, 1, false, true), Appended::Stored);
        assert_eq!(append(&mut live, 1, true, true), Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 1);

        // The same payload received later (a board's replay): a new reading, also when its
        // first try lost its connection before the commit.
        assert_eq!(append(&mut live, 2, false, true), Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 2);
        // Without the try again's look, the same call stores the row again.
        assert_eq!(append(&mut live, 2, false, false), Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 3);
    }

    #[test]
    fn a_try_again_waits_for_the_lost_connections_transaction_and_finds_its_row() {
        let (server, mut live, mut client) = start();
        // The lost connection's transaction: its digest's lock taken, its reading inserted,
        // its commit not yet done.
        let id = MessageId::new(TOPIC, PAYLOAD, false);
        let mut old = client.transaction().unwrap();
        old.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&((id.digest() >> 64) as i64)],
        )
        .unwrap();
        old.execute(
            "INSERT INTO readings (received_at, board, temperature, humidity, topic, digest) \
             VALUES ('1970-01-01 00:00:00+00', 'A', 25, 60, $1, $2)",
            &[&TOPIC, &&id.digest().to_be_bytes()[..]],
        )
        .unwrap();
        let again = thread::spawn(move || {
            let appended = append(&mut live, 0, false, true);
            (appended, live)
        });
        let mut watcher = Client::connect(&server.url(), NoTls).unwrap();
        while watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
                &[],
            )
            .unwrap()
            .get::<_, i64>(0)
            == 0
        {
            thread::sleep(Duration::from_millis(10));
        }
        old.commit().unwrap();
        let (appended, _live) = again.join().unwrap();
        assert_eq!(appended, Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 1);
    }

    #[test]
    fn statuses_and_rejects_tried_again_after_their_commit_are_not_doubled() {
        let (_server, mut live, mut client) = start();
        let at = SystemTime::UNIX_EPOCH;
        let mut pending = None;
        for _ in 0..2 {
            store_status(&mut live, [&at, &"A", &"online", &TOPIC], &mut pending).unwrap();
        }
        let mut pending = None;
        for _ in 0..2 {
            let payload: &[u8] = b"{";
            let values: [&(dyn ToSql + Sync); 6] =
                [&at, &TOPIC, &"not_json", &"cut short", &payload, &1i32];
            store_reject(&mut live, values, &mut pending).unwrap();
        }
        assert_eq!(count(&mut client, "statuses"), 1);
        assert_eq!(count(&mut client, "rejects"), 1);
    }

    #[test]
    fn a_reading_waits_for_a_transaction_holding_its_digests_lock() {
        let (server, mut live, mut client) = start();
        let key = (MessageId::new(TOPIC, PAYLOAD, false).digest() >> 64) as i64;
        let mut holder = client.transaction().unwrap();
        holder
            .execute("SELECT pg_advisory_xact_lock($1)", &[&key])
            .unwrap();
        // One statement, no DUP: it takes the lock before its row goes in.
        let first = thread::spawn(move || append(&mut live, 0, false, false));
        let mut watcher = Client::connect(&server.url(), NoTls).unwrap();
        while watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory'",
                &[],
            )
            .unwrap()
            .get::<_, i64>(0)
            == 0
        {
            assert!(!first.is_finished(), "stored without waiting for the lock");
            thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(count(&mut holder, "readings"), 0);
        holder.commit().unwrap();
        assert_eq!(first.join().unwrap(), Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 1);
    }
}
