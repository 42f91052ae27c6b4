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

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

use crate::judge::{AlertTransition, ThresholdAlert};

/// The last N values, oldest first, in a ring buffer allocated once.
///
/// Pushing into a full window overwrites the oldest value. Sums are recomputed from the buffer on
/// every query rather than kept incrementally: N is small, and a running sum that adds and
/// subtracts floats drifts away from the true sum over millions of readings.
#[derive(Debug, Clone, PartialEq)]
pub struct RollingWindow {
    values: Box<[f64]>,
    /// Where the next value goes; once full, also the index of the oldest value.
    next: usize,
    len: usize,
}

impl RollingWindow {
    /// The chapter's challenge window: the last 5 temperatures.
    pub const DEFAULT_CAPACITY: usize = 5;

    /// A window holding the last `capacity` values.
    ///
    /// A capacity of 0 is raised to 1, so a window can always hold its newest value.
    pub fn new(capacity: usize) -> Self {
        Self {
            values: vec![0.0; capacity.max(1)].into_boxed_slice(),
            next: 0,
            len: 0,
        }
    }

    /// Adds `value`, dropping the oldest value when the window is full. O(1), never allocates.
    pub fn push(&mut self, value: f64) {
        self.values[self.next] = value;
        self.next += 1;
        if self.next == self.values.len() {
            self.next = 0;
        }
        if self.len < self.values.len() {
            self.len += 1;
        }
    }

    /// How many values the window holds now.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the window holds no value yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many values the window can hold.
    pub fn capacity(&self) -> usize {
        self.values.len()
    }

    /// Whether the window holds `capacity` values, so the next push drops the oldest.
    pub fn is_full(&self) -> bool {
        self.len == self.values.len()
    }

    /// Forgets every value, keeping the buffer.
    pub fn clear(&mut self) {
        self.next = 0;
        self.len = 0;
    }

    /// The values from oldest to newest.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = f64> + '_ {
        // Before the window is full `next == len`, so the first part is empty; after, the oldest
        // value sits at `next` and the buffer wraps around.
        self.values[self.next..self.len]
            .iter()
            .chain(&self.values[..self.next])
            .copied()
    }

    /// The sum of the values, recomputed from the buffer (0 when empty).
    pub fn sum(&self) -> f64 {
        self.iter().sum()
    }

    /// The average of the values held, or `None` when the window is empty.
    pub fn average(&self) -> Option<f64> {
        (!self.is_empty()).then(|| self.sum() / self.len as f64)
    }

    /// The average only once the window is full, as the chapter's `if len(temp_history) >= 5`.
    pub fn average_if_full(&self) -> Option<f64> {
        if self.is_full() {
            self.average()
        } else {
            None
        }
    }

    /// The smallest value held, or `None` when empty.
    pub fn min(&self) -> Option<f64> {
        self.iter().reduce(f64::min)
    }

    /// The largest value held, or `None` when empty.
    pub fn max(&self) -> Option<f64> {
        self.iter().reduce(f64::max)
    }
}

impl Default for RollingWindow {
    /// A window of [`RollingWindow::DEFAULT_CAPACITY`] values.
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

/// Average, minimum and maximum of one quantity over a board's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Arithmetic mean.
    pub average: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Spread {
    fn of(window: &RollingWindow) -> Option<Self> {
        Some(Self {
            average: window.average()?,
            min: window.min()?,
            max: window.max()?,
        })
    }
}

/// The next chapter's summary of a board's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many readings the summary covers (at most the history capacity, 100 by default).
    pub count: usize,
    /// Temperature in °C.
    pub temperature: Spread,
    /// Relative humidity in %.
    pub humidity: Spread,
}

/// Direction of the temperature over the last [`TREND_READINGS`] readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Trend {
    /// The newer half sums to more than 5 % above the older half.
    #[serde(rename = "rising")]
    Rising,
    /// The newer half sums to more than 5 % below the older half.
    #[serde(rename = "falling")]
    Falling,
    /// Within 5 % either way (exactly 5 % counts as stable).
    #[serde(rename = "stable")]
    Stable,
    /// Fewer than [`TREND_READINGS`] readings so far.
    #[serde(rename = "not enough data")]
    NotEnoughData,
}

