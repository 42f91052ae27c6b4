//! The fuzzers' seed inputs (`fuzz/seeds/<target>`), replayed on every `cargo test`: real and
//! broken payloads that each parser must take without panicking.

use std::path::PathBuf;

use hexaboard_core::control::LedCommand;
use hexaboard_core::csv_row::RowReader;
use hexaboard_core::pipeline::{Pipeline, PipelineConfig};
use hexaboard_core::status::Status;
use hexaboard_core::topic::TopicFilter;
use time::OffsetDateTime;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files
}

#[test]
fn every_reading_seed_is_decided_without_panicking() {
    let mut pipeline = Pipeline::new(PipelineConfig::default());
    let decided = seeds("reading")
        .iter()
        .map(|(_, payload)| {
            pipeline.process(
                "hexaboard/A/sensor/data",
                payload,
                OffsetDateTime::UNIX_EPOCH,
            )
        })
        .filter(|outcome| matches!(outcome, hexaboard_core::Outcome::Reading(_)))
        .count();
    // firmware, chapter, light, strings, escapes, nested: six good payloads among the seeds.
    assert_eq!(decided, 6);
}

#[test]
fn every_other_seed_is_parsed_without_panicking() {
    let statuses: Vec<bool> = seeds("status")
        .iter()
        .map(|(_, p)| Status::parse(p).is_ok())
        .collect();
    assert_eq!(statuses, [false, true, true]); // json, offline, online
    for (_, input) in seeds("topic_filter") {
        let text = String::from_utf8_lossy(&input);
        let (filter, topic) = text.split_once('\0').unwrap();
        assert!(
            TopicFilter::new(filter).unwrap().matches(topic),
            "{filter} on {topic}"
        );
    }
    for (name, bytes) in seeds("csv_rows") {
        assert!(
            RowReader::new(bytes.as_slice()).all(|row| row.is_ok()),
            "{name}"
        );
    }
    let commands: Vec<bool> = seeds("led_command")
        .iter()
        .map(|(_, p)| LedCommand::parse(p).is_ok())
        .collect();
    assert_eq!(commands, [false, true, true]); // bad, off, on
}
