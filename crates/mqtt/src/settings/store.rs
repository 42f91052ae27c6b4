//! [`StoreLocation`]: where `record` keeps readings (`STORE`), parsed once: the chapter's CSV,
//! a SQLite database file or a PostgreSQL server, told apart by the value's form.
//!
//! A PostgreSQL URL may carry a password (`postgres://maker:pw@host/db`, or
//! `?password=pw`): it is taken out of the URL as the value is parsed and kept as a
//! [`Secret`], so the URL as shown (in [`Settings::describe`](super::Settings::describe),
//! `Debug`, errors) never holds it.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use super::parse::Problem;
use super::secret::Secret;

/// Where readings are kept: the value of `STORE`.
///
/// | `STORE` | store |
/// | --- | --- |
/// | a path ending in `.csv` | [`StoreLocation::Csv`], the chapter's CSV |
/// | `sqlite:PATH`, or a path ending in `.db`, `.sqlite` or `.sqlite3` | [`StoreLocation::Sqlite`] |
/// | `postgres://…` or `postgresql://…` | [`StoreLocation::Postgres`] |
///
/// ```
/// use hexaboard_mqtt::settings::StoreLocation;
///
/// let store = StoreLocation::parse("postgres://maker:pw@db.local/hexaboard").unwrap();
/// assert_eq!(store.to_string(), "postgres://maker@db.local/hexaboard");
/// assert!(!format!("{store:?}").contains("pw"));
/// assert_eq!(
///     StoreLocation::parse("sqlite:lab.data"),
///     Some(StoreLocation::Sqlite("lab.data".into()))
/// );
/// assert_eq!(StoreLocation::parse("readings.txt"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    /// The chapter's CSV file.
    Csv(PathBuf),
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres(PostgresUrl),
}

impl StoreLocation {
    /// The location `text` names, or `None` when it has none of the forms of the table above.
    pub fn parse(text: &str) -> Option<StoreLocation> {
        location(OsStr::new(text)).ok()
    }

    /// The file the readings go to, for a store kept in a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreLocation::Csv(path) | StoreLocation::Sqlite(path) => Some(path),
            StoreLocation::Postgres(_) => None,
        }
    }
}

impl fmt::Display for StoreLocation {
    /// The path, `sqlite:PATH` for a SQLite file whose name does not say it, or the URL
    /// without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Csv(path) => write!(f, "{}", path.display()),
            StoreLocation::Sqlite(path) if has_extension(path, SQLITE_EXTENSIONS) => {
                write!(f, "{}", path.display())
            }
            StoreLocation::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreLocation::Postgres(url) => write!(f, "{url}"),
        }
    }
}

/// A PostgreSQL connection URL, with its password (from the URL or `PGPASSWORD`) kept apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresUrl {
    /// The URL without its password.
    url: String,
    password: Option<Secret>,
}

impl PostgresUrl {
    /// The URL without its password, as the driver takes it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The password: from the URL, else from `PGPASSWORD`.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// Uses `password` when the URL gave none.
    pub(crate) fn or_password(mut self, password: Option<Secret>) -> PostgresUrl {
        if self.password.is_none() {
            self.password = password;
        }
        self
    }
}

impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

const SQLITE_EXTENSIONS: &[&str] = &["db", "sqlite", "sqlite3"];
const POSTGRES_SCHEMES: &[&str] = &["postgres://", "postgresql://"];

/// `STORE`: see [`StoreLocation`].
pub(crate) fn location(raw: &OsStr) -> Result<StoreLocation, Problem> {
    if let Some(text) = raw.to_str() {
        let lower = text.to_ascii_lowercase();
        if POSTGRES_SCHEMES.iter().any(|s| lower.starts_with(s)) {
            let (url, password) = without_password(text);
            return Ok(StoreLocation::Postgres(PostgresUrl {
                url,
                password: password.map(Secret::new),
            }));
        }
        if lower.starts_with("sqlite:") {
            let path = &text["sqlite:".len()..];
            // `sqlite:///abs/path.db` and `sqlite://rel.db`, as other tools write them.
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Problem::Expected(Cow::Borrowed(
                    "expected the database file's path after sqlite:, such as sqlite:readings.db",
                )));
            }
            return Ok(StoreLocation::Sqlite(PathBuf::from(path)));
        }
    }
    let path = PathBuf::from(raw);
    if has_extension(&path, &["csv"]) {
        return Ok(StoreLocation::Csv(path));
    }
    if has_extension(&path, SQLITE_EXTENSIONS) {
        return Ok(StoreLocation::Sqlite(path));
    }
    Err(Problem::Expected(Cow::Borrowed(
        "expected a CSV file ending in .csv, a SQLite database (sqlite:PATH, or a file ending \
         in .db, .sqlite or .sqlite3) or a PostgreSQL URL (postgres://USER@HOST/DATABASE)",
    )))
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// A given text of `STORE` as an error may show it: a URL without its password.
pub fn shown(text: &str) -> String {
    if text.contains("://") {
        without_password(text).0
    } else {
        text.to_owned()
    }
}

