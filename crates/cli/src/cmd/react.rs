//! `hexaboard react`: the course's control loop without an AI service.
//!
//! Board A's readings are judged (too hot, too cold, comfortable); board B's LED shows the
//! judgement (blue, red, green) and is sent a command only when the judgement changes, at most
//! once per `--min-interval`. A change inside the interval is sent when the interval ends, if it
//! is still the current judgement.
//!
//! Readings go from paho's callback thread to the main thread through a channel: the main thread
//! publishes and waits for the broker's acknowledgement, which the callback thread must never do.
//!
//! With `--advisor`, the judgement still decides when to act, but what to send is asked of the
//! advisor (as `advise` asks, with board `--to` the only one allowed): its command is checked,
//! sent, and the call kept in the store's audit trail. A refused or failed answer sends
//! nothing; the next change of judgement asks again.
//!
//! The rule's state (the last judgement, the colour sent, the one waiting) is published
//! retained on `hexaboard/rules/react/{to}` for the page of `serve`, and cleared when the rule
//! stops (by its last will if it dies).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use hexaboard_core::advice::{Allowed, Verdict};
use hexaboard_core::control::LedCommand;
use hexaboard_core::judge::{judge, led_color_for, TempComfort, Thresholds};
use hexaboard_core::rule::RuleState;
use hexaboard_core::summary::CsvSummary;
use hexaboard_core::text::{Report, Text};
use hexaboard_core::topic::TopicFilter;
use hexaboard_core::ReadingParser;
use hexaboard_mqtt::session::{Session, SessionEvent, StopSignal};
use hexaboard_mqtt::settings::{Defaults, Qos};

use crate::advisor::{Advisor, Asked};
use crate::cli::ReactArgs;
use crate::cmd::led;
use crate::common::Context;
use crate::failure::UsageError;
use crate::{history_source, live};

/// How often the loop looks at the stop flag while no reading comes.
const TICK: Duration = Duration::from_millis(200);

pub(crate) fn run(args: &ReactArgs, context: &Context) -> anyhow::Result<()> {
    led::check_board(&args.from)?;
    led::check_board(&args.to)?;
    // Checks the brightness once, before anything connects.
    LedCommand::on([0, 0, 0], args.brightness)
        .map_err(|e| UsageError(format!("--brightness: {e}")))?;
    let interval = led::min_interval(args.min_interval)?;
    let settings = context.connection(&Defaults::examples())?;
    let advisor = if args.advisor {
        Some(Advisor::open(
            context,
            Allowed::new([args.to.as_str()], interval),
        )?)
    } else {
        None
    };
    let text = context.text();
    let stop = StopSignal::install()?;
    let topic = format!("hexaboard/{}/sensor/data", args.from);

    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let rule_topic = RuleState::topic(&args.to);
    let builder = Session::builder(&settings)
        .last_will(rule_topic.as_str(), Vec::new(), Qos::AtLeastOnce, true)
        .subscribe(TopicFilter::new(&topic)?, settings.qos())
        .stop_signal(&stop)
        .on_event(|event| match event {
            SessionEvent::Warning(w) => eprintln!("⚠️ {w}"),
            SessionEvent::Connected { .. }
            | SessionEvent::Subscribed { .. }
            | SessionEvent::Stopped => {}
            other => eprintln!("ℹ️ {other}"),
        })
        .on_message(move |m| {
            // An unbounded channel: the send never blocks paho's thread.
            let _ = tx.send(m.payload.to_vec());
        });
    let Some(session) = live::connect(builder)? else {
        return Ok(());
    };
    println!(
        "{}",
        text.react_started(&args.from, &args.to, &topic, args.min_interval)
    );

    let mut control = Control {
        text,
        to: &args.to,
        brightness: args.brightness,
        interval,
        handled: None,
        colour: None,
        sent_at: None,
        pending: None,
        state: RuleState::new(&args.from, &args.to, args.min_interval),
        advisor,
        summary: CsvSummary::new(),
    };
    control.publish_state(&session);
    let parser = ReadingParser::default();
    while !stop.is_set() {
        let wait = control.time_to_send().map_or(TICK, |left| left.min(TICK));
        match rx.recv_timeout(wait) {
            Ok(payload) => match parser.parse(&payload, &topic) {
                Ok(reading) => {
                    let (t, h) = (reading.temperature(), reading.humidity());
                    let verdict = judge(t.value(), h.value(), &Thresholds::default());
                    println!(
                        "🌡️ {}: {t}°C, {h}% → {}, {}",
                        args.from,
                        text.temperature_comfort(verdict.temperature),
                        text.humidity_comfort(verdict.humidity)
                    );
                    let at = history_source::local(time::OffsetDateTime::now_utc(), context.offset);
                    let readings = [(at, t.value(), h.value())];
                    control.summary.add_known(&args.from, 1, (at, at), readings);
                    control.judged(verdict.temperature);
                    control.publish_state(&session);
                }
                Err(e) => eprintln!("{}", text.not_a_reading_skipped(&e)),
            },
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if control.send_due(&session) {
            control.publish_state(&session);
        }
    }
    // The rule stopped: its state goes from the page.
    let _ = session.publish(&rule_topic, Vec::new(), Qos::AtLeastOnce, true);
    session.stop_at_exit();
    println!("{}", text.react_stopped());
    Ok(())
}

/// The state of the loop: what was sent when, and what waits for the interval to end.
struct Control<'a> {
    text: Text,
    to: &'a str,
    brightness: u32,
    interval: Duration,
    /// The judgement last acted on (sent, or answered by the advisor).
    handled: Option<TempComfort>,
    /// The colour last sent and acknowledged (black for off).
    colour: Option<[u8; 3]>,
    sent_at: Option<Instant>,
    pending: Option<TempComfort>,
    /// What the page is shown.
    state: RuleState,
    /// With `--advisor`: who says what to send.
    advisor: Option<Advisor>,
    /// The judged board's figures, for the advisor.
    summary: CsvSummary,
}

