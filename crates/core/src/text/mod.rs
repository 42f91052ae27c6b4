//! Every line and word hexaboard prints, in Korean (the chapter's words) and English: one
//! catalogue for the examples, the `hexaboard` command and the library.
//!
//! All console text comes from here, so the examples print what the book prints, a learner can
//! compare the two line by line, and a word means the same thing in every command (a falling
//! trend is `하락` in `summary` and in `watch`). [`Text`] is the catalogue in one language, with
//! one method per line; each returns a [`Line`], a small `Copy` value that writes its text when
//! formatted and allocates nothing, because some lines (the save line, the reading block) are
//! printed for every message.
//!
//! ```
//! use hexaboard_core::number::Number;
//! use hexaboard_core::reading::Reading;
//! use hexaboard_core::stats::Trend;
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
//! assert_eq!(ko.trend(Trend::Falling), "하락");
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
//! # The catalogue, one part a file
//!
//! | part | what it holds |
//! | --- | --- |
//! | `chapter.rs` | the lines of the chapter's exercises and challenges (table below) |
//! | `receiver.rs` | the receivers' own lines: the connection coming and going, a payload set aside, `record`'s totals and status lines, `watch`'s live table, `demo` |
//! | `boards.rs` | the virtual boards (`simulate`, the `08_board` example) and what an LED board does with a command |
//! | `control.rs` | `send` and `react` |
//! | `check.rs` | `check`'s steps |
//! | `advice.rs` | `advise` and `react --advisor`: the question, the advice, what became of it |
//! | `analysis.rs` | `summary`, `plot`, `import`, `export`, and lines of a CSV they skip |
//! | `words.rs` | a word for each trend, comfort band and LED colour, shared by every command |
//!
//! Besides the parts: `lang.rs` holds [`Lang`], `line.rs` [`Text`] and [`Line`],
//! `catalogue.rs` the macro the parts are written with, `escape.rs` the escaping of text from
//! the network, `report.rs` an error and its causes in one line ([`Report`]), `format.rs` the
//! small formatting helpers (times, Python's `{:.1f}`).
//!
//! # Adding a message
//!
//! Write it once, in the part it belongs to, inside the part's `catalogue!` call: its doc
//! comment, its parameters, how each template argument is shown, and both texts:
//!
//! ```text
//! /// `📤 보드 {board}에 보냈습니다: {json}`: what the doc says, with the Korean text.
//! pub fn command_sent(board: &'a str, json: &'a str) {
//!     board = EscStr(board),      // text from outside: escaped
//!     json = EscStr(json),
//! }
//!     ko: "📤 보드 {board}에 보냈습니다: {json}",
//!     en: "📤 Sent to board {board}: {json}";
//! ```
//!
//! This makes `Text::command_sent(board, json) -> Line`. The compiler refuses a message with
//! one text only and a template that leaves out an argument or names one that is not there;
//! the catalogue's tests refuse an English text with Korean in it and two texts with different
//! placeholders. A word for each value of a type goes in a `words` section, a row of words
//! (column headers) in a `lists` section.
//!
//! # Where each line of the chapter comes from
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

mod catalogue;
mod escape;
mod format;
mod lang;
mod line;
mod report;

mod advice;
mod analysis;
mod boards;
mod chapter;
mod check;
mod control;
mod receiver;
mod words;

#[cfg(test)]
mod tests;

pub use escape::{sanitize_for_terminal, Escaped};
pub use format::DateTime;
pub use lang::Lang;
pub use line::{Line, Text};
pub use report::Report;
