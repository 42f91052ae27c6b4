//! # hexaboard
//!
//! Receive Hexaboard sensor readings over MQTT, check them, print them, store them as CSV,
//! summarise them and send commands back. This facade re-exports the workspace crates:
//! [`core`] (pure logic), [`mqtt`] (the network: settings and the MQTT session), [`store`]
//! (where readings live) and [`recorder`] (every message stored before it is acknowledged).

pub use hexaboard_core as core;
pub use hexaboard_mqtt as mqtt;
pub use hexaboard_recorder as recorder;
pub use hexaboard_store as store;
