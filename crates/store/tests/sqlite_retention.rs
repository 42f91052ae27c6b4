//! A SQLite store's retention pass: rollups that count each reading once, raw readings older
//! than the days kept deleted, and a file that stops growing but for its rollups.

mod sqlite_support;

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::history::{History, Selection};
use hexaboard_store::retention::{KeepDays, Period};
use hexaboard_store::sqlite::{self, SqliteHistory};
use hexaboard_store::{MessageId, Store};
use rusqlite::{params, Connection};
use sqlite_support::{database, open};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Stores a reading of `board` with `temperature` and `humidity`, received `at`.
fn store(path: &std::path::Path, readings: &[(&str, OffsetDateTime, &str, u32)]) {
    let mut store = open(path);
    for (board, at, temperature, humidity) in readings {
        let topic = format!("hexaboard/{board}/sensor/data");
        let payload =
            format!(r#"{{"board":"{board}","temperature":{temperature},"humidity":{humidity}}}"#);
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), &topic)
            .unwrap();
        let id = MessageId::new(&topic, payload.as_bytes(), false);
        store.append(*at, &topic, &reading, id).unwrap();
    }
    store.close().unwrap();
}

type Figures = (String, String, i64, f64, f64, f64, f64, f64, f64);

fn rollups(path: &std::path::Path, table: &str) -> Vec<Figures> {
    let db = Connection::open(path).unwrap();
    let mut query = db
        .prepare(&format!(
            "SELECT board, start, count, temperature_min, temperature_mean, temperature_max, \
             humidity_min, humidity_mean, humidity_max FROM {table} ORDER BY board, start"
        ))
        .unwrap();
    query
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn raw(path: &std::path::Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM readings", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn rollups_hold_each_reading_once_and_merge_later_readings_of_the_same_minute() {
    let (_dir, path) = database();
    let t = datetime!(2025-11-25 01:30:00 UTC);
    store(
        &path,
        &[
            ("A", t + Duration::seconds(5), "20", 40),
            ("A", t + Duration::seconds(10), "22.5", 50),
            ("B", t + Duration::seconds(20), "30", 60),
            ("A", t + Duration::minutes(1), "25", 45),
        ],
    );
    let now = t + Duration::minutes(5);
    let first = sqlite::retain(&path, now, None, &mut |_| true).unwrap();
    assert_eq!((first.rolled_up, first.deleted), (4, 0));
    // Nothing new: nothing counted twice.
    assert_eq!(
        sqlite::retain(&path, now, None, &mut |_| true)
            .unwrap()
            .rolled_up,
        0
    );
    // A late reading of the first minute merges into its rollup.
    store(&path, &[("A", t + Duration::seconds(50), "21.5", 60)]);
    assert_eq!(
        sqlite::retain(&path, now, None, &mut |_| true)
            .unwrap()
            .rolled_up,
        1
    );
    let minute = |m: &str| format!("2025-11-25 01:{m}:00");
    assert_eq!(
        rollups(&path, "readings_minute"),
        [
            (
                "A".into(),
                minute("30"),
                3,
                20.0,
                64.0 / 3.0,
                22.5,
                40.0,
                50.0,
                60.0
            ),
            (
                "A".into(),
                minute("31"),
                1,
                25.0,
                25.0,
                25.0,
                45.0,
                45.0,
                45.0
            ),
            (
                "B".into(),
                minute("30"),
                1,
                30.0,
                30.0,
                30.0,
                60.0,
                60.0,
                60.0
            ),
        ]
    );
    assert_eq!(
        rollups(&path, "readings_hour"),
        [
            (
                "A".into(),
                "2025-11-25 01:00:00".into(),
                4,
                20.0,
                22.25,
                25.0,
                40.0,
                48.75,
                60.0
            ),
            (
                "B".into(),
                "2025-11-25 01:00:00".into(),
                1,
                30.0,
                30.0,
                30.0,
                60.0,
                60.0,
                60.0
            ),
        ]
    );
    assert_eq!(raw(&path), 5, "without --keep-days every reading stays");
}

#[test]
fn keep_days_deletes_older_readings_and_their_hours_still_answer() {
    let (_dir, path) = database();
    let now = datetime!(2025-11-30 12:00:00 UTC);
    let readings: Vec<_> = (0..10 * 24)
        .map(|h| {
            (
                "A",
                now - Duration::hours(h),
                if h % 2 == 0 { "20" } else { "24" },
                50,
            )
        })
        .collect();
    store(&path, &readings);
    let done = sqlite::retain(&path, now, Some(KeepDays(3)), &mut |_| true).unwrap();
    assert_eq!(done.rolled_up, 240);
    // Readings at now − 0 h … now − 72 h are kept (72 h ago is the cutoff itself), and the
    // one stored last (the oldest, here), which is never deleted.
    assert_eq!(done.deleted, 240 - 73 - 1);
    assert_eq!(raw(&path), 74);
    let mut history = SqliteHistory::open(&path).unwrap();
    let mut hours = Vec::new();
    history
        .rollups(
            Period::Hour,
            &Selection::all().board("A"),
            &mut |board, hour| {
                hours.push((board.to_owned(), hour.start, hour.count, hour.temperature));
                true
            },
        )
        .unwrap();
    assert_eq!(hours.len(), 240, "one reading an hour, each hour kept");
    assert_eq!(
        hours[0],
        (
            "A".to_owned(),
            now - Duration::hours(239),
            1,
            [24.0, 24.0, 24.0]
        )
    );
    // A selection of hours: the ten-day-old day alone.
    let mut day = 0;
    let from = now - Duration::days(9);
    history
        .rollups(
            Period::Hour,
            &Selection::all().from(from).to(from + Duration::days(1)),
            &mut |_, _| {
                day += 1;
                true
            },
        )
        .unwrap();
    assert_eq!(day, 24);
}

/// Bytes of the database file, after the pass's checkpoint.
fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn under_a_steady_stream_kept_for_seven_days_the_file_stops_growing_but_for_its_rollups() {
    let (_dir, path) = database();
    open(&path).close().unwrap();
    let start = datetime!(2025-11-01 00:00:00 UTC);
    let every = 5; // seconds: a board's pace
    let per_day = 86_400 / every;
    let mut sizes = Vec::new();
    for day in 0..30 {
        // A day of readings of two boards, as the recorder writes them.
        let mut db = Connection::open(&path).unwrap();
        let tx = db.transaction().unwrap();
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .unwrap();
            for i in 0..per_day {
                let at = start + Duration::days(day) + Duration::seconds(i * every);
                let stamp = format!(
                    "{} {:02}:{:02}:{:02}.000000",
                    at.date(),
                    at.hour(),
                    at.minute(),
                    at.second()
                );
                for board in ["A", "B"] {
                    insert
                        .execute(params![stamp, board, 20 + i % 7, 40 + i % 11, "t"])
                        .unwrap();
                }
            }
        }
        tx.commit().unwrap();
        drop(db);
        let now = start + Duration::days(day + 1);
        sqlite::retain(&path, now, Some(KeepDays(7)), &mut |_| true).unwrap();
        sizes.push(size(&path));
    }
    let mb = |b: u64| b as f64 / 1_048_576.0;
    let growth_first_week = mb(sizes[6] - sizes[0]) / 6.0;
    let growth_last_weeks = mb(sizes[29] - sizes[14]) / 15.0;
    eprintln!(
        "sizes (MiB) day 1, 7, 15, 30: {:.2} {:.2} {:.2} {:.2}; per day: first week {:.3}, \
         days 15–30 {:.3}",
        mb(sizes[0]),
        mb(sizes[6]),
        mb(sizes[14]),
        mb(sizes[29]),
        growth_first_week,
        growth_last_weeks
    );
    assert!(
        growth_last_weeks < growth_first_week / 5.0,
        "once seven days are kept, a day adds only its rollups: {growth_last_weeks:.3} MiB/day \
         against {growth_first_week:.3} MiB/day of raw readings"
    );
    assert_eq!(raw(&path), 7 * per_day * 2, "seven days of two boards kept");
}