impl Control<'_> {
    /// Time left until a pending command may go; `None` when nothing is pending.
    fn time_to_send(&self) -> Option<Duration> {
        self.pending?;
        Some(self.sent_at.map_or(Duration::ZERO, |at| {
            self.interval.saturating_sub(at.elapsed())
        }))
    }

    /// Takes a new judgement: pending when it differs from what the LED shows.
    fn judged(&mut self, comfort: TempComfort) {
        self.state.judged = Some(comfort);
        let text = self.text;
        let colour = led_color_for(comfort);
        if self.handled == Some(comfort) {
            self.pending = None;
            if self.advisor.is_some() {
                println!("{}", text.advice_already_asked());
            } else {
                println!("{}", text.led_unchanged(self.to, colour));
            }
            return;
        }
        let changed = self.pending != Some(comfort);
        self.pending = Some(comfort);
        if let Some(left) = self.time_to_send().filter(|d| !d.is_zero()) {
            if changed {
                println!("{}", text.led_waits(colour, left.as_secs_f64()));
            }
        }
    }

    /// Publishes the rule's state, retained, for the page (a failure is only said: the rule
    /// goes on).
    fn publish_state(&mut self, session: &Session) {
        self.state.sent = self.colour;
        // The advisor's colour is not known before it is asked.
        self.state.pending = self
            .pending
            .filter(|_| self.advisor.is_none())
            .map(led_color_for);
        let topic = RuleState::topic(self.to);
        let json = self.state.to_json();
        if let Err(e) = session.publish(&topic, json, Qos::AtLeastOnce, true) {
            eprintln!("⚠️ {}", Report(&e));
        }
    }

    /// Sends the pending judgement once the interval allows it (with the advisor, what it
    /// advises); `true` when it tried.
    fn send_due(&mut self, session: &Session) -> bool {
        let (Some(comfort), Some(left)) = (self.pending, self.time_to_send()) else {
            return false;
        };
        if !left.is_zero() {
            return false;
        }
        self.sent_at = Some(Instant::now());
        let (command, asked) = match self.advisor.as_mut() {
            None => {
                let command = LedCommand::LedOn {
                    color: led_color_for(comfort),
                    brightness: u8::try_from(self.brightness).unwrap_or(100),
                };
                (Some(command), None)
            }
            Some(advisor) => {
                let Some(summary) = self.summary.boards().into_iter().next() else {
                    return false;
                };
                match advisor.ask(&summary) {
                    Ok(asked) => match &asked.verdict {
                        Verdict::Command { command, .. } => (Some(*command), Some(asked)),
                        _ => (None, Some(asked)),
                    },
                    Err(e) => {
                        // Said, and asked again at the next change of judgement.
                        eprintln!("❌ {}", Report(e.as_ref()));
                        self.handled = Some(comfort);
                        self.pending = None;
                        return true;
                    }
                }
            }
        };
        let applied = match command {
            Some(command) => match led::publish(session, self.to, &command) {
                Ok(()) => {
                    let colour = command.shown_colour();
                    self.colour = Some(colour);
                    let json = command.to_json();
                    println!("{}", self.text.led_command_sent(self.to, colour, &json));
                    true
                }
                Err(e) => {
                    eprintln!("❌ {}", Report(e.as_ref()));
                    if asked.is_none() {
                        // Kept pending: tried again when the next interval ends.
                        return true;
                    }
                    false
                }
            },
            None => false,
        };
        self.handled = Some(comfort);
        self.pending = None;
        if let (Some(asked), Some(advisor)) = (asked, self.advisor.as_mut()) {
            keep(advisor, asked, applied);
        }
        true
    }
}

/// Keeps the advisor's call; a failure is said and the rule goes on.
fn keep(advisor: &mut Advisor, asked: Asked, applied: bool) {
    if let Err(e) = advisor.keep(asked, applied) {
        eprintln!("⚠️ {}", Report(e.as_ref()));
    }
}
