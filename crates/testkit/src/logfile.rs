//! Reading the logs a server child process leaves in its temp dir.

use std::fs;
use std::path::Path;

use anyhow::Context as _;

/// The file's text (invalid UTF-8 replaced), or an empty string when it does not exist yet.
///
/// # Errors
///
/// When the file exists but cannot be read.
pub(crate) fn read_or_empty(path: &Path) -> anyhow::Result<String> {
    match fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
