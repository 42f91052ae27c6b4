//! Where `summary` and `plot` read readings: the chapter's CSV, or a database store read back
//! through [`History`].

use std::path::{Path, PathBuf};

use hexaboard_mqtt::settings::{shown_store, Secret, StoreLocation};
use hexaboard_store::history::History;
use hexaboard_store::postgres::PostgresHistory;
use hexaboard_store::sqlite::SqliteHistory;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::common::Context;
use crate::failure::UsageError;

/// The readings a history command reads.
pub(crate) enum Source {
    /// The chapter's CSV, read line by line.
    Csv(PathBuf),
    /// A database store.
    Database(Box<dyn History>),
}

/// The source named by `file` (a CSV path, or a database as `STORE` names one:
/// `readings.db`, `sqlite:PATH`, `postgres://…`), else by `STORE`, else `CSV_FILE`.
///
/// # Errors
///
/// The settings cannot be read, or the database cannot be opened (no such file, not
/// hexaboard's, a newer schema, the server refuses).
pub(crate) fn open(file: Option<&Path>, context: &Context) -> anyhow::Result<Source> {
    let location = match file {
        Some(file) => named(file, context)?,
        None => match context.app()?.store() {
            StoreLocation::Csv(_) => StoreLocation::Csv(context.csv_file()?),
            other => other.clone(),
        },
    };
    at(location)
}

/// The source at `location`.
///
/// # Errors
///
/// The database cannot be opened (no such file, not hexaboard's, a newer schema, the server
/// refuses).
pub(crate) fn at(location: StoreLocation) -> anyhow::Result<Source> {
    Ok(match location {
        StoreLocation::Csv(path) => Source::Csv(path),
        StoreLocation::Sqlite(path) => Source::Database(Box::new(SqliteHistory::open(path)?)),
        StoreLocation::Postgres(url) => {
            let password = url.password().map(Secret::expose);
            Source::Database(Box::new(PostgresHistory::connect(url.url(), password)?))
        }
    })
}

/// The store `file` names: a database as `STORE` names one (a URL without a password takes
/// `PGPASSWORD`'s), else a CSV path.
///
/// # Errors
///
/// A [`UsageError`] for a URL that names no store (shown without its password).
pub(crate) fn named(file: &Path, context: &Context) -> anyhow::Result<StoreLocation> {
    let Some(text) = file.to_str() else {
        return Ok(StoreLocation::Csv(file.to_owned()));
    };
    if let Some(location) = context.app()?.store_named(text) {
        return Ok(location);
    }
    if text.contains("://") {
        return Err(UsageError(format!(
            "`{}` names no store: write postgres://USER@HOST/DATABASE, sqlite:PATH, a .db file \
             or a .csv file",
            shown_store(text)
        ))
        .into());
    }
    Ok(StoreLocation::Csv(file.to_owned()))
}

/// A stored receive time as the CSV would show it: local wall-clock time, whole seconds.
pub(crate) fn local(at: OffsetDateTime, offset: UtcOffset) -> PrimitiveDateTime {
    let at = at.to_offset(offset);
    let at = PrimitiveDateTime::new(at.date(), at.time());
    at.replace_nanosecond(0).unwrap_or(at)
}
