//! The `.env` file: read once into a map, without touching the process environment, and the
//! warnings about the file itself (readable by every user, names hexaboard does not read).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::error::SettingsError;
use super::table;

/// A `.env` file read into a map.
pub(crate) struct DotEnv {
    pub(crate) path: PathBuf,
    pub(crate) values: HashMap<String, String>,
    world_readable: bool,
}

impl DotEnv {
    /// The file's variables, or `None` when there is no file at `path`. When a name appears
    /// twice the first line wins, as with `dotenvy::dotenv`.
    pub(crate) fn read(path: &Path) -> Result<Option<DotEnv>, SettingsError> {
        let read_error = |source| SettingsError::DotEnvRead {
            path: path.to_owned(),
            source,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_error(e)),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut values = HashMap::new();
        let mut parsed = 0;
        for item in dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((name, value)) => {
                    parsed += 1;
                    values.entry(name).or_insert(value);
                }
                Err(dotenvy::Error::LineParse(entry, _)) => {
                    return Err(SettingsError::DotEnvSyntax {
                        path: path.to_owned(),
                        line: line_of(text, &entry).unwrap_or(parsed + 1),
                    })
                }
                Err(dotenvy::Error::Io(e)) => return Err(read_error(e)),
                Err(e) => return Err(read_error(io::Error::other(e))),
            }
        }
        Ok(Some(DotEnv {
            path: path.to_owned(),
            values,
            world_readable: world_readable(path),
        }))
    }

    /// Warnings about the file itself; `holds_password` when the password in use came from it.
    pub(crate) fn notes(&self, holds_password: bool) -> Vec<String> {
        let mut notes = Vec::new();
        if holds_password && self.world_readable {
            let p = self.path.display();
            notes.push(format!("`{p}` is readable by every user: chmod 600 {p}"));
        }
        let mut unknown: Vec<&str> = self
            .values
            .keys()
            .map(String::as_str)
            .filter(|k| {
                ["MQTT_", "TOPIC_", "HEXABOARD_"]
                    .iter()
                    .any(|prefix| k.starts_with(prefix))
                    && table::find(k).is_none()
            })
            .collect();
        unknown.sort_unstable();
        for name in unknown {
            notes.push(format!(
                "`{}` sets {name}, which hexaboard does not read: check the spelling",
                self.path.display()
            ));
        }
        notes
    }
}

/// The line (from 1) where `entry`, an entry dotenvy could not parse, starts in `text`.
/// dotenvy reports the entry's text, not its line; the text itself is never shown, as it may
/// hold the password.
fn line_of(text: &str, entry: &str) -> Option<usize> {
    let entry = entry.trim_end_matches(['\r', '\n']);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let rest = &text[start..];
        let ends_there = rest.get(entry.len()..).is_some_and(|after| {
            after.is_empty() || after.starts_with(['\r', '\n', ' ', '\t', '#'])
        });
        if rest.starts_with(entry) && ends_there {
            return Some(text[..start].matches('\n').count() + 1);
        }
        start += line.len();
    }
    None
}

#[cfg(unix)]
fn world_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o004 != 0)
}

#[cfg(not(unix))]
fn world_readable(_path: &Path) -> bool {
    false
}
