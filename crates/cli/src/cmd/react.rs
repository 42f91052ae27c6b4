//! `hexaboard react`: the course's control loop without an AI service.
//!
//! Board A's readings are judged (too hot, too cold, comfortable); board B's LED shows the
//! judgement (blue, red, green) and is sent a command only when the judgement changes, at most
//! once per `--min-interval`. A change inside the interval is sent when the interval ends, if it
//! is still the current judgement.
//!
//! Readings go from paho's callback thread to the main thread through a channel: the main thread
//! publishes and waits for the broker's acknowledgement, which the callback thread must never do.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use hexaboard_core::control::LedCommand;
use hexaboard_core::judge::{judge, led_color_for, TempComfort, Thresholds};
use hexaboard_core::text::sanitize_for_terminal;
use hexaboard_core::topic::TopicFilter;
use hexaboard_core::{Lang, ReadingParser};
use hexaboard_mqtt::session::{Session, SessionEvent, StopSignal};
use hexaboard_mqtt::settings::Defaults;

use crate::cli::ReactArgs;
use crate::cmd::led;
use crate::cmd::words::{self, pick};
use crate::common::{Context, UsageError};

/// How often the loop looks at the stop flag while no reading comes.
const TICK: Duration = Duration::from_millis(200);

pub(crate) fn run(args: &ReactArgs, context: &Context) -> anyhow::Result<()> {
    led::check_board(&args.from)?;
    led::check_board(&args.to)?;
    // Checks the brightness once, before anything connects.
    LedCommand::on([0, 0, 0], args.brightness)
        .map_err(|e| UsageError(format!("--brightness: {e}")))?;
    if !(args.min_interval.is_finite() && args.min_interval >= 0.0) {
        return Err(UsageError(format!(
            "--min-interval {}: expected a number of seconds, 0 or more",
            args.min_interval
        ))
        .into());
    }
    let settings = context.connection(&Defaults::examples())?;
    let lang = context.text().lang();
    let stop = StopSignal::install()?;
    let topic = format!("hexaboard/{}/sensor/data", args.from);

    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let session = Session::builder(&settings)
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
        })
        .connect()
        .with_context(|| {
            format!(
                "cannot connect to {}:{}",
                settings.broker(),
                settings.port()
            )
        })?;
    println!(
        "{}",
        pick(
            lang,
            &format!(
                "🔁 보드 {}의 온도를 판단해 보드 {}의 LED를 바꿉니다 ({topic} 구독, 명령 간격 {}초 이상). 종료: Ctrl+C",
                args.from, args.to, args.min_interval
            ),
            &format!(
                "🔁 Judging board {}'s temperature to set board {}'s LED (subscribed to {topic}, \
                 at least {} s between commands). Quit: Ctrl+C",
                args.from, args.to, args.min_interval
            ),
        )
    );

    let mut control = Control {
        lang,
        to: &args.to,
        brightness: args.brightness,
        interval: Duration::from_secs_f64(args.min_interval),
        sent: None,
        sent_at: None,
        pending: None,
    };
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
                        words::temperature(lang, verdict.temperature),
                        words::humidity(lang, verdict.humidity)
                    );
                    control.judged(verdict.temperature);
                }
                Err(e) => eprintln!(
                    "{}",
                    pick(
                        lang,
                        &format!("⚠️ 센서 데이터가 아닌 메시지를 건너뜁니다: {e}"),
                        &format!("⚠️ skipped a message that is not a sensor reading: {e}"),
                    )
                ),
            },
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        control.send_due(&session);
    }
    session.stop_at_exit();
    println!("{}", pick(lang, "👋 종료합니다", "👋 Stopped"));
    Ok(())
}

/// The state of the loop: what was sent when, and what waits for the interval to end.
struct Control<'a> {
    lang: Lang,
    to: &'a str,
    brightness: u32,
    interval: Duration,
    sent: Option<TempComfort>,
    sent_at: Option<Instant>,
    pending: Option<TempComfort>,
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
        let lang = self.lang;
        let colour = colour_name(lang, comfort);
        if self.sent == Some(comfort) {
            self.pending = None;
            println!(
                "{}",
                pick(
                    lang,
                    &format!("   = 보드 {}의 LED는 이미 {colour}: 보내지 않음", self.to),
                    &format!(
                        "   = board {}'s LED is already {colour}: nothing sent",
                        self.to
                    ),
                )
            );
            return;
        }
        let changed = self.pending != Some(comfort);
        self.pending = Some(comfort);
        if let Some(left) = self.time_to_send().filter(|d| !d.is_zero()) {
            if changed {
                println!(
                    "{}",
                    pick(
                        lang,
                        &format!(
                            "   ⏳ {colour}: 명령 간격 때문에 {:.1}초 뒤에 보냅니다 (그때도 같으면)",
                            left.as_secs_f64()
                        ),
                        &format!(
                            "   ⏳ {colour}: sent in {:.1} s when the interval ends, if still current",
                            left.as_secs_f64()
                        ),
                    )
                );
            }
        }
    }

    /// Sends the pending judgement once the interval allows it.
    fn send_due(&mut self, session: &Session) {
        let (Some(comfort), Some(left)) = (self.pending, self.time_to_send()) else {
            return;
        };
        if !left.is_zero() {
            return;
        }
        let lang = self.lang;
        let command = LedCommand::LedOn {
            color: led_color_for(comfort),
            brightness: u8::try_from(self.brightness).unwrap_or(100),
        };
        self.sent_at = Some(Instant::now());
        match led::publish(session, self.to, &command) {
            Ok(()) => {
                self.sent = Some(comfort);
                self.pending = None;
                println!(
                    "   💡 {} {} → {}: {}",
                    pick(lang, "보드", "board"),
                    self.to,
                    colour_name(lang, comfort),
                    command.to_json()
                );
            }
            // Kept pending: tried again when the next interval ends.
            Err(e) => eprintln!("❌ {}", sanitize_for_terminal(&format!("{e:#}"))),
        }
    }
}

fn colour_name(lang: Lang, comfort: TempComfort) -> &'static str {
    match comfort {
        TempComfort::TooHot => pick(lang, "파랑", "blue"),
        TempComfort::TooCold => pick(lang, "빨강", "red"),
        TempComfort::Comfortable => pick(lang, "초록", "green"),
    }
}
