//! # hexaboard-web
//!
//! The page of `hexaboard serve`: a card per board, live over server-sent events, charts from
//! the store, LED control, and `/metrics`. The API is described in `docs/web.md`.
//!
//! The receiving side feeds a [`Live`] from its message callback (microseconds a message);
//! the [`Server`] answers from a thread of its own with a one-thread runtime, reading the
//! store through an [`Archive`] and sending commands through [`Commands`] on blocking threads.
//!
//! | module | concept |
//! | --- | --- |
//! | [`live`] | [`Live`]: every board's card, and what changed since an event |
//! | [`view`] | the JSON shapes: a board, the broker, a series |
//! | [`series`] | a board's chart over a range, thinned on the server ([`Archive`]) |
//! | [`commands`] | [`Commands`]: LED commands out |
//! | [`metrics`] | `/metrics` in the Prometheus text format |
//! | `api`, `events`, `access` | the routes, the event stream, who may do what |
//! | [`server`] | [`Config`], [`Services`], [`router`], [`Server`] |
//! | [`assets`], [`words`] | the page's files compiled in, and its words |

mod access;
mod api;
pub mod assets;
pub mod commands;
mod events;
pub mod live;
pub mod metrics;
pub mod series;
pub mod server;
pub mod view;
pub mod words;

pub use access::CONTENT_SECURITY_POLICY;
pub use commands::{CommandError, Commands};
pub use live::Live;
pub use metrics::Counts;
pub use series::{Archive, ArchiveError, Point};
pub use server::{router, Config, Server, Services};
