//! The language of the console text: Korean (the chapter's words) or English.

use std::fmt::{self, Display};

/// The language of the console text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Korean, the chapter's own words. The default.
    #[default]
    Ko,
    /// English, with the same emojis and layout.
    En,
}

impl Lang {
    /// Reads a language code or a locale name: `ko`, `KO`, `ko_KR`, `ko-KR.UTF-8` are Korean,
    /// `en`, `en_US`, `en_GB.UTF-8` are English. The first two letters decide (case does not
    /// matter) and must be the whole text or be followed by `_`, `-`, `.` or `@`.
    ///
    /// Returns `None` for anything else (`C`, `POSIX`, `de_DE`, `english`, the empty string),
    /// so the caller can say which value it did not understand.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim();
        let (prefix, rest) = code.split_at_checked(2)?;
        if !(rest.is_empty() || rest.starts_with(['_', '-', '.', '@'])) {
            return None;
        }
        if prefix.eq_ignore_ascii_case("ko") {
            Some(Lang::Ko)
        } else if prefix.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The two-letter code: `ko` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// `ko` in Korean, `en` in English: how the catalogue picks a text.
    pub(crate) const fn pick(self, ko: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}

impl Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_read_by_their_prefix() {
        for code in [
            "ko",
            "KO",
            "Ko",
            "ko_KR",
            "ko-KR.UTF-8",
            "ko_KR.utf8",
            " ko ",
        ] {
            assert_eq!(Lang::from_code(code), Some(Lang::Ko), "{code:?}");
        }
        for code in ["en", "EN", "en_US", "en_GB.UTF-8", "en@euro"] {
            assert_eq!(Lang::from_code(code), Some(Lang::En), "{code:?}");
        }
        for code in [
            "", "k", "C", "POSIX", "C.UTF-8", "de_DE", "english", "kor", "한국",
        ] {
            assert_eq!(Lang::from_code(code), None, "{code:?}");
        }
    }

    #[test]
    fn korean_is_the_default() {
        assert_eq!(Lang::default(), Lang::Ko);
        assert_eq!(Lang::En.to_string(), "en");
    }
}
