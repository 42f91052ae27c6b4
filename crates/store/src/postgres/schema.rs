//! The schema of `docs/schema.md`, made or migrated when a store connects, as a list of
//! migrations: entry `i` takes a database from version `i` to `i + 1`, version 0 being a
//! database without hexaboard tables. A newer hexaboard adds one entry.

use postgres::Client;

use super::cause::Cause;
use crate::StoreError;

/// Version 1: the tables, with the digests of recent messages in a table of their own.
const V1: &str = "
CREATE TABLE hexaboard_schema (version integer NOT NULL);
CREATE TABLE readings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    board text NOT NULL,
    temperature numeric NOT NULL,
    humidity numeric NOT NULL,
    light numeric,
    board_timestamp numeric,
    board_time timestamptz,
    topic text NOT NULL
);
CREATE INDEX readings_board_received_at ON readings (board, received_at);
CREATE TABLE statuses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    board text NOT NULL,
    status text NOT NULL CHECK (status IN ('online', 'offline')),
    topic text NOT NULL
);
CREATE INDEX statuses_board_received_at ON statuses (board, received_at);
CREATE TABLE rejects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    topic text NOT NULL,
    kind text NOT NULL,
    error text NOT NULL,
    payload bytea NOT NULL,
    payload_len integer NOT NULL
);
CREATE TABLE recent_messages (
    digest bytea PRIMARY KEY,
    reading_id bigint NOT NULL
);
";

/// Version 2, as `docs/schema.md` gives it: a reading keeps its message's digest in its own
/// row. Each remembered digest moves onto its reading, so a redelivery of a message stored
/// before the upgrade is still recognised.
const V2: &str = "
ALTER TABLE readings ADD COLUMN digest bytea;
UPDATE readings SET digest = recent_messages.digest
  FROM recent_messages WHERE recent_messages.reading_id = readings.id;
DROP TABLE recent_messages;
";

/// Version 3: the rollups of the retention pass (`crate::retention`), which never expire.
const V3: &str = "
CREATE TABLE readings_minute (
    board text NOT NULL,
    start timestamptz NOT NULL,
    count bigint NOT NULL,
    temperature_min double precision NOT NULL,
    temperature_mean double precision NOT NULL,
    temperature_max double precision NOT NULL,
    humidity_min double precision NOT NULL,
    humidity_mean double precision NOT NULL,
    humidity_max double precision NOT NULL,
    PRIMARY KEY (board, start)
);
CREATE TABLE readings_hour (LIKE readings_minute INCLUDING ALL);
CREATE TABLE rollup_progress (last_reading bigint NOT NULL);
INSERT INTO rollup_progress (last_reading) VALUES (0);
";

/// Version 4: the advisor's audit trail (`crate::advice`), one row per call of the advisor.
/// The texts a model or a board sent are `bytea` holding their UTF-8, since `text` cannot
/// hold U+0000 (`encode(answer, 'escape')` shows one); the boards are `text`, as elsewhere.
/// The partial index answers "when was a command last applied to this board" without reading
/// the refused and failed calls.
const V4: &str = "
CREATE TABLE advice (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    board text NOT NULL,
    model bytea NOT NULL,
    summary bytea NOT NULL,
    answer bytea,
    target text,
    command bytea,
    refusal bytea,
    applied boolean NOT NULL
);
CREATE INDEX advice_at ON advice (at);
CREATE INDEX advice_applied_target_at ON advice (target, at) WHERE applied;
";

/// The migrations of this build, oldest first: its schema version is their number.
pub(super) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The advisory lock key that serialises the schema check of receivers starting together
/// (`hexa` in ASCII).
const SCHEMA_LOCK: i64 = 0x6865_7861;

