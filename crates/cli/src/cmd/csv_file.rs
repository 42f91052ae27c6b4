//! Reading a recorded CSV for `summary`, `plot` and `import`: bad lines told on stderr with their number
//! and skipped, a last line cut short skipped with a note; a missing, empty or unreadable file,
//! or one without the chapter's header, is an error.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{bail, Context as _};
use hexaboard_core::csv_row::{Row, RowError, RowReader};
use hexaboard_core::Text;

/// What was skipped while reading.
#[derive(Debug, Default)]
pub(crate) struct Skipped {
    /// Line numbers of lines that are not rows.
    pub(crate) bad_lines: Vec<u64>,
    /// The line number of a last line cut short.
    pub(crate) partial_last_line: Option<u64>,
}

/// Opens the recorded CSV at `path`, with its length.
///
/// # Errors
///
/// A missing, unreadable or empty file, naming the path.
pub(crate) fn open(path: &Path) -> anyhow::Result<(File, u64)> {
    let shown = path.display();
    let file = File::open(path).with_context(|| format!("cannot open {shown}"))?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {shown}"))?
        .len();
    if len == 0 {
        bail!(
            "{shown} is empty: expected the header `Timestamp,Board,Temperature,Humidity,Light` \
             and rows of readings"
        );
    }
    Ok((file, len))
}

/// The error that ends reading `path`: a wrong header, or a read that failed. (A bad line is
/// told and skipped instead.)
pub(crate) fn fatal(path: &Path, error: RowError) -> anyhow::Error {
    let shown = path.display();
    match error {
        e @ RowError::Io(_) => anyhow::Error::new(e).context(shown.to_string()),
        e => anyhow::anyhow!("{shown} is not a CSV of readings: {e}"),
    }
}

/// Hands every row of `path` to `each`.
///
/// # Errors
///
/// A missing, empty or unreadable file, or a wrong header, naming the path.
pub(crate) fn read_rows(
    path: &Path,
    text: Text,
    mut each: impl FnMut(Row),
) -> anyhow::Result<Skipped> {
    let (file, _) = open(path)?;
    let mut reader = RowReader::new(BufReader::new(file));
    let mut skipped = Skipped::default();
    for item in reader.by_ref() {
        match item {
            Ok(row) => each(row),
            Err(RowError::Line { line, message }) => {
                eprintln!("{}", text.csv_line_skipped(path, line, &message));
                skipped.bad_lines.push(line);
            }
            Err(e) => return Err(fatal(path, e)),
        }
    }
    skipped.partial_last_line = reader.partial_tail();
    if let Some(line) = skipped.partial_last_line {
        eprintln!("{}", text.csv_last_line_partial(path, line));
    }
    Ok(skipped)
}
