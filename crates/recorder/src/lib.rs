//! # hexaboard-recorder
//!
//! Recording: the message handler that turns every message into a stored reading, a kept
//! status, or a kept reject, before the message is acknowledged. It ties the network
//! (`hexaboard-mqtt`) to a store (`hexaboard-store`), and is the only crate that knows both.
//!
//! A [`Recorder`] owns the core [`Pipeline`](hexaboard_core::pipeline::Pipeline) and a
//! [`Store`](hexaboard_store::Store) (the chapter's CSV and its rejects file with
//! [`Recorder::open`]). Its [`Recorder::handler`] is given to
//! [`SessionBuilder::on_message`](hexaboard_mqtt::session::SessionBuilder::on_message), so it
//! runs on paho's callback thread, and paho acknowledges a QoS 1 message only after it
//! returns: by then the reading is stored. A receiver killed at any moment loses no QoS 1 reading;
//! the broker redelivers what was not acknowledged and the store keeps a redelivered reading
//! single. The rows of QoS 0 readings, which the broker never sends again, are gathered for
//! a few milliseconds and written together ([`RecorderOptions::gather`]).
//!
//! ```no_run
//! use hexaboard_recorder::{Recorder, RecorderOptions};
//! use hexaboard_mqtt::session::{Session, StopSignal};
//! use hexaboard_mqtt::settings::{Defaults, Sources};
//!
//! let offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
//! let sources = Sources::from_env()?;
//! let app = sources.app()?;
//! let connection = sources.connection(&Defaults::recording(app.csv_file()))?;
//! let recorder = Recorder::open(app.csv_file(), RecorderOptions::new(offset))?;
//! let stop = StopSignal::install()?;
//! let mut builder = Session::builder(&connection)
//!     .persistent(true)
//!     .on_message(recorder.handler(stop.clone()))
//!     .stop_signal(&stop);
//! for filter in connection.sensor_filters() {
//!     builder = builder.subscribe(filter.clone(), connection.qos());
//! }
//! let session = builder.connect()?;
//! stop.wait();
//! if let Some(error) = recorder.failure() {
//!     // The message in hand was not acknowledged: the broker sends it again next time.
//!     session.abandon();
//!     return Err(error.into());
//! }
//! session.stop();
//! println!("{}", recorder.close()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When the disk fails
//!
//! A reading that cannot be stored must not be acknowledged. The handler then records the error
//! ([`Recorder::failure`]), sets the stop signal and parks paho's callback thread for good, so
//! the message is never acknowledged. The program then leaves the session with
//! [`Session::abandon`](hexaboard_mqtt::session::Session::abandon) (it cannot disconnect cleanly while
//! the callback thread is parked), says why and ends; with a persistent session the broker
//! keeps the message for the next run.

//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`recorder`] | [`Recorder`]: the message handler, its store and its failure |
//! | `handle` | one message: routed, parsed, stored once, counted |
//! | `writer` | the recorder's own thread: gathered QoS 0 readings written, the store synced |
//! | [`options`] | [`RecorderOptions`] and [`Record`], what an observer is told of each message |
//! | [`counters`] | received / stored / rejected / duplicate counts, shared with a status line |

pub mod counters;
mod handle;
pub mod options;
pub mod recorder;
mod writer;

pub use counters::{Counters, CountersSnapshot};
pub use options::{Record, RecorderOptions};
pub use recorder::Recorder;
