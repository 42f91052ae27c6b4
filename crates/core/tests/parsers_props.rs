//! Every parser of outside input, over arbitrary input: no panic, and every error is typed
//! and says something.

use hexaboard_core::control::{parse_color, LedCommand};
use hexaboard_core::csv_row::{RowError, RowReader};
use hexaboard_core::status::Status;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn status_payloads_parse_or_say_what_was_found(payload in proptest::collection::vec(any::<u8>(), 0..80)) {
        match Status::parse(&payload) {
            Ok(status) => {
                let text = String::from_utf8(payload).unwrap();
                prop_assert!(text.trim().eq_ignore_ascii_case(status.as_str()));
            }
            Err(e) => prop_assert!(e.to_string().starts_with("status should be")),
        }
    }

    #[test]
    fn led_commands_parse_or_say_why(payload in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Err(e) = LedCommand::parse(&payload) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn led_commands_round_trip(color in any::<[u8; 3]>(), brightness in 0u32..=100) {
        let command = LedCommand::on(color, brightness).unwrap();
        prop_assert_eq!(LedCommand::parse(command.to_json().as_bytes()), Ok(command));
    }

    #[test]
    fn colours_parse_or_name_the_text(text in "[0-9, a-z-]{0,16}") {
        match parse_color(&text) {
            Ok(rgb) => prop_assert_eq!(
                text.split(',').map(|p| p.trim().parse::<u8>().unwrap()).collect::<Vec<_>>(),
                rgb.to_vec()
            ),
            Err(e) => prop_assert!(e.to_string().contains(&text)),
        }
    }

    #[test]
    fn csv_reading_never_panics_and_numbers_bad_lines(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut text = b"Timestamp,Board,Temperature,Humidity,Light\r\n".to_vec();
        text.extend_from_slice(&bytes);
        let lines = text.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        for row in RowReader::new(text.as_slice()) {
            match row {
                Ok(row) => prop_assert!(row.line >= 2 && row.line <= lines),
                Err(RowError::Line { line, message }) => {
                    prop_assert!(line >= 2 && line <= lines, "line {} of {}", line, lines);
                    prop_assert!(!message.is_empty());
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }
    }

    #[test]
    fn csv_rows_of_the_chapters_shape_read_back(
        rows in proptest::collection::vec((0u8..24, 0u8..60, "[A-Z]{1,3}", -400i32..1250, 0u16..1000, proptest::option::of(0u32..200_000)), 1..20)
    ) {
        let mut text = String::from("Timestamp,Board,Temperature,Humidity,Light\r\n");
        for (h, m, board, t, hum, light) in &rows {
            let light = light.map(|l| l.to_string()).unwrap_or_default();
            text.push_str(&format!("2025-11-25 {h:02}:{m:02}:00,{board},{}.{},{}.{},{light}\r\n", t / 10, (t % 10).abs(), hum / 10, hum % 10));
        }
        let read: Vec<_> = RowReader::new(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(read.len(), rows.len());
        for (row, (_, _, board, _, _, light)) in read.iter().zip(&rows) {
            prop_assert_eq!(&row.board, board);
            prop_assert_eq!(row.light.map(|n| n.value()), light.map(f64::from));
            prop_assert_eq!(row.light.map(|n| n.as_str().to_owned()), light.map(|l| l.to_string()));
        }
    }
}
