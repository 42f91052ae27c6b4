//! # hexaboard-core
//!
//! The pure heart of hexaboard: everything that can be decided from bytes, strings and times
//! handed in by the caller. No network, no files, no clock, no threads live here; the
//! `hexaboard-mqtt` crate turns the network into calls of this one, and `hexaboard-store`
//! keeps what comes out.
//!
//! # Layout
//!
//! | module | concept |
//! | --- | --- |
//! | [`topic`] | MQTT topic filters and names (MQTT 3.1.1 / 5, section 4.7), shared subscriptions |
//! | [`json_error`] | a `serde_json` error kept as the cause of a core error |
//! | [`number`] | a sensor number with the text the board sent |
//! | [`reading`] | a sensor payload parsed into a typed [`reading::Reading`] |
//! | [`board_time`] | what the board's `timestamp` means (Unix, MicroPython 2000 epoch, unsynced) |
//! | [`status`] | `online` / `offline` status payloads |
//! | [`cadence`] | when a silent board is stale |
//! | [`stats`] | rolling windows, per-board summaries and trends |
//! | [`judge`] | comfort judgement and threshold alerts with hysteresis |
//! | [`csv_row`] | the chapter's CSV rows, written and read back |
//! | [`text`] | every line and word hexaboard prints, in Korean and English: one catalogue |
//! | [`pipeline`] | the per-message work: route, parse, record, judge |
//! | [`summary`] | the next chapter's per-board analysis of a recorded CSV |
//! | [`control`] | LED commands sent back to a board |
//! | [`rule`] | what the `react` rule is doing, published for the page |
//! | [`sim`] | a virtual board publishing readings like the course firmware |
//! | [`advice`] | the advisor's prompt, its answer's schema, and the check of a proposed command |

pub mod advice;
pub mod board_time;
pub mod cadence;
pub mod control;
pub mod csv_row;
pub mod json_error;
pub mod judge;
pub mod number;
pub mod pipeline;
pub mod reading;
pub mod rule;
pub mod sim;
pub mod stats;
pub mod status;
pub mod summary;
pub mod text;
pub mod topic;

pub use number::Number;
pub use pipeline::{Outcome, Pipeline, PipelineConfig};
pub use reading::{Reading, ReadingError, ReadingParser};
pub use status::Status;
pub use text::{Lang, Text};
pub use topic::{TopicFilter, TopicName};
