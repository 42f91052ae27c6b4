//! The advisor's audit trail: the same behaviour asked of its three places (the JSON-lines
//! file beside a CSV, a SQLite database, a PostgreSQL database), then what each place has of
//! its own: a cut line, an older schema, a recorder writing the same database.

mod postgres_common;
mod sqlite_support;

use std::path::PathBuf;

use hexaboard_store::advice::{AdviceEntry, AdviceFile, AdviceLog, CUT_MARKER, FIELD_CAP};
use hexaboard_store::{PostgresAdviceLog, SqliteAdviceLog};
use hexaboard_testkit::Postgres;
use tempfile::TempDir;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// A trail in one of its places, with what keeps that place alive, so it can be opened again.
struct Trail {
    log: Box<dyn AdviceLog>,
    place: Place,
}

enum Place {
    File(TempDir),
    Sqlite(TempDir),
    Postgres(Postgres),
}

impl Place {
    fn open(&self) -> Box<dyn AdviceLog> {
        match self {
            Place::File(dir) => {
                Box::new(AdviceFile::beside(dir.path().join("sensor_data.csv")).unwrap())
            }
            Place::Sqlite(dir) => {
                Box::new(SqliteAdviceLog::open(dir.path().join("readings.db")).unwrap())
            }
            Place::Postgres(server) => Box::new(
                PostgresAdviceLog::connect(&postgres_common::url(server), Some(server.password()))
                    .unwrap_or_else(|e| panic!("{e}\n{}", server.log().unwrap_or_default())),
            ),
        }
    }
}

impl Trail {
    fn file() -> Trail {
        Trail::new(Place::File(tempfile::tempdir().unwrap()))
    }

    fn sqlite() -> Trail {
        Trail::new(Place::Sqlite(tempfile::tempdir().unwrap()))
    }

    fn postgres() -> Trail {
        Trail::new(Place::Postgres(postgres_common::server()))
    }

    fn new(place: Place) -> Trail {
        Trail {
            log: place.open(),
            place,
        }
    }

    /// The trail opened again, as the next run of the program would.
    fn reopened(self) -> Trail {
        drop(self.log);
        Trail::new(self.place)
    }
}

/// Each behaviour below, as one test for each place.
macro_rules! in_every_place {
    ($($behaviour:ident),* $(,)?) => {$(
        mod $behaviour {
            #[test]
            fn in_a_file_beside_the_csv() {
                super::$behaviour(super::Trail::file());
            }

            #[test]
            fn in_sqlite() {
                super::$behaviour(super::Trail::sqlite());
            }

            #[test]
            fn in_postgres() {
                super::$behaviour(super::Trail::postgres());
            }
        }
    )*};
}

in_every_place!(
    a_new_trail_is_empty,
    entries_come_back_newest_first_filtered_and_limited,
    last_applied_counts_only_applied_commands_for_that_board,
    entries_are_kept_across_opening_again,
    hostile_text_comes_back_exactly_up_to_the_cap,
);

const T0: OffsetDateTime = datetime!(2026-12-04 03:00:00.123456 UTC);

