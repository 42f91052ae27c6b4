//! `hexaboard retain`: a retention pass on a database store — the readings stored since the
//! last pass go into the per-minute and per-hour rollups, and with `--keep-days N` the raw
//! readings older than N days are deleted. `record --keep-days N` runs the same pass at start
//! and every hour while it records.

use std::thread;
use std::time::Duration;

use anyhow::bail;
use hexaboard_core::text::{Escaped, Text};
use hexaboard_mqtt::session::StopSignal;
use hexaboard_mqtt::settings::{Secret, StoreLocation};
use hexaboard_store::retention::{KeepDays, Retained};
use hexaboard_store::{postgres, sqlite};
use time::OffsetDateTime;

use crate::cli::RetainArgs;
use crate::common::Context;
use crate::failure::UsageError;
use crate::history_source;
use crate::progress::Progress;

/// How often `record --keep-days` runs a pass.
const EVERY: Duration = Duration::from_secs(3600);

pub(crate) fn run(args: &RetainArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let location = match &args.store {
        Some(store) => history_source::named(std::path::Path::new(store), context)?,
        None => context.app()?.store().clone(),
    };
    let keep = args.keep_days.map(KeepDays);
    refuse_csv(&location)?;
    let progress = Progress::spinner();
    let retained = pass(&location, keep, &mut |so_far| {
        progress.say(
            text.retain_progress(so_far.rolled_up, so_far.deleted)
                .to_string(),
        );
        true
    })?;
    progress.finish();
    say(text, &location, keep, retained);
    Ok(())
}

/// Refuses a CSV store, which keeps every reading.
///
/// # Errors
///
/// A [`UsageError`] naming the CSV and where to go instead.
pub(crate) fn refuse_csv(location: &StoreLocation) -> anyhow::Result<()> {
    if let StoreLocation::Csv(path) = location {
        bail!(UsageError(format!(
            "`{}` is the chapter's CSV, which keeps every reading: retention is for a database \
             store (STORE=readings.db or postgres://…); `hexaboard import` moves the CSV into one",
            path.display()
        )));
    }
    Ok(())
}

/// One pass on the database `location` names, now.
fn pass(
    location: &StoreLocation,
    keep: Option<KeepDays>,
    progress: &mut dyn FnMut(Retained) -> bool,
) -> anyhow::Result<Retained> {
    let now = OffsetDateTime::now_utc();
    Ok(match location {
        StoreLocation::Csv(_) => Retained::default(),
        StoreLocation::Sqlite(path) => sqlite::retain(path, now, keep, progress)?,
        StoreLocation::Postgres(url) => postgres::retain(
            url.url(),
            url.password().map(Secret::expose),
            now,
            keep,
            progress,
        )?,
    })
}

fn say(text: Text, location: &StoreLocation, keep: Option<KeepDays>, retained: Retained) {
    println!(
        "{}",
        text.retain_rolled_up(&location.to_string(), retained.rolled_up)
    );
    if let Some(KeepDays(days)) = keep {
        println!("{}", text.retain_deleted(days, retained.deleted));
    }
}

/// Runs a pass on `location` now and then every hour until `stop` is set, on a thread of
/// its own; a pass that fails is told and tried again an hour later, recording going on.
pub(crate) fn every_hour(
    location: StoreLocation,
    keep: KeepDays,
    text: Text,
    stop: StopSignal,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("retention".into())
        .spawn(move || loop {
            // A stop ends the pass between two batches, so record stops at once.
            match pass(&location, Some(keep), &mut |_| !stop.is_set()) {
                Ok(retained) => say(text, &location, Some(keep), retained),
                Err(e) => eprintln!("⚠️ {}", Escaped(format!("{e:#}"))),
            }
            if stop.wait_timeout(EVERY) {
                return;
            }
        })
}
