//! The transactions of a store: a reading, a status, a reject, and the trim of the memory of
//! recent messages. Each may run again on a new connection after its connection was lost,
//! perhaps after its commit reached the server, so a run again first looks for its row: a
//! reading by its values and receive time, a status or reject by the `id` its row got
//! (`pending`, returned before the commit). A row is never stored twice.

use std::time::SystemTime;

use hexaboard_core::board_time::{BoardTime, Tolerance};
use hexaboard_core::number::Number;
use hexaboard_core::reading::Reading;
use postgres::types::ToSql;
use postgres::{Client, Statement, Transaction};
use time::OffsetDateTime;

use super::session::Live;
use super::statements::Statements;
use crate::{Appended, MessageId};

/// How many digests `recent_messages` keeps (docs/schema.md).
pub(super) const RECENT_MESSAGES: i64 = 65_536;

/// The advisory lock key of the trim of `recent_messages` (`trim` in ASCII): one receiver
/// trims at a time, the others skip.
const TRIM_LOCK: i64 = 0x7472_696d;

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
    digest: [u8; 16],
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
            digest: id.digest().to_be_bytes(),
        }
    }
}

/// The values of a reading row as bound: `$1`–`$8` the reading's columns, `$9` its digest.
type Values<'v> = [&'v (dyn ToSql + Sync); 9];

impl ReadingRow<'_> {
    /// Calls `f` with the row's values.
    fn with_values<T>(&self, f: impl FnOnce(&Values<'_>) -> T) -> T {
        let digest: &[u8] = &self.digest;
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
        ])
    }
}

/// Stores the reading `row` of message `id` in one transaction, unless `id` is a redelivery
/// ([`MessageId::is_redelivery`], asked of `recent_messages`): a message with DUP claims its
/// digest first, so that of several receivers given the same message one stores it and the
/// others find it claimed; a message without DUP is stored and replaces the digest's reading.
///
/// A message whose answer cannot be a redelivery is stored by one statement, its own
/// transaction: one round trip. `again` says that an earlier try lost its connection, perhaps
/// after its commit: then the transaction first claims the digest (which waits for a
/// transaction of the lost connection still holding it) and looks for the row itself, the
/// same reading received at the same microsecond, before storing anything.
pub(super) fn store_reading(
    live: &mut Live,
    row: &ReadingRow<'_>,
    id: MessageId,
    again: bool,
) -> Result<Appended, postgres::Error> {
    let Live { client, statements } = live;
    row.with_values(|values| {
        if again {
            store_again(client, statements, id, values)
        } else {
            store_first(client, statements, id, values)
        }
    })
}

/// The first try: one statement when the message cannot be a redelivery, else a transaction
/// that claims the digest first.
fn store_first(
    client: &mut Client,
    statements: &Statements,
    id: MessageId,
    values: &Values<'_>,
) -> Result<Appended, postgres::Error> {
    let asked = {
        let mut claimed = false;
        let mut tx = None;
        let redelivery = id.is_redelivery(|_| {
            let tx = tx.insert(client.transaction()?);
            claimed = claim(tx, statements, values[8])?;
            Ok::<_, postgres::Error>(!claimed)
        })?;
        tx.map(|tx| finish(tx, statements, id, values, claimed, redelivery))
    };
    if let Some(outcome) = asked {
        return outcome;
    }
    let alone = alone(statements, id);
    client.execute(alone, &values[..alone.params().len()])?;
    Ok(Appended::Stored)
}

/// A try after the connection was lost: in a transaction that claims the digest (waiting for
/// a transaction of the lost connection still holding it) and looks for the reading itself
/// before storing anything.
fn store_again(
    client: &mut Client,
    statements: &Statements,
    id: MessageId,
    values: &Values<'_>,
) -> Result<Appended, postgres::Error> {
    let mut tx = client.transaction()?;
    let claimed = if id.is_remembered() {
        Some(claim(&mut tx, statements, values[8])?)
    } else {
        None
    };
    if tx
        .query_one(&statements.reading_exists, &values[..8])?
        .get(0)
    {
        return Ok(Appended::Stored);
    }
    let redelivery = id.is_redelivery(|_| Ok::<_, postgres::Error>(claimed == Some(false)))?;
    finish(
        tx,
        statements,
        id,
        values,
        claimed == Some(true),
        redelivery,
    )
}

