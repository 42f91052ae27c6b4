//! `hexaboard watch`: a live table of every board, redrawn in place (plain ANSI) on a
//! terminal, printed once per refresh with `--plain` or when stdout is not a terminal.
//! Nothing is stored.

use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hexaboard_core::pipeline::{Outcome, Pipeline};
use hexaboard_core::text::Report;
use hexaboard_mqtt::session::StopSignal;
use hexaboard_mqtt::settings::Defaults;

use crate::cli::WatchArgs;
use crate::common::Context;
use crate::failure::UsageError;
use crate::live;
use crate::live_table::LiveTable;

struct State {
    pipeline: Pipeline,
    table: LiveTable,
}

pub(crate) fn run(args: &WatchArgs, context: &Context) -> anyhow::Result<()> {
    if !(args.refresh.is_finite() && args.refresh > 0.0) {
        return Err(UsageError(format!(
            "--refresh {}: expected a number of seconds above 0",
            args.refresh
        ))
        .into());
    }
    let text = context.text();
    let settings = context.connection(&Defaults::examples())?;
    let config = settings.pipeline_config();
    let max_boards = config.max_boards;
    let state = Arc::new(Mutex::new(State {
        pipeline: Pipeline::new(config),
        table: LiveTable::default(),
    }));
    let stop = StopSignal::install()?;

    eprintln!("{}", text.connecting(settings.broker(), settings.port()));
    let handler_state = Arc::clone(&state);
    let builder = live::subscriber(&settings, text, &stop).on_message(move |message| {
        let now = Instant::now();
        let mut guard = handler_state.lock().unwrap_or_else(PoisonError::into_inner);
        let State { pipeline, table } = &mut *guard;
        match pipeline.process(
            message.topic,
            message.payload,
            time::OffsetDateTime::now_utc(),
        ) {
            Outcome::Reading(outcome) => {
                if let Some(eviction) = outcome.eviction.as_ref().filter(|e| e.first) {
                    eprintln!("{}", text.boards_evicted(max_boards, &eviction.board));
                }
                table.on_reading(&outcome, now);
            }
            Outcome::Status { board, status } => table.on_status(board, status),
            Outcome::Rejected(_) => table.on_rejected(),
            Outcome::Other => {}
        }
    });
    let Some(session) = live::connect(builder)? else {
        return Ok(());
    };

    let redraw = !args.plain && std::io::stdout().is_terminal();
    let refresh = Duration::from_secs_f64(args.refresh);
    // Subscribe again once per episode of silence, in case the broker lost the subscription
    // (the most common "connected but silent" trouble); from this thread, never the callback.
    let mut resubscribed = false;
    loop {
        let (screen, stale) = {
            let guard = state.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let screen = guard.table.render(guard.pipeline.registry(), now, text);
            (screen, guard.table.any_stale(now))
        };
        if stale && !resubscribed {
            resubscribed = true;
            match session.resubscribe() {
                Ok(()) => eprintln!("{}", text.stale_resubscribed()),
                Err(error) => eprintln!("{}", text.error(&Report(&error))),
            }
        } else if !stale {
            resubscribed = false;
        }
        live::draw(&screen, redraw, text);
        if stop.wait_timeout(refresh) {
            break;
        }
    }
    if redraw {
        println!();
    }
    session.stop_at_exit();
    Ok(())
}
