//! Every line the chapter's programs print, in Korean (the chapter's words) and English.
//!
//! All console text of hexaboard comes from here, so the examples print what the book prints
//! and a learner can compare the two line by line. [`Text`] has one method per line of the
//! chapter; each returns a [`Line`], a small `Copy` value that writes its text when formatted
//! and allocates nothing, because some lines (the save line, the reading block) are printed for
//! every message.
//!
//! ```
//! use hexaboard_core::number::Number;
//! use hexaboard_core::reading::Reading;
//! use hexaboard_core::text::{Lang, Text};
//! use time::macros::time;
//!
//! let n = |s| Number::parse_json(s).unwrap();
//! let reading = Reading::new("A", n("25"), n("60"), Some(n("800")), None);
//!
//! let ko = Text::default();
//! assert_eq!(
//!     ko.reading(time!(10:30:15), &reading).to_string(),
//!     "[10:30:15] 보드 A\n  🌡️  온도: 25°C\n  💧 습도: 60%\n  💡 조도: 800\n",
//! );
//! assert_eq!(
//!     ko.saved_reading(time!(10:30:15), &reading).to_string(),
//!     "[10:30:15] 보드 A: 25°C, 60%, 조도 800",
//! );
//!
//! let en = Text::new(Lang::from_code("en_US.UTF-8").unwrap());
//! assert_eq!(en.subscribed("hexaboard/+/sensor/data").to_string(), "📬 Subscribed: hexaboard/+/sensor/data\n");
//!
//! // Text from the network cannot drive the terminal: escapes become visible.
//! let hostile = Reading::new("A\u{1b}[2J", n("25"), n("60"), None, None);
//! assert_eq!(
//!     ko.env_reading(time!(10:30:15), &hostile).to_string(),
//!     "[10:30:15] 보드 A\\x1b[2J: 25°C, 60%",
//! );
//! ```
//!
//! # Printing: one `println!` per line
//!
//! A [`Line`]'s text is exactly what the chapter hands to `print()`, without the newline
//! `print()` adds, so `println!("{line}")` prints byte for byte what the chapter prints. Where
//! the chapter's text has its own `\n` (`print(f"📬 구독: {TOPIC_SENSOR}\n")`), so does the
//! line. Where the chapter prints a block with several `print()` calls (the received block of
//! exercise 1, the reading block of exercise 2, the message of exercise 5), one method returns
//! the whole block, its lines joined by `\n`; the reading block's closing `print()` makes its
//! text end in `\n`, so `println!` leaves the chapter's blank line after it.
//!
//! # Where each line comes from
//!
//! | exercise | lines |
//! | --- | --- |
//! | 1 basic | [`server_start`](Text::server_start), [`ctrl_c_to_quit`](Text::ctrl_c_to_quit), [`broker_connected`](Text::broker_connected), [`subscribe_started`](Text::subscribe_started), [`connect_failed_with_code`](Text::connect_failed_with_code), [`received`](Text::received), [`shutdown`](Text::shutdown) |
//! | 2 JSON | [`server_start`](Text::server_start), [`waiting_for_data`](Text::waiting_for_data), [`connected`](Text::connected), [`subscribed`](Text::subscribed), [`connect_failed`](Text::connect_failed), [`reading`](Text::reading), [`json_parse_error`](Text::json_parse_error), [`processing_error`](Text::processing_error), [`shutdown`](Text::shutdown) |
//! | 3 save | [`csv_created`](Text::csv_created), [`collecting`](Text::collecting), [`connected`](Text::connected), [`subscribed`](Text::subscribed), [`saved_reading`](Text::saved_reading), [`saved`](Text::saved), [`error`](Text::error), [`shutdown_after_saving`](Text::shutdown_after_saving), [`data_location`](Text::data_location) |
//! | 4 `.env` | [`connecting`](Text::connecting), [`connected`](Text::connected), [`subscribed`](Text::subscribed), [`env_reading`](Text::env_reading), [`error`](Text::error), [`shutdown`](Text::shutdown) |
//! | 5 topics | [`multi_subscribed`](Text::multi_subscribed), [`multi_message`](Text::multi_message) |
//! | challenge 1 | [`high_temperature`](Text::high_temperature), and for our alert with hysteresis [`temperature_normal`](Text::temperature_normal) |
//! | challenge 2 | [`average_temperature`](Text::average_temperature) |
//! | ours | [`rejected`](Text::rejected), [`connection_lost`](Text::connection_lost), [`reconnecting`](Text::reconnecting), [`reconnected`](Text::reconnected), [`resubscribed`](Text::resubscribed) |
//!
//! Exercise 2 prints `Python MQTT 서버 시작...`; hexaboard is not Python, so
//! [`server_start`](Text::server_start) says `MQTT 서버 시작...` for both exercises, as
//! exercise 1 does. Every other Korean line is the chapter's, emojis and spacing included
//! (`  🌡️  온도:` has two spaces after the thermometer).
//!
//! # Text from the network
//!
//! Board ids, topics, payloads and error messages (which quote payloads) go through
//! [`sanitize_for_terminal`]'s escaping before they reach the output, so a publisher cannot
//! clear the screen, move the cursor, retitle the window or hide text with bidirectional
//! overrides. Paths and broker names get the same treatment; it costs nothing for ordinary text.
//!
//! Two places where hexaboard deliberately differs from the chapter's bytes: the JSON parse
//! error prints the payload as text (lossily decoded, escaped) instead of Python's `b'...'`
//! bytes repr, and the connect-failure lines take a reason text instead of paho's numeric
//! return code.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};
use std::path::Path;

