//! Rows written byte for byte as the chapter's program writes them, and read back.

use time::macros::{datetime, offset};
use time::OffsetDateTime;

use super::*;
use crate::number::Number;
use crate::reading::Reading;

fn reading(board: &str, t: &str, h: &str, light: Option<&str>) -> Reading<'static> {
    let n = |s: &str| Number::parse_json(s).unwrap();
    Reading::new(board.to_owned(), n(t), n(h), light.map(n), None)
}

/// 2025-11-25 01:30 UTC and `second` seconds (10:30 in the rows, written at +09:00).
fn at(second: i64) -> OffsetDateTime {
    datetime!(2025-11-25 01:30:00 UTC) + time::Duration::seconds(second)
}

fn written(rows: &[(OffsetDateTime, Reading<'_>)]) -> String {
    let mut w = RowWriter::new(Vec::new(), offset!(+9));
    w.write_header().unwrap();
    for (at, r) in rows {
        w.write_reading(*at, r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn board_ids_are_quoted_only_where_python_quotes_them() {
    let table = [
        ("A", "A"),
        ("거실", "거실"),
        ("lab 1", "lab 1"),
        ("it's", "it's"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"", "\"\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\r", "\"cr\r\""),
        ("-1", "'-1"),
        ("@x,y", "\"'@x,y\""),
    ];
    for (board, cell) in table {
        let text = written(&[(at(15), reading(board, "25", "60", Some("800")))]);
        let row = text.split_once("\r\n").unwrap().1;
        assert_eq!(
            row,
            format!("2025-11-25 10:30:15,{cell},25,60,800\r\n"),
            "board {board:?}"
        );
    }
}

#[test]
fn rows_match_the_chapters_csv_byte_for_byte() {
    let text = written(&[
        (at(15), reading("A", "25", "60", Some("800"))),
        (at(20), reading("A", "26", "61", Some("810"))),
        (at(25), reading("B", "24.5", "58.0", None)),
    ]);
    assert_eq!(
        text,
        "Timestamp,Board,Temperature,Humidity,Light\r\n\
         2025-11-25 10:30:15,A,25,60,800\r\n\
         2025-11-25 10:30:20,A,26,61,810\r\n\
         2025-11-25 10:30:25,B,24.5,58.0,\r\n"
    );
}

#[test]
fn the_cached_second_changes_with_time_and_offset() {
    let r = reading("A", "1", "2", None);
    let mut w = RowWriter::new(Vec::new(), offset!(UTC));
    w.write_reading(datetime!(2025-01-01 00:00:00.1 UTC), &r)
        .unwrap();
    w.write_reading(datetime!(2025-01-01 00:00:00.9 UTC), &r)
        .unwrap();
    w.write_reading(datetime!(2025-01-01 00:00:01 UTC), &r)
        .unwrap();
    w.write_reading(datetime!(2025-01-01 09:00:01 +09:00), &r)
        .unwrap();
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let stamps: Vec<&str> = text.lines().map(|l| &l[..19]).collect();
    assert_eq!(
        stamps,
        [
            "2025-01-01 00:00:00",
            "2025-01-01 00:00:00",
            "2025-01-01 00:00:01",
            "2025-01-01 00:00:01"
        ]
    );
}

#[test]
fn a_long_board_id_keeps_every_byte_behind_its_guard() {
    let board = format!("@{}", "x".repeat(100));
    let text = written(&[(at(15), reading(&board, "1", "2", None))]);
    let row = text.split("\r\n").nth(1).unwrap();
    assert_eq!(row, format!("2025-11-25 10:30:15,'{board},1,2,"));
}

#[test]
fn board_ids_that_spreadsheets_would_run_are_guarded() {
    let text = written(&[
        (at(15), reading("=HYPERLINK(\"x\")", "-3", "60", None)),
        (at(15), reading("a,b", "1", "2", None)),
    ]);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[1],
        "2025-11-25 10:30:15,\"'=HYPERLINK(\"\"x\"\")\",-3,60,"
    );
    assert_eq!(lines[2], "2025-11-25 10:30:15,\"a,b\",1,2,");
}

#[test]
fn rows_read_back_with_line_numbers_and_empty_cells() {
    let text = written(&[
        (at(15), reading("A", "25", "60", Some("800"))),
        (at(25), reading("B", "24.5", "58", None)),
    ]);
    let rows: Vec<Row> = RowReader::new(text.as_bytes())
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].timestamp, datetime!(2025-11-25 10:30:15));
    assert_eq!(
        (
            rows[1].board.as_str(),
            rows[1].temperature.map(|n| n.value()),
            rows[1].light
        ),
        ("B", Some(24.5), None)
    );
    assert_eq!(rows[0].temperature.unwrap().as_str(), "25");
}

#[test]
fn a_trailing_partial_line_is_skipped_and_reported() {
    let text = "Timestamp,Board,Temperature,Humidity,Light\r\n\
                2025-11-25 10:30:15,A,25,60,\r\n\
                2025-11-25 10:30:20,A,2";
    let mut reader = RowReader::new(text.as_bytes());
    let rows: Vec<_> = reader.by_ref().collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_ok());
    assert_eq!(reader.partial_tail(), Some(3));
}

#[test]
fn bad_lines_in_the_middle_are_errors_with_their_line_number() {
    let text = "Timestamp,Board,Temperature,Humidity,Light\r\n\
                2025-11-25 10:30:15,A,hot,60,\r\n\
                yesterday,A,25,60,\r\n\
                2025-11-25 10:30:25,B,24,58,\r\n";
    let mut reader = RowReader::new(text.as_bytes());
    let results: Vec<_> = reader.by_ref().collect();
    assert_eq!(
        results[0].as_ref().unwrap_err().to_string(),
        "line 2: Temperature `hot` is not a number"
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "line 3: Timestamp `yesterday` is not YYYY-MM-DD HH:MM:SS"
    );
    assert_eq!(results[2].as_ref().unwrap().board, "B");
    assert_eq!(reader.partial_tail(), None);
}

#[test]
fn a_file_with_another_header_is_refused() {
    let mut reader = RowReader::new("time,temp\r\n1,2\r\n".as_bytes());
    assert_eq!(
        reader.next().unwrap().unwrap_err().to_string(),
        "line 1: header is `time,temp`, expected `Timestamp,Board,Temperature,Humidity,Light`"
    );
}

#[test]
fn a_row_from_its_parts_is_the_row_of_the_reading() {
    let cases = [
        reading("A", "25", "60", None),
        reading("B", "25.5", "55.0", Some("800")),
        reading("=1+1", "-3", "60", None),
        reading("a,b", "1", "2", None),
    ];
    let by_reading = written(&cases.clone().map(|r| (at(15), r)));
    let mut w = RowWriter::new(Vec::new(), offset!(+9));
    w.write_header().unwrap();
    for r in &cases {
        w.write_row(at(15), r.board(), r.temperature(), r.humidity(), r.light())
            .unwrap();
    }
    assert_eq!(
        String::from_utf8(w.into_inner().unwrap()).unwrap(),
        by_reading
    );
}

#[test]
fn a_guarded_board_cell_reads_back_as_the_board_id() {
    for board in ["A", "=1+1", "+x", "-", "@sum", "\tA", "'A", "'", "a,b"] {
        let text = written(&[(at(15), reading(board, "1", "2", None))]);
        let row = RowReader::new(text.as_bytes()).next().unwrap().unwrap();
        assert_eq!(board_of_cell(&row.board), board, "{text:?}");
    }
}
