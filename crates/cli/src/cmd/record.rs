//! `hexaboard record`: every reading into the store (the CSV, SQLite or PostgreSQL), before
//! the broker gets its acknowledgement.
//!
//! A persistent session at QoS 1 (settings from `Defaults::recording()`) with a client id that
//! stays the same between runs, so readings sent while the recorder is away come when it is
//! back. One line per reading, as the chapter's exercise 3 prints, or with `--quiet` a status
//! line every few seconds on stderr. Ctrl+C, SIGTERM or `--count` stop it; then the totals and
//! where the data is.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hexaboard_core::text::{Escaped, Text};
use hexaboard_mqtt::session::StopSignal;
use hexaboard_mqtt::settings::{ConnectionSettings, Defaults, Secret, Source, StoreLocation};
use hexaboard_recorder::{Record, Recorder, RecorderOptions};
use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
use hexaboard_store::retention::KeepDays;
use hexaboard_store::sqlite::{SqliteOptions, SqliteStore};
use hexaboard_store::{Store, StoreNote};
use time::UtcOffset;

use crate::cli::RecordArgs;
use crate::cmd::retain;
use crate::common::Context;
use crate::failure::UsageError;
use crate::live;
use crate::recording;

pub(crate) fn run(args: &RecordArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let app = context.app()?;
    let location = app.store();
    if args.keep_days.is_some() {
        retain::refuse_csv(location)?;
    }
    let settings = recording_settings(context, &session_key(location), text)?;
    let mut options = RecorderOptions::new(context.offset);
    options.pipeline = settings.pipeline_config();
    let max_boards = options.pipeline.max_boards;
    options.rejects_path.clone_from(&args.rejects_file);
    options.gather = (args.gather_ms > 0).then(|| Duration::from_millis(args.gather_ms));
    let stop = StopSignal::install()?;
    let store = open_store(location, &options, text, &stop)?;
    let retention = args
        .keep_days
        .map(|days| retain::every_hour(location.clone(), KeepDays(days), text, stop.clone()))
        .transpose()?;
    let recorder = Recorder::new(store, options.pipeline)?;
    println!("{}", text.collecting());

    let sensor_messages = Arc::new(AtomicU64::new(0));
    recorder.on_record(observer(
        text,
        context.offset,
        !args.quiet,
        args.count,
        Arc::clone(&sensor_messages),
        stop.clone(),
        max_boards,
    ));

    eprintln!("{}", text.connecting(settings.broker(), settings.port()));
    let session = recording::connect(&recorder, &settings, !args.clean, text, &stop)?;

    if args.quiet {
        status_lines(
            &recorder,
            &stop,
            Duration::from_secs(args.status_every.max(1)),
            text,
        );
    } else {
        stop.wait();
    }
    let finished = recording::finish(&recorder, session, location, text);
    if let Some(retention) = retention {
        let _ = retention.join();
    }
    finished
}

/// The store `location` names, opened: the chapter's CSV with its rejects file (said when it
/// is created), a SQLite file, or a PostgreSQL database whose outages are waited for, said
/// on stderr, until `stop`.
///
/// # Errors
///
/// The store's error: a file or database that cannot be opened, a schema newer than this
/// build's, a login refused. [`UsageError`] for a rejects file given with a database, which
/// keeps rejects in its own table.
pub(crate) fn open_store(
    location: &StoreLocation,
    options: &RecorderOptions,
    text: Text,
    stop: &StopSignal,
) -> anyhow::Result<Box<dyn Store>> {
    if let (Some(rejects), false) = (
        &options.rejects_path,
        matches!(location, StoreLocation::Csv(_)),
    ) {
        return Err(UsageError(format!(
            "--rejects-file `{}` is for a CSV store: the database `{location}` keeps rejected \
             payloads in its table rejects",
            rejects.display()
        ))
        .into());
    }
    Ok(match location {
        StoreLocation::Csv(path) => {
            let files = options.open_csv(path)?;
            if files.csv().created() {
                println!("{}", text.csv_created(path));
            }
            Box::new(files)
        }
        StoreLocation::Sqlite(path) => {
            // The recorder's own thread takes the periodic checkpoint (sync_work).
            Box::new(SqliteStore::open(
                path,
                SqliteOptions::default().sync_elsewhere(true),
            )?)
        }
        StoreLocation::Postgres(url) => {
            let stop = stop.clone();
            let options = PostgresOptions::default()
                .notify(Box::new(|note: &StoreNote| {
                    eprintln!("⚠️ {}", Escaped(note))
                }))
                .should_stop(Box::new(move || stop.is_set()));
            let password = url.password().map(Secret::expose);
            Box::new(PostgresStore::connect(url.url(), password, options)?)
        }
    })
}

