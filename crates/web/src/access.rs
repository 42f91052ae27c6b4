//! Who may do what: a token when the page is served beyond loopback, commands only by `POST`
//! from the page's own origin with a JSON body, and the headers every answer carries (a
//! Content-Security-Policy without inline scripts among them).

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::api::error;
use crate::server::App;

/// The cookie that carries the token after `/?token=…`.
const COOKIE: &str = "hexaboard_token";

/// The policy: scripts, styles and data only from the page's own origin; no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Checks a request before its handler runs (see the module docs); adds the security headers
/// to every answer.
pub(crate) async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    let mut response = match refusal(&app, &request) {
        None => next.run(request).await,
        Some(refused) => refused,
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The answer refusing `request`, if it is refused.
fn refusal(app: &App, request: &Request) -> Option<Response> {
    let path = request.uri().path();
    if let Some(token) = app.config.token.as_deref() {
        if !path.starts_with("/assets/") {
            if let Some(given) = query_token(request.uri().query()) {
                if path == "/" && same(given, token) {
                    // The token leaves the address bar for an HttpOnly cookie.
                    let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
                    let mut to_page = Redirect::to("/").into_response();
                    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                        to_page.headers_mut().insert(header::SET_COOKIE, cookie);
                    }
                    return Some(to_page);
                }
            }
            if !carries(request.headers(), token) {
                return Some(error(
                    StatusCode::UNAUTHORIZED,
                    "this page needs its token: open /?token=TOKEN once, or send \
                     `Authorization: Bearer TOKEN`",
                ));
            }
        }
    }
    if request.method() == Method::POST {
        if app.config.read_only {
            return Some(error(
                StatusCode::FORBIDDEN,
                "this page is read-only: it listens beyond loopback without --token",
            ));
        }
        if cross_origin(request.headers()) {
            return Some(error(
                StatusCode::FORBIDDEN,
                "commands are taken only from the page's own origin",
            ));
        }
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim() == "application/json")
            });
        if !json {
            return Some(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the command as Content-Type: application/json",
            ));
        }
    }
    None
}

/// The `token` of a query string.
fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Whether the request carries `token` as a bearer token or in the cookie.
fn carries(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same(given.trim(), token));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .any(|given| same(given, token));
    bearer || cookie
}

/// Whether a request comes from another site: an `Origin` that is not `http://{Host}`, or a
/// browser's `Sec-Fetch-Site: cross-site`.
fn cross_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if text("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (None, _) => false,
        (Some(origin), Some(host)) => {
            origin.strip_prefix("http://") != Some(host)
                && origin.strip_prefix("https://") != Some(host)
        }
        (Some(_), None) => true,
    }
}

/// Compares two tokens in time that does not depend on where they differ.
fn same(given: &str, token: &str) -> bool {
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_with_the_host() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!cross_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!cross_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(cross_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(cross_origin(&headers(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn tokens_are_found_in_the_bearer_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        assert!(!carries(&h, "s3cret"));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; hexaboard_token=s3cret"),
        );
        assert!(carries(&h, "s3cret"));
        assert!(!carries(&h, "s3cre"));
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(carries(&h, "s3cret"));
        assert_eq!(query_token(Some("x=1&token=abc")), Some("abc"));
    }
}
