//! The page's words in Korean and English, served as `GET /api/words`.
//!
//! The words the console also shows (the comfort bands, the trends, `stale`, `N초 전`, the
//! alert cell, the column and chart labels) come from [`hexaboard_core::text::Text`], so the page
//! says what `watch` and `summary` say. A comfort band's, a trend's and a state's key is the
//! value the API sends for it (`too_hot`, `not_enough_data`, `stale`), so the page looks a
//! board's `trend` up as it is. The words only the page has (its title, buttons, the
//! connection, the range labels, the LED answers) are defined here once, in both languages.
//!
//! A word may hold placeholders in braces (`{seconds}초 전`), which the page fills in.

use hexaboard_core::judge::{HumidityComfort, TempComfort};
use hexaboard_core::stats::Trend;
use hexaboard_core::text::{Lang, Text};
use serde_json::{Map, Value};

/// Both languages' words: `{"ko": {...}, "en": {...}}`, the same snake_case keys in each.
pub fn words() -> Value {
    let mut both = Map::new();
    for lang in [Lang::Ko, Lang::En] {
        both.insert(lang.code().to_owned(), Value::Object(words_in(lang)));
    }
    Value::Object(both)
}

/// A number no line of the catalogue holds, written in place of a placeholder and then
/// replaced by the placeholder's name.
const PLACEHOLDER_NUMBER: u64 = 987_654_321;

/// The words of one language.
fn words_in(lang: Lang) -> Map<String, Value> {
    let text = Text::new(lang);
    let mut words = Map::new();
    let mut put = |key: String, word: String| {
        let previous = words.insert(key.clone(), Value::String(word));
        debug_assert!(previous.is_none(), "the word {key} is defined twice");
    };

    for (key, comfort) in [
        ("too_cold", TempComfort::TooCold),
        ("comfortable", TempComfort::Comfortable),
        ("too_hot", TempComfort::TooHot),
    ] {
        put(key.into(), text.temperature_comfort(comfort).to_owned());
    }
    // `comfortable` is the temperature's word; the humidity's is the same (tested).
    for (key, comfort) in [
        ("too_dry", HumidityComfort::TooDry),
        ("too_humid", HumidityComfort::TooHumid),
    ] {
        put(key.into(), text.humidity_comfort(comfort).to_owned());
    }
    for (key, trend) in [
        ("rising", Trend::Rising),
        ("falling", Trend::Falling),
        ("stable", Trend::Stable),
        ("not_enough_data", Trend::NotEnoughData),
    ] {
        put(key.into(), text.trend(trend).to_owned());
    }
    put("stale".into(), text.stale().to_string());
    put(
        "seconds_ago".into(),
        text.seconds_ago(PLACEHOLDER_NUMBER)
            .to_string()
            .replace(&PLACEHOLDER_NUMBER.to_string(), "{seconds}"),
    );
    put(
        "high_temperature".into(),
        text.high_temperature_cell().to_string(),
    );

    let [board, temperature, humidity, _, _, trend, comfort, _, state, last] = text.live_columns();
    for (key, word) in [
        ("label_board", board),
        ("label_temperature", temperature),
        ("label_humidity", humidity),
        ("label_trend", trend),
        ("label_comfort", comfort),
        ("label_state", state),
        ("label_last", last),
    ] {
        put(key.into(), word.to_owned());
    }
    // The LED colours the console names (each made of 0s and 255s): `colour_0_0_255` is blue.
    let unnamed = text.colour([1, 2, 3]);
    for bits in 0..8u8 {
        let rgb = [bits >> 2 & 1, bits >> 1 & 1, bits & 1].map(|on| on * 255);
        let name = text.colour(rgb);
        if name != unnamed {
            put(
                format!("colour_{}_{}_{}", rgb[0], rgb[1], rgb[2]),
                name.to_owned(),
            );
        }
    }

    let [_, chart_temperature, chart_humidity, _] = text.plot_labels();
    put("chart_temperature".into(), chart_temperature.to_owned());
    put("chart_humidity".into(), chart_humidity.to_owned());

    for (key, ko, en) in PAGE_WORDS {
        put((*key).to_owned(), lang_pick(lang, ko, en).to_owned());
    }
    words
}

