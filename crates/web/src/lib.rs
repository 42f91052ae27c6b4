//! # hexaboard-web
//!
//! The page of `hexaboard serve`: a card per board, live over server-sent events, charts from
//! the store, LED control, and `/metrics`. The API is described in `docs/web.md`.

pub mod assets;
pub mod words;
