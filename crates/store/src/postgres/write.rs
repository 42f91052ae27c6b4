//! The transactions of a store: a reading, a status, a reject, and the trim of the memory of
//! recent messages. Each may run again on a new connection after its connection was lost,
//! perhaps after its commit reached the server: `pending` keeps the `id` its row got, and a
//! run again first asks whether that row exists, so a row is never stored twice.

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

/// Stores the reading `row` of message `id` in one transaction, unless `id` is a redelivery
/// ([`MessageId::is_redelivery`], asked of `recent_messages`): a message with DUP claims its
/// digest first, so that of several receivers given the same message one stores it and the
/// others find it claimed; a message without DUP is stored and replaces the digest's reading.
pub(super) fn store_reading(
    live: &mut Live,
    row: &ReadingRow<'_>,
    id: MessageId,
    pending: &mut Option<i64>,
) -> Result<Appended, postgres::Error> {
    let Live { client, statements } = live;
    let digest: &[u8] = &row.digest;
    let mut tx = client.transaction()?;
    let mut claimed = None;
    if let Some(pending) = *pending {
        if id.is_remembered() {
            // Waits for a transaction of the lost connection still holding the digest.
            claimed = Some(claim(&mut tx, statements, digest)?);
        }
        if exists(&mut tx, &statements.reading_exists, pending)? {
            return Ok(Appended::Stored);
        }
    }
    let redelivery = id.is_redelivery(|_| {
        let claim = match claimed {
            Some(claim) => claim,
            None => claim(&mut tx, statements, digest)?,
        };
        claimed = Some(claim);
        Ok::<_, postgres::Error>(!claim)
    })?;
    if redelivery {
        tx.rollback()?;
        return Ok(Appended::Duplicate);
    }
    let (light, board_timestamp) = (
        row.light.as_ref().map(Number::as_str),
        row.board_timestamp.as_ref().map(Number::as_str),
    );
    let values: [&(dyn ToSql + Sync); 9] = [
        &row.received_at,
        &row.board,
        &row.temperature.as_str(),
        &row.humidity.as_str(),
        &light,
        &board_timestamp,
        &row.board_time,
        &row.topic,
        &digest,
    ];
    let reading_id: i64 = if claimed == Some(true) {
        let reading_id = tx
            .query_one(&statements.insert_reading, &values[..8])?
            .get(0);
        tx.execute(&statements.set_reading_id, &[&digest, &reading_id])?;
        reading_id
    } else if id.is_remembered() {
        tx.query_one(&statements.insert_and_remember, &values)?
            .get(0)
    } else {
        tx.query_one(&statements.insert_reading, &values[..8])?
            .get(0)
    };
    *pending = Some(reading_id);
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
    digest: &[u8],
) -> Result<bool, postgres::Error> {
    Ok(tx.execute(&statements.claim_digest, &[&digest])? == 1)
}

/// Whether the row `id` exists, asked with `statement`.
fn exists(
    tx: &mut Transaction<'_>,
    statement: &postgres::Statement,
    id: i64,
) -> Result<bool, postgres::Error> {
    Ok(tx.query_one(statement, &[&id])?.get(0))
}