impl Trend {
    /// The chapter's word for the trend: `rising`, `falling`, `stable` or `not enough data`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Rising => "rising",
            Trend::Falling => "falling",
            Trend::Stable => "stable",
            Trend::NotEnoughData => "not enough data",
        }
    }

    /// The trend from the sum of the older half (`previous`) and of the newer half (`last`).
    ///
    /// The rule, 5 % measured against the size of the older sum:
    ///
    /// - `previous != 0`: rising when `last - previous > 5 % of |previous|`, falling when
    ///   `last - previous < -5 % of |previous|`, else stable. Taking `|previous|` keeps the
    ///   direction right below 0 °C: from -10 to -5 is warmer, so rising.
    /// - `previous == 0`: no percentage exists; rising when `last > 0`, falling when `last < 0`,
    ///   stable when both are 0.
    ///
    /// The comparison is made as `20 × difference` against `|previous|`, so sums of whole
    /// degrees land exactly on the boundary (200 → 210 is exactly 5 %, stable) instead of
    /// depending on how `0.05` rounds.
    pub fn from_sums(previous: f64, last: f64) -> Self {
        if previous == 0.0 {
            // No percentage of 0 exists: any move away from it counts as more than 5 %.
            return if last > 0.0 {
                Trend::Rising
            } else if last < 0.0 {
                Trend::Falling
            } else {
                Trend::Stable
            };
        }
        let scaled = (last - previous) * 20.0;
        if scaled > previous.abs() {
            Trend::Rising
        } else if scaled < -previous.abs() {
            Trend::Falling
        } else {
            Trend::Stable
        }
    }
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many temperatures the trend looks at: the last 10 against the 10 before.
pub const TREND_READINGS: usize = 20;

/// Sizes of a board's buffers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoardConfig {
    /// Readings kept for the [`Summary`] (default 100). Raised to [`TREND_READINGS`] if smaller,
    /// since the trend reads from the same history.
    pub history: usize,
    /// Temperatures kept for the challenge average (default 5).
    pub window: usize,
    /// The high-temperature alert every board starts with (raise at 25 °C, clear below 24 °C).
    pub alert: ThresholdAlert,
}

impl Default for BoardConfig {
    fn default() -> Self {
        Self {
            history: 100,
            window: RollingWindow::DEFAULT_CAPACITY,
            alert: ThresholdAlert::default(),
        }
    }
}

/// One board's statistics in constant memory.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardStats {
    temperatures: RollingWindow,
    humidities: RollingWindow,
    window: RollingWindow,
    last: Option<(f64, f64)>,
    total: u64,
    last_seen: Option<OffsetDateTime>,
    alert: ThresholdAlert,
}

impl BoardStats {
    /// Statistics with the default sizes: 100 readings of history, a window of 5.
    pub fn new() -> Self {
        Self::with_config(BoardConfig::default())
    }

    /// Statistics with the given buffer sizes; every buffer is allocated here, once.
    pub fn with_config(config: BoardConfig) -> Self {
        let history = config.history.max(TREND_READINGS);
        Self {
            temperatures: RollingWindow::new(history),
            humidities: RollingWindow::new(history),
            window: RollingWindow::new(config.window),
            last: None,
            total: 0,
            last_seen: None,
            alert: config.alert,
        }
    }

    /// Records one reading received at `received_at` and feeds the temperature to the board's
    /// alert, returning the alert's transition, if any. O(1), never allocates.
    pub fn update(
        &mut self,
        temperature: f64,
        humidity: f64,
        received_at: OffsetDateTime,
    ) -> Option<AlertTransition> {
        self.temperatures.push(temperature);
        self.humidities.push(humidity);
        self.window.push(temperature);
        self.last = Some((temperature, humidity));
        self.total += 1;
        self.last_seen = Some(received_at);
        self.alert.update(temperature)
    }

    /// The board's high-temperature alert.
    pub fn alert(&self) -> &ThresholdAlert {
        &self.alert
    }