use time::{PrimitiveDateTime, Time};

use crate::number::Number;
use crate::reading::Reading;

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
}

impl Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The console text in one language: one method per line the chapter prints.
///
/// Each method returns a [`Line`]; print it with `println!("{line}")` (see the
/// [module documentation](self) for how newlines are counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Text {
    lang: Lang,
}

impl From<Lang> for Text {
    fn from(lang: Lang) -> Text {
        Text { lang }
    }
}

impl Text {
    /// The text in `lang`.
    pub const fn new(lang: Lang) -> Text {
        Text { lang }
    }

    /// The language of this text.
    pub const fn lang(self) -> Lang {
        self.lang
    }

    fn line(self, msg: Msg<'_>) -> Line<'_> {
        Line {
            lang: self.lang,
            msg,
        }
    }

    /// `MQTT 서버 시작...`: the receiver starts (exercises 1 and 2; exercise 2's `Python `
    /// prefix is dropped).
    pub fn server_start(self) -> Line<'static> {
        self.line(Msg::ServerStart)
    }

    /// `Ctrl+C로 종료`: how to stop the receiver (exercise 1).
    pub fn ctrl_c_to_quit(self) -> Line<'static> {
        self.line(Msg::CtrlC)
    }

    /// `센서 데이터 대기 중...` and a blank line (exercise 2).
    pub fn waiting_for_data(self) -> Line<'static> {
        self.line(Msg::Waiting)
    }

    /// `센서 데이터 수집 및 저장 시작...` and a blank line (exercise 3).
    pub fn collecting(self) -> Line<'static> {
        self.line(Msg::Collecting)
    }

    /// `✅ MQTT Broker 연결 성공!`: connected, in exercise 1's words.
    pub fn broker_connected(self) -> Line<'static> {
        self.line(Msg::BrokerConnected)
    }

    /// `✅ MQTT 연결 성공!`: connected, in the words of exercises 2 to 4.
    pub fn connected(self) -> Line<'static> {
        self.line(Msg::Connected)
    }

    /// `📬 구독 시작: {filter}`: subscribed, in exercise 1's words.
    pub fn subscribe_started(self, filter: &str) -> Line<'_> {
        self.line(Msg::SubscribeStarted(filter))
    }

    /// `📬 구독: {filter}` and a blank line: subscribed, in the words of exercises 2 to 4.
    pub fn subscribed(self, filter: &str) -> Line<'_> {
        self.line(Msg::Subscribed(filter))
    }

    /// `❌ 연결 실패 (코드: {reason})`: the broker refused the connection (exercise 1's words).
    ///
    /// The chapter prints paho's numeric code; hexaboard passes a reason that names the cause.
    pub fn connect_failed_with_code(self, reason: &dyn Display) -> Line<'_> {
        self.line(Msg::ConnectFailedCode(reason))
    }

    /// `❌ 연결 실패: {reason}`: the broker refused the connection (exercise 2's words).
    pub fn connect_failed(self, reason: &dyn Display) -> Line<'_> {
        self.line(Msg::ConnectFailed(reason))
    }

    /// The received block of exercise 1, starting with a blank line:
    ///
    /// ```text
    ///
    /// 📥 수신:
    ///    Topic: {topic}
    ///    Data: {payload}
    /// ```
    ///
    /// The payload is decoded as UTF-8, invalid bytes shown as `�`.
    pub fn received<'a>(self, topic: &'a str, payload: &'a [u8]) -> Line<'a> {
        self.line(Msg::Received { topic, payload })
    }

    /// The reading block of exercise 2, received at `at` (local time):
    ///
    /// ```text
    /// [10:30:15] 보드 A
    ///   🌡️  온도: 25°C
    ///   💧 습도: 60%
    ///   💡 조도: 800
    ///
    /// ```
    ///
    /// The `💡` line only when the reading has a light value. The text ends in `\n`, so
    /// `println!` leaves the chapter's blank line after the block.
    pub fn reading<'a>(self, at: Time, reading: &'a Reading<'a>) -> Line<'a> {
        self.line(Msg::Reading { at, reading })
    }

    /// `❌ JSON 파싱 오류: {payload}`: the payload is not JSON (exercise 2).
    ///
    /// The chapter prints Python's bytes repr (`b'...'`); this prints the payload as text,
    /// decoded lossily and escaped.
    pub fn json_parse_error(self, payload: &[u8]) -> Line<'_> {
        self.line(Msg::JsonParseError(payload))
    }

    /// `❌ 처리 오류: {error}`: handling a message failed (exercise 2).
    pub fn processing_error(self, error: &dyn Display) -> Line<'_> {
        self.line(Msg::ProcessingError(error))
    }

    /// `❌ 오류: {error}`: handling a message failed (exercises 3 and 4).
    pub fn error(self, error: &dyn Display) -> Line<'_> {
        self.line(Msg::Error(error))
    }

    /// `[{HH:MM:SS}] 보드 {board}: {t}°C, {h}%, 조도 {light}`: the console line of exercise 3.
    ///
    /// A missing light prints `None`, as the chapter's Python does (the course firmware sends
    /// no light, so this is the usual case).
    pub fn saved_reading<'a>(self, at: Time, reading: &'a Reading<'a>) -> Line<'a> {
        self.line(Msg::SavedReading { at, reading })
    }

    /// `[{HH:MM:SS}] 보드 {board}: {t}°C, {h}%`: the console line of exercise 4.
    pub fn env_reading<'a>(self, at: Time, reading: &'a Reading<'a>) -> Line<'a> {
        self.line(Msg::EnvReading { at, reading })
    }

    /// `✅ CSV 파일 생성: {path}` and a blank line: a new CSV file with its header (exercise 3).
    pub fn csv_created(self, path: &Path) -> Line<'_> {
        self.line(Msg::CsvCreated(path))
    }

    /// `💾 저장 완료: {YYYY-MM-DD HH:MM:SS}`: a row was stored with this timestamp (exercise 3).
    pub fn saved(self, timestamp: PrimitiveDateTime) -> Line<'static> {
        self.line(Msg::Saved(timestamp))
    }

    /// A blank line, then `서버 종료`: the receiver stops (exercises 1, 2 and 4).
    pub fn shutdown(self) -> Line<'static> {
        self.line(Msg::Shutdown)
    }

    /// Two blank lines, then `서버 종료`: the receiver stops (exercise 3's words).
    pub fn shutdown_after_saving(self) -> Line<'static> {
        self.line(Msg::ShutdownAfterSaving)
    }

    /// `📁 데이터 저장 위치: {path}`: where the CSV file is (exercise 3, on exit).
    pub fn data_location(self, path: &Path) -> Line<'_> {
        self.line(Msg::DataLocation(path))
    }

    /// `연결 중: {broker}:{port}`: connecting (exercise 4).
    pub fn connecting(self, broker: &str, port: u16) -> Line<'_> {
        self.line(Msg::Connecting { broker, port })
    }

    /// `✅ 멀티 Topic 구독 완료` and a blank line: several filters subscribed (exercise 5).
    pub fn multi_subscribed(self) -> Line<'static> {
        self.line(Msg::MultiSubscribed)
    }

    /// A message of exercise 5, followed by a blank line:
    ///
    /// ```text
    /// 📥 [{topic}]
    ///    {payload}
    ///
    /// ```
    pub fn multi_message<'a>(self, topic: &'a str, payload: &'a [u8]) -> Line<'a> {
        self.line(Msg::MultiMessage { topic, payload })
    }

    /// `⚠️ 높은 온도: {t}°C`: the temperature alert of challenge 1.
    pub fn high_temperature(self, temperature: Number) -> Line<'static> {
        self.line(Msg::HighTemperature(temperature))
    }

    /// `✅ 온도 정상: {t}°C`: the temperature alert cleared (hexaboard's alert has hysteresis,
    /// so it says when it ends).
    pub fn temperature_normal(self, temperature: Number) -> Line<'static> {
        self.line(Msg::TemperatureNormal(temperature))
    }

    /// `평균 온도: {avg:.1}°C`: the average of challenge 2, with one decimal rounded as Python's
    /// `{avg:.1f}` rounds (half to even on the exact binary value; `nan`, `inf` as Python
    /// spells them).
    pub fn average_temperature(self, average: f64) -> Line<'static> {
        self.line(Msg::AverageTemperature(average))
    }

    /// `❌ 잘못된 데이터 ({topic}): {error}`: a payload that is not a reading was set aside.
    pub fn rejected<'a>(self, topic: &'a str, error: &'a dyn Display) -> Line<'a> {
        self.line(Msg::Rejected { topic, error })
    }

    /// `⚠️ 연결 끊김: {reason}`: the connection to the broker was lost.
    pub fn connection_lost(self, reason: &dyn Display) -> Line<'_> {
        self.line(Msg::ConnectionLost(reason))
    }

    /// `🔄 재연결 중...`: trying to reconnect.
    pub fn reconnecting(self) -> Line<'static> {
        self.line(Msg::Reconnecting)
    }

    /// `✅ MQTT 재연결 성공!`: connected again.
    pub fn reconnected(self) -> Line<'static> {
        self.line(Msg::Reconnected)
    }

    /// `📬 다시 구독: {filter}`: a filter subscribed again after a reconnect.
    pub fn resubscribed(self, filter: &str) -> Line<'_> {
        self.line(Msg::Resubscribed(filter))
    }
}