/// Ends the transaction `tx`: nothing stored for a redelivery; else the reading, pointed at
/// by the digest it `claimed`, or stored (and remembered) as a message without DUP is.
fn finish(
    mut tx: Transaction<'_>,
    statements: &Statements,
    id: MessageId,
    values: &Values<'_>,
    claimed: bool,
    redelivery: bool,
) -> Result<Appended, postgres::Error> {
    if redelivery {
        tx.rollback()?;
        return Ok(Appended::Duplicate);
    }
    if claimed {
        let reading_id: i64 = tx
            .query_one(&statements.insert_reading, &values[..8])?
            .get(0);
        tx.execute(&statements.set_reading_id, &[values[8], &reading_id])?;
    } else {
        let alone = alone(statements, id);
        tx.execute(alone, &values[..alone.params().len()])?;
    }
    tx.commit()?;
    Ok(Appended::Stored)
}

/// The statement that stores a reading by itself: remembering its digest when the message is
/// remembered.
fn alone(statements: &Statements, id: MessageId) -> &Statement {
    if id.is_remembered() {
        &statements.insert_and_remember
    } else {
        &statements.insert_reading
    }
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

/// Drops the digests older than the newest [`RECENT_MESSAGES`], unless another receiver is
/// doing it.
pub(super) fn trim_recent_messages(live: &mut Live) -> Result<(), postgres::Error> {
    let Live { client, statements } = live;
    let mut tx = client.transaction()?;
    let locked: bool = tx
        .query_one(&statements.try_trim_lock, &[&TRIM_LOCK])?
        .get(0);
    if locked {
        tx.execute(&statements.trim_digests, &[&RECENT_MESSAGES])?;
    }
    tx.commit()
}

/// Inserts `digest` into `recent_messages` unless it is there: whether it was inserted.
fn claim(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    digest: &(dyn ToSql + Sync),
) -> Result<bool, postgres::Error> {
    Ok(tx.execute(&statements.claim_digest, &[digest])? == 1)
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
    use postgres::{Client, NoTls};

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

    fn count(client: &mut Client, table: &str) -> i64 {
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
        assert_eq!(count(&mut client, "recent_messages"), 1);
        // Without the try again's look, the same call stores the row again.
        assert_eq!(append(&mut live, 2, false, false), Appended::Stored);
        assert_eq!(count(&mut client, "readings"), 3);
    }

    #[test]
    fn a_try_again_waits_for_the_lost_connections_transaction_and_finds_its_row() {
        let (server, mut live, mut client) = start();
        // The lost connection's transaction: its reading inserted, its digest remembered, its
        // commit not yet done.
        let digest = MessageId::new(TOPIC, PAYLOAD, false).digest().to_be_bytes();
        let mut old = client.transaction().unwrap();
        let id: i64 = old
            .query_one(
                "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
                 VALUES ('1970-01-01 00:00:00+00', 'A', 25, 60, $1) RETURNING id",
                &[&TOPIC],
            )
            .unwrap()
            .get(0);
        old.execute(
            "INSERT INTO recent_messages (digest, reading_id) VALUES ($1, $2)",
            &[&&digest[..], &id],
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
    fn the_trim_keeps_the_newest_65536_digests() {
        let (_server, mut live, mut client) = start();
        client
            .execute(
                "INSERT INTO recent_messages (digest, reading_id) \
                 SELECT int8send(i), i FROM generate_series(1, 70000) AS i",
                &[],
            )
            .unwrap();
        trim_recent_messages(&mut live).unwrap();
        let row = client
            .query_one(
                "SELECT count(*), min(reading_id), max(reading_id) FROM recent_messages",
                &[],
            )
            .unwrap();
        assert_eq!(row.get::<_, i64>(0), RECENT_MESSAGES);
        assert_eq!(row.get::<_, i64>(1), 70_000 - RECENT_MESSAGES + 1);
        assert_eq!(row.get::<_, i64>(2), 70_000);
    }
}