    /// Forgets everything, keeping the buffers (used when a registry slot is reused).
    pub fn clear(&mut self) {
        self.temperatures.clear();
        self.humidities.clear();
        self.window.clear();
        self.last = None;
        self.total = 0;
        self.last_seen = None;
        self.alert.reset();
    }

    /// Average, minimum and maximum over the history, or `None` before the first reading.
    pub fn summary(&self) -> Option<Summary> {
        Some(Summary {
            count: self.temperatures.len(),
            temperature: Spread::of(&self.temperatures)?,
            humidity: Spread::of(&self.humidities)?,
        })
    }

    /// The trend of the last [`TREND_READINGS`] temperatures; see [`Trend::from_sums`].
    pub fn trend(&self) -> Trend {
        if self.temperatures.len() < TREND_READINGS {
            return Trend::NotEnoughData;
        }
        let half = TREND_READINGS / 2;
        let mut newest = self.temperatures.iter().rev();
        let last: f64 = newest.by_ref().take(half).sum();
        let previous: f64 = newest.take(half).sum();
        Trend::from_sums(previous, last)
    }

    /// The challenge window of the last temperatures (5 by default).
    pub fn window(&self) -> &RollingWindow {
        &self.window
    }

    /// The temperatures of the history, oldest first.
    pub fn temperatures(&self) -> &RollingWindow {
        &self.temperatures
    }

    /// The humidities of the history, oldest first.
    pub fn humidities(&self) -> &RollingWindow {
        &self.humidities
    }

    /// The newest temperature, if any.
    pub fn last_temperature(&self) -> Option<f64> {
        self.last.map(|(t, _)| t)
    }

    /// The newest humidity, if any.
    pub fn last_humidity(&self) -> Option<f64> {
        self.last.map(|(_, h)| h)
    }

    /// Every reading ever recorded, including those that left the history.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// When the newest reading was received, as handed to [`BoardStats::update`].
    pub fn last_seen(&self) -> Option<OffsetDateTime> {
        self.last_seen
    }
}

impl Default for BoardStats {
    fn default() -> Self {
        Self::new()
    }
}

/// A board pushed out of a full [`Registry`] to make room for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eviction {
    /// The evicted board's id.
    pub board: Box<str>,
    /// `true` only for the registry's first eviction ever, so the caller can warn once.
    pub first: bool,
}

/// What [`Registry::record`] changed.
#[derive(Debug)]
pub struct Recorded<'a> {
    /// The board's statistics, including the new reading.
    pub stats: &'a BoardStats,
    /// The alert's transition caused by the reading, if any.
    pub alert: Option<AlertTransition>,
    /// The board evicted to make room for a new one, if any.
    pub eviction: Option<Eviction>,
}

/// Marks the end of the recency list.
const NONE: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Slot {
    board: Box<str>,
    stats: BoardStats,
    /// Neighbour updated more recently, or `NONE`.
    newer: usize,
    /// Neighbour updated less recently, or `NONE`.
    older: usize,
}

/// A [`BoardStats`] per board id, at most `max_boards` of them.
///
/// Board ids come from topics anyone on the broker can publish to, so the number of boards is
/// capped to keep memory bounded. Boards sit in a list ordered by their last update; when a new
/// board arrives at the cap, the least recently updated one is evicted and its buffers are
/// reused for the newcomer. Updating a known board is a hash lookup by `&str` and a few index
/// moves: O(1), no allocation.
#[derive(Debug, Clone)]
pub struct Registry {
    /// Board id → slot. foldhash, seeded per process, hashes a short id several times faster
    /// than the standard SipHash while still resisting crafted collisions.
    index: HashMap<Box<str>, usize, foldhash::fast::RandomState>,
    slots: Vec<Slot>,
    newest: usize,
    oldest: usize,
    max_boards: usize,
    config: BoardConfig,
    evicted: u64,
}

impl Registry {
    /// Default cap on distinct boards.
    pub const DEFAULT_MAX_BOARDS: usize = 1024;

    /// A registry of up to [`Registry::DEFAULT_MAX_BOARDS`] boards with default buffer sizes.
    pub fn new() -> Self {
        Self::with_config(Self::DEFAULT_MAX_BOARDS, BoardConfig::default())
    }

