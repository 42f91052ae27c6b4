//! # hexaboard
//!
//! Receive Hexaboard sensor readings over MQTT, check them, print them, store them as CSV,
//! summarise them and send commands back. This facade re-exports the workspace crates:
//! [`core`] (pure logic) and [`mqtt`] (the network and file edges).

pub use hexaboard_core as core;
pub use hexaboard_mqtt as mqtt;