/// `ko` in Korean, `en` in English.
fn lang_pick<'a>(lang: Lang, ko: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// The words only the page shows: key, Korean, English.
const PAGE_WORDS: &[(&str, &str, &str)] = &[
    ("title", "Hexaboard", "Hexaboard"),
    (
        "subtitle",
        "교실 센서 보드 실시간 보기",
        "Classroom sensor boards, live",
    ),
    ("language", "언어", "Language"),
    ("broker", "브로커", "Broker"),
    ("broker_connected", "연결됨", "connected"),
    ("broker_disconnected", "연결 끊김", "disconnected"),
    ("reconnecting", "다시 연결하는 중…", "reconnecting…"),
    ("loading", "불러오는 중…", "loading…"),
    (
        "load_failed",
        "불러오지 못했습니다: {error}",
        "could not load: {error}",
    ),
    ("recording", "기록: {store}", "recording to {store}"),
    ("not_recording", "기록하지 않음", "not recording"),
    (
        "read_only",
        "읽기 전용: LED를 바꿀 수 없습니다",
        "read-only: LED control is off",
    ),
    ("online", "온라인", "online"),
    ("offline", "오프라인", "offline"),
    ("unknown", "알 수 없음", "unknown"),
    ("label_light", "조도", "Light"),
    (
        "no_boards",
        "아직 보드가 없습니다. 보드가 데이터를 보내면 여기에 나타납니다.",
        "No boards yet. A board appears here when it sends a reading.",
    ),
    ("no_readings", "아직 데이터가 없습니다", "no readings yet"),
    ("minutes_ago", "{minutes}분 전", "{minutes} min ago"),
    ("hours_ago", "{hours}시간 전", "{hours} h ago"),
    ("days_ago", "{days}일 전", "{days} d ago"),
    (
        "readings_count",
        "데이터 {readings}개",
        "{readings} reading(s)",
    ),
    ("led", "LED", "LED"),
    ("led_last", "마지막 LED 명령", "Last LED command"),
    ("led_is_off", "꺼짐", "off"),
    ("led_color", "색", "Colour"),
    ("led_brightness", "밝기", "Brightness"),
    ("led_on", "켜기", "On"),
    ("led_off", "끄기", "Off"),
    ("led_sending", "보내는 중…", "sending…"),
    ("led_sent", "보냄 ✓ {topic}", "sent ✓ {topic}"),
    (
        "rule",
        "🤖 react 규칙: 보드 {from} {judged} → LED {sent}",
        "🤖 react rule: board {from} {judged} → LED {sent}",
    ),
    (
        "rule_waiting",
        "(대기 중: {pending})",
        "(waiting: {pending})",
    ),
    ("led_failed", "보내지 못함: {error}", "not sent: {error}"),
    ("charts", "차트", "Charts"),
    (
        "choose_board",
        "카드를 누르거나 보드를 고르세요",
        "Click a card or choose a board",
    ),
    ("range", "기간", "Range"),
    ("range_1h", "1시간", "1 h"),
    ("range_24h", "24시간", "24 h"),
    ("range_7d", "7일", "7 d"),
    ("range_30d", "30일", "30 d"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: &str) -> Vec<String> {
        let words = words();
        let mut keys: Vec<String> = words[lang]
            .as_object()
            .unwrap_or_else(|| panic!("no {lang} words"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys("ko"), keys("en"));
        assert!(keys("ko").len() > 40, "{:?}", keys("ko"));
    }

    #[test]
    fn keys_are_snake_case_and_words_are_not_empty() {
        let words = words();
        for lang in ["ko", "en"] {
            for (key, word) in words[lang].as_object().into_iter().flatten() {
                assert!(
                    key.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{key}"
                );
                assert!(
                    !word.as_str().unwrap_or_default().is_empty(),
                    "{lang} {key}"
                );
            }
        }
    }

    #[test]
    fn comfort_trend_and_stale_words_are_the_consoles() {
        let words = words();
        for lang in [Lang::Ko, Lang::En] {
            let text = Text::new(lang);
            let page = &words[lang.code()];
            assert_eq!(
                page["too_hot"],
                text.temperature_comfort(TempComfort::TooHot)
            );
            assert_eq!(
                page["too_cold"],
                text.temperature_comfort(TempComfort::TooCold)
            );
            assert_eq!(
                page["comfortable"],
                text.humidity_comfort(HumidityComfort::Comfortable)
            );
            assert_eq!(
                page["comfortable"],
                text.temperature_comfort(TempComfort::Comfortable)
            );
            assert_eq!(
                page["too_dry"],
                text.humidity_comfort(HumidityComfort::TooDry)
            );
            assert_eq!(
                page["too_humid"],
                text.humidity_comfort(HumidityComfort::TooHumid)
            );
            assert_eq!(page["rising"], text.trend(Trend::Rising));
            assert_eq!(page["not_enough_data"], text.trend(Trend::NotEnoughData));
            assert_eq!(page["stale"], text.stale().to_string());
        }
        assert_eq!(words["ko"]["too_hot"], "너무 더움");
        assert_eq!(words["en"]["falling"], "falling");
    }

    #[test]
    fn the_led_colours_are_named_as_the_console_names_them() {
        let words = words();
        assert_eq!(words["ko"]["colour_0_0_255"], "파랑");
        assert_eq!(words["en"]["colour_255_0_0"], "red");
        assert_eq!(words["en"]["colour_0_0_0"], "black");
        // A colour the console has no name for has no word: the page shows its values.
        assert!(words["en"].get("colour_255_0_255").is_none());
    }

    #[test]
    fn seconds_ago_is_the_consoles_line_with_a_placeholder() {
        let words = words();
        assert_eq!(words["ko"]["seconds_ago"], "{seconds}초 전");
        assert_eq!(words["en"]["seconds_ago"], "{seconds} s ago");
        for lang in [Lang::Ko, Lang::En] {
            let pattern = words[lang.code()]["seconds_ago"]
                .as_str()
                .unwrap_or_default();
            assert_eq!(
                pattern.replace("{seconds}", "7"),
                Text::new(lang).seconds_ago(7).to_string()
            );
        }
    }

    #[test]
    fn every_state_and_range_of_the_api_has_a_word() {
        let words = words();
        for lang in ["ko", "en"] {
            for key in [
                "online",
                "offline",
                "stale",
                "unknown",
                "range_1h",
                "range_24h",
                "range_7d",
                "range_30d",
            ] {
                assert!(words[lang][key].is_string(), "{lang} {key}");
            }
        }
    }

    /// The keys `app.js` and `index.html` name literally: `t('key'` and `data-word="key"`.
    fn keys_named_by_the_page() -> Vec<String> {
        let script = crate::assets::asset("app.js")
            .map(|a| a.body)
            .unwrap_or_default();
        let script = String::from_utf8_lossy(script);
        let html = crate::assets::index_html("ko");
        let mut keys = Vec::new();
        for (text, opening, closing) in [(&*script, "t('", '\''), (&*html, "data-word=\"", '"')] {
            for (at, _) in text.match_indices(opening) {
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' || before == '.' {
                    continue; // `split('{'`, not `t('`
                }
                let rest = &text[at + opening.len()..];
                keys.extend(rest.split_once(closing).map(|(key, _)| key.to_owned()));
            }
        }
        keys
    }

    #[test]
    fn every_word_the_page_names_is_defined() {
        let words = words();
        let keys = keys_named_by_the_page();
        assert!(keys.len() > 30, "{keys:?}");
        for key in keys {
            for lang in ["ko", "en"] {
                assert!(words[lang][&key].is_string(), "{lang} has no word {key:?}");
            }
        }
    }

    #[test]
    fn english_words_hold_no_korean() {
        let words = words();
        for (key, word) in words["en"].as_object().into_iter().flatten() {
            let word = word.as_str().unwrap_or_default();
            assert!(
                !word.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)),
                "{key}: {word}"
            );
        }
    }
}
