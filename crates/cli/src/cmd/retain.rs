//! `hexaboard retain`: a retention pass on a database store — the readings stored since the
//! last pass go into the per-minute and per-hour rollups, and with `--keep-days N` the raw
//! readings older than N days are deleted.

use anyhow::bail;
use hexaboard_mqtt::settings::{Secret, StoreLocation};
use hexaboard_store::retention::KeepDays;
use hexaboard_store::{postgres, sqlite};
use time::OffsetDateTime;

use crate::cli::RetainArgs;
use crate::common::Context;
use crate::failure::UsageError;

pub(crate) fn run(args: &RetainArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let location = match &args.store {
        Some(store) => StoreLocation::parse(store).ok_or_else(|| {
            UsageError(format!(
                "`{store}` names no store: write readings.db, sqlite:PATH or postgres://…"
            ))
        })?,
        None => context.app()?.store().clone(),
    };
    let keep = args.keep_days.map(KeepDays);
    let now = OffsetDateTime::now_utc();
    let retained = match &location {
        StoreLocation::Csv(path) => bail!(UsageError(format!(
            "`{}` is the chapter's CSV, which keeps every reading: retention is for a database \
             store (STORE=readings.db or postgres://…); `hexaboard import` moves the CSV into one",
            path.display()
        ))),
        StoreLocation::Sqlite(path) => sqlite::retain(path, now, keep, &mut |_| ())?,
        StoreLocation::Postgres(url) => postgres::retain(
            url.url(),
            url.password().map(Secret::expose),
            now,
            keep,
            &mut |_| (),
        )?,
    };
    let shown = location.to_string();
    println!("{}", text.retain_rolled_up(&shown, retained.rolled_up));
    if let Some(KeepDays(days)) = keep {
        println!("{}", text.retain_deleted(days, retained.deleted));
    }
    Ok(())
}
