//! # hexaboard-mqtt
//!
//! The edges of hexaboard: settings, the MQTT session over paho-mqtt, TLS, and the CSV and
//! rejects files. Everything here turns the outside world into calls of `hexaboard-core`.

pub use hexaboard_core as core;
