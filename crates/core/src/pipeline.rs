//! One message in, one decision out: the per-message work of every hexaboard receiver.
//!
//! A [`Pipeline`] takes a topic, a payload and the receive time, and returns an [`Outcome`]:
//! a checked reading with its board's judgement, alert transition, challenge average and board
//! clock; a board status; a rejection saying what was wrong; or "not ours". It does no I/O, so
//! the MQTT session calls it inside the message callback and the caller stores the row before
//! the message is acknowledged.
//!
//! ```
//! use hexaboard_core::pipeline::{Outcome, Pipeline, PipelineConfig};
//! use time::macros::datetime;
//!
//! let mut pipeline = Pipeline::new(PipelineConfig::default());
//! let at = datetime!(2025-11-25 01:30:15 UTC);
//! match pipeline.process("hexaboard/A/sensor/data", br#"{"temperature":26,"humidity":60}"#, at) {
//!     Outcome::Reading(r) => {
//!         assert_eq!(r.reading.board(), "A");
//!         assert!(r.alert.is_some()); // 26 °C raises the high-temperature alert
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert!(matches!(
//!     pipeline.process("hexaboard/A/status", b"offline", at),
//!     Outcome::Status { board: "A", .. }
//! ));
//! ```

use time::OffsetDateTime;

use crate::board_time::{BoardTime, Tolerance};
use crate::judge::{judge, AlertTransition, Judgement, Thresholds};
use crate::reading::{board_from_topic, Limits, Reading, ReadingError, ReadingParser};
use crate::stats::{BoardConfig, Eviction, Registry};
use crate::status::{Status, StatusError};
use crate::topic::TopicFilter;

/// What a [`Pipeline`] listens to and how it judges.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Filters of sensor topics (default `hexaboard/+/sensor/data`).
    pub sensor_filters: Vec<TopicFilter>,
    /// Filters of status topics (default `hexaboard/+/status`).
    pub status_filters: Vec<TopicFilter>,
    /// Payload size and physical ranges.
    pub limits: Limits,
    /// Comfort thresholds.
    pub thresholds: Thresholds,
    /// Per-board buffer sizes and the high-temperature alert.
    pub board: BoardConfig,
    /// Cap on distinct boards tracked.
    pub max_boards: usize,
    /// How far a board clock may be off and still count as synced.
    pub clock: Tolerance,
}

impl Default for PipelineConfig {
    fn default() -> PipelineConfig {
        PipelineConfig {
            sensor_filters: vec![default_filter("hexaboard/+/sensor/data")],
            status_filters: vec![default_filter("hexaboard/+/status")],
            limits: Limits::default(),
            thresholds: Thresholds::default(),
            board: BoardConfig::default(),
            max_boards: Registry::DEFAULT_MAX_BOARDS,
            clock: Tolerance::default(),
        }
    }
}

fn default_filter(text: &str) -> TopicFilter {
    // Both defaults are valid filters; an invalid one would be caught by the tests.
    TopicFilter::new(text).unwrap_or_else(|_| unreachable!("default filter {text} is valid"))
}

/// A checked reading and what it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingOutcome<'a> {
    /// The reading.
    pub reading: Reading<'a>,
    /// Comfort judgement of this reading.
    pub judgement: Judgement,
    /// The board's high-temperature alert transition, if this reading caused one.
    pub alert: Option<AlertTransition>,
    /// The average of the board's last temperatures (5 by default), once that many arrived.
    pub average: Option<f64>,
    /// What the board's `timestamp` means, if it sent one.
    pub board_time: Option<BoardTime>,
    /// A board forgotten to make room for this one (the board cap was reached).
    pub eviction: Option<Eviction>,
}

/// Why a message was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    /// A sensor payload that is not a reading.
    #[error(transparent)]
    Reading(#[from] ReadingError),
    /// A status payload that is neither `online` nor `offline`.
    #[error(transparent)]
    Status(#[from] StatusError),
}

impl Rejection {
    /// A short snake-case name of the problem, for counters and the rejects file.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::Reading(e) => e.kind().as_str(),
            Rejection::Status(_) => "bad_status",
        }
    }
}

/// The decision about one message.
// Not boxed: a reading is the common case, and an allocation per message would cost more than
// moving the larger variant.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<'a> {
    /// A sensor reading, checked and recorded in the board's statistics.
    Reading(ReadingOutcome<'a>),
    /// A board status.
    Status {
        /// The board, from the topic (`Unknown` when the topic names none).
        board: &'a str,
        /// Online or offline.
        status: Status,
    },
    /// A message on a sensor or status topic whose payload is wrong.
    Rejected(Rejection),
    /// A topic that matches none of the pipeline's filters.
    Other,
}

/// The per-message work: topic routing, parsing, statistics, judgement, alerts.
#[derive(Debug, Clone)]
pub struct Pipeline {
    config: PipelineConfig,
    parser: ReadingParser,
    registry: Registry,
}

