//! [`Registry`]: a [`BoardStats`] per board id, capped, the least recently updated board
//! evicted first.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::{BoardConfig, BoardStats};
use crate::judge::AlertTransition;

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