/// `url` with its password taken out (`user:pw@` → `user@`, a `password=` query parameter
/// dropped), and the password, percent-decoded.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let (scheme, rest) = url.split_at(scheme_end);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let mut password = None;
    let mut shown = scheme.to_owned();
    match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.split_once(':') {
                Some((user, pw)) => {
                    password = Some(percent_decoded(pw));
                    shown.push_str(user);
                }
                None => shown.push_str(userinfo),
            }
            shown.push_str(host);
        }
        None => shown.push_str(authority),
    }
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    shown.push_str(path);
    if let Some(query) = query {
        let (fragment_free, fragment) = match query.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (query, None),
        };
        let mut kept = Vec::new();
        for param in fragment_free.split('&') {
            match param.split_once('=') {
                Some((key, value)) if key.eq_ignore_ascii_case("password") => {
                    password.get_or_insert_with(|| percent_decoded(value));
                }
                _ => kept.push(param),
            }
        }
        if !kept.is_empty() {
            shown.push('?');
            shown.push_str(&kept.join("&"));
        }
        if let Some(fragment) = fragment {
            shown.push('#');
            shown.push_str(fragment);
        }
    }
    (shown, password)
}

/// `%XX` sequences decoded (as URLs write a `@` or `:` in a password); a text that does not
/// decode to UTF-8 is kept as written.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> StoreLocation {
        location(OsStr::new(text)).unwrap()
    }

    #[test]
    fn each_form_names_its_store() {
        assert_eq!(parsed("lab.csv"), StoreLocation::Csv("lab.csv".into()));
        assert_eq!(
            parsed("/data/LAB.CSV"),
            StoreLocation::Csv("/data/LAB.CSV".into())
        );
        for path in ["r.db", "r.sqlite", "r.sqlite3", "r.DB"] {
            assert_eq!(parsed(path), StoreLocation::Sqlite(path.into()));
        }
        assert_eq!(
            parsed("sqlite:r.data"),
            StoreLocation::Sqlite("r.data".into())
        );
        assert_eq!(
            parsed("sqlite:///tmp/r"),
            StoreLocation::Sqlite("/tmp/r".into())
        );
        assert!(matches!(
            parsed("postgres://h/db"),
            StoreLocation::Postgres(_)
        ));
        assert!(matches!(
            parsed("PostgreSQL://h/db"),
            StoreLocation::Postgres(_)
        ));
    }

    #[test]
    fn other_values_are_refused() {
        for text in [
            "readings",
            "r.txt",
            "sqlite:",
            "mysql://u:pw@h/db",
            "r.csv.bak",
        ] {
            assert!(location(OsStr::new(text)).is_err(), "{text}");
        }
    }

    #[test]
    fn the_password_leaves_the_url() {
        let StoreLocation::Postgres(url) =
            parsed("postgres://maker:p%40ss@db:5432/hx?sslmode=require")
        else {
            panic!("a PostgreSQL URL");
        };
        assert_eq!(url.url(), "postgres://maker@db:5432/hx?sslmode=require");
        assert_eq!(url.password().map(Secret::expose), Some("p@ss"));
        let StoreLocation::Postgres(url) = parsed("postgresql://db/hx?password=pw&user=maker#x")
        else {
            panic!("a PostgreSQL URL");
        };
        assert_eq!(url.url(), "postgresql://db/hx?user=maker#x");
        assert_eq!(url.password().map(Secret::expose), Some("pw"));
        assert!(!format!("{url:?}").contains("pw"));
    }

    #[test]
    fn a_password_from_elsewhere_does_not_replace_the_urls() {
        let url = |text| match parsed(text) {
            StoreLocation::Postgres(url) => url.or_password(Some(Secret::new("env"))),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            url("postgres://u:url@h/d").password().map(Secret::expose),
            Some("url")
        );
        assert_eq!(
            url("postgres://u@h/d").password().map(Secret::expose),
            Some("env")
        );
    }

    #[test]
    fn an_error_shows_a_url_without_its_password() {
        assert_eq!(shown("mysql://u:secret@h/db"), "mysql://u@h/db");
        assert_eq!(shown("x.txt"), "x.txt");
    }

    #[test]
    fn a_sqlite_file_is_shown_as_it_may_be_given() {
        assert_eq!(parsed("r.db").to_string(), "r.db");
        assert_eq!(parsed("sqlite:r.data").to_string(), "sqlite:r.data");
    }
}
