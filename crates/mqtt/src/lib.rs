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
//! | [`session`] | [`Session`]: connect, subscribe, receive on paho's callback thread, reconnect, publish, stop |
//! | [`connect_error`] | [`ConnectError`]: why a connect failed, in one line with the fix |

pub use hexaboard_core as core;

pub mod connect_error;
mod diagnose;
pub mod session;
pub mod settings;

pub use connect_error::{ConnectError, ConnectErrorKind};
pub use session::{
    Incoming, Pending, PublishError, RetryPolicy, Session, SessionBuilder, SessionEvent, StopSignal,
};
pub use settings::{Lang, Secret, Settings, SettingsBuilder, SettingsError, Source};