impl Pipeline {
    /// A pipeline with empty statistics.
    pub fn new(config: PipelineConfig) -> Pipeline {
        Pipeline {
            parser: ReadingParser::new(config.limits.clone()),
            registry: Registry::with_config(config.max_boards, config.board),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// The per-board statistics gathered so far.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Decides about one message received on `topic` at `received_at`.
    pub fn process<'a>(
        &mut self,
        topic: &'a str,
        payload: &'a [u8],
        received_at: OffsetDateTime,
    ) -> Outcome<'a> {
        if self.config.sensor_filters.iter().any(|f| f.matches(topic)) {
            match self.parser.parse(payload, topic) {
                Ok(reading) => Outcome::Reading(self.record(reading, received_at)),
                Err(e) => Outcome::Rejected(e.into()),
            }
        } else if let Some(filter) = self.config.status_filters.iter().find(|f| f.matches(topic)) {
            let board = board_from_topic(topic)
                .or_else(|| filter.capture(topic, 0).filter(|b| !b.is_empty()))
                .unwrap_or(crate::reading::UNKNOWN_BOARD);
            match Status::parse(payload) {
                Ok(status) => Outcome::Status { board, status },
                Err(e) => Outcome::Rejected(e.into()),
            }
        } else {
            Outcome::Other
        }
    }

    fn record<'a>(
        &mut self,
        reading: Reading<'a>,
        received_at: OffsetDateTime,
    ) -> ReadingOutcome<'a> {
        let (t, h) = (reading.temperature().value(), reading.humidity().value());
        let recorded = self.registry.record(reading.board(), t, h, received_at);
        let average = recorded.stats.window().average_if_full();
        let (alert, eviction) = (recorded.alert, recorded.eviction);
        let board_time = reading.timestamp().map(|raw| {
            BoardTime::interpret(raw.value(), received_at.unix_timestamp(), self.config.clock)
        });
        ReadingOutcome {
            judgement: judge(t, h, &self.config.thresholds),
            reading,
            alert,
            average,
            board_time,
            eviction,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::{HumidityComfort, TempComfort};
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2025-11-25 01:30:15 UTC);

    fn reading(outcome: Outcome<'_>) -> ReadingOutcome<'_> {
        match outcome {
            Outcome::Reading(r) => r,
            other => panic!("expected a reading, got {other:?}"),
        }
    }

    #[test]
    fn a_reading_is_judged_and_averaged_once_five_arrived() {
        let mut p = Pipeline::new(PipelineConfig::default());
        for (i, t) in [20, 21, 22, 23].into_iter().enumerate() {
            let payload = format!(r#"{{"board":"A","temperature":{t},"humidity":50}}"#);
            let r = reading(p.process("hexaboard/A/sensor/data", payload.as_bytes(), AT));
            assert_eq!(r.average, None, "reading {i}");
        }
        let r = reading(p.process(
            "hexaboard/A/sensor/data",
            br#"{"board":"A","temperature":15,"humidity":75}"#,
            AT,
        ));
        assert_eq!(r.average, Some(20.2));
        assert_eq!(r.judgement.temperature, TempComfort::TooCold);
        assert_eq!(r.judgement.humidity, HumidityComfort::TooHumid);
        assert_eq!(p.registry().get("A").map(|s| s.total()), Some(5));
    }

    #[test]
    fn the_alert_is_reported_on_transitions_only() {
        let mut p = Pipeline::new(PipelineConfig::default());
        let alerts: Vec<_> = [24, 25, 24, 25, 23, 24]
            .into_iter()
            .map(|t| {
                let payload = format!(r#"{{"temperature":{t},"humidity":50}}"#);
                reading(p.process("hexaboard/B/sensor/data", payload.as_bytes(), AT)).alert
            })
            .collect();
        use AlertTransition::*;
        assert_eq!(
            alerts,
            [None, Some(Raised), None, None, Some(Cleared), None]
        );
    }

    #[test]
    fn a_micropython_timestamp_is_converted() {
        let mut p = Pipeline::new(PipelineConfig::default());
        let payload = format!(
            r#"{{"temperature":25,"humidity":60,"timestamp":{}}}"#,
            AT.unix_timestamp() - 946_684_800
        );
        let r = reading(p.process("hexaboard/A/sensor/data", payload.as_bytes(), AT));
        assert_eq!(r.board_time.map(|t| t.kind()), Some("micropython-2000"));
    }

    #[test]
    fn bad_payloads_are_rejected_with_their_kind() {
        let mut p = Pipeline::new(PipelineConfig::default());
        let Outcome::Rejected(e) = p.process("hexaboard/A/sensor/data", b"not json", AT) else {
            panic!("not rejected")
        };
        assert_eq!(e.kind(), "not_json");
        let Outcome::Rejected(e) = p.process("hexaboard/A/status", b"sleeping", AT) else {
            panic!("not rejected")
        };
        assert_eq!(e.kind(), "bad_status");
        assert!(p.registry().is_empty());
    }

    #[test]
    fn statuses_name_their_board_and_other_topics_are_left_alone() {
        let mut p = Pipeline::new(PipelineConfig::default());
        assert_eq!(
            p.process("hexaboard/C/status", b"online", AT),
            Outcome::Status {
                board: "C",
                status: Status::Online
            }
        );
        assert_eq!(
            p.process("hexaboard/C/control/led", b"{}", AT),
            Outcome::Other
        );
        assert_eq!(p.process("other/C/sensor/data", b"{}", AT), Outcome::Other);
    }

    #[test]
    fn custom_filters_route_custom_topics() {
        let mut p = Pipeline::new(PipelineConfig {
            sensor_filters: vec![TopicFilter::new("$share/g/lab/+/env").unwrap()],
            status_filters: vec![TopicFilter::new("lab/+/alive").unwrap()],
            ..PipelineConfig::default()
        });
        let r = reading(p.process("lab/x/env", br#"{"temperature":1,"humidity":2}"#, AT));
        assert_eq!(r.reading.board(), "Unknown");
        assert_eq!(
            p.process("lab/x/alive", b"offline", AT),
            Outcome::Status {
                board: "x",
                status: Status::Offline
            }
        );
    }
}
