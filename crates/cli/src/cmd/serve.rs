//! `hexaboard serve`: the web page of the boards (`hexaboard-web`), fed by a session of its
//! own, or with `--record` by a recorder that stores every reading first, as `record` does.
//! Ctrl+C or SIGTERM stops it; with `--record`, then the totals and where the data is.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hexaboard_core::pipeline::{Outcome, Pipeline};
use hexaboard_core::text::{Escaped, Text};
use hexaboard_mqtt::session::{Session, StopSignal};
use hexaboard_mqtt::settings::{Defaults, Qos};
use hexaboard_recorder::{Record, Recorder, RecorderOptions};
use hexaboard_store::retention::KeepDays;
use hexaboard_web::{Counts, Live};
use time::OffsetDateTime;

use crate::cli::ServeArgs;
use crate::cmd::{record, retain};
use crate::common::Context;
use crate::live;
use crate::page::{self, SessionCommands};
use crate::recording;

pub(crate) fn run(args: &ServeArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let app = context.app()?;
    let location = app.store().clone();
    if args.keep_days.is_some() {
        retain::refuse_csv(&location)?;
    }
    let token = app
        .page_token()
        .map(|t| t.expose().to_owned())
        .filter(|t| !t.is_empty());
    let settings = if args.record {
        record::recording_settings(context, &record::session_key(&location), text)?
    } else {
        context.connection(&Defaults::examples())?
    };
    let listener = page::bind(&args.listen)?;
    let pipeline = settings.pipeline_config();
    let live = page::live(
        &pipeline,
        format!("{}:{}", settings.broker(), settings.port()),
    );
    let stop = StopSignal::install()?;

    let recorder = if args.record {
        let mut options = RecorderOptions::new(context.offset);
        options.pipeline = pipeline.clone();
        let store = record::open_store(&location, &options, text, &stop)?;
        let recorder = Recorder::new(store, options.pipeline)?;
        recorder.on_record(observer(live.clone(), text));
        Some(recorder)
    } else {
        None
    };
    let retention = args
        .keep_days
        .map(|days| retain::every_hour(location.clone(), KeepDays(days), text, stop.clone()))
        .transpose()?;
    let received = Arc::new(AtomicU64::new(0));
    let rejected = Arc::new(AtomicU64::new(0));
    let counts: page::CountsFn = match &recorder {
        Some(recorder) => page::recorder_counts(recorder),
        None => {
            let (received, rejected) = (Arc::clone(&received), Arc::clone(&rejected));
            Box::new(move || Counts {
                received: received.load(Ordering::Relaxed),
                rejected: rejected.load(Ordering::Relaxed),
                ..Counts::default()
            })
        }
    };
    let commands = Arc::new(SessionCommands::default());
    let store = page::Store {
        location: location.clone(),
        recording: args.record,
    };
    let server = page::start(
        listener,
        token,
        live.clone(),
        Arc::clone(&commands),
        counts,
        store,
        context,
    )?;

    eprintln!("{}", text.connecting(settings.broker(), settings.port()));
    let builder = Session::builder(&settings)
        .on_event(page::connection_events(
            live.clone(),
            live::event_printer(text),
        ))
        .stop_signal(&stop)
        .subscribe_all(&settings.subscriptions(), settings.qos())
        .subscribe_all(&page::page_filters(), Qos::AtMostOnce);
    let builder = match &recorder {
        Some(recorder) => builder
            .persistent(true)
            .on_message(recorder.handler(stop.clone())),
        None => {
            let mut pipeline = Pipeline::new(pipeline);
            builder.on_message(move |message| {
                let at = OffsetDateTime::now_utc();
                let outcome = pipeline.process(message.topic, message.payload, at);
                match outcome {
                    Outcome::Reading(_) => {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Rejected(_) => {
                        received.fetch_add(1, Ordering::Relaxed);
                        rejected.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Status { .. } | Outcome::Other => {}
                }
                page::on_outcome(&live, &outcome, message.topic, message.payload, at);
            })
        }
    };
    let session = live::connect(builder)?;
    if let Some(session) = session {
        commands.set(session);
        stop.wait();
    }
    // The page first, so no command is sent through a session being stopped.
    let served = server.stop();
    let session = commands.take();
    let finished = match &recorder {
        Some(recorder) => recording::finish(recorder, session, &location, text),
        None => {
            if let Some(session) = session {
                session.stop_at_exit();
            }
            Ok(())
        }
    };
    if let Some(retention) = retention {
        let _ = retention.join();
    }
    finished?;
    Ok(served?)
}

/// What the recorder tells of each message, shown on the page (on paho's callback thread:
/// microseconds).
fn observer(live: Live, text: Text) -> impl FnMut(&Record<'_>, OffsetDateTime) + Send + 'static {
    move |record, at| match record {
        Record::Stored(outcome) => page::on_reading(&live, outcome, at),
        Record::Status { board, status } => live.status(board, *status, at),
        Record::Other { topic, payload } => page::on_other(&live, topic, payload, at),
        Record::Note(note) => eprintln!("⚠️ {}", Escaped(note)),
        Record::Rejected {
            topic,
            error,
            first_of_kind: true,
            ..
        } => eprintln!("{}", text.rejected(topic, error)),
        Record::Duplicate(_) | Record::Rejected { .. } => {}
    }
}
