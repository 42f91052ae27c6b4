//! How a test reaches its server: the `postgres://` URL of the test user, and the key/value
//! parameters of the superuser over the private Unix socket.

use std::fmt::Write as _;

use super::{Postgres, SUPERUSER};

impl Postgres {
    /// `postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE`, the test user's URL over TCP (user
    /// and password percent-encoded), as `postgres::Client::connect` and `psql` take it.
    pub fn url(&self) -> String {
        self.url_with_password(self.password())
    }

    /// The URL of [`url`](Self::url) with another password: for tests of a wrong password.
    pub fn url_with_password(&self, password: &str) -> String {
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{}",
            percent_encode(self.user()),
            percent_encode(password),
            self.port,
            percent_encode(self.database()),
        )
    }

    /// Key/value connection parameters (`host=DIR port=PORT user=postgres dbname=DATABASE`) of
    /// the bootstrap superuser `postgres` over the server's Unix socket, which lives in the
    /// server's own temp dir and is trusted without a password.
    ///
    /// For set-up a test user may not do (another role, `pg_terminate_backend` of any
    /// session); a store under test should connect with [`url`](Self::url).
    pub fn admin_params(&self) -> String {
        format!(
            "host={} port={} user={SUPERUSER} dbname={}",
            quote(&self.dir.path().display().to_string()),
            self.port,
            quote(self.database())
        )
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a user, password or
/// database name with `@`, `:` or `/` stays one URL component.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A key/value parameter's value in single quotes, `'` and `\` escaped with `\`.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::{percent_encode, quote};

    #[test]
    fn percent_encoding_keeps_unreserved_characters_and_escapes_the_rest() {
        assert_eq!(percent_encode("hexa_board-1.0~"), "hexa_board-1.0~");
        assert_eq!(percent_encode("p@ss:w/rd%"), "p%40ss%3Aw%2Frd%25");
        assert_eq!(percent_encode("비번"), "%EB%B9%84%EB%B2%88");
    }

    #[test]
    fn quoted_values_escape_quotes_and_backslashes() {
        assert_eq!(quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(quote(r"it's\x"), r"'it\'s\\x'");
    }
}
