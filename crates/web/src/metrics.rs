//! `GET /metrics` in the Prometheus text format: what was received, stored, rejected and
//! redelivered, the broker connection, and each board's state and the age of its last reading,
//! so the monitoring people already run can alert on a silent board or a stuck receiver.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use time::OffsetDateTime;

use crate::live::seconds;
use crate::server::App;
use crate::view::State as BoardState;

/// Message counts of the receiver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Messages received on sensor topics.
    pub received: u64,
    /// Readings stored (0 when not recording).
    pub stored: u64,
    /// Payloads that are not readings.
    pub rejected: u64,
    /// Redeliveries not stored again.
    pub duplicates: u64,
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(app): State<App>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&app),
    )
}

fn render(app: &App) -> String {
    let mut out = String::new();
    let counts = (app.counts)();
    let store = app.config.recording.as_deref().unwrap_or("");
    let store = format!("{{store=\"{}\"}}", label(store));
    let mut metric = |name: &str, kind: &str, help: &str, lines: &[(String, String)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in lines {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let one = |v: u64| vec![(store.clone(), v.to_string())];
    metric(
        "hexaboard_messages_received_total",
        "counter",
        "Messages received on sensor topics.",
        &one(counts.received),
    );
    if app.config.recording.is_some() {
        metric(
            "hexaboard_readings_stored_total",
            "counter",
            "Readings stored, each before its acknowledgement.",
            &one(counts.stored),
        );
        metric(
            "hexaboard_readings_duplicate_total",
            "counter",
            "Redelivered readings recognised and not stored again.",
            &one(counts.duplicates),
        );
    }
    metric(
        "hexaboard_messages_rejected_total",
        "counter",
        "Payloads on sensor topics that are not readings.",
        &one(counts.rejected),
    );
    let broker = app.live.broker();
    metric(
        "hexaboard_mqtt_connected",
        "gauge",
        "1 while connected to the broker.",
        &[(String::new(), u8::from(broker.connected).to_string())],
    );
    metric(
        "hexaboard_mqtt_reconnects_total",
        "counter",
        "Times the broker connection was lost.",
        &[(String::new(), broker.reconnects.to_string())],
    );
    let now = OffsetDateTime::now_utc();
    let boards = app.live.boards(now);
    let ages: Vec<(String, String)> = boards
        .iter()
        .filter_map(|b| {
            let age = seconds(now) - b.last_reading_at?;
            Some((
                format!("{{board=\"{}\"}}", label(&b.board)),
                format!("{age:.3}"),
            ))
        })
        .collect();
    metric(
        "hexaboard_board_last_reading_age_seconds",
        "gauge",
        "Seconds since the board's last reading.",
        &ages,
    );
    let states: Vec<(String, String)> = boards
        .iter()
        .flat_map(|b| {
            [
                BoardState::Online,
                BoardState::Offline,
                BoardState::Stale,
                BoardState::Unknown,
            ]
            .map(|s| {
                (
                    format!("{{board=\"{}\",state=\"{}\"}}", label(&b.board), s.as_str()),
                    u8::from(b.state == s).to_string(),
                )
            })
        })
        .collect();
    metric(
        "hexaboard_board_state",
        "gauge",
        "1 for the board's state: online, offline, stale or unknown.",
        &states,
    );
    out
}

/// A label value escaped as the text format asks: `\`, `"` and line feeds.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
