//! `GET /api/events`: the page's live updates as server-sent events.
//!
//! A stream waits for a change, then sends each board changed since its last event (its
//! newest state only) and the status (the broker connection, the `react` rules) when it changed. Between two sends it waits
//! [`PACE`], so a page costs at most a few sends a second however fast readings come. A browser
//! that reconnects sends `Last-Event-ID` and gets what changed since; an id from an earlier run
//! of the server gets every board.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::server::App;

/// The least time between two sends of one stream.
pub(crate) const PACE: Duration = Duration::from_millis(50);

/// A comment sent after this much silence, so proxies and browsers keep the stream open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

struct Stream_ {
    app: App,
    changed: watch::Receiver<u64>,
    after: Option<u64>,
    queue: VecDeque<Event>,
    first: bool,
}

/// `GET /api/events`.
pub(crate) async fn events(
    State(app): State<App>,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|id| app.live.seq_of(id));
    let changed = app.live.subscribe();
    let state = Stream_ {
        app,
        changed,
        after,
        queue: VecDeque::new(),
        first: true,
    };
    let stream = stream::unfold(state, |mut s| async move {
        loop {
            if let Some(event) = s.queue.pop_front() {
                return Some((Ok(event), s));
            }
            if !s.first {
                tokio::time::sleep(PACE).await;
                // The server is stopping when the sender is gone.
                s.changed.changed().await.ok()?;
            }
            s.first = false;
            s.changed.borrow_and_update();
            let changes = s.app.live.changes(s.after, OffsetDateTime::now_utc());
            if changes.status {
                if let Some(event) = json_event("status", &s.app.status()) {
                    s.queue.push_back(event);
                }
            }
            for (seq, json) in changes.boards {
                let event = Event::default().event("board").data(&*json);
                s.queue.push_back(event.id(s.app.live.id(seq)));
            }
            s.after = Some(changes.seq);
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// An event `name` whose data is `value` as JSON. The JSON is made whole, then given to the
/// event in one piece: `Event::json_data` looks for line breaks in every small piece
/// serde_json writes, which was most of a stream's work (compact JSON has none to find:
/// serde_json escapes them in strings).
fn json_event(name: &str, value: &impl Serialize) -> Option<Event> {
    let json = serde_json::to_string(value).ok()?;
    Some(Event::default().event(name).data(json))
}