/// A call of the advisor on `board` at `T0 + minutes`, whose command for `target` was applied
/// or not.
fn entry(minutes: i64, board: &str, target: Option<&str>, applied: bool) -> AdviceEntry {
    AdviceEntry {
        at: T0 + Duration::minutes(minutes),
        board: board.into(),
        model: "gpt-4o-mini".into(),
        summary: format!(r#"{{"board":"{board}","minute":{minutes}}}"#),
        answer: Some(r#"{"commands":[]}"#.into()),
        target: target.map(Into::into),
        command: target.map(|_| r#"{"action":"led_on","color":[0,0,255],"brightness":80}"#.into()),
        refusal: None,
        applied,
    }
}

fn minutes(entries: &[AdviceEntry]) -> Vec<i64> {
    entries
        .iter()
        .map(|e| (e.at - T0).whole_minutes())
        .collect()
}

fn a_new_trail_is_empty(mut trail: Trail) {
    assert_eq!(trail.log.recent(None, 10).unwrap(), []);
    assert_eq!(trail.log.last_applied("A").unwrap(), None);
}

fn entries_come_back_newest_first_filtered_and_limited(mut trail: Trail) {
    let kept = [
        entry(0, "A", Some("A"), true),
        entry(1, "B", None, false),
        // Advised on B, the command for A.
        entry(2, "B", Some("A"), false),
        entry(3, "C", Some("C"), true),
        // Kept late, made earlier: placed by its time.
        entry(-1, "A", None, false),
    ];
    for e in &kept {
        trail.log.keep(e).unwrap();
    }
    let all = trail.log.recent(None, 10).unwrap();
    assert_eq!(minutes(&all), [3, 2, 1, 0, -1]);
    assert_eq!(all[0], kept[3]);
    assert_eq!(all[1], kept[2]);
    assert_eq!(minutes(&trail.log.recent(None, 2).unwrap()), [3, 2]);
    assert_eq!(trail.log.recent(None, 0).unwrap(), []);
    assert_eq!(
        minutes(&trail.log.recent(Some("A"), 10).unwrap()),
        [2, 0, -1],
        "A's own calls and the call on B whose command was for A"
    );
    assert_eq!(minutes(&trail.log.recent(Some("B"), 1).unwrap()), [2]);
    assert_eq!(trail.log.recent(Some("D"), 10).unwrap(), []);
}

fn last_applied_counts_only_applied_commands_for_that_board(mut trail: Trail) {
    trail.log.keep(&entry(0, "A", Some("A"), true)).unwrap();
    trail.log.keep(&entry(5, "A", Some("A"), false)).unwrap(); // refused or not sent
    trail.log.keep(&entry(6, "A", Some("B"), true)).unwrap(); // applied to B
    trail.log.keep(&entry(7, "A", None, false)).unwrap(); // a failed call
    trail.log.keep(&entry(3, "B", Some("A"), true)).unwrap(); // advised on B, applied to A
    assert_eq!(
        trail.log.last_applied("A").unwrap(),
        Some(T0 + Duration::minutes(3))
    );
    assert_eq!(
        trail.log.last_applied("B").unwrap(),
        Some(T0 + Duration::minutes(6))
    );
    assert_eq!(trail.log.last_applied("C").unwrap(), None);
}

fn entries_are_kept_across_opening_again(mut trail: Trail) {
    let first = AdviceEntry {
        at: datetime!(2026-12-04 12:00:00.654321 +09:00),
        ..entry(0, "A", Some("A"), true)
    };
    let failed = AdviceEntry {
        answer: None,
        refusal: Some("the server answered 429 Too Many Requests".into()),
        ..entry(1, "A", None, false)
    };
    trail.log.keep(&first).unwrap();
    trail.log.keep(&failed).unwrap();
    let name = trail.log.name();
    let mut trail = trail.reopened();
    assert_eq!(trail.log.name(), name);
    let back = trail.log.recent(None, 10).unwrap();
    assert_eq!(back, [failed.as_kept(), first.as_kept()]);
    assert_eq!(back[1].at, first.at, "the same instant, given in UTC");
    assert_eq!(back[1].at.offset(), time::UtcOffset::UTC);
    assert_eq!(trail.log.last_applied("A").unwrap(), Some(first.at));
}

fn hostile_text_comes_back_exactly_up_to_the_cap(mut trail: Trail) {
    let nasty =
        "\"}\n{\"applied\":true}\r\n\u{0}\u{1b}[31m\\\u{2028}'; DROP TABLE advice; -- 온도 🌡";
    let huge = format!("{nasty}{}", "가나다라".repeat(100 * 1024 / 12));
    assert!(huge.len() > 100 * 1024);
    let hostile = AdviceEntry {
        at: T0,
        board: "A\"'\\ 보드".into(),
        model: nasty.into(),
        summary: huge.clone(),
        answer: Some(nasty.into()),
        target: Some("A\"'\\ 보드".into()),
        command: Some(huge.clone()),
        refusal: Some(nasty.into()),
        applied: true,
    };
    trail.log.keep(&hostile).unwrap();
    trail.log.keep(&entry(1, "B", None, false)).unwrap();
    let back = trail.log.recent(None, 10).unwrap();
    assert_eq!(back.len(), 2, "the hostile text made no entry of its own");
    let kept = &back[1];
    assert_eq!(*kept, hostile.as_kept());
    assert_eq!(kept.model, nasty);
    assert_eq!(kept.answer.as_deref(), Some(nasty));
    assert!(kept.summary.len() <= FIELD_CAP);
    assert!(huge.starts_with(kept.summary.split(CUT_MARKER).next().unwrap()));
    assert!(
        kept.summary
            .ends_with(&format!("{CUT_MARKER}{} bytes]", huge.len())),
        "{}",
        &kept.summary[kept.summary.len() - 40..]
    );
    assert_eq!(trail.log.recent(Some("A\"'\\ 보드"), 10).unwrap().len(), 1);
    assert_eq!(trail.log.last_applied("A\"'\\ 보드").unwrap(), Some(T0));
    if let Place::File(dir) = &trail.place {
        let text = std::fs::read_to_string(advice_path(dir)).unwrap();
        assert_eq!(text.lines().count(), 2, "one line per entry");
    }
}

// The file beside the CSV.

fn advice_path(dir: &TempDir) -> PathBuf {
    dir.path().join("sensor_data.csv.advice.jsonl")
}

#[test]
fn the_file_sits_beside_the_csv_and_is_made_by_the_first_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = AdviceFile::beside(dir.path().join("sensor_data.csv")).unwrap();
    assert_eq!(log.path(), advice_path(&dir));
    assert_eq!(log.name(), advice_path(&dir).display().to_string());
    assert!(!advice_path(&dir).exists(), "opening makes no file");
    log.keep(&entry(0, "A", None, false)).unwrap();
    assert!(advice_path(&dir).exists());
}

#[test]
fn a_cut_last_line_and_lines_edited_by_hand_are_passed_over_and_never_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = advice_path(&dir);
    let mut log = AdviceFile::open(&path).unwrap();
    log.keep(&entry(0, "A", Some("A"), true)).unwrap();
    log.keep(&entry(1, "A", Some("A"), true)).unwrap();
    // A crash cut the second line short, and a hand added a note.
    let whole = std::fs::read(&path).unwrap();
    let mut damaged = b"# notes of the lab\n".to_vec();
    damaged.extend_from_slice(&whole[..whole.len() - 20]);
    std::fs::write(&path, &damaged).unwrap();

    let mut log = AdviceFile::open(&path).unwrap();
    assert_eq!(minutes(&log.recent(None, 10).unwrap()), [0]);
    assert_eq!(log.last_applied("A").unwrap(), Some(T0));
    log.keep(&entry(2, "A", Some("A"), true)).unwrap();
    assert_eq!(minutes(&log.recent(None, 10).unwrap()), [2, 0]);
    assert_eq!(
        log.last_applied("A").unwrap(),
        Some(T0 + Duration::minutes(2))
    );
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&damaged), "nothing kept was removed");
    assert_eq!(after[damaged.len()], b'\n', "the cut line was ended");
    assert!(after.ends_with(b"}\n"));
}

