//! The JSON the page and scripts are given (`docs/web.md`): a board's card, the broker
//! connection, a chart's series.

use hexaboard_core::control::LedCommand;
use hexaboard_core::judge::Judgement;
use hexaboard_core::rule::RuleState;
use hexaboard_core::stats::Trend;
use hexaboard_core::status::Status;
use serde::{Serialize, Serializer};

/// One board as its card shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardView {
    /// The board id, as it came (the page shows it as text).
    pub board: String,
    /// The last temperature, °C.
    pub temperature: Option<f64>,
    /// The last temperature as the board sent it.
    pub temperature_text: Option<String>,
    /// The last humidity, %.
    pub humidity: Option<f64>,
    /// The last humidity as sent.
    pub humidity_text: Option<String>,
    /// The last light value, when the board sends one.
    pub light: Option<f64>,
    /// The last light value as sent.
    pub light_text: Option<String>,
    /// The comfort judgement of the last reading.
    pub comfort: Option<Judgement>,
    /// Whether the high-temperature alert is on (with `watch`'s hysteresis).
    pub alert: bool,
    /// The trend of the last 20 temperatures.
    #[serde(serialize_with = "trend")]
    pub trend: Option<Trend>,
    /// The average of the last 5 temperatures.
    pub average: Option<f64>,
    /// Online, offline, stale or unknown.
    pub state: State,
    /// The last status message.
    pub status: Option<Status>,
    /// When the last reading was received, Unix seconds.
    pub last_reading_at: Option<f64>,
    /// Seconds of silence after which the board is stale.
    pub stale_after: f64,
    /// Readings received since the server started (capped boards start again).
    pub readings: u64,
    /// The last LED command seen on the board's control topic.
    pub led: Option<LedView>,
    /// The newest reading, for a chart to extend.
    pub reading: Option<ReadingView>,
}

/// Whether a board is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Readings come (or the board said `online`).
    Online,
    /// The board said `offline` (or its last will did) after its last reading.
    Offline,
    /// Silent for longer than usual.
    Stale,
    /// A status but nothing to judge by yet.
    Unknown,
}

impl State {
    /// The word used in JSON and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Online => "online",
            State::Offline => "offline",
            State::Stale => "stale",
            State::Unknown => "unknown",
        }
    }
}

/// An LED command and when it was seen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LedView {
    /// The command: `action`, and `color` and `brightness` for `led_on`.
    #[serde(flatten)]
    pub command: LedCommand,
    /// When it was seen, Unix seconds.
    pub at: f64,
}

/// A reading as a chart point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReadingView {
    /// When it was received, Unix seconds.
    pub t: f64,
    /// °C.
    pub temperature: f64,
    /// %.
    pub humidity: f64,
}

/// A `react` rule's state and when it was published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleView {
    /// The state: `from`, `to`, `min_interval`, `judged`, `sent`, `pending`.
    #[serde(flatten)]
    pub rule: RuleState,
    /// When it was received, Unix seconds.
    pub at: f64,
}

/// The broker connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokerView {
    /// `host:port`.
    pub address: String,
    /// Whether the connection is up.
    pub connected: bool,
    /// How many times it was lost since the start.
    pub reconnects: u64,
}

/// A chart's series: times (Unix seconds) and values, as many of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeriesView {
    /// Times.
    pub t: Vec<f64>,
    /// Values.
    pub v: Vec<f64>,
}

/// `rising`, `falling`, `stable` or `not_enough_data`; `null` before the first reading.
fn trend<S: Serializer>(trend: &Option<Trend>, s: S) -> Result<S::Ok, S::Error> {
    match trend {
        None => s.serialize_none(),
        Some(Trend::NotEnoughData) => s.serialize_str("not_enough_data"),
        Some(other) => s.serialize_str(other.as_str()),
    }
}
