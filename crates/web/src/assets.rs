//! The page's files, compiled into the binary: `index.html`, its script and style, and the
//! vendored uPlot (see `crates/web/assets/README.md`). Nothing is read from disk at run time.
//!
//! The page keeps to the strict Content-Security-Policy of `docs/web.md`: no inline script,
//! no inline style; the tests below check `index.html` for both.

use hexaboard_core::text::Lang;

/// One file served under `/assets/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// The file's bytes.
    pub body: &'static [u8],
    /// Its `Content-Type`.
    pub content_type: &'static str,
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The file at `path` under `/assets/` (`app.js`, `app.css`, `uPlot.iife.min.js`,
/// `uPlot.min.css`), or `None` for any other path.
pub fn asset(path: &str) -> Option<Asset> {
    let (body, content_type): (&'static [u8], _) = match path {
        "app.js" => (include_bytes!("../assets/app.js"), JAVASCRIPT),
        "app.css" => (include_bytes!("../assets/app.css"), CSS),
        "uPlot.iife.min.js" => (include_bytes!("../assets/uPlot.iife.min.js"), JAVASCRIPT),
        "uPlot.min.css" => (include_bytes!("../assets/uPlot.min.css"), CSS),
        _ => return None,
    };
    Some(Asset { body, content_type })
}

/// The page as written in `assets/index.html`.
const INDEX_HTML: &str = include_str!("../assets/index.html");

/// How `index.html` opens its `<html>` element; the language is put in its place.
const HTML_LANG: &str = "<html lang=\"ko\">";

/// `index.html` with `<html lang="…">` set to `lang`: `en` (or an English locale such as
/// `en_US.UTF-8`) gives `en`, anything else the default, `ko`. The page starts in that
/// language unless the reader chose another one before.
pub fn index_html(lang: &str) -> String {
    let lang = Lang::from_code(lang).unwrap_or_default();
    INDEX_HTML.replacen(HTML_LANG, &format!("<html lang=\"{}\">", lang.code()), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_with_its_type() {
        for (path, content_type) in [
            ("app.js", JAVASCRIPT),
            ("app.css", CSS),
            ("uPlot.iife.min.js", JAVASCRIPT),
            ("uPlot.min.css", CSS),
        ] {
            let found = asset(path).unwrap_or_else(|| panic!("{path} is not found"));
            assert_eq!(found.content_type, content_type, "{path}");
            assert!(
                found.body.len() > 1000,
                "{path} is {} bytes",
                found.body.len()
            );
        }
    }

    #[test]
    fn an_unknown_path_is_not_found() {
        for path in [
            "",
            "index.html",
            "../Cargo.toml",
            "app.js/",
            "APP.JS",
            "uPlot.LICENSE",
        ] {
            assert_eq!(asset(path), None, "{path}");
        }
    }

    #[test]
    fn index_opens_with_the_default_language() {
        assert!(
            INDEX_HTML.contains(HTML_LANG),
            "index.html must open with {HTML_LANG}"
        );
    }

    #[test]
    fn index_has_its_language_set() {
        for (asked, set) in [
            ("ko", "ko"),
            ("en", "en"),
            ("en_US.UTF-8", "en"),
            ("de", "ko"),
            ("\"><script>", "ko"),
        ] {
            let html = index_html(asked);
            assert!(html.contains(&format!("<html lang=\"{set}\">")), "{asked}");
            assert_eq!(html.matches("<html").count(), 1, "{asked}");
        }
    }

    #[test]
    fn index_has_no_inline_script_or_style() {
        let html = index_html("ko").to_ascii_lowercase();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert_eq!(scripts.len(), 2, "uPlot and app.js");
        for script in scripts {
            let (tag, after) = script.split_once('>').unwrap_or((script, ""));
            assert!(tag.contains(" src=\"/assets/"), "<script{tag}>");
            assert!(
                after.starts_with("</script>"),
                "a script with a body: {after:.40}"
            );
        }
        assert!(!html.contains("style="), "a style attribute");
        assert!(!html.contains("<style"), "a <style> block");
        for (at, _) in html.match_indices(" on") {
            let name: String = html[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(
                !html[at + 1 + name.len()..].starts_with('='),
                "an event handler attribute {name}"
            );
        }
        assert!(!html.contains("javascript:"), "a javascript: URL");
    }
}
