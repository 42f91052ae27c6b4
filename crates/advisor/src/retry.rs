//! How long to wait after an HTTP 429 before the next try.

use std::time::{Duration, SystemTime};

/// At most this many requests for one question when the server keeps answering 429.
pub(crate) const MAX_TRIES: u32 = 3;

/// No single wait is longer than this, whatever the server says.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The wait before try `failed + 1`, after `failed` answers of 429 (1 or 2).
///
/// The server decides when it says: `retry-after-ms` (milliseconds, sent by the official API),
/// else `Retry-After` in seconds or as an HTTP date. Otherwise 1 s, then 2 s. Each wait is at
/// most 30 s.
pub(crate) fn wait(
    retry_after: Option<&str>,
    retry_after_ms: Option<&str>,
    failed: u32,
    now: SystemTime,
) -> Duration {
    let said_ms = retry_after_ms
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
    let said = said_ms.or_else(|| {
        let v = retry_after?.trim();
        match v.parse::<f64>() {
            Ok(secs) => Duration::try_from_secs_f64(secs).ok(),
            Err(_) => httpdate::parse_http_date(v)
                .ok()
                .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO)),
        }
    });
    let backoff = Duration::from_secs(1 << failed.saturating_sub(1).min(5));
    said.unwrap_or(backoff).min(MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_seconds_are_obeyed() {
        assert_eq!(wait(Some("1"), None, 1, at(0)), Duration::from_secs(1));
        assert_eq!(
            wait(Some(" 0.5 "), None, 1, at(0)),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        assert_eq!(
            wait(Some("20"), Some("250"), 1, at(0)),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn retry_after_as_http_date_counts_from_now() {
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        let date = Some("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(wait(date, None, 1, at(784_111_770)), Duration::from_secs(7));
        assert_eq!(wait(date, None, 1, at(784_111_800)), Duration::ZERO);
    }

    #[test]
    fn without_a_word_from_the_server_waits_are_one_then_two_seconds() {
        assert_eq!(wait(None, None, 1, at(0)), Duration::from_secs(1));
        assert_eq!(
            wait(Some("soon"), Some("-"), 2, at(0)),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn every_wait_is_capped_at_thirty_seconds() {
        assert_eq!(wait(Some("3600"), None, 1, at(0)), MAX_WAIT);
        assert_eq!(wait(None, Some("1e9"), 1, at(0)), MAX_WAIT);
        assert_eq!(
            wait(Some("Fri, 01 Jan 2100 00:00:00 GMT"), None, 1, at(0)),
            MAX_WAIT
        );
    }
}