/// Brings the database to the version of `migrations` in one transaction, under an advisory
/// lock so that several receivers starting at once make the tables once: creates them in an
/// empty database, runs the missing migrations on an older one, and refuses a newer one
/// ([`StoreError::NewerSchema`]) having changed nothing.
pub(super) fn bring_up_to_date(
    client: &mut Client,
    shown: &str,
    migrations: &[&str],
) -> Result<(), StoreError> {
    let fail =
        |e: postgres::Error| StoreError::database(shown, "prepare the tables", Cause::new(&e));
    let known = migrations.len() as i64;
    let mut tx = client.transaction().map_err(fail)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .map_err(fail)?;
    let found = version(&mut tx).map_err(fail)?;
    if found > known {
        return Err(StoreError::NewerSchema {
            store: shown.to_owned(),
            found,
            known,
        });
    }
    if found == known {
        return tx.commit().map_err(fail);
    }
    for sql in &migrations[found as usize..] {
        tx.batch_execute(sql).map_err(fail)?;
    }
    tx.execute("DELETE FROM hexaboard_schema", &[])
        .map_err(fail)?;
    tx.execute(
        "INSERT INTO hexaboard_schema (version) VALUES ($1)",
        &[&(known as i32)],
    )
    .map_err(fail)?;
    tx.commit().map_err(fail)
}

/// The schema version of the database: 0 when it has no `hexaboard_schema` table.
pub(super) fn version(tx: &mut postgres::Transaction<'_>) -> Result<i64, postgres::Error> {
    let exists: bool = tx
        .query_one("SELECT to_regclass('hexaboard_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = tx.query_opt("SELECT max(version)::bigint FROM hexaboard_schema", &[])?;
    Ok(row
        .and_then(|row| row.get::<_, Option<i64>>(0))
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use hexaboard_testkit::Postgres;
    use postgres::NoTls;

    use super::*;

    const V3: &str = "ALTER TABLE readings ADD COLUMN battery numeric;";

    #[test]
    fn an_older_database_is_migrated_by_the_next_entries_of_the_list() {
        let server = Postgres::start().unwrap();
        let mut client = Client::connect(&server.url(), NoTls).unwrap();
        bring_up_to_date(&mut client, "db", &[V1]).unwrap();
        client
            .execute(
                "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
                 VALUES (now(), 'A', 25, 60, 't')",
                &[],
            )
            .unwrap();

        bring_up_to_date(&mut client, "db", &[V1, V2, V3]).unwrap();
        let row = client
            .query_one(
                "SELECT (SELECT version FROM hexaboard_schema), count(*), count(battery) \
                 FROM readings",
                &[],
            )
            .unwrap();
        assert_eq!(row.get::<_, i32>(0), 3);
        assert_eq!(
            row.get::<_, i64>(1),
            1,
            "the reading survives the migration"
        );
        assert_eq!(row.get::<_, i64>(2), 0);

        // Up to date: nothing runs again (V3 run twice would fail).
        bring_up_to_date(&mut client, "db", &[V1, V2, V3]).unwrap();
        let versions: i64 = client
            .query_one("SELECT count(*) FROM hexaboard_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(versions, 1);
    }

    #[test]
    fn a_failing_migration_leaves_the_older_version_whole() {
        let server = Postgres::start().unwrap();
        let mut client = Client::connect(&server.url(), NoTls).unwrap();
        bring_up_to_date(&mut client, "db", &[V1]).unwrap();
        let broken = "ALTER TABLE readings ADD COLUMN battery numeric; SELECT no_such_function();";
        let e = bring_up_to_date(&mut client, "db", &[V1, broken]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("db: cannot prepare the tables: ERROR: "),
            "{e}"
        );
        let row = client
            .query_one(
                "SELECT (SELECT version FROM hexaboard_schema), \
                 (SELECT count(*) FROM information_schema.columns WHERE column_name = 'battery')",
                &[],
            )
            .unwrap();
        assert_eq!(row.get::<_, i32>(0), 1);
        assert_eq!(row.get::<_, i64>(1), 0);
    }
}