#[test]
fn a_file_in_a_missing_directory_is_refused_at_open_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("nowhere")
        .join("sensor_data.csv.advice.jsonl");
    let error = AdviceFile::open(&path).unwrap_err();
    assert_eq!(error.path(), Some(path.as_path()));
    assert!(
        error.to_string().contains("its directory does not exist"),
        "{error}"
    );
}

// SQLite.

#[test]
fn an_older_sqlite_database_is_migrated_and_keeps_its_readings() {
    let (_dir, path) = sqlite_support::database();
    let v1 = sqlite_support::user(&path);
    v1.execute_batch(include_str!("sqlite_support/schema_v1.sql"))
        .unwrap();
    v1.execute(
        "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
         VALUES ('2025-11-25 01:30:15.250000', 'A', 25, 60, 'hexaboard/A/sensor/data')",
        [],
    )
    .unwrap();
    drop(v1);

    let mut log = SqliteAdviceLog::open(&path).unwrap();
    log.keep(&entry(0, "A", Some("A"), true)).unwrap();
    assert_eq!(
        sqlite_support::count(&path, "SELECT version FROM hexaboard_schema"),
        hexaboard_store::sqlite::SCHEMA_VERSION
    );
    assert_eq!(
        sqlite_support::count(&path, "SELECT count(*) FROM readings"),
        1
    );
    assert_eq!(
        sqlite_support::count(&path, "SELECT count(*) FROM advice"),
        1
    );
    // The recorder opens the migrated database as its own.
    let mut store = sqlite_support::open(&path);
    sqlite_support::deliver(&mut store, &sqlite_support::payload("26"), false);
    assert_eq!(
        sqlite_support::count(&path, "SELECT count(*) FROM readings"),
        2
    );
}

