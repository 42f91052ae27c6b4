//! Words for values: a trend, a comfort band, an LED colour. One word per concept, used by every
//! command that shows it (`summary`, `watch`, `demo`, `react`, `simulate --led`).

use super::catalogue::catalogue;
use crate::judge::{HumidityComfort, TempComfort};
use crate::stats::Trend;

catalogue! {
    part Words(text);

    words {
        /// A trend in words: `상승`, `하락`, `안정`, `데이터 부족`.
        pub fn trend(trend: Trend) {
            Trend::Rising => "상승", "rising";
            Trend::Falling => "하락", "falling";
            Trend::Stable => "안정", "stable";
            Trend::NotEnoughData => "데이터 부족", "not enough data";
        }

        /// A temperature band in words: `너무 추움`, `쾌적`, `너무 더움`.
        pub fn temperature_comfort(comfort: TempComfort) {
            TempComfort::TooCold => "너무 추움", "too cold";
            TempComfort::Comfortable => "쾌적", "comfortable";
            TempComfort::TooHot => "너무 더움", "too hot";
        }

        /// A humidity band in words: `너무 건조`, `쾌적`, `너무 습함`.
        pub fn humidity_comfort(comfort: HumidityComfort) {
            HumidityComfort::TooDry => "너무 건조", "too dry";
            HumidityComfort::Comfortable => "쾌적", "comfortable";
            HumidityComfort::TooHumid => "너무 습함", "too humid";
        }

        /// The name of an LED colour (red, green, blue): `파랑` for `[0, 0, 255]`, and `색`
        /// for a colour without a name.
        pub fn colour(rgb: [u8; 3]) {
            [0, 0, 255] => "파랑", "blue";
            [255, 0, 0] => "빨강", "red";
            [0, 255, 0] => "초록", "green";
            [255, 255, 0] => "노랑", "yellow";
            [255, 255, 255] => "흰색", "white";
            [0, 0, 0] => "검정", "black";
            _ => "색", "colour";
        }
    }
}