/// One line (or block) of console text, written when formatted with `{}`.
///
/// Made by the methods of [`Text`]; holds references to its arguments and allocates nothing.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    lang: Lang,
    msg: Msg<'a>,
}

/// What a [`Line`] says, with its arguments.
#[derive(Clone, Copy)]
enum Msg<'a> {
    ServerStart,
    CtrlC,
    Waiting,
    Collecting,
    BrokerConnected,
    Connected,
    SubscribeStarted(&'a str),
    Subscribed(&'a str),
    ConnectFailedCode(&'a dyn Display),
    ConnectFailed(&'a dyn Display),
    Received {
        topic: &'a str,
        payload: &'a [u8],
    },
    Reading {
        at: Time,
        reading: &'a Reading<'a>,
    },
    JsonParseError(&'a [u8]),
    ProcessingError(&'a dyn Display),
    Error(&'a dyn Display),
    SavedReading {
        at: Time,
        reading: &'a Reading<'a>,
    },
    EnvReading {
        at: Time,
        reading: &'a Reading<'a>,
    },
    CsvCreated(&'a Path),
    Saved(PrimitiveDateTime),
    Shutdown,
    ShutdownAfterSaving,
    DataLocation(&'a Path),
    Connecting {
        broker: &'a str,
        port: u16,
    },
    MultiSubscribed,
    MultiMessage {
        topic: &'a str,
        payload: &'a [u8],
    },
    HighTemperature(Number),
    TemperatureNormal(Number),
    AverageTemperature(f64),
    Rejected {
        topic: &'a str,
        error: &'a dyn Display,
    },
    ConnectionLost(&'a dyn Display),
    Reconnecting,
    Reconnected,
    Resubscribed(&'a str),
}

impl Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ko = self.lang == Lang::Ko;
        // Picks the Korean or the English text.
        let t = |ko_text: &'static str, en_text: &'static str| if ko { ko_text } else { en_text };
        match self.msg {
            Msg::ServerStart => f.write_str(t("MQTT 서버 시작...", "Starting MQTT server...")),
            Msg::CtrlC => f.write_str(t("Ctrl+C로 종료", "Press Ctrl+C to quit")),
            Msg::Waiting => f.write_str(t(
                "센서 데이터 대기 중...\n",
                "Waiting for sensor data...\n",
            )),
            Msg::Collecting => f.write_str(t(
                "센서 데이터 수집 및 저장 시작...\n",
                "Collecting and saving sensor data...\n",
            )),
            Msg::BrokerConnected => f.write_str(t(
                "✅ MQTT Broker 연결 성공!",
                "✅ Connected to the MQTT broker!",
            )),
            Msg::Connected => f.write_str(t("✅ MQTT 연결 성공!", "✅ MQTT connected!")),
            Msg::SubscribeStarted(filter) => write!(
                f,
                "{}{}",
                t("📬 구독 시작: ", "📬 Subscription started: "),
                Esc(filter)
            ),
            Msg::Subscribed(filter) => {
                writeln!(f, "{}{}", t("📬 구독: ", "📬 Subscribed: "), Esc(filter))
            }
            Msg::ConnectFailedCode(reason) => write!(
                f,
                "{}{})",
                t("❌ 연결 실패 (코드: ", "❌ Connection failed (code: "),
                EscDisplay(reason)
            ),
            Msg::ConnectFailed(reason) => write!(
                f,
                "{}{}",
                t("❌ 연결 실패: ", "❌ Connection failed: "),
                EscDisplay(reason)
            ),
            Msg::Received { topic, payload } => write!(
                f,
                "\n{}\n   Topic: {}\n   Data: {}",
                t("📥 수신:", "📥 Received:"),
                Esc(topic),
                EscBytes(payload)
            ),
            Msg::Reading { at, reading } => {
                writeln!(
                    f,
                    "[{}] {}{}",
                    Hms(at),
                    t("보드 ", "Board "),
                    Esc(reading.board())
                )?;
                writeln!(
                    f,
                    "  🌡️  {}{}°C",
                    t("온도: ", "Temperature: "),
                    reading.temperature()
                )?;
                writeln!(
                    f,
                    "  💧 {}{}%",
                    t("습도: ", "Humidity: "),
                    reading.humidity()
                )?;
                if let Some(light) = reading.light() {
                    writeln!(f, "  💡 {}{}", t("조도: ", "Light: "), light)?;
                }
                Ok(())
            }
            Msg::JsonParseError(payload) => write!(
                f,
                "{}{}",
                t("❌ JSON 파싱 오류: ", "❌ JSON parse error: "),
                EscBytes(payload)
            ),
            Msg::ProcessingError(error) => write!(
                f,
                "{}{}",
                t("❌ 처리 오류: ", "❌ Processing error: "),
                EscDisplay(error)
            ),
            Msg::Error(error) => {
                write!(f, "{}{}", t("❌ 오류: ", "❌ Error: "), EscDisplay(error))
            }
            Msg::SavedReading { at, reading } => {
                write!(
                    f,
                    "[{}] {}{}: {}°C, {}%, {}",
                    Hms(at),
                    t("보드 ", "Board "),
                    Esc(reading.board()),
                    reading.temperature(),
                    reading.humidity(),
                    t("조도 ", "light "),
                )?;
                match reading.light() {
                    Some(light) => write!(f, "{light}"),
                    // Python's f-string of None.
                    None => f.write_str("None"),
                }
            }
            Msg::EnvReading { at, reading } => write!(
                f,
                "[{}] {}{}: {}°C, {}%",
                Hms(at),
                t("보드 ", "Board "),
                Esc(reading.board()),
                reading.temperature(),
                reading.humidity()
            ),
            Msg::CsvCreated(path) => writeln!(
                f,
                "{}{}",
                t("✅ CSV 파일 생성: ", "✅ CSV file created: "),
                EscDisplay(&path.display())
            ),
            Msg::Saved(at) => write!(
                f,
                "{}{:04}-{:02}-{:02} {}",
                t("💾 저장 완료: ", "💾 Saved: "),
                at.year(),
                u8::from(at.month()),
                at.day(),
                Hms(at.time())
            ),
            Msg::Shutdown => f.write_str(t("\n서버 종료", "\nServer stopped")),
            Msg::ShutdownAfterSaving => f.write_str(t("\n\n서버 종료", "\n\nServer stopped")),
            Msg::DataLocation(path) => write!(
                f,
                "{}{}",
                t("📁 데이터 저장 위치: ", "📁 Data saved in: "),
                EscDisplay(&path.display())
            ),
            Msg::Connecting { broker, port } => write!(
                f,
                "{}{}:{}",
                t("연결 중: ", "Connecting to "),
                Esc(broker),
                port
            ),
            Msg::MultiSubscribed => f.write_str(t(
                "✅ 멀티 Topic 구독 완료\n",
                "✅ Subscribed to multiple topics\n",
            )),
            Msg::MultiMessage { topic, payload } => {
                write!(f, "📥 [{}]\n   {}\n", Esc(topic), EscBytes(payload))
            }
            Msg::HighTemperature(temperature) => write!(
                f,
                "{}{}°C",
                t("⚠️ 높은 온도: ", "⚠️ High temperature: "),
                temperature
            ),
            Msg::TemperatureNormal(temperature) => write!(
                f,
                "{}{}°C",
                t("✅ 온도 정상: ", "✅ Temperature back to normal: "),
                temperature
            ),
            Msg::AverageTemperature(average) => {
                f.write_str(t("평균 온도: ", "Average temperature: "))?;
                if average.is_nan() {
                    f.write_str("nan")?;
                } else if average.is_infinite() {
                    f.write_str(if average > 0.0 { "inf" } else { "-inf" })?;
                } else {
                    write!(f, "{average:.1}")?;
                }
                f.write_str("°C")
            }
            Msg::Rejected { topic, error } => write!(
                f,
                "{} ({}): {}",
                t("❌ 잘못된 데이터", "❌ Invalid data"),
                Esc(topic),
                EscDisplay(error)
            ),
            Msg::ConnectionLost(reason) => write!(
                f,
                "{}{}",
                t("⚠️ 연결 끊김: ", "⚠️ Connection lost: "),
                EscDisplay(reason)
            ),
            Msg::Reconnecting => f.write_str(t("🔄 재연결 중...", "🔄 Reconnecting...")),
            Msg::Reconnected => f.write_str(t("✅ MQTT 재연결 성공!", "✅ MQTT reconnected!")),
            Msg::Resubscribed(filter) => write!(
                f,
                "{}{}",
                t("📬 다시 구독: ", "📬 Subscribed again: "),
                Esc(filter)
            ),
        }
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Line").field(&self.to_string()).finish()
    }
}

/// `HH:MM:SS`, as `strftime("%H:%M:%S")` writes it.
struct Hms(Time);

impl Display for Hms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.0.as_hms();
        write!(f, "{h:02}:{m:02}:{s:02}")
    }
}

/// Makes text safe to print on a terminal: every character that could control it is replaced
/// by a visible escape, everything else is kept as is.
///
/// Replaced are the C0 controls (all of U+0000..U+001F: `\n`, `\r`, `\t` as those two-character
/// escapes, the others as `\x1b`-style hex), DEL (`\x7f`), the C1 controls U+0080..U+009F
/// (`\x9b`, the one-character CSI, among them), and the invisible characters that reorder or
/// break lines: the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
/// U+200F, U+202A..U+202E, U+2066..U+2069) and the line and paragraph separators
/// (U+2028, U+2029), as `\u202e`-style hex. With ESC (`\x1b`) made visible, an escape sequence
/// is left as harmless text (`\x1b[2J`). The spellings are Python's `repr`.
///
/// Borrows when nothing needs replacing, which is the usual case. The result is for people to
/// read, not to decode: a backslash already in the text is kept as is.
///
/// ```
/// use hexaboard_core::text::sanitize_for_terminal;
///
/// assert_eq!(sanitize_for_terminal("hexaboard/A/sensor/data"), "hexaboard/A/sensor/data");
/// assert_eq!(sanitize_for_terminal("A\u{1b}]0;pwned\u{7}"), "A\\x1b]0;pwned\\x07");
/// assert_eq!(sanitize_for_terminal("line\nbreak"), "line\\nbreak");
/// ```
pub fn sanitize_for_terminal(text: &str) -> Cow<'_, str> {
    match text.find(needs_escape) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let mut out = String::with_capacity(text.len() + 8);
            // Writing into a `String` cannot fail.
            let _ = write_escaped(&mut out, text);
            Cow::Owned(out)
        }
    }
}

/// Whether `c` is replaced by [`sanitize_for_terminal`].
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Writes `text` with the characters of [`needs_escape`] replaced, in runs.
fn write_escaped(out: &mut dyn fmt::Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(needs_escape) {
        out.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if u32::from(c) < 0x100 => write!(out, "\\x{:02x}", u32::from(c))?,
            c => write!(out, "\\u{:04x}", u32::from(c))?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// Network text, escaped as it is written.
struct Esc<'a>(&'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0)
    }
}

/// A payload: decoded as UTF-8 with `�` for invalid bytes (as `String::from_utf8_lossy`
/// does), escaped as it is written.
struct EscBytes<'a>(&'a [u8]);

impl Display for EscBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            write_escaped(f, chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_char(char::REPLACEMENT_CHARACTER)?;
            }
        }
        Ok(())
    }
}

