//! `hexaboard summary` on small CSVs whose figures were worked out by hand.
//!
//! `tests/data/readings.csv` holds 25 readings, every 5 s from 2025-11-25 10:00:00:
//!
//! - board A, 22 readings: temperatures 20, 20, then ten 22s, then nine 24s and a last 25.5;
//!   humidities eleven 50s then eleven 60s.
//! - board B, 3 readings at 10:00:02, :07, :12: temperatures 30, 31, 29; humidities 25, 20, 30.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `hexaboard` in a fresh directory holding a copy of `data` (so no stray `.env` is read
/// and paths print the same everywhere), without any hexaboard variable from outside.
fn hexaboard(data: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(data);
    if source.exists() {
        std::fs::copy(&source, dir.path().join(data)).unwrap();
    }
    summary_in(dir.path()).args(args).output().unwrap()
}

/// `hexaboard summary` run in `dir`, without any hexaboard variable from outside.
fn summary_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_")
            || name.starts_with("TOPIC_")
            || name == "CSV_FILE"
            || name == "HEXABOARD_LANG"
        {
            command.env_remove(name);
        }
    }
    command.arg("summary");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn the_table_in_korean_shows_each_boards_figures() {
    let out = hexaboard("readings.csv", &["readings.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    insta::assert_snapshot!("summary_table_ko", text(&out.stdout));
}

#[test]
fn the_table_in_english_shows_each_boards_figures() {
    let out = hexaboard("readings.csv", &["readings.csv", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("summary_table_en", text(&out.stdout));
}

#[test]
fn json_figures_equal_the_hand_computed_ones() {
    let out = hexaboard("readings.csv", &["readings.csv", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"], 25);
    let a = &json["boards"][0];
    assert_eq!(a["board"], "A");
    assert_eq!(a["count"], 22);
    assert_eq!(a["total"], 22);
    // 20+20 + 10×22 + 9×24 + 25.5 = 40 + 220 + 216 + 25.5 = 501.5; 501.5 / 22 = 22.7954…
    let average = a["temperature"]["average"].as_f64().unwrap();
    assert!((average - 501.5 / 22.0).abs() < 1e-9, "{average}");
    assert_eq!(a["temperature"]["min"], 20.0);
    assert_eq!(a["temperature"]["max"], 25.5);
    // 11×50 + 11×60 = 1210; 1210 / 22 = 55
    assert_eq!(a["humidity"]["average"], 55.0);
    assert_eq!(a["humidity"]["min"], 50.0);
    assert_eq!(a["humidity"]["max"], 60.0);
    // Last 20 temperatures: ten 22s (sum 220), then nine 24s and 25.5 (sum 241.5).
    // 241.5 - 220 = 21.5 > 5% of 220 = 11, so rising.
    assert_eq!(a["trend"], "rising");
    // 22.8 °C is within 18–28, 55 % within 30–70.
    assert_eq!(a["temperature_comfort"], "comfortable");
    assert_eq!(a["humidity_comfort"], "comfortable");
    // 22 readings 5 s apart: 21 × 5 s = 105 s after 10:00:00.
    assert_eq!(a["first"], "2025-11-25 10:00:00");
    assert_eq!(a["last"], "2025-11-25 10:01:45");

    let b = &json["boards"][1];
    assert_eq!(b["board"], "B");
    assert_eq!(b["count"], 3);
    // (30 + 31 + 29) / 3 = 30; (25 + 20 + 30) / 3 = 25
    assert_eq!(b["temperature"]["average"], 30.0);
    assert_eq!(b["temperature"]["min"], 29.0);
    assert_eq!(b["temperature"]["max"], 31.0);
    assert_eq!(b["humidity"]["average"], 25.0);
    assert_eq!(b["humidity"]["min"], 20.0);
    assert_eq!(b["humidity"]["max"], 30.0);
    // 3 readings < 20: no trend; 30 > 28 too hot; 25 < 30 too dry.
    assert_eq!(b["trend"], "not enough data");
    assert_eq!(b["temperature_comfort"], "too_hot");
    assert_eq!(b["humidity_comfort"], "too_dry");
    assert_eq!(b["first"], "2025-11-25 10:00:02");
    assert_eq!(b["last"], "2025-11-25 10:00:12");
}

#[test]
fn csv_format_gives_one_row_per_board() {
    let out = hexaboard("readings.csv", &["readings.csv", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("summary_csv", text(&out.stdout));
}

#[test]
fn a_last_line_cut_short_is_skipped_with_a_note() {
    let out = hexaboard(
        "partial.csv",
        &["partial.csv", "--format", "json", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"], 25);
    assert_eq!(json["partial_last_line"], 27);
    assert_eq!(json["boards"][0]["count"], 22);
    assert_eq!(
        text(&out.stderr),
        "ℹ️ partial.csv last line 27 is cut short (still being written?): skipped\n"
    );
}

#[test]
fn bad_lines_are_named_by_number_and_the_rest_is_summarised() {
    let out = hexaboard(
        "bad_lines.csv",
        &["bad_lines.csv", "--format", "json", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("summary_bad_lines_stderr", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["bad_lines"], serde_json::json!([4, 5, 6]));
    // The good rows are those of readings.csv: the same figures.
    assert_eq!(json["rows"], 25);
    assert_eq!(json["boards"][1]["temperature"]["average"], 30.0);
}

#[test]
fn a_wrong_header_is_an_error_naming_the_expected_one() {
    let out = hexaboard("wrong_header.csv", &["wrong_header.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("wrong_header.csv")
            && err.contains("`time,board,temp,hum`")
            && err.contains("Timestamp,Board,Temperature,Humidity,Light"),
        "{err}"
    );
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn a_missing_file_is_an_error_naming_the_path() {
    let out = hexaboard("none.csv", &["no_such_file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot open no_such_file.csv"), "{err}");
}

#[test]
fn the_csv_and_the_language_come_from_dotenv_without_any_broker_setting() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/readings.csv");
    std::fs::copy(&data, dir.path().join("lab.csv")).unwrap();
    // A BOM and an empty variable, as editors and hand-written files leave them.
    std::fs::write(
        dir.path().join(".env"),
        "\u{feff}CSV_FILE=lab.csv\nHEXABOARD_LANG=en\nMQTT_USER=\n",
    )
    .unwrap();
    let out = summary_in(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"], 25, "the rows of lab.csv");
    let out = summary_in(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let english = hexaboard("readings.csv", &["readings.csv", "--lang", "en"]).stdout;
    assert_eq!(
        text(&out.stdout),
        text(&english).replace("readings.csv", "lab.csv"),
        "English, from HEXABOARD_LANG in .env"
    );
}

#[test]
fn a_broken_dotenv_is_reported_instead_of_silently_summarising_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/readings.csv");
    std::fs::copy(&data, dir.path().join("sensor_data.csv")).unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "CSV_FILE=lab.csv\nthis is not valid\n",
    )
    .unwrap();
    let out = summary_in(dir.path())
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(".env") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert_eq!(
        text(&out.stdout),
        "",
        "no summary of sensor_data.csv instead"
    );
}
