//! A PostgreSQL store's retention pass: the same rollups as SQLite's, each reading counted
//! once, raw readings older than the days kept deleted, their hours still read back.

mod postgres_common;

use hexaboard_core::reading::ReadingParser;
use hexaboard_store::history::{History, Selection};
use hexaboard_store::postgres::{self, PostgresHistory};
use hexaboard_store::retention::{KeepDays, Period};
use hexaboard_store::{MessageId, Store};
use postgres_common::{client, count, server, store, url};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn add(server: &hexaboard_testkit::Postgres, readings: &[(&str, OffsetDateTime, &str, u32)]) {
    let mut db = store(server);
    for (board, at, temperature, humidity) in readings {
        let topic = format!("hexaboard/{board}/sensor/data");
        let payload =
            format!(r#"{{"board":"{board}","temperature":{temperature},"humidity":{humidity}}}"#);
        let reading = ReadingParser::default()
            .parse(payload.as_bytes(), &topic)
            .unwrap();
        let id = MessageId::new(&topic, payload.as_bytes(), false);
        db.append(*at, &topic, &reading, id).unwrap();
    }
    db.close().unwrap();
}

#[test]
fn rollups_count_each_reading_once_and_keep_days_deletes_the_older_ones() {
    let server = server();
    let t = datetime!(2025-11-25 01:30:00 UTC);
    add(
        &server,
        &[
            ("A", t + Duration::seconds(5), "20", 40),
            ("A", t + Duration::seconds(10), "22.5", 50),
            ("B", t + Duration::seconds(20), "30", 60),
            ("A", t + Duration::minutes(1), "25", 45),
        ],
    );
    let now = t + Duration::minutes(5);
    let url = url(&server);
    // A server far from UTC, and not on a whole hour: the rollups' periods are still UTC's.
    client(&server)
        .batch_execute(&format!(
            "ALTER DATABASE {} SET timezone = 'Asia/Kolkata'",
            server.database()
        ))
        .unwrap();
    let pw = Some(server.password());
    assert_eq!(
        postgres::retain(&url, pw, now, None, &mut |_| true)
            .unwrap()
            .rolled_up,
        4
    );
    assert_eq!(
        postgres::retain(&url, pw, now, None, &mut |_| true)
            .unwrap()
            .rolled_up,
        0
    );
    add(&server, &[("A", t + Duration::seconds(50), "21.5", 60)]);
    assert_eq!(
        postgres::retain(&url, pw, now, None, &mut |_| true)
            .unwrap()
            .rolled_up,
        1
    );
    let mut db = client(&server);
    let minutes: Vec<(String, i64, f64, f64, f64)> = db
        .query(
            "SELECT board, count, temperature_min, temperature_mean, temperature_max \
             FROM readings_minute ORDER BY board, start",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(
        minutes,
        [
            ("A".into(), 3, 20.0, 64.0 / 3.0, 22.5),
            ("A".into(), 1, 25.0, 25.0, 25.0),
            ("B".into(), 1, 30.0, 30.0, 30.0),
        ]
    );
    // Two days later, keeping one: every raw reading goes, the hours stay.
    let done = postgres::retain(
        &url,
        pw,
        now + Duration::days(2),
        Some(KeepDays(1)),
        &mut |_| true,
    )
    .unwrap();
    assert_eq!((done.rolled_up, done.deleted), (0, 5));
    assert_eq!(count(&mut db, "readings"), 0);
    let mut history = PostgresHistory::connect(&url, pw).unwrap();
    let mut hours = Vec::new();
    history
        .rollups(Period::Hour, &Selection::all(), &mut |board, hour| {
            hours.push((board.to_owned(), hour.start, hour.count, hour.humidity));
            true
        })
        .unwrap();
    assert_eq!(
        hours,
        [
            (
                "A".to_owned(),
                datetime!(2025-11-25 01:00 UTC),
                4,
                [40.0, 48.75, 60.0]
            ),
            (
                "B".to_owned(),
                datetime!(2025-11-25 01:00 UTC),
                1,
                [60.0, 60.0, 60.0]
            ),
        ]
    );
}
