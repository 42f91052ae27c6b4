//! How often the first connect is tried when it fails with an error that may pass (the
//! broker not up yet, the network not there yet), and how long to wait between tries.

use std::time::Duration;

/// How often the first connect is tried when it fails with a retryable error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: Option<u32>,
    first_wait: Duration,
    max_wait: Duration,
}

impl RetryPolicy {
    /// One attempt only (a `check`-style dry run).
    pub fn none() -> Self {
        RetryPolicy {
            attempts: Some(1),
            ..RetryPolicy::forever()
        }
    }

    /// Tries until connected (or stopped), waiting 1, 2, 4, ... up to 30 s between attempts.
    /// The default.
    pub fn forever() -> Self {
        RetryPolicy {
            attempts: None,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(30),
        }
    }

    /// At most `n` attempts in all (at least one).
    pub fn attempts(n: u32) -> Self {
        RetryPolicy {
            attempts: Some(n.max(1)),
            ..RetryPolicy::forever()
        }
    }

    /// The wait after the first failure and the longest wait; the wait doubles in between.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_wait = first;
        self.max_wait = max.max(first);
        self
    }

    /// The wait after failed attempt `attempt` (from 1), `None` when no attempt is left.
    pub(super) fn wait_after(&self, attempt: u32) -> Option<Duration> {
        if self.attempts.is_some_and(|n| attempt >= n) {
            return None;
        }
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        Some(self.first_wait.saturating_mul(factor).min(self.max_wait))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::forever()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_retry_waits_double_up_to_thirty_seconds() {
        let p = RetryPolicy::forever();
        let waits: Vec<u64> = (1..=7)
            .map(|a| p.wait_after(a).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(RetryPolicy::none().wait_after(1), None);
        assert_eq!(RetryPolicy::attempts(2).wait_after(2), None);
    }
}
