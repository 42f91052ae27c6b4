//! # hexaboard-store
//!
//! Where readings live. A recorder hands every message to a [`Store`] before the broker gets
//! its acknowledgement: a reading is stored once, a board status kept where there is room
//! for it, a payload that is not a reading kept as a reject. The chapter's CSV is one store
//! ([`CsvFiles`]: the CSV and the rejects file beside it); a SQLite database
//! ([`SqliteStore`]) and a PostgreSQL database ([`PostgresStore`]) are the others.
//!
//! ```no_run
//! use hexaboard_core::reading::ReadingParser;
//! use hexaboard_store::csv::{CsvFiles, CsvStore, StoreOptions};
//! use hexaboard_store::{rejects, Appended, MessageId, RejectsFile, Store};
//! use time::{OffsetDateTime, UtcOffset};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let offset = UtcOffset::from_hms(9, 0, 0)?; // the local offset, read once at start-up
//! let csv = CsvStore::open("sensor_data.csv", offset, StoreOptions::default())?;
//! let rejects_path = rejects::default_path(csv.path());
//! let rejects = RejectsFile::open(rejects_path, offset, rejects::DEFAULT_REJECTS_LIMIT)?;
//! let mut store: Box<dyn Store> = Box::new(CsvFiles::new(csv, rejects));
//!
//! let (topic, payload) = ("hexaboard/A/sensor/data", br#"{"temperature":25,"humidity":60}"#);
//! let now = OffsetDateTime::now_utc();
//! match ReadingParser::default().parse(payload, topic) {
//!     Ok(reading) => {
//!         let id = MessageId::new(topic, payload, false);
//!         // Stored or Duplicate: the message may be acknowledged now.
//!         assert_ne!(store.append(now, topic, &reading, id)?, Appended::Gathered);
//!     }
//!     Err(e) => {
//!         store.reject(now, topic, e.kind().as_str(), &e, payload)?;
//!     }
//! }
//! store.close()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`store`] | [`Store`]: the one trait a recorder appends through; [`Appended`] |
//! | [`message_id`] | [`MessageId`]: a message's digest and DUP flag, to store a redelivery once |
//! | [`csv`] | the chapter's CSV file ([`CsvStore`](csv::CsvStore)), written so no reading is lost or stored twice; [`CsvFiles`] with the rejects file |
//! | [`sqlite`] | [`SqliteStore`]: readings, statuses and rejects in a SQLite database, each call one transaction |
//! | [`postgres`] | [`PostgresStore`]: readings, statuses and rejects in PostgreSQL, shared by several receivers, waiting out a database that goes away |
//! | [`history`] | [`History`](history::History): the readings of a database read back, for summaries, charts and export |
//! | [`import`] | [`Importer`](import::Importer): readings of the chapter's CSV put into a database in batches, so that importing a file twice adds nothing |
//! | [`retention`] | rollups that never expire, raw readings kept for some days |
//! | [`sync_work`] | [`SyncWork`]: making what a store wrote durable, on the recorder's own thread |
//! | [`rejects`] | [`RejectsFile`]: payloads that are not readings, one JSON line each, under a size cap |
//! | [`advice`] | [`AdviceLog`]: the advisor's audit trail, each call kept beside the readings ([`AdviceFile`], [`SqliteAdviceLog`], [`PostgresAdviceLog`]) |
//! | [`note`] | [`StoreNote`]: what the user should know while recording goes on |
//! | [`error`] | [`StoreError`]: what could not be stored, naming the file and the fix |
//! | `append` | files written by appending: whole writes, a cut last line ended |

pub mod advice;
mod append;
pub mod csv;
pub mod error;
pub mod history;
pub mod import;
pub mod message_id;
pub mod note;
pub mod postgres;
pub mod rejects;
mod rejects_cap;
pub mod retention;
pub mod sqlite;
pub mod store;
pub mod sync_work;

pub use advice::{AdviceEntry, AdviceFile, AdviceLog};
pub use csv::CsvFiles;
pub use error::StoreError;
pub use message_id::MessageId;
pub use note::{ReopenReason, StoreNote};
pub use postgres::{PostgresAdviceLog, PostgresStore};
pub use rejects::{Rejected, RejectsFile};
pub use sqlite::{SqliteAdviceLog, SqliteStore};
pub use store::{Appended, Store};
pub use sync_work::SyncWork;