#[test]
fn a_long_pass_goes_in_batches_and_counts_every_reading_once() {
    let (_dir, path) = database();
    open(&path).close().unwrap();
    let mut db = Connection::open(&path).unwrap();
    let tx = db.transaction().unwrap();
    for i in 0..120_001i64 {
        let at = datetime!(2025-11-01 00:00:00 UTC) + Duration::seconds(i);
        let stamp = format!(
            "{} {:02}:{:02}:{:02}.000000",
            at.date(),
            at.hour(),
            at.minute(),
            at.second()
        );
        tx.execute(
            "INSERT INTO readings (received_at, board, temperature, humidity, topic) \
             VALUES (?1, 'A', 20, 50, 't')",
            params![stamp],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(db);
    let mut seen = Vec::new();
    let now = datetime!(2025-11-03 00:00:00 UTC);
    let done = sqlite::retain(&path, now, Some(KeepDays(1)), &mut |so_far| {
        seen.push(so_far);
        true
    })
    .unwrap();
    assert_eq!(done.rolled_up, 120_001);
    // 2025-11-02 00:00 is the cutoff: the first 86,400 readings (a day of seconds) go.
    assert_eq!(done.deleted, 86_400);
    assert!(seen.len() >= 4, "progress after each batch: {seen:?}");
    assert_eq!(seen.last(), Some(&done));
    let total: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT sum(count) FROM readings_hour", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total, 120_001);
    assert_eq!(raw(&path), 120_001 - 86_400);
}

#[test]
fn the_newest_reading_is_never_deleted_so_ids_are_never_handed_out_again() {
    let (_dir, path) = database();
    let old = datetime!(2025-11-01 00:00:00 UTC);
    store(
        &path,
        &[
            ("A", old, "20", 40),
            ("A", old + Duration::hours(1), "21", 41),
        ],
    );
    let now = datetime!(2025-12-01 00:00:00 UTC);
    let done = sqlite::retain(&path, now, Some(KeepDays(7)), &mut |_| true).unwrap();
    assert_eq!((done.rolled_up, done.deleted), (2, 1), "the newest stays");
    // A reading stored now gets a new id, above the rolled-up ones, and is rolled up next.
    store(&path, &[("A", now, "22", 42)]);
    let next = sqlite::retain(&path, now, Some(KeepDays(7)), &mut |_| true).unwrap();
    assert_eq!((next.rolled_up, next.deleted), (1, 1));
    let db = Connection::open(&path).unwrap();
    let ids: Vec<i64> = db
        .prepare("SELECT id FROM readings")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, [3]);
    let total: i64 = db
        .query_row("SELECT sum(count) FROM readings_hour", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total, 3, "every reading is in the rollups once");
}

#[test]
fn a_path_with_no_database_is_refused_and_not_created() {
    let (dir, _) = database();
    let typo = dir.path().join("typo.db");
    let error =
        sqlite::retain(&typo, datetime!(2025-12-01 00:00 UTC), None, &mut |_| true).unwrap_err();
    assert!(error.to_string().contains("no such file"), "{error}");
    assert!(!typo.exists());
}