    /// A registry of up to `max_boards` boards (0 is raised to 1), each sized by `config`.
    pub fn with_config(max_boards: usize, config: BoardConfig) -> Self {
        Self {
            index: HashMap::default(),
            slots: Vec::new(),
            newest: NONE,
            oldest: NONE,
            max_boards: max_boards.max(1),
            config,
            evicted: 0,
        }
    }

    /// Records a reading of `board`, creating its statistics on first sight.
    ///
    /// Returns the board evicted to make room, if any; [`Eviction::first`] tells whether it is
    /// the first eviction of this registry.
    pub fn update(
        &mut self,
        board: &str,
        temperature: f64,
        humidity: f64,
        received_at: OffsetDateTime,
    ) -> Option<Eviction> {
        self.record(board, temperature, humidity, received_at)
            .eviction
    }

    /// Records a reading like [`Registry::update`] and returns everything it changed: the
    /// board's statistics after the reading, its alert transition and any eviction.
    pub fn record(
        &mut self,
        board: &str,
        temperature: f64,
        humidity: f64,
        received_at: OffsetDateTime,
    ) -> Recorded<'_> {
        let (slot, eviction) = match self.index.get(board) {
            Some(&slot) => {
                self.touch(slot);
                (slot, None)
            }
            None => self.admit(board),
        };
        let stats = &mut self.slots[slot].stats;
        let alert = stats.update(temperature, humidity, received_at);
        Recorded {
            stats,
            alert,
            eviction,
        }
    }

    /// The statistics of `board`, if it is held.
    pub fn get(&self, board: &str) -> Option<&BoardStats> {
        self.index.get(board).map(|&slot| &self.slots[slot].stats)
    }

    /// Every board and its statistics, sorted by board id for display.
    ///
    /// Sorting collects the boards into a vector first: meant for summaries, not the per-message
    /// path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &BoardStats)> + '_ {
        let mut boards: Vec<(&str, &BoardStats)> = self
            .slots
            .iter()
            .map(|slot| (&*slot.board, &slot.stats))
            .collect();
        boards.sort_unstable_by(|a, b| a.0.cmp(b.0));
        boards.into_iter()
    }

    /// How many boards are held.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no board is held.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The cap on distinct boards.
    pub fn max_boards(&self) -> usize {
        self.max_boards
    }

    /// How many boards have been evicted so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Finds a slot for a board not held yet and makes it the newest.
    fn admit(&mut self, board: &str) -> (usize, Option<Eviction>) {
        let (slot, eviction) = if self.slots.len() < self.max_boards {
            self.slots.push(Slot {
                board: board.into(),
                stats: BoardStats::with_config(self.config),
                newer: NONE,
                older: NONE,
            });
            (self.slots.len() - 1, None)
        } else {
            let slot = self.oldest;
            self.unlink(slot);
            let gone = std::mem::replace(&mut self.slots[slot].board, board.into());
            self.index.remove(&gone);
            self.slots[slot].stats.clear();
            self.evicted += 1;
            let eviction = Eviction {
                board: gone,
                first: self.evicted == 1,
            };
            (slot, Some(eviction))
        };
        self.index.insert(board.into(), slot);
        self.push_newest(slot);
        (slot, eviction)
    }

    /// Moves `slot` to the newest end of the recency list.
    fn touch(&mut self, slot: usize) {
        if self.newest != slot {
            self.unlink(slot);
            self.push_newest(slot);
        }
    }

    fn unlink(&mut self, slot: usize) {
        let Slot { newer, older, .. } = self.slots[slot];
        if newer == NONE {
            self.newest = older;
        } else {
            self.slots[newer].older = older;
        }
        if older == NONE {
            self.oldest = newer;
        } else {
            self.slots[older].newer = newer;
        }
        self.slots[slot].newer = NONE;
        self.slots[slot].older = NONE;
    }

    fn push_newest(&mut self, slot: usize) {
        self.slots[slot].older = self.newest;
        self.slots[slot].newer = NONE;
        if self.newest == NONE {
            self.oldest = slot;
        } else {
            self.slots[self.newest].newer = slot;
        }
        self.newest = slot;
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}
