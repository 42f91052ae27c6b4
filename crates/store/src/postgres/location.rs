//! [`Location`]: the database a store connects to, parsed once from its URL, and how it is
//! shown in every message: the URL without a password.

use std::str::FromStr as _;
use std::time::Duration;

use postgres::config::SslMode;
use postgres::Config;

use super::cause::Cause;
use crate::StoreError;

/// How long a connection attempt waits for the server when the URL sets no
/// `connect_timeout`: an unreachable host fails in seconds instead of minutes.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a store connects to: the client's configuration (with the password) and the text that
/// names the database in messages (without it).
#[derive(Clone)]
pub(super) struct Location {
    config: Config,
    shown: String,
}

impl Location {
    /// Parses `url` (`postgres://user@host:port/db`, `postgresql://…`, or key/value
    /// `host=… dbname=…`) and adds `password`, which the URL does not hold.
    ///
    /// TLS is refused (`sslmode=require`): the store speaks plain TCP or a Unix socket, so
    /// `sslmode=prefer` (the default) connects without it.
    pub(super) fn parse(url: &str, password: Option<&str>) -> Result<Location, StoreError> {
        let shown = without_password(url);
        let mut config = Config::from_str(url).map_err(|e| {
            StoreError::database(
                &shown,
                "read the database URL",
                Cause::with_hint(
                    &e,
                    "write it as postgres://USER@HOST:PORT/DATABASE in STORE",
                ),
            )
        })?;
        if config.get_ssl_mode() == SslMode::Require {
            return Err(StoreError::database(
                &shown,
                "connect to the database",
                Cause::plain(
                    "sslmode=require asks for TLS, which this hexaboard does not speak to \
                     PostgreSQL: connect over a Unix socket or a trusted network, or through a \
                     TLS tunnel, and drop sslmode=require from STORE",
                ),
            ));
        }
        if let Some(password) = password {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        config.application_name("hexaboard");
        Ok(Location { config, shown })
    }

    /// The client's configuration.
    pub(super) fn config(&self) -> &Config {
        &self.config
    }

    /// The database as messages name it: the URL without a password.
    pub(super) fn shown(&self) -> &str {
        &self.shown
    }
}

/// `url` with the password of a `postgres://user:password@…` URL, or of a key/value
/// `password=…`, replaced by nothing, so that no message shows it.
fn without_password(url: &str) -> String {
    let scheme_end = ["postgres://", "postgresql://"]
        .iter()
        .find(|scheme| url.starts_with(*scheme))
        .map(|scheme| scheme.len());
    let Some(start) = scheme_end else {
        return key_values_without_password(url);
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}{}",
                &url[..start + colon],
                &authority[at..],
                &rest[authority_end..]
            )
        }
        _ => url.to_owned(),
    }
}

/// Key/value parameters without their `password=…` (quoted or not).
fn key_values_without_password(text: &str) -> String {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (pair, after) = split_pair(rest);
        if !pair.trim_start().starts_with("password") {
            out.push(pair.trim());
        }
        rest = after.trim_start();
    }
    out.join(" ")
}

/// The first `key=value` of `text` (a quoted value may hold spaces and `\'`), and the rest.
fn split_pair(text: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    let mut seen_value = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '\'' => quoted = !quoted,
            '=' => seen_value = true,
            c if c.is_whitespace() && !quoted && seen_value && !text[..i].ends_with('=') => {
                return (&text[..i], &text[i..]);
            }
            _ => {}
        }
    }
    (text, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            without_password("postgres://board:s3cret@db.local:5432/hexaboard?sslmode=disable"),
            "postgres://board@db.local:5432/hexaboard?sslmode=disable"
        );
        assert_eq!(
            without_password("postgresql://board@db.local/hexaboard"),
            "postgresql://board@db.local/hexaboard"
        );
        assert_eq!(
            without_password("postgres://db.local:5432/hexaboard"),
            "postgres://db.local:5432/hexaboard"
        );
    }

    #[test]
    fn key_values_are_shown_without_the_password() {
        assert_eq!(
            without_password("host=/run/postgresql password='a b\\'c' dbname=hexaboard"),
            "host=/run/postgresql dbname=hexaboard"
        );
        assert_eq!(
            without_password("host = db password = x user=me"),
            "host = db user=me"
        );
    }

    #[test]
    fn tls_required_is_refused_with_what_to_do() {
        let Err(e) = Location::parse("postgres://me@db/hexaboard?sslmode=require", None) else {
            panic!("sslmode=require was accepted");
        };
        let text = e.to_string();
        assert!(text.starts_with("postgres://me@db/hexaboard?sslmode=require: cannot connect"));
        assert!(text.contains("drop sslmode=require from STORE"), "{text}");
    }

    #[test]
    fn the_password_is_taken_apart_and_not_shown() {
        let location = Location::parse("postgres://me@db/hexaboard", Some("pw")).unwrap();
        assert_eq!(location.config().get_password(), Some(&b"pw"[..]));
        assert_eq!(location.shown(), "postgres://me@db/hexaboard");
    }
}