/// What names the recorder's persistent session along with this machine: the file's path,
/// or the database's URL without its password.
pub(crate) fn session_key(location: &StoreLocation) -> PathBuf {
    match location.path() {
        Some(path) => path.to_owned(),
        None => PathBuf::from(location.to_string()),
    }
}

/// The recording settings, with a stable client id derived from this machine and the store
/// (`key`, see [`session_key`]) when `MQTT_CLIENT_ID` is not set (said once on stderr).
pub(crate) fn recording_settings(
    context: &Context,
    key: &Path,
    text: Text,
) -> anyhow::Result<ConnectionSettings> {
    let settings = context.connection(&Defaults::recording(key))?;
    if settings.source("MQTT_CLIENT_ID") != Some(&Source::Default) {
        return Ok(settings);
    }
    let id = settings.client_id();
    eprintln!("{}", text.client_id_chosen(id));
    Ok(settings)
}

/// What is printed for each message, on paho's callback thread (one short write per line).
fn observer(
    text: Text,
    offset: UtcOffset,
    verbose: bool,
    count: Option<u64>,
    sensor_messages: Arc<AtomicU64>,
    stop: StopSignal,
    max_boards: usize,
) -> impl FnMut(&Record<'_>, time::OffsetDateTime) + Send + 'static {
    move |record, received_at| {
        // Local time only where a line is printed: this runs for every message.
        let at = || live::local(received_at, offset);
        if let Record::Stored(outcome) | Record::Duplicate(outcome) = record {
            if let Some(eviction) = outcome.eviction.as_ref().filter(|e| e.first) {
                eprintln!("{}", text.boards_evicted(max_boards, &eviction.board));
            }
        }
        match record {
            Record::Stored(outcome) if verbose => {
                let at = at();
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", text.saved_reading(at.time(), &outcome.reading));
                let _ = writeln!(out, "{}", text.saved(at));
            }
            Record::Status { board, status } if verbose => {
                let line = text.board_status(at().time(), board, *status);
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
            Record::Rejected {
                topic,
                error,
                first_of_kind: true,
                ..
            } => eprintln!("{}", text.rejected(topic, error)),
            Record::Note(note) => eprintln!("⚠️ {}", Escaped(note)),
            _ => {}
        }
        let sensor = matches!(
            record,
            Record::Stored(_) | Record::Duplicate(_) | Record::Rejected { .. }
        );
        if sensor && count.is_some() {
            let n = sensor_messages.fetch_add(1, Ordering::Relaxed) + 1;
            if count.is_some_and(|limit| n >= limit) {
                stop.set();
            }
        }
    }
}

/// With `--quiet`: a status line on stderr every `every` until stopped.
fn status_lines(recorder: &Recorder, stop: &StopSignal, every: Duration, text: Text) {
    let counters = recorder.counters();
    let mut last = (Instant::now(), 0u64);
    while !stop.wait_timeout(every) {
        let now = counters.snapshot();
        let elapsed = last.0.elapsed().as_secs_f64().max(1e-9);
        let rate = (now.received - last.1) as f64 / elapsed;
        eprintln!("{}", text.counts_per_second(&now.in_words(text), rate));
        last = (Instant::now(), now.received);
    }
}
