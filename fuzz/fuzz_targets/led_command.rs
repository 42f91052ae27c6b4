//! LED commands (what a virtual board reads on its control topic): parsing never panics, and
//! what parses round-trips through its JSON.
#![no_main]

use hexaboard_core::control::LedCommand;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|payload: &[u8]| {
    if let Ok(command) = LedCommand::parse(payload) {
        assert_eq!(LedCommand::parse(command.to_json().as_bytes()), Ok(command));
    }
});
