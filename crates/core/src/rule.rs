//! What the `react` rule is doing, for the page to show: which board it judges, which LED
//! shows the judgement, the last judgement, the colour sent and the one waiting for the
//! interval to end. `react` publishes it retained on [`RuleState::topic`] whenever it changes
//! and clears it when it stops (its last will clears it if it dies).
//!
//! ```
//! use hexaboard_core::judge::TempComfort;
//! use hexaboard_core::rule::RuleState;
//!
//! let mut state = RuleState::new("A", "B", 10.0);
//! state.judged = Some(TempComfort::TooHot);
//! state.sent = Some([0, 0, 255]);
//! let json = state.to_json();
//! assert_eq!(RuleState::parse(json.as_bytes()), Some(state));
//! assert_eq!(RuleState::topic("B"), "hexaboard/rules/react/B");
//! assert_eq!(RuleState::board_of("hexaboard/rules/react/B"), Some("B"));
//! ```

use serde::{Deserialize, Serialize};

use crate::judge::TempComfort;

/// The state of one `react` rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    /// The board whose room is judged.
    pub from: String,
    /// The board whose LED shows the judgement.
    pub to: String,
    /// Fewest seconds between two commands.
    pub min_interval: f64,
    /// The last judgement of `from`'s temperature.
    pub judged: Option<TempComfort>,
    /// The colour last sent to `to` (acknowledged by the broker).
    pub sent: Option<[u8; 3]>,
    /// A colour waiting for the interval to end.
    pub pending: Option<[u8; 3]>,
}

/// The topics of every rule's state.
pub const RULE_TOPICS: &str = "hexaboard/rules/react/+";

impl RuleState {
    /// A rule that has judged nothing yet.
    pub fn new(from: &str, to: &str, min_interval: f64) -> RuleState {
        RuleState {
            from: from.to_owned(),
            to: to.to_owned(),
            min_interval,
            judged: None,
            sent: None,
            pending: None,
        }
    }

    /// Where the state of the rule driving `to`'s LED is published.
    pub fn topic(to: &str) -> String {
        format!("hexaboard/rules/react/{to}")
    }

    /// The board a rule's topic names.
    pub fn board_of(topic: &str) -> Option<&str> {
        topic
            .strip_prefix("hexaboard/rules/react/")
            .filter(|board| !board.is_empty() && !board.contains('/'))
    }

    /// The state as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A published state; `None` for an empty payload (the rule stopped) or anything else.
    pub fn parse(payload: &[u8]) -> Option<RuleState> {
        serde_json::from_slice(payload).ok()
    }
}
