//! `hexaboard import FILE.csv`: the readings of a recorded CSV put into the `STORE` database
//! (SQLite or PostgreSQL), so that importing the same file twice adds nothing.
//!
//! Every bad line is told on stderr with its line number and left out, as `summary` tells
//! them; a row without a temperature or a humidity cannot be a database reading and is a bad
//! line too. The good lines are imported, and the exit code is 1 when any line was left out.
//! A missing or empty file, or one without the chapter's header, is an error before anything
//! is imported (nor any database made). Local times are read at the offset of this machine
//! when the command starts. The last line says how many readings were added and how many were
//! already there (`hexaboard_store::import`).

use std::fs::File;
use std::io::{BufRead as _, BufReader, Seek as _};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender};

use anyhow::{bail, Context as _};
use hexaboard_core::csv_row::{board_of_cell, is_header, Row, RowError, RowReader};
use hexaboard_core::Text;
use hexaboard_mqtt::settings::{Secret, StoreLocation};
use hexaboard_store::history::StoredReading;
use hexaboard_store::import::{BatchImport, Importer};
use hexaboard_store::postgres::PostgresImport;
use hexaboard_store::sqlite::SqliteImport;
use time::UtcOffset;

use crate::cli::ImportArgs;
use crate::cmd::csv_file;
use crate::common::Context;
use crate::failure::UsageError;
use crate::progress::{Progress, Unit};

pub(crate) fn run(args: &ImportArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let app = context.app()?;
    let path = args.file.as_path();
    let shown = path.display();
    let (file, len) = check_file(path)?;
    let target: Box<dyn BatchImport> = match app.store() {
        StoreLocation::Csv(store) => {
            return Err(UsageError(format!(
                "import puts a CSV into a database, and STORE (or --store) names the CSV `{}`: \
                 set it to sqlite:PATH or postgres://USER@HOST/DATABASE",
                store.display()
            ))
            .into())
        }
        StoreLocation::Sqlite(db) => Box::new(SqliteImport::open(db)?),
        StoreLocation::Postgres(url) => Box::new(PostgresImport::connect(
            url.url(),
            url.password().map(Secret::expose),
        )?),
    };
    let mut importer = Importer::new(target);
    let progress = Progress::new(len, Unit::Bytes);
    // The file is read and parsed on a thread of its own while this one stores: each is
    // about half of an import's work.
    let (chunks, parsed) = mpsc::sync_channel(CHUNKS_IN_FLIGHT);
    let (progress, offset) = (&progress, context.offset);
    let read = std::thread::scope(|scope| {
        // The sender moves into the reader, so the storing loop ends when the reader does.
        let reader = scope.spawn(move || {
            let rows = RowReader::new(BufReader::new(progress.reader(file)));
            read_rows(rows, path, offset, text, progress, &chunks)
        });
        let stored = store_all(parsed, &mut importer);
        // The reader ends when the file does, or when its chunks are no longer taken.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading {shown} failed")));
        stored.and(read)
    })?;
    let imported = importer.finish()?;
    progress.finish();
    let mut bad = read.bad_lines;
    if let Some(line) = read.partial_tail {
        eprintln!("{}", text.csv_last_line_partial(path, line));
        bad += 1;
    }
    println!(
        "{}",
        text.import_done(path, imported.added, imported.present)
    );
    if bad > 0 {
        bail!(
            "{bad} line(s) of {shown} not imported (told above): mend them and import the file \
             again; what is in now is not added twice"
        );
    }
    Ok(())
}

/// Readings handed from the reading thread to the storing one at a time.
const CHUNK: usize = 4_096;

/// Chunks read ahead of the storing, at most.
const CHUNKS_IN_FLIGHT: usize = 4;

/// What reading the file found besides readings.
#[derive(Debug, Default)]
struct Read {
    /// Lines told and left out.
    bad_lines: u64,
    /// The line number of a last line cut short.
    partial_tail: Option<u64>,
}

/// Reads every row, tells each bad line on stderr, and sends the readings in chunks until
/// the file ends or `chunks` is no longer received from.
fn read_rows(
    mut rows: RowReader<impl std::io::Read>,
    path: &Path,
    offset: UtcOffset,
    text: Text,
    progress: &Progress,
    chunks: &SyncSender<Vec<StoredReading>>,
) -> anyhow::Result<Read> {
    let mut read = Read::default();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut skipped = |line: u64, reason: &str| {
        progress.suspend(|| eprintln!("{}", text.csv_line_skipped(path, line, reason)));
        read.bad_lines += 1;
    };
    for item in rows.by_ref() {
        match item {
            Ok(row) => match reading(row, offset, text) {
                Ok(reading) => chunk.push(reading),
                Err((line, reason)) => skipped(line, &reason),
            },
            Err(RowError::Line { line, message }) => skipped(line, &message),
            Err(e) => return Err(csv_file::fatal(path, e)),
        }
        if chunk.len() >= CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if chunks.send(full).is_err() {
                return Ok(read); // the storing failed, and says why
            }
        }
    }
    if !chunk.is_empty() {
        // A failed send means the storing failed, and says why.
        let _ = chunks.send(chunk);
    }
    read.partial_tail = rows.partial_tail();
    Ok(read)
}

/// Stores every reading received, until the reading thread is done or storing fails (which
/// drops `parsed`, so the reading thread stops too).
fn store_all(parsed: Receiver<Vec<StoredReading>>, importer: &mut Importer) -> anyhow::Result<()> {
    for chunk in parsed {
        for reading in chunk {
            importer.push(reading)?;
        }
    }
    Ok(())
}

/// The file, at its start, and its length, once it is known to exist, to hold something and
/// to start with the chapter's header: checked before any database is opened (or made).
fn check_file(path: &Path) -> anyhow::Result<(File, u64)> {
    let (mut file, len) = csv_file::open(path)?;
    let mut first = Vec::new();
    BufReader::new(&file)
        .read_until(b'\n', &mut first)
        .and_then(|_| file.rewind())
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !is_header(&first) {
        let found = String::from_utf8_lossy(&first).trim_end().to_owned();
        return Err(csv_file::fatal(path, RowError::Header { found }));
    }
    Ok((file, len))
}

/// A row as a database reading: its local time read at `offset`, the board without the
/// formula guard the CSV gives it. A row without a temperature or a humidity is its line
/// number and why it cannot be one.
fn reading(row: Row, offset: UtcOffset, text: Text) -> Result<StoredReading, (u64, String)> {
    let (Some(temperature), Some(humidity)) = (row.temperature, row.humidity) else {
        return Err((row.line, text.import_number_missing().to_string()));
    };
    // The cell's own text when it has no guard, which is nearly always.
    let board = match board_of_cell(&row.board) {
        board if board.len() == row.board.len() => row.board,
        board => board.to_owned(),
    };
    Ok(StoredReading {
        received_at: row
            .timestamp
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
        board,
        temperature,
        humidity,
        light: row.light,
    })
}
