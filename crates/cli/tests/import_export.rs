//! `hexaboard import` and `hexaboard export`: the chapter's CSV into a SQLite or PostgreSQL
//! store and back, byte for byte; a second import adds nothing; bad input is told line by
//! line; nothing is overwritten unasked.
//!
//! `tests/data/chapter.csv` holds six rows as the chapter's program writes them (CRLF, numbers
//! as sent: `25`, `25.5`, `25.0`; empty light cells; board `=cmd` behind its formula guard;
//! board `a,b` quoted), two of them identical. `tests/data/import_bad_lines.csv` holds two
//! good rows, a line without a time (line 3), a row without a temperature (line 4) and a last
//! line cut short (line 6). Every run is at `TZ=Asia/Seoul` (UTC+9), so `10:30:15` in the
//! file is `01:30:15` UTC in the database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hexaboard_mqtt::settings::VARIABLES;
use hexaboard_testkit::Postgres;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// `hexaboard --lang en --store STORE ARGS…` in `dir`, at UTC+9, without any setting from
/// outside.
fn hexaboard(dir: &Path, store: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir).env("TZ", "Asia/Seoul");
    for var in VARIABLES {
        command.env_remove(var.name());
    }
    command
        .args(["--lang", "en", "--store", store])
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Imports `chapter.csv` into `store` twice and exports it again.
fn round_trip(dir: &Path, store: &str) {
    let file = data("chapter.csv");
    let file = file.to_str().unwrap();
    let first = hexaboard(dir, store, &["import", file]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(text(&first.stderr), "");
    assert_eq!(
        text(&first.stdout),
        format!("📥 {file}: 6 reading(s) added, 0 already there\n")
    );
    let again = hexaboard(dir, store, &["import", file]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout),
        format!("📥 {file}: 0 reading(s) added, 6 already there\n")
    );
    let export = hexaboard(dir, store, &["export", "-o", "out.csv"]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export.stderr));
    assert_eq!(text(&export.stderr), "");
    assert_eq!(text(&export.stdout), "📤 Wrote 6 reading(s) to out.csv\n");
    assert_eq!(
        text(&std::fs::read(dir.join("out.csv")).unwrap()),
        text(&std::fs::read(data("chapter.csv")).unwrap())
    );
    let hidden: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn a_chapter_csv_goes_into_sqlite_twice_and_comes_back_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    round_trip(dir.path(), "sqlite:readings.db");
    let db = rusqlite::Connection::open(dir.path().join("readings.db")).unwrap();
    let (first, topic, kinds): (String, String, String) = db
        .query_row(
            "SELECT received_at, topic, \
             (SELECT group_concat(typeof(temperature), ' ') FROM readings) \
             FROM readings ORDER BY id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(first, "2025-11-25 01:30:15.000000");
    assert_eq!(topic, "");
    assert_eq!(kinds, "integer integer real real integer integer");
}

#[test]
fn a_chapter_csv_goes_into_postgres_twice_and_comes_back_byte_for_byte() {
    let server = Postgres::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    round_trip(dir.path(), &server.url());
    let mut db = postgres::Client::connect(&server.url(), postgres::NoTls).unwrap();
    let row = db
        .query_one(
            "SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), topic, \
             board_time IS NULL FROM readings ORDER BY id LIMIT 1",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "2025-11-25 01:30:15");
    assert_eq!(row.get::<_, String>(1), "");
    assert!(row.get::<_, bool>(2));
}

fn sqlite_rows(path: &Path) -> i64 {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row("SELECT count(*) FROM readings", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn bad_lines_are_told_with_their_numbers_and_the_good_ones_imported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        data("import_bad_lines.csv"),
        dir.path().join("bad_lines.csv"),
    )
    .unwrap();
    let out = hexaboard(dir.path(), "readings.db", &["import", "bad_lines.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "📥 bad_lines.csv: 2 reading(s) added, 0 already there\n"
    );
    assert_eq!(
        text(&out.stderr),
        "⚠️ bad_lines.csv line 3 skipped: Timestamp `not a time` is not YYYY-MM-DD HH:MM:SS\n\
         ⚠️ bad_lines.csv line 4 skipped: no temperature or humidity: a database reading needs \
         both\n\
         ℹ️ bad_lines.csv last line 6 is cut short (still being written?): skipped\n\
         error: 3 line(s) of bad_lines.csv not imported (told above): mend them and import the \
         file again; what is in now is not added twice\n"
    );
    assert_eq!(sqlite_rows(&dir.path().join("readings.db")), 2);
}

#[test]
fn a_file_with_another_header_imports_nothing_and_makes_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = data("wrong_header.csv");
    let out = hexaboard(
        dir.path(),
        "readings.db",
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is not a CSV of readings: line 1: header is `time,board,temp,hum`"),
        "{stderr}"
    );
    assert!(!dir.path().join("readings.db").exists());
}

#[test]
fn an_empty_or_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let out = hexaboard(dir.path(), "readings.db", &["import", "empty.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("empty.csv is empty"), "{out:?}");
    let out = hexaboard(dir.path(), "readings.db", &["import", "missing.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot open missing.csv"),
        "{out:?}"
    );
    assert!(!dir.path().join("readings.db").exists());
}

#[test]
fn export_keeps_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let file = data("chapter.csv");
    let import = hexaboard(
        dir.path(),
        "readings.db",
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(import.status.code(), Some(0), "{import:?}");
    std::fs::write(dir.path().join("out.csv"), "mine").unwrap();
    let out = hexaboard(dir.path(), "readings.db", &["export", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: out.csv exists: name another file, or pass --force to replace it\n"
    );
    assert_eq!(std::fs::read(dir.path().join("out.csv")).unwrap(), b"mine");
    let out = hexaboard(
        dir.path(),
        "readings.db",
        &["export", "-o", "out.csv", "--force"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read(dir.path().join("out.csv")).unwrap(),
        std::fs::read(&file).unwrap()
    );
}

#[test]
fn a_csv_store_is_refused_by_export_and_import_as_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), "sensor_data.csv", &["export", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("names the CSV `sensor_data.csv`, which is one already"),
        "{out:?}"
    );
    assert!(!dir.path().join("out.csv").exists());
    let file = data("chapter.csv");
    let out = hexaboard(
        dir.path(),
        "sensor_data.csv",
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("set it to sqlite:PATH or postgres://"),
        "{out:?}"
    );
    assert!(!dir.path().join("sensor_data.csv").exists());
}

#[test]
fn a_missing_database_is_an_error_and_no_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let out = hexaboard(dir.path(), "readings.db", &["export", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no such file"),
        "{out:?}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn export_writes_only_the_readings_from_to_and_boards_select() {
    let dir = tempfile::tempdir().unwrap();
    let file = data("chapter.csv");
    let import = hexaboard(
        dir.path(),
        "readings.db",
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(import.status.code(), Some(0), "{import:?}");
    let args = [
        "export",
        "-o",
        "some.csv",
        "--from",
        "2025-11-25 10:30:16",
        "--to",
        "2025-11-25T01:30:21Z",
        "--board",
        "A",
        "--board",
        "=cmd",
    ];
    let out = hexaboard(dir.path(), "readings.db", &args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(text(&out.stdout), "📤 Wrote 2 reading(s) to some.csv\n");
    assert_eq!(
        text(&std::fs::read(dir.path().join("some.csv")).unwrap()),
        "Timestamp,Board,Temperature,Humidity,Light\r\n\
         2025-11-25 10:30:17,A,25.0,60,\r\n\
         2025-11-25 10:30:20,'=cmd,24,40,\r\n"
    );
}
