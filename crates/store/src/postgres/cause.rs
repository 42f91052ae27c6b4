//! [`Cause`]: what the database said, on one line, with what to do about it when that is
//! known. `postgres::Error`'s own `Display` says only `db error` or `error connecting to
//! server`; the server's message and the operating system's error are in its sources.

use std::error::Error as StdError;
use std::fmt;

use postgres::error::SqlState;

/// The cause of a [`StoreError::Database`](crate::StoreError::Database): the database's error
/// as one line, and a hint naming the fix.
#[derive(Debug)]
pub struct Cause {
    text: String,
    hint: Option<&'static str>,
    code: Option<SqlState>,
}

impl Cause {
    /// The error `e` with its sources on one line (`error connecting to server: Connection
    /// refused (os error 111)`, `FATAL: password authentication failed for user "me"`).
    pub(super) fn new(e: &postgres::Error) -> Cause {
        Cause {
            text: one_line(e),
            hint: None,
            code: e.code().cloned(),
        }
    }

    /// [`Cause::new`] followed by `hint`.
    pub(super) fn with_hint(e: &postgres::Error, hint: &'static str) -> Cause {
        Cause {
            hint: Some(hint),
            ..Cause::new(e)
        }
    }

    /// A cause that is only a sentence.
    pub(super) fn plain(text: impl Into<String>) -> Cause {
        Cause {
            text: text.into(),
            hint: None,
            code: None,
        }
    }

    /// The error that made connecting fail, with the fix for the usual causes: a wrong user
    /// or password, a database that does not exist, a server that cannot be reached.
    pub(super) fn of_connect(e: &postgres::Error) -> Cause {
        let hint = match e.code() {
            Some(code)
                if *code == SqlState::INVALID_PASSWORD
                    || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                "check the user in STORE and the password (in STORE or PGPASSWORD)"
            }
            Some(code) if *code == SqlState::INVALID_CATALOG_NAME => {
                "create the database (createdb) or name another one in STORE"
            }
            Some(code) if *code == SqlState::TOO_MANY_CONNECTIONS => {
                "the server has no free connection: raise its max_connections or stop a client"
            }
            Some(_) => return Cause::new(e),
            None if one_line(e).contains("password missing") => {
                "the server asks for a password: give it in STORE or PGPASSWORD"
            }
            None => {
                "check the host and port in STORE and that PostgreSQL runs and accepts TCP \
                     connections there"
            }
        };
        Cause::with_hint(e, hint)
    }

    /// The SQL state the server gave, when it gave one.
    pub fn code(&self) -> Option<&SqlState> {
        self.code.as_ref()
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        if let Some(hint) = self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl StdError for Cause {}

/// `e` and its sources joined with `: `, the server's own message without its DETAIL and HINT
/// lines (they may quote row values), and without `postgres`'s bare `db error` before it.
pub(super) fn one_line(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        let line = line.lines().next().unwrap_or_default();
        text.push_str(": ");
        text.push_str(line);
        source = cause.source();
    }
    text
}
