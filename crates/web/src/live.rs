//! What the page shows live: a card per board, updated from the message callback and read by
//! the page's requests and event streams.
//!
//! [`Live`] is fed by whoever receives the messages (`serve` on its own, or its recorder): a
//! reading, a status, an LED command seen on a control topic, the broker connection. Each
//! change takes the next sequence number; an event stream sends the cards changed since the
//! number it sent last, so a page that falls behind gets each board's newest state, not a
//! backlog. The callback's work is a lock, the core statistics of one reading and a counter:
//! microseconds.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hexaboard_core::cadence::Cadence;
use hexaboard_core::control::LedCommand;
use hexaboard_core::judge::{judge, Judgement, Thresholds};
use hexaboard_core::number::Number;
use hexaboard_core::rule::RuleState;
use hexaboard_core::stats::{BoardConfig, Registry};
use hexaboard_core::status::Status;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::view::{BoardView, BrokerView, LedView, ReadingView, RuleView, State};

/// The live state of every board, shared; cloning gives another handle.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<Boards>,
    /// The sequence number of the newest change, for event streams to wait on.
    changed: watch::Sender<u64>,
    /// Names this run of the server in event ids, so an id from an earlier run is known.
    run: String,
}

struct Boards {
    seq: u64,
    registry: Registry,
    thresholds: Thresholds,
    cards: BTreeMap<String, Card>,
    broker: BrokerView,
    /// The `react` rules running, by the board whose LED they drive.
    rules: BTreeMap<String, RuleView>,
    /// Each board's JSON as last sent, with the sequence number it was made at.
    sent: HashMap<String, (u64, Arc<str>)>,
    /// The sequence number of the last change of what `/api/status` shows.
    status_seq: u64,
}

#[derive(Default)]
struct Card {
    seq: u64,
    temperature: Option<Number>,
    humidity: Option<Number>,
    light: Option<Number>,
    judgement: Option<Judgement>,
    last_reading_at: Option<OffsetDateTime>,
    cadence: Cadence,
    status: Option<(Status, OffsetDateTime)>,
    led: Option<(LedCommand, OffsetDateTime)>,
}

/// What changed since an event stream's last event.
#[derive(Debug, Default)]
pub struct Changes {
    /// The boards changed, by sequence number, with their number: each as the JSON of its
    /// [`BoardView`].
    pub boards: Vec<(u64, Arc<str>)>,
    /// Whether what `/api/status` shows changed (the broker connection, a rule).
    pub status: bool,
    /// The number to ask from next time.
    pub seq: u64,
}

