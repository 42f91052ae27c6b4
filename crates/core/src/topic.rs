//! MQTT topic filters and topic names (MQTT 3.1.1 and 5, section 4.7).
//!
//! A board publishes to a *topic name* such as `hexaboard/A/sensor/data`; the receiver
//! subscribes with a *topic filter* such as `hexaboard/+/sensor/data`. Both are built only
//! through their constructors, which reject what a broker would reject, so a [`TopicFilter`]
//! in hand is always valid and [`TopicFilter::matches`] cannot fail.
//!
//! The rules of section 4.7, in short:
//!
//! - `/` separates levels; a leading, trailing or doubled `/` makes an empty level.
//! - `+` matches exactly one level (an empty one too) and must fill its level.
//! - `#` matches any number of levels, *including the parent level* (`sport/#` matches
//!   `sport`); it must fill its level and be the last one.
//! - Topics starting with `$` (such as `$SYS/...`) are not matched by a filter whose first
//!   level is a wildcard; a filter that names the `$` level literally does match them.
//! - `$share/{group}/{filter}` is an MQTT 5 shared subscription: the broker hands each message
//!   to one subscriber of the group, and the message's topic is matched by `{filter}`.
//!
//! ```
//! use hexaboard_core::topic::TopicFilter;
//!
//! let filter = TopicFilter::new("hexaboard/+/sensor/data")?;
//! assert!(filter.matches("hexaboard/A/sensor/data"));
//! assert!(!filter.matches("hexaboard/A/status"));
//!
//! // The board id is the text matched by the first `+`.
//! assert_eq!(filter.capture("hexaboard/B/sensor/data", 0), Some("B"));
//!
//! // Mistakes are caught when the filter is built, with a hint.
//! let error = TopicFilter::new("hexaboard+/sensor/data").unwrap_err();
//! assert!(error.to_string().contains("write `hexaboard/+/sensor/data`"));
//! # Ok::<(), hexaboard_core::topic::TopicError>(())
//! ```
//!
//! | file | holds |
//! | --- | --- |
//! | `filter.rs` | [`TopicFilter`] and how it matches |
//! | `captures.rs` | [`Captures`]: the texts a filter's wildcards matched |
//! | `name.rs` | [`TopicName`] |
//! | `check.rs` | the rules of section 4.7 that filters and names are checked against |
//! | `error.rs` | [`TopicError`], [`TopicKind`] |
//! | `hint.rs` | how a message shows the input and suggests the fix |

mod board;
mod captures;
mod check;
mod error;
mod filter;
mod hint;
mod name;

pub use board::{check_board_id, BoardIdError, InvalidBoardId};
pub use captures::Captures;
pub use error::{TopicError, TopicKind};
pub use filter::TopicFilter;
pub use name::TopicName;

/// The longest topic a broker accepts: topics travel as a UTF-8 string with a 16-bit length.
pub const MAX_TOPIC_LEN: usize = 65_535;

/// The prefix of an MQTT 5 shared subscription, `$share/{group}/{filter}`.
const SHARE_PREFIX: &str = "$share/";
