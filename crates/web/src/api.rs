//! The JSON API under `/api/` (`docs/web.md`), and the page itself.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use hexaboard_core::control::LedCommand;
use hexaboard_core::topic::check_board_id;
use serde::Deserialize;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::assets;
use crate::commands::CommandError;
use crate::series::{self, MAX_POINTS};
use crate::server::App;
use crate::words;

/// An answer `{"error": message}` with `status`.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// `GET /`: the page, in the server's language.
pub(crate) async fn index(State(app): State<App>) -> Html<String> {
    Html(assets::index_html(app.config.lang.code()))
}

/// `GET /assets/{file}`.
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    match assets::asset(&file) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            asset.body,
        )
            .into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no asset `{file}`")),
    }
}

/// `GET /api/status`.
pub(crate) async fn status(State(app): State<App>) -> Json<serde_json::Value> {
    Json(app.status())
}

/// `GET /api/words`.
pub(crate) async fn page_words() -> Json<serde_json::Value> {
    Json(words::words())
}

/// `GET /api/boards`.
pub(crate) async fn boards(State(app): State<App>) -> Json<serde_json::Value> {
    let now = OffsetDateTime::now_utc();
    Json(json!({
        "boards": app.live.boards(now),
        "now": crate::live::seconds(now),
        "event_id": app.live.event_id(),
    }))
}

/// The query of `GET /api/boards/{board}/readings`.
#[derive(Debug, Deserialize)]
pub(crate) struct RangeQuery {
    range: Option<String>,
    from: Option<f64>,
    to: Option<f64>,
    points: Option<usize>,
}

/// The ranges the page offers.
const RANGES: [(&str, Duration); 4] = [
    ("1h", Duration::HOUR),
    ("24h", Duration::DAY),
    ("7d", Duration::WEEK),
    ("30d", Duration::days(30)),
];

/// `GET /api/boards/{board}/readings`.
pub(crate) async fn readings(
    State(app): State<App>,
    Path(board): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Response {
    let (from, to) = match range(&query, OffsetDateTime::now_utc()) {
        Ok(range) => range,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let points = query.points.unwrap_or(2000);
    if !(2..=MAX_POINTS).contains(&points) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("points={points}: expected 2 to {MAX_POINTS}"),
        );
    }
    let archive = std::sync::Arc::clone(&app.archive);
    let chart = tokio::task::spawn_blocking(move || {
        series::chart(archive.as_ref(), &board, from, to, points).map_err(|e| e.to_string())
    })
    .await;
    match chart {
        Ok(Ok(chart)) => Json(chart).into_response(),
        Ok(Err(message)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read the store: {message}"),
        ),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store's reader stopped",
        ),
    }
}

/// The range a query names: `range` ending at `now`, or `from` and `to`.
fn range(
    query: &RangeQuery,
    now: OffsetDateTime,
) -> Result<(OffsetDateTime, OffsetDateTime), String> {
    let at = |name: &str, seconds: f64| {
        OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e9) as i128)
            .ok()
            .filter(|_| seconds.is_finite())
            .ok_or_else(|| format!("{name}={seconds}: expected Unix seconds"))
    };
    match (&query.range, query.from, query.to) {
        (Some(name), None, None) => RANGES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, span)| (now - *span, now))
            .ok_or_else(|| format!("range={name}: expected 1h, 24h, 7d or 30d")),
        (None, Some(from), Some(to)) => {
            let (from, to) = (at("from", from)?, at("to", to)?);
            if from < to {
                Ok((from, to))
            } else {
                Err("from must be before to".to_owned())
            }
        }
        _ => Err("give range=1h|24h|7d|30d, or from= and to= (Unix seconds)".to_owned()),
    }
}

/// `POST /api/boards/{board}/led`: the body checked as `send` checks a command, published at
/// QoS 1, answered once the broker acknowledged it.
pub(crate) async fn led(
    State(app): State<App>,
    Path(board): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(invalid) = check_board_id(&board) {
        return error(StatusCode::BAD_REQUEST, invalid.to_string());
    }
    let command = match LedCommand::parse(&body) {
        Ok(command) => command,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let commands = std::sync::Arc::clone(&app.commands);
    let target = board.clone();
    let sent = tokio::task::spawn_blocking(move || commands.send_led(&target, &command)).await;
    match sent {
        Ok(Ok(())) => {
            app.live.led(&board, command, OffsetDateTime::now_utc());
            Json(json!({
                "topic": LedCommand::topic(&board),
                "payload": command.to_json(),
            }))
            .into_response()
        }
        Ok(Err(e)) => {
            let status = match e {
                CommandError::NotConnected => StatusCode::SERVICE_UNAVAILABLE,
                CommandError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
                CommandError::Failed(_) => StatusCode::BAD_GATEWAY,
            };
            error(status, e.to_string())
        }
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the command's sender stopped",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_named_or_given_in_seconds() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let q = |range: Option<&str>, from, to| RangeQuery {
            range: range.map(str::to_owned),
            from,
            to,
            points: None,
        };
        assert_eq!(
            range(&q(Some("24h"), None, None), now)
                .unwrap()
                .0
                .unix_timestamp(),
            1_000_000 - 86_400
        );
        assert!(range(&q(Some("2h"), None, None), now).is_err());
        assert!(range(&q(None, Some(10.0), Some(5.0)), now).is_err());
        assert!(range(&q(None, None, None), now).is_err());
        let (from, to) = range(&q(None, Some(10.5), Some(20.0)), now).unwrap();
        assert_eq!((from.unix_timestamp(), to.unix_timestamp()), (10, 20));
    }
}
