//! Words of the analysis and control commands in Korean and English.

use hexaboard_core::judge::{HumidityComfort, TempComfort};
use hexaboard_core::stats::Trend;
use hexaboard_core::Lang;

/// The Korean or the English text.
pub(crate) fn pick<'a>(lang: Lang, ko: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// A trend in words.
pub(crate) fn trend(lang: Lang, trend: Trend) -> &'static str {
    match trend {
        Trend::Rising => pick(lang, "상승", "rising"),
        Trend::Falling => pick(lang, "하락", "falling"),
        Trend::Stable => pick(lang, "안정", "stable"),
        Trend::NotEnoughData => pick(lang, "데이터 부족", "not enough data"),
    }
}

/// A temperature band in words.
pub(crate) fn temperature(lang: Lang, comfort: TempComfort) -> &'static str {
    match comfort {
        TempComfort::TooCold => pick(lang, "너무 추움", "too cold"),
        TempComfort::Comfortable => pick(lang, "쾌적", "comfortable"),
        TempComfort::TooHot => pick(lang, "너무 더움", "too hot"),
    }
}

/// A humidity band in words.
pub(crate) fn humidity(lang: Lang, comfort: HumidityComfort) -> &'static str {
    match comfort {
        HumidityComfort::TooDry => pick(lang, "너무 건조", "too dry"),
        HumidityComfort::Comfortable => pick(lang, "쾌적", "comfortable"),
        HumidityComfort::TooHumid => pick(lang, "너무 습함", "too humid"),
    }
}
