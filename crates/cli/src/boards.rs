//! Virtual boards publishing like the course firmware, as `simulate` and `demo` run them:
//! `online`, a reading of every board per round, `offline`; and the board ids and interval of
//! their flags.

use std::time::{Duration, Instant};

use hexaboard_core::sim::VirtualBoard;
use hexaboard_core::topic::check_board_id;
use hexaboard_mqtt::session::{PublishError, Session, StopSignal};
use hexaboard_mqtt::settings::Qos;

use crate::failure::UsageError;

/// How long the final flush waits for each acknowledgement.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// When and how the virtual boards publish.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    /// Between two readings of a board; zero publishes as fast as the broker takes them.
    pub(crate) interval: Duration,
    /// Readings per board, or until stopped.
    pub(crate) count: Option<u64>,
    /// QoS of the readings.
    pub(crate) qos: Qos,
}

/// Publishes `online`, then a reading of every board per round (the first round at once)
/// until `schedule.count` rounds or `stop`, then `offline`. Calls `on_publish(topic, payload)`
/// after each reading is acknowledged (with a zero interval: handed to the client). Returns how
/// many readings were published.
pub(crate) fn publish_readings(
    session: &Session,
    boards: &mut [VirtualBoard],
    schedule: Schedule,
    stop: &StopSignal,
    mut on_publish: impl FnMut(&str, &str),
) -> Result<u64, PublishError> {
    for board in boards.iter() {
        session.publish(&board.status_topic(), "online", Qos::AtLeastOnce, true)?;
    }
    let start = Instant::now();
    let start_unix = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut published = 0u64;
    let mut round = 0u64;
    let result = loop {
        if stop.is_set() || schedule.count.is_some_and(|n| round >= n) {
            break Ok(());
        }
        if round > 0 && !schedule.interval.is_zero() {
            let due = start + schedule.interval.saturating_mul(round as u32);
            if stop.wait_timeout(due.saturating_duration_since(Instant::now())) {
                break Ok(());
            }
        }
        let now = board_clock(start_unix, round, schedule.interval);
        for board in boards.iter_mut() {
            let topic = board.sensor_topic();
            let payload = board.next_payload(now);
            let sent = if schedule.interval.is_zero() {
                session
                    .publish_nowait(&topic, payload.as_bytes(), schedule.qos, false)
                    .map(drop)
            } else {
                session.publish(&topic, payload.as_bytes(), schedule.qos, false)
            };
            sent?;
            published += 1;
            on_publish(&topic, &payload);
        }
        round += 1;
    };
    session.flush(FLUSH_TIMEOUT)?;
    for board in boards.iter() {
        session.publish(&board.status_topic(), "offline", Qos::AtLeastOnce, true)?;
    }
    result.map(|()| published)
}

/// The boards' clock (Unix seconds) at `round`. The firmware's timestamp counts whole seconds
/// and identifies a reading (a payload seen again is taken for a redelivery), so below one
/// second per reading the boards' clocks run fast, 5 s (the firmware's interval) per reading.
fn board_clock(start_unix: i64, round: u64, interval: Duration) -> i64 {
    if interval >= Duration::from_secs(1) {
        time::OffsetDateTime::now_utc().unix_timestamp()
    } else {
        start_unix.saturating_add(
            i64::try_from(round)
                .unwrap_or(i64::MAX / 5)
                .saturating_mul(5),
        )
    }
}

/// The board ids of `--boards`, each one that can stand as a topic level.
pub(crate) fn board_ids(list: &str) -> Result<Vec<String>, UsageError> {
    let ids: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
    for id in &ids {
        if check_board_id(id).is_err() {
            return Err(UsageError(format!(
                "--boards {list}: board ids are comma-separated names without `/`, `+` or `#` \
                 (for example A,B,C)"
            )));
        }
    }
    Ok(ids)
}

/// The interval of `--interval`: seconds, 0 or more.
pub(crate) fn interval(seconds: f64) -> Result<Duration, UsageError> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        UsageError(format!(
            "--interval {seconds}: expected a number of seconds, 0 or more"
        ))
    })
}
