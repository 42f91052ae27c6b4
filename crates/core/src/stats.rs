//! Rolling windows, per-board summaries and trends.
//!
//! Three layers, each usable on its own:
//!
//! - [`RollingWindow`]: the last N values in a fixed ring buffer. The chapter's challenge keeps
//!   the last 5 temperatures and prints their average once it has 5.
//! - [`BoardStats`]: one board's history (the last 100 temperature/humidity pairs by default),
//!   giving the next chapter's [`Summary`] and [`Trend`], plus the challenge window, the last
//!   values, a count of every reading and the last receive time.
//! - [`Registry`]: a [`BoardStats`] per board id, with a cap on distinct boards; past the cap the
//!   least recently updated board is evicted.
//!
//! Values are plain `f64` (callers convert their number type) and are expected to be finite, as
//! a parsed reading guarantees. Time is handed in, never read here.
//!
//! Memory is fixed when a board is first seen: every buffer is allocated by its constructor and
//! [`BoardStats::update`] is O(1) without allocating, because it runs once per message.
//!
//! ```
//! use hexaboard_core::stats::{RollingWindow, Registry, Trend};
//! use time::macros::datetime;
//!
//! // The chapter's challenge: the average of the last 5 temperatures.
//! let mut window = RollingWindow::new(5);
//! for t in [24.0, 25.0, 26.0, 25.0, 24.0, 30.0] {
//!     window.push(t);
//! }
//! assert_eq!(window.average_if_full(), Some(26.0)); // 25 + 26 + 25 + 24 + 30 = 130
//!
//! // Per-board statistics.
//! let mut boards = Registry::new();
//! let at = datetime!(2024-05-01 12:00:00 UTC);
//! boards.update("A", 25.0, 60.0, at);
//! boards.update("A", 27.0, 50.0, at);
//! let summary = boards.get("A").and_then(|a| a.summary()).unwrap();
//! assert_eq!(summary.count, 2);
//! assert_eq!(summary.temperature.average, 26.0);
//! assert_eq!(summary.humidity.min, 50.0);
//! assert_eq!(boards.get("A").unwrap().trend(), Trend::NotEnoughData);
//! ```

//!
//! | file | holds |
//! | --- | --- |
//! | `window.rs` | [`RollingWindow`] |
//! | `summary.rs` | what a history says: [`Summary`], [`Spread`], [`Trend`] |
//! | `board.rs` | [`BoardStats`], [`BoardConfig`] |
//! | `registry.rs` | [`Registry`], [`Eviction`], [`Recorded`] |
//! | `thin.rs` | [`thin_by`]: a long series thinned to each bucket's lowest and highest |

mod board;
mod registry;
mod summary;
mod thin;
mod window;

pub use board::{BoardConfig, BoardStats};
pub use registry::{Eviction, Recorded, Registry};
pub use summary::{Spread, Summary, Trend, TREND_READINGS};
pub use thin::thin_by;
pub use window::RollingWindow;