/// Any `Display` (an error, a path), escaped as it is written.
struct EscDisplay<'a>(&'a dyn Display);

impl Display for EscDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Escaping works a character at a time, so the pieces the value writes can be
        // escaped one by one.
        struct Escaping<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                write_escaped(self.0, s)
            }
        }
        write!(Escaping(f), "{}", self.0)
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
        assert_eq!(Text::default().lang(), Lang::Ko);
        assert_eq!(Lang::En.to_string(), "en");
    }

    #[test]
    fn sanitizing_borrows_ordinary_text() {
        assert!(matches!(
            sanitize_for_terminal("보드 A 🌡️ 25°C \\ \"x\""),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn sanitizing_makes_every_control_character_visible() {
        let table = [
            ("\u{1b}[31mred", "\\x1b[31mred"),
            ("\0", "\\x00"),
            ("a\r\nb\tc", "a\\r\\nb\\tc"),
            ("\u{7f}", "\\x7f"),
            ("\u{9b}2J", "\\x9b2J"),
            ("\u{85}", "\\x85"),
            ("abc\u{202e}def", "abc\\u202edef"),
            ("\u{2066}x\u{2069}", "\\u2066x\\u2069"),
            ("a\u{2028}b", "a\\u2028b"),
            ("\u{200f}", "\\u200f"),
        ];
        for (raw, shown) in table {
            assert_eq!(sanitize_for_terminal(raw), shown, "{raw:?}");
        }
    }

    #[test]
    fn payload_bytes_are_decoded_lossily_and_escaped() {
        assert_eq!(
            EscBytes(b"{\"t\":\xff25}\x1b[2J").to_string(),
            "{\"t\":\u{fffd}25}\\x1b[2J"
        );
        assert_eq!(EscBytes("온도".as_bytes()).to_string(), "온도");
    }

    #[test]
    fn displayed_errors_are_escaped_across_their_pieces() {
        let error = format_args!("{}{}", "bad \u{1b}", "[2J");
        assert_eq!(EscDisplay(&error).to_string(), "bad \\x1b[2J");
    }

    #[test]
    fn averages_round_as_python_does() {
        let text = Text::default();
        let cases = [
            (24.25, "24.2"),
            (24.35, "24.4"),
            (0.25, "0.2"),
            (0.75, "0.8"),
            (-0.04, "-0.0"),
            (25.0, "25.0"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (average, shown) in cases {
            assert_eq!(
                text.average_temperature(average).to_string(),
                format!("평균 온도: {shown}°C"),
                "{average}"
            );
        }
    }
}
