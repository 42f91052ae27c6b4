//! `hexaboard plot` writes an SVG chart: valid XML, one line per board in each panel.
//!
//! The chart in the README is made by the ignored test at the end:
//! `cargo test -p hexaboard-cli --test plot -- --ignored`, then
//! `rsvg-convert docs/chart.svg -o docs/chart.png`.

use std::path::Path;
use std::process::{Command, Output};

use hexaboard_core::csv_row::RowWriter;
use hexaboard_core::sim::VirtualBoard;
use hexaboard_core::ReadingParser;
use time::macros::{datetime, offset};
use time::Duration;

/// Runs `hexaboard plot` in `dir` (no stray `.env`), without hexaboard variables from outside.
fn plot(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("MQTT_") || name == "CSV_FILE" || name == "HEXABOARD_LANG" {
            command.env_remove(name);
        }
    }
    command.arg("plot").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Three hours of two virtual boards every 5 s, as the recorder writes them; board B is
/// switched off for 20 minutes in the middle.
fn realistic_csv(path: &Path) {
    let mut rows = RowWriter::new(Vec::new(), offset!(UTC));
    rows.write_header().unwrap();
    let mut boards = [VirtualBoard::new("A", 7), VirtualBoard::new("B", 7)];
    let start = datetime!(2025-11-25 09:00:00 UTC);
    let parser = ReadingParser::default();
    for i in 0..(3 * 3600 / 5) {
        let at = start + Duration::seconds(5 * i);
        for board in &mut boards {
            let payload = board.next_payload(at.unix_timestamp());
            let off = board.board() == "B" && (1000..1240).contains(&i);
            if off {
                continue;
            }
            let topic = board.sensor_topic();
            let reading = parser.parse(payload.as_bytes(), &topic).unwrap();
            rows.write_reading(at + Duration::milliseconds(300), &reading)
                .unwrap();
        }
    }
    std::fs::write(path, rows.into_inner().unwrap()).unwrap();
}

/// The `data-board` of every line in the panel `id`.
fn lines_in_panel(doc: &roxmltree::Document<'_>, id: &str) -> Vec<String> {
    let panel = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no panel {id}"));
    panel
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .map(|n| {
            assert!(n.attribute("d").unwrap().starts_with('M'));
            n.attribute("data-board").unwrap().to_owned()
        })
        .collect()
}

#[test]
fn the_chart_is_valid_svg_with_a_line_per_board_in_each_panel() {
    let dir = tempfile::tempdir().unwrap();
    realistic_csv(&dir.path().join("sensor_data.csv"));
    let out = plot(
        dir.path(),
        &["sensor_data.csv", "-o", "chart.svg", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "📈 Wrote chart.svg: board(s) A, B (2025-11-25 09:00:00 – 2025-11-25 11:59:55)\n"
    );
    let svg = std::fs::read_to_string(dir.path().join("chart.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(lines_in_panel(&doc, "temperature"), ["A", "B"]);
    assert_eq!(lines_in_panel(&doc, "humidity"), ["A", "B"]);
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in [
        "Temperature and humidity per board",
        "Temperature (°C)",
        "Humidity (%)",
    ] {
        assert!(texts.contains(&label), "{label} missing from {texts:?}");
    }
    // Board B's 20 silent minutes break its line: two pieces.
    let b = doc
        .descendants()
        .find(|n| n.attribute("data-board") == Some("B"))
        .unwrap();
    assert_eq!(b.attribute("d").unwrap().matches('M').count(), 2);
}

#[test]
fn boards_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    realistic_csv(&dir.path().join("sensor_data.csv"));
    let out = plot(
        dir.path(),
        &["--boards", "B,Z", "-o", "b.svg", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "⚠️ no readings of board Z in the file\n");
    let svg = std::fs::read_to_string(dir.path().join("b.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(lines_in_panel(&doc, "temperature"), ["B"]);
    assert_eq!(lines_in_panel(&doc, "humidity"), ["B"]);
}

#[test]
fn board_ids_and_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a&b.csv"),
        "Timestamp,Board,Temperature,Humidity,Light\r\n\
         2025-11-25 10:00:00,<A&\"B\">,25,60,\r\n\
         2025-11-25 10:00:05,<A&\"B\">,26,61,\r\n",
    )
    .unwrap();
    let out = plot(dir.path(), &["a&b.csv", "-o", "x.svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(dir.path().join("x.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(lines_in_panel(&doc, "temperature"), ["<A&\"B\">"]);
}

#[test]
fn a_file_without_readings_gives_no_chart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("empty.csv"),
        "Timestamp,Board,Temperature,Humidity,Light\r\n",
    )
    .unwrap();
    let out = plot(dir.path(), &["empty.csv", "-o", "x.svg"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "error: empty.csv: no readings to plot\n");
    assert!(!dir.path().join("x.svg").exists());
}

/// Makes the README's chart from three hours of two virtual boards. It writes to a temporary
/// directory; with `HEXABOARD_WRITE_CHART=1` it writes `docs/chart.svg` instead (then
/// `rsvg-convert docs/chart.svg -o docs/chart.png`).
#[test]
fn the_readme_chart_is_made_from_three_hours_of_two_boards() {
    let dir = tempfile::tempdir().unwrap();
    realistic_csv(&dir.path().join("sensor_data.csv"));
    let target = if std::env::var_os("HEXABOARD_WRITE_CHART").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
        std::fs::create_dir_all(&docs).unwrap();
        docs.join("chart.svg")
    } else {
        dir.path().join("chart.svg")
    };
    let out = plot(
        dir.path(),
        &["-o", target.to_str().unwrap(), "--lang", "ko"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&target).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let paths = doc.descendants().filter(|n| n.has_tag_name("path")).count();
    assert!(paths >= 4, "two boards in two panels, found {paths} paths");
}
