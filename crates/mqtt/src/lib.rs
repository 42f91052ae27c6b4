//! # hexaboard-mqtt
//!
//! The network edge of hexaboard: settings, and the MQTT session over paho-mqtt with TLS.
//! Everything here turns the broker into calls of `hexaboard-core`; where readings are kept
//! is `hexaboard-store`'s business, and `hexaboard-recorder` ties the two together.
//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`settings`] | one table of variables; [`ConnectionSettings`] and [`AppSettings`] from flags, the environment and `.env` ([`Sources`], read once) or a typed builder; where each value came from |
//! | [`session`] | [`Session`]: connect, subscribe, receive on paho's callback thread, reconnect, publish, stop |
//! | [`connect_error`] | [`ConnectError`]: why a connect failed, in one line with the fix |

pub use hexaboard_core as core;
mod connack;
pub mod connect_error;
mod diagnose;
pub mod session;
pub mod settings;

pub use connect_error::{ConnectError, ConnectErrorKind};
pub use session::{
    Incoming, Pending, PublishError, RetryPolicy, Session, SessionBuilder, SessionEvent, StopSignal,
};
pub use settings::{
    AppSettings, ConnectionSettings, Lang, Secret, Settings, SettingsError, Source, Sources,
};
