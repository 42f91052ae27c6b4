//! Recorded CSV files (what `hexaboard summary` reads): reading never panics.
#![no_main]

use hexaboard_core::csv_row::RowReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mut reader = RowReader::new(bytes);
    for row in reader.by_ref() {
        let _ = row;
    }
    let _ = reader.partial_tail();
});
