//! `hexaboard demo`: everything at once with no set-up. An embedded broker on a free loopback
//! port, virtual boards publishing to it, a recorder storing every reading in the CSV of the
//! working directory, the live table of `watch`, and the page of `serve` (its address
//! printed). Ctrl+C or `--duration` stops it all.

#[cfg(feature = "demo")]
pub(crate) use enabled::run;

#[cfg(not(feature = "demo"))]
pub(crate) fn run(
    _args: &crate::cli::DemoArgs,
    _context: &crate::common::Context,
) -> anyhow::Result<()> {
    Err(crate::failure::UsageError(
        "this hexaboard was built without the `demo` feature (the embedded broker); build it \
         with `--features demo`"
            .to_owned(),
    )
    .into())
}

#[cfg(feature = "demo")]
mod enabled {
    use std::io::IsTerminal as _;
    use std::sync::{Arc, Mutex, PoisonError};
    use std::time::{Duration, Instant};

    use hexaboard_core::sim::VirtualBoard;
    use hexaboard_core::text::{Escaped, Report};
    use hexaboard_mqtt::session::{Session, StopSignal};
    use std::path::Path;

    use hexaboard_mqtt::settings::{ConnectionSettings, Qos, StoreLocation};
    use hexaboard_recorder::{Record, Recorder, RecorderOptions};
    use hexaboard_web::Server;

    use crate::boards::{board_ids, interval, publish_readings, Schedule};
    use crate::cli::DemoArgs;
    use crate::cmd::broker;
    use crate::common::Context;
    use crate::failure::{Failure, UsageError};
    use crate::live;
    use crate::live_table::LiveTable;
    use crate::page::{self, SessionCommands};
    use crate::recording;

    /// Time given to the last readings to arrive after the boards stop.
    const DRAIN: Duration = Duration::from_millis(500);

    pub(crate) fn run(args: &DemoArgs, context: &Context) -> anyhow::Result<()> {
        let ids = board_ids(&args.boards)?;
        let interval = interval(args.interval)?;
        if interval.is_zero() {
            return Err(UsageError("--interval must be above 0 for the demo".into()).into());
        }
        let duration = match args.duration {
            Some(s) => Some(Duration::try_from_secs_f64(s).map_err(|_| {
                UsageError(format!("--duration {s}: expected a number of seconds"))
            })?),
            None => None,
        };
        let text = context.text();
        let stop = StopSignal::install()?;
        let port = broker::start()?;
        eprintln!("{}", text.demo_broker(port));

        let recording = ConnectionSettings::builder("127.0.0.1")
            .port(port)
            .tls(false)
            .qos(Qos::AtLeastOnce)
            .client_id("hexaboard-demo-rec")
            .build()?;
        let mut options = RecorderOptions::new(context.offset);
        options.pipeline = recording.pipeline_config();
        let csv_file = context.csv_file()?;
        let files = options.open_csv(&csv_file)?;
        if files.csv().created() {
            eprintln!("{}", text.csv_created(&csv_file));
        }
        let pipeline = options.pipeline.clone();
        let recorder = Recorder::new(Box::new(files), options.pipeline)?;
        let live = page::live(&pipeline, format!("127.0.0.1:{port}"));
        let table = Arc::new(Mutex::new(LiveTable::default()));
        let observed = Arc::clone(&table);
        let shown = live.clone();
        recorder.on_record(move |record, at| {
            let now = Instant::now();
            let mut table = observed.lock().unwrap_or_else(PoisonError::into_inner);
            match record {
                Record::Stored(outcome) => {
                    table.on_reading(outcome, now);
                    page::on_reading(&shown, outcome, at);
                }
                Record::Duplicate(outcome) => table.on_reading(outcome, now),
                Record::Status { board, status } => {
                    table.on_status(board, *status);
                    shown.status(board, *status, at);
                }
                Record::Rejected { .. } => table.on_rejected(),
                Record::Note(note) => eprintln!("⚠️ {}", Escaped(note)),
                Record::Other { .. } => {}
            }
        });
        let commands = Arc::new(SessionCommands::default());
        let server = start_page(
            &args.listen,
            live.clone(),
            Arc::clone(&commands),
            page::recorder_counts(&recorder),
            &csv_file,
            context,
        )?;
        let Some(session) = recording::connect(&recorder, &recording, false, text, &stop)? else {
            return Ok(());
        };
        live.connected(true);
        commands.set(session);

        let boards_stop = StopSignal::new();
        let boards = {
            let settings = ConnectionSettings::builder("127.0.0.1")
                .port(port)
                .tls(false)
                .client_id("hexaboard-demo-sim")
                .build()?;
            let session = Session::builder(&settings)
                .connect()
                .map_err(Failure::Connect)?;
            let mut boards: Vec<VirtualBoard> = ids
                .iter()
                .map(|id| VirtualBoard::new(id.as_str(), 1))
                .collect();
            let schedule = Schedule {
                interval,
                count: None,
                qos: Qos::AtLeastOnce,
            };
            let boards_stop = boards_stop.clone();
            std::thread::Builder::new()
                .name("demo-boards".into())
                .spawn(move || {
                    let result =
                        publish_readings(&session, &mut boards, schedule, &boards_stop, |_, _| {});
                    session.stop_at_exit();
                    result
                })?
        };

        let started = Instant::now();
        let redraw = std::io::stdout().is_terminal();
        loop {
            let screen = recorder
                .with_pipeline(|p| {
                    let table = table.lock().unwrap_or_else(PoisonError::into_inner);
                    table.render(p.registry(), Instant::now(), text)
                })
                .unwrap_or_default();
            live::draw(&screen, redraw, text);
            let mut wait = Duration::from_secs(1);
            if let Some(d) = duration {
                wait = wait.min(d.saturating_sub(started.elapsed()));
            }
            if stop.wait_timeout(wait) || duration.is_some_and(|d| started.elapsed() >= d) {
                break;
            }
        }
        if redraw {
            println!();
        }

        boards_stop.set();
        // The demo's boards failing is said, and what was recorded is still closed and shown.
        if let Ok(Err(error)) = boards.join() {
            eprintln!("{}", text.error(&Report(&error)));
        }
        std::thread::sleep(DRAIN);
        let _ = server.stop();
        recording::finish(&recorder, commands.take(), &csv_file.display(), text)
    }

    /// The page on `listen`, or on another free loopback port when that one is taken (a
    /// second demo, or a `serve` already running), its address said on stdout.
    fn start_page(
        listen: &str,
        live: hexaboard_web::Live,
        commands: Arc<SessionCommands>,
        counts: page::CountsFn,
        csv_file: &Path,
        context: &Context,
    ) -> anyhow::Result<Server> {
        let listener = match page::bind(listen) {
            Ok(listener) => listener,
            Err(error) if error.downcast_ref::<UsageError>().is_some() => return Err(error),
            Err(_) => page::bind("127.0.0.1:0")?,
        };
        let store = page::Store {
            location: StoreLocation::Csv(csv_file.to_owned()),
            recording: true,
        };
        page::start(listener, None, live, commands, counts, store, context)
    }
}