#[test]
fn advice_is_kept_in_sqlite_while_a_recorder_writes_the_same_database() {
    let (_dir, path) = sqlite_support::database();
    let mut store = sqlite_support::open(&path);
    let mut log = SqliteAdviceLog::open(&path).unwrap();
    let recorder = std::thread::spawn(move || {
        for n in 0..200 {
            let payload = sqlite_support::payload(&format!("{}.{}", 20 + n / 10, n % 10));
            sqlite_support::deliver(&mut store, &payload, false);
        }
        store
    });
    for n in 0..50 {
        log.keep(&entry(n, "A", Some("A"), n % 2 == 0)).unwrap();
    }
    let mut store = recorder.join().unwrap();
    hexaboard_store::Store::close(&mut store).unwrap();
    assert_eq!(
        sqlite_support::count(&path, "SELECT count(*) FROM readings"),
        200
    );
    assert_eq!(log.recent(None, 100).unwrap().len(), 50);
    assert_eq!(
        log.last_applied("A").unwrap(),
        Some(T0 + Duration::minutes(48))
    );
}

// PostgreSQL.

#[test]
fn an_older_postgres_database_is_migrated_and_keeps_its_readings() {
    let server = postgres_common::server();
    let mut client = postgres_common::client(&server);
    client
        .batch_execute(include_str!("postgres_common/schema_v1.sql"))
        .unwrap();
    client
        .execute(
            "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
             VALUES (now(), 'A', 25, 60, 'hexaboard/A/sensor/data')",
            &[],
        )
        .unwrap();

    let mut log =
        PostgresAdviceLog::connect(&postgres_common::url(&server), Some(server.password()))
            .unwrap();
    log.keep(&entry(0, "A", Some("A"), true)).unwrap();
    let version: i32 = client
        .query_one("SELECT version FROM hexaboard_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 4);
    assert_eq!(postgres_common::count(&mut client, "readings"), 1);
    assert_eq!(postgres_common::count(&mut client, "advice"), 1);
    assert_eq!(log.last_applied("A").unwrap(), Some(T0));
}

#[test]
fn advice_is_kept_in_postgres_while_a_recorder_writes_the_same_database() {
    use hexaboard_store::Store as _;

    let server = postgres_common::server();
    let mut store = postgres_common::store(&server);
    let mut log =
        PostgresAdviceLog::connect(&postgres_common::url(&server), Some(server.password()))
            .unwrap();
    let recorder = std::thread::spawn(move || {
        for n in 0..200 {
            let payload = postgres_common::numbered(n);
            store
                .append(
                    postgres_common::noon(),
                    postgres_common::TOPIC,
                    &postgres_common::reading(&payload),
                    postgres_common::id(&payload, false),
                )
                .unwrap();
        }
        store
    });
    for n in 0..50 {
        log.keep(&entry(n, "A", Some("A"), n % 2 == 0)).unwrap();
    }
    recorder.join().unwrap().close().unwrap();
    let mut client = postgres_common::client(&server);
    assert_eq!(postgres_common::count(&mut client, "readings"), 200);
    assert_eq!(log.recent(None, 100).unwrap().len(), 50);
    assert_eq!(
        log.last_applied("A").unwrap(),
        Some(T0 + Duration::minutes(48))
    );
}

#[test]
fn the_postgres_trail_carries_on_after_the_server_restarted() {
    let mut server = postgres_common::server();
    let mut log =
        PostgresAdviceLog::connect(&postgres_common::url(&server), Some(server.password()))
            .unwrap();
    log.keep(&entry(0, "A", Some("A"), true)).unwrap();
    server.restart().unwrap();
    log.keep(&entry(1, "A", Some("A"), true)).unwrap();
    assert_eq!(minutes(&log.recent(None, 10).unwrap()), [1, 0]);
}

#[test]
fn the_postgres_trail_is_named_without_its_password() {
    let server = postgres_common::server();
    let url = format!(
        "postgres://{}:{}@127.0.0.1:{}/{}",
        server.user(),
        server.password(),
        server.port(),
        server.database()
    );
    let log = PostgresAdviceLog::connect(&url, None).unwrap();
    assert_eq!(log.name(), postgres_common::url(&server));
    assert!(!format!("{log:?}").contains(server.password()));
}