impl Live {
    /// No board yet; at most `max_boards` cards (the least recently updated is dropped past
    /// that), judged by `thresholds`, statistics sized by `board`. `broker` names the broker
    /// shown on the page.
    pub fn new(
        max_boards: usize,
        board: BoardConfig,
        thresholds: Thresholds,
        broker: String,
    ) -> Live {
        let run = OffsetDateTime::now_utc().unix_timestamp_nanos();
        Live {
            inner: Arc::new(Inner {
                state: Mutex::new(Boards {
                    seq: 0,
                    registry: Registry::with_config(max_boards, board),
                    thresholds,
                    cards: BTreeMap::new(),
                    broker: BrokerView {
                        address: broker,
                        connected: false,
                        reconnects: 0,
                    },
                    rules: BTreeMap::new(),
                    sent: HashMap::new(),
                    status_seq: 0,
                }),
                changed: watch::Sender::new(0),
                run: format!("{:x}", (run as u64) & 0xff_ffff_ffff),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Boards> {
        // Every update leaves the state whole, so a panic elsewhere does not make it unusable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn changed(&self, seq: u64) {
        self.inner.changed.send_replace(seq);
    }

    /// A reading of `board` received at `at`.
    pub fn reading(
        &self,
        board: &str,
        temperature: Number,
        humidity: Number,
        light: Option<Number>,
        at: OffsetDateTime,
    ) {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.seq += 1;
        let seq = state.seq;
        let recorded = state
            .registry
            .record(board, temperature.value(), humidity.value(), at);
        if let Some(evicted) = recorded.eviction {
            state.cards.remove(&*evicted.board);
            state.sent.remove(&*evicted.board);
        }
        let card = state.cards.entry(board.to_owned()).or_default();
        if let Some(last) = card.last_reading_at {
            card.cadence.gap(duration(at - last));
        }
        card.seq = seq;
        card.judgement = Some(judge(
            temperature.value(),
            humidity.value(),
            &state.thresholds,
        ));
        card.temperature = Some(temperature);
        card.humidity = Some(humidity);
        card.light = light;
        card.last_reading_at = Some(at);
        drop(guard);
        self.changed(seq);
    }

    /// A status message of `board` received at `at`. A board not seen yet gets a card only
    /// below the board cap, so invented board ids cannot grow the page without bound.
    pub fn status(&self, board: &str, status: Status, at: OffsetDateTime) {
        self.with_card(board, |card| card.status = Some((status, at)));
    }

    /// An LED command seen on `board`'s control topic at `at`.
    pub fn led(&self, board: &str, command: LedCommand, at: OffsetDateTime) {
        self.with_card(board, |card| card.led = Some((command, at)));
    }

    fn with_card(&self, board: &str, change: impl FnOnce(&mut Card)) {
        let mut state = self.lock();
        let below_cap = state.cards.len() < state.registry.max_boards();
        state.seq += 1;
        let seq = state.seq;
        let card = match state.cards.get_mut(board) {
            Some(card) => card,
            None if below_cap => state.cards.entry(board.to_owned()).or_default(),
            None => return,
        };
        card.seq = seq;
        change(card);
        drop(state);
        self.changed(seq);
    }

    /// The broker connection is up (`true`) or lost.
    pub fn connected(&self, connected: bool) {
        let mut state = self.lock();
        if state.broker.connected && !connected {
            state.broker.reconnects += 1;
        }
        state.broker.connected = connected;
        state.seq += 1;
        let seq = state.seq;
        state.status_seq = seq;
        drop(state);
        self.changed(seq);
    }

    /// The state a `react` rule published for `to`'s LED at `at`; `None` when it stopped.
    pub fn rule(&self, to: &str, rule: Option<RuleState>, at: OffsetDateTime) {
        let mut state = self.lock();
        match rule {
            Some(rule) => {
                state.rules.insert(
                    to.to_owned(),
                    RuleView {
                        rule,
                        at: seconds(at),
                    },
                );
            }
            None => {
                state.rules.remove(to);
            }
        }
        state.seq += 1;
        let seq = state.seq;
        state.status_seq = seq;
        drop(state);
        self.changed(seq);
    }

    /// The `react` rules running.
    pub fn rules(&self) -> Vec<RuleView> {
        self.lock().rules.values().cloned().collect()
    }

    /// The broker connection as the page shows it.
    pub fn broker(&self) -> BrokerView {
        self.lock().broker.clone()
    }

    /// Every board at `now`, by id.
    pub fn boards(&self, now: OffsetDateTime) -> Vec<BoardView> {
        let state = self.lock();
        state
            .cards
            .iter()
            .map(|(board, card)| Boards::view(&state.registry, board, card, now))
            .collect()
    }

    /// The id of the newest event: this run and the newest sequence number.
    pub fn event_id(&self) -> String {
        let seq = self.lock().seq;
        self.id(seq)
    }

    /// An event id for sequence number `seq`.
    pub fn id(&self, seq: u64) -> String {
        format!("{}-{seq}", self.inner.run)
    }

    /// The sequence number an event id of this run names; `None` for an id of another run or
    /// no id (then every board is sent).
    pub fn seq_of(&self, id: &str) -> Option<u64> {
        let (run, seq) = id.split_once('-')?;
        (run == self.inner.run).then(|| seq.parse().ok()).flatten()
    }

    /// What changed after sequence number `after` (everything for `None`), at `now`. A board's
    /// JSON is made once per change and shared by every stream that sends it.
    pub fn changes(&self, after: Option<u64>, now: OffsetDateTime) -> Changes {
        let mut guard = self.lock();
        let state = &mut *guard;
        let after = after.filter(|&a| a <= state.seq);
        let is_new = |seq: u64| after.is_none_or(|a| seq > a);
        let mut boards = Vec::new();
        for (board, card) in state.cards.iter().filter(|(_, card)| is_new(card.seq)) {
            let json = match state.sent.get(board) {
                Some((seq, json)) if *seq == card.seq => Arc::clone(json),
                _ => {
                    let view = Boards::view(&state.registry, board, card, now);
                    let json: Arc<str> = serde_json::to_string(&view).unwrap_or_default().into();
                    state
                        .sent
                        .insert(board.clone(), (card.seq, Arc::clone(&json)));
                    json
                }
            };
            boards.push((card.seq, json));
        }
        boards.sort_by_key(|(seq, _)| *seq);
        Changes {
            boards,
            status: is_new(state.status_seq),
            seq: state.seq,
        }
    }

    /// Waits for changes after `seq`: a receiver to await with `changed()`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }
}

impl Boards {
    fn view(registry: &Registry, board: &str, card: &Card, now: OffsetDateTime) -> BoardView {
        let stats = registry.get(board);
        let stale = card
            .last_reading_at
            .is_some_and(|at| card.cadence.is_stale(duration(now - at)));
        let state = match (card.status, card.last_reading_at) {
            (Some((Status::Offline, said)), last) if last.is_none_or(|r| said >= r) => {
                State::Offline
            }
            (_, Some(_)) if stale => State::Stale,
            (_, Some(_)) | (Some((Status::Online, _)), None) => State::Online,
            _ => State::Unknown,
        };
        BoardView {
            board: board.to_owned(),
            temperature: card.temperature.map(|n| n.value()),
            temperature_text: card.temperature.map(|n| n.to_string()),
            humidity: card.humidity.map(|n| n.value()),
            humidity_text: card.humidity.map(|n| n.to_string()),
            light: card.light.map(|n| n.value()),
            light_text: card.light.map(|n| n.to_string()),
            comfort: card.judgement,
            alert: stats.is_some_and(|s| s.alert().is_active()),
            trend: stats.map(|s| s.trend()),
            average: stats.and_then(|s| s.window().average()),
            state,
            status: card.status.map(|(s, _)| s),
            last_reading_at: card.last_reading_at.map(seconds),
            stale_after: card.cadence.stale_after().as_secs_f64(),
            readings: stats.map_or(0, |s| s.total()),
            led: card.led.map(|(command, at)| LedView {
                command,
                at: seconds(at),
            }),
            reading: match (card.last_reading_at, card.temperature, card.humidity) {
                (Some(at), Some(t), Some(h)) => Some(ReadingView {
                    t: seconds(at),
                    temperature: t.value(),
                    humidity: h.value(),
                }),
                _ => None,
            },
        }
    }
}

/// A time difference as a duration, zero when negative (a clock set back).
fn duration(d: time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or_default()
}

/// Unix seconds with their fraction.
pub(crate) fn seconds(at: OffsetDateTime) -> f64 {
    at.unix_timestamp_nanos() as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn live() -> Live {
        Live::new(
            3,
            BoardConfig::default(),
            Thresholds::default(),
            "broker".into(),
        )
    }

    fn n(text: &str) -> Number {
        Number::parse_json(text).unwrap()
    }

    const T0: OffsetDateTime = datetime!(2026-12-01 12:00:00 UTC);

    #[test]
    fn a_reading_makes_an_online_card_with_the_numbers_as_sent() {
        let live = live();
        live.reading("A", n("25.0"), n("40"), None, T0);
        let [a] = &live.boards(T0)[..] else { panic!() };
        assert_eq!(a.temperature_text.as_deref(), Some("25.0"));
        assert_eq!(a.state, State::Online);
        assert!(a.alert, "25 °C raises the alert");
        assert_eq!(a.readings, 1);
    }

    #[test]
    fn a_silent_board_turns_stale_and_an_offline_status_wins_over_an_older_reading() {
        let live = live();
        for i in 0..5 {
            live.reading(
                "A",
                n("20"),
                n("40"),
                None,
                T0 + time::Duration::seconds(5 * i),
            );
        }
        let last = T0 + time::Duration::seconds(20);
        assert_eq!(
            live.boards(last + time::Duration::seconds(15))[0].state,
            State::Online
        );
        assert_eq!(
            live.boards(last + time::Duration::seconds(16))[0].state,
            State::Stale
        );
        live.status("A", Status::Offline, last + time::Duration::seconds(1));
        assert_eq!(
            live.boards(last + time::Duration::seconds(2))[0].state,
            State::Offline
        );
        live.reading(
            "A",
            n("20"),
            n("40"),
            None,
            last + time::Duration::seconds(3),
        );
        assert_eq!(
            live.boards(last + time::Duration::seconds(3))[0].state,
            State::Online
        );
    }

    #[test]
    fn changes_give_each_changed_board_once_with_its_newest_state() {
        let live = live();
        live.reading("A", n("20"), n("40"), None, T0);
        let first = live.changes(None, T0);
        assert_eq!(first.boards.len(), 1);
        live.reading("B", n("21"), n("40"), None, T0);
        live.reading("B", n("22"), n("40"), None, T0);
        let next = live.changes(Some(first.seq), T0);
        let boards: Vec<serde_json::Value> = next
            .boards
            .iter()
            .map(|(_, json)| serde_json::from_str(json).unwrap())
            .collect();
        assert_eq!(boards.len(), 1);
        assert_eq!(boards[0]["board"], "B");
        assert_eq!(boards[0]["temperature_text"], "22");
        assert!(live.changes(Some(next.seq), T0).boards.is_empty());
        // An id from another run, or from the future, gets everything.
        assert_eq!(live.changes(Some(next.seq + 100), T0).boards.len(), 2);
        assert_eq!(live.seq_of("other-3"), None);
        assert_eq!(live.seq_of(&live.id(7)), Some(7));
    }

    #[test]
    fn statuses_of_unknown_boards_stop_at_the_cap() {
        let live = live();
        for board in ["A", "B", "C", "D", "E"] {
            live.status(board, Status::Online, T0);
        }
        assert_eq!(live.boards(T0).len(), 3);
    }
}
