//! [`RollingWindow`]: the last N values in a ring buffer allocated once.

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
