//! Sensor payloads: parsing never panics; what parses is a sane reading and formats as a CSV
//! row.
#![no_main]

use hexaboard_core::csv_row::RowWriter;
use hexaboard_core::pipeline::{Outcome, Pipeline, PipelineConfig};
use libfuzzer_sys::fuzz_target;
use time::{OffsetDateTime, UtcOffset};

fuzz_target!(|payload: &[u8]| {
    let mut pipeline = Pipeline::new(PipelineConfig::default());
    let at = OffsetDateTime::UNIX_EPOCH;
    if let Outcome::Reading(r) = pipeline.process("hexaboard/A/sensor/data", payload, at) {
        assert!(r.reading.temperature().value().is_finite());
        assert!(r.reading.humidity().value().is_finite());
        assert!(!r.reading.board().is_empty());
        let mut rows = RowWriter::new(Vec::new(), UtcOffset::UTC);
        rows.write_reading(at, &r.reading).expect("in-memory write");
    }
});
