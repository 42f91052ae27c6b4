//! `hexaboard export -o FILE.csv`: the readings of the `STORE` database (SQLite or
//! PostgreSQL) written as the chapter's CSV, byte for byte as `record` writes it: in storing
//! order, receive times in local time at this machine's offset, numbers as the boards sent
//! them; `--from`, `--to` and `--board` select some of them (`history_args`).
//!
//! The CSV is written to a temporary file beside `FILE.csv` and moved into place once it is
//! complete and on disk, so a failed export leaves no half file. An existing `FILE.csv` is
//! kept unless `--force` is given (and is not replaced by a file that appeared meanwhile).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hexaboard_core::csv_row::RowWriter;

use crate::cli::ExportArgs;
use crate::common::Context;
use crate::failure::UsageError;
use crate::history_source::{self, Source};
use crate::progress::{Progress, Unit};

pub(crate) fn run(args: &ExportArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let output = args.output.as_path();
    let mut history = match history_source::open(None, context)? {
        Source::Database(history) => history,
        Source::Csv(store) => {
            return Err(UsageError(format!(
                "export writes a database's readings as a CSV, and STORE (or --store) names \
                 the CSV `{}`, which is one already: set it to sqlite:PATH or \
                 postgres://USER@HOST/DATABASE",
                store.display()
            ))
            .into())
        }
    };
    if !args.force && output.exists() {
        return Err(UsageError(format!(
            "{} exists: name another file, or pass --force to replace it",
            output.display()
        ))
        .into());
    }
    let selection = args.history.selection(context.offset);
    let total = history
        .boards(&selection, 0)?
        .iter()
        .map(|board| board.readings)
        .sum();
    let progress = Progress::new(total, Unit::Readings);
    let mut partial = Partial::create(output)?;
    let mut rows = RowWriter::new(partial.file()?, context.offset);
    rows.write_header()
        .with_context(|| format!("cannot write {}", partial.path.display()))?;
    let mut written = 0u64;
    let mut failed = None;
    history.readings(&selection, &mut |r| match rows.write_row(
        r.received_at,
        &r.board,
        r.temperature,
        r.humidity,
        r.light,
    ) {
        Ok(()) => {
            written += 1;
            progress.advance(1);
            true
        }
        Err(e) => {
            failed = Some(e);
            false
        }
    })?;
    let shown = partial.path.display().to_string();
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context(format!("cannot write {shown}")));
    }
    let file = rows
        .into_inner()
        .with_context(|| format!("cannot write {shown}"))?;
    file.sync_all()
        .with_context(|| format!("cannot write {shown}"))?;
    drop(file);
    partial.persist(args.force)?;
    progress.finish();
    println!("{}", text.export_done(output, written));
    Ok(())
}

/// The CSV being written, under a temporary name beside its final path; that name is removed
/// when dropped (the file is gone then, unless [`Partial::persist`] gave it its final name).
struct Partial {
    path: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl Partial {
    /// A new file beside `target`, named after it and this process.
    fn create(target: &Path) -> anyhow::Result<Partial> {
        let name = target
            .file_name()
            .with_context(|| format!("{} names no file", target.display()))?;
        let mut hidden = std::ffi::OsString::from(".");
        hidden.push(name);
        hidden.push(format!(".{}.partial", std::process::id()));
        let path = target.with_file_name(hidden);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Partial {
            path,
            target: target.to_owned(),
            file: Some(file),
        })
    }

    /// The file, to write (once).
    fn file(&mut self) -> anyhow::Result<File> {
        self.file
            .take()
            .with_context(|| format!("{} is already being written", self.path.display()))
    }

    /// Puts the complete file at its final path: replacing a file there when `replace`, else
    /// failing if one has appeared since the start.
    fn persist(self, replace: bool) -> anyhow::Result<()> {
        let (from, to) = (&self.path, &self.target);
        let moved = if replace {
            fs::rename(from, to)
        } else {
            // A hard link never replaces a file: the name is taken or it is not. The
            // temporary name goes when `self` is dropped.
            fs::hard_link(from, to)
        };
        match moved {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(UsageError(format!(
                    "{} appeared while exporting: name another file, or pass --force to \
                     replace it",
                    to.display()
                ))
                .into())
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "cannot move {} to {}",
                    from.display(),
                    to.display()
                )))
            }
        }
        // The new name is made durable with its directory.
        let dir = match to.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if let Ok(dir) = File::open(dir) {
            // The file itself is on disk; a directory that cannot be synced keeps its name
            // until the next sync of the system.
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        // Nothing useful can be done when the half file cannot be removed; it is hidden and
        // named after the process.
        let _ = fs::remove_file(&self.path);
    }
}
