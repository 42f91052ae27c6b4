//! # hexaboard-mqtt
//!
//! The edges of hexaboard: settings, the MQTT session over paho-mqtt, TLS, and the CSV and
//! rejects files. Everything here turns the outside world into calls of `hexaboard-core`.
//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`settings`] | [`Settings`] from the environment and `.env`, or a builder; where each value came from |

pub use hexaboard_core as core;

pub mod settings;

pub use settings::{Lang, Secret, Settings, SettingsBuilder, SettingsError, Source};
