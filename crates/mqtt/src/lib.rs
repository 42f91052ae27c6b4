//! # hexaboard-mqtt
//!
//! The edges of hexaboard: settings, the MQTT session over paho-mqtt, TLS, and the CSV and
//! rejects files. Everything here turns the outside world into calls of `hexaboard-core`.
//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`settings`] | one table of variables; [`ConnectionSettings`] and [`AppSettings`] from flags, the environment and `.env` ([`Sources`], read once) or a typed builder; where each value came from |
//! | [`store`] | the chapter's CSV file, written so no reading is lost or stored twice |
//! | [`rejects`] | payloads that are not readings, one JSON line each, under a size cap |
//! | [`recorder`] | [`Recorder`]: every message stored, counted or kept as a reject before it is acknowledged |
//! | [`counters`] | received / stored / rejected / duplicate counts, shared with a status line |
//! | [`session`] | [`Session`]: connect, subscribe, receive on paho's callback thread, reconnect, publish, stop |
//! | [`connect_error`] | [`ConnectError`]: why a connect failed, in one line with the fix |

pub use hexaboard_core as core;
mod connack;
pub mod connect_error;
pub mod counters;
mod diagnose;
pub mod recorder;
pub mod rejects;
pub mod session;
pub mod settings;
pub mod store;

pub use connect_error::{ConnectError, ConnectErrorKind};
pub use counters::{Counters, CountersSnapshot};
pub use recorder::{Record, Recorder, RecorderOptions};
pub use rejects::{Rejected, RejectsFile};
pub use session::{
    Incoming, Pending, PublishError, RetryPolicy, Session, SessionBuilder, SessionEvent, StopSignal,
};
pub use settings::{
    AppSettings, ConnectionSettings, Lang, Secret, Settings, SettingsError, Source, Sources,
};
pub use store::{Appended, CsvStore, MessageId, StoreError, StoreNote, StoreOptions};
