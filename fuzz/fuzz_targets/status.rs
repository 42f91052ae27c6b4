//! Status payloads: parsing never panics.
#![no_main]

use hexaboard_core::status::Status;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|payload: &[u8]| {
    let _ = Status::parse(payload);
});
