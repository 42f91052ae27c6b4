//! The lines of the commands that control boards: `send` (one LED command) and `react` (a
//! board's LED following another board's temperature).

use std::fmt::Display;

use super::catalogue::catalogue;
use super::escape::{EscStr, Escaped};

catalogue! {
    part Control(text);

    lines {
        /// `📤 보드 {board}에 보냈습니다 ({topic}, QoS 1, 브로커 확인 완료): {json}`: `send`
        /// delivered a command.
        pub fn command_sent(board: &'a str, topic: &'a str, json: &'a str) {
            board = EscStr(board),
            topic = EscStr(topic),
            json = EscStr(json),
        }
            ko: "📤 보드 {board}에 보냈습니다 ({topic}, QoS 1, 브로커 확인 완료): {json}",
            en: "📤 Sent to board {board} ({topic}, QoS 1, acknowledged by the broker): {json}";

        /// `🔁 보드 {from}의 온도를 판단해 보드 {to}의 LED를 바꿉니다 (…)`: `react` starts.
        pub fn react_started(from: &'a str, to: &'a str, topic: &'a str, interval: f64) {
            from = EscStr(from),
            to = EscStr(to),
            topic = EscStr(topic),
            interval,
        }
            ko: "🔁 보드 {from}의 온도를 판단해 보드 {to}의 LED를 바꿉니다 ({topic} 구독, 명령 간격 {interval}초 이상). 종료: Ctrl+C",
            en: "🔁 Judging board {from}'s temperature to set board {to}'s LED (subscribed to {topic}, at least {interval} s between commands). Quit: Ctrl+C";

        /// `⚠️ 센서 데이터가 아닌 메시지를 건너뜁니다: {error}`.
        pub fn not_a_reading_skipped(error: &'a dyn Display) { error = Escaped(error) }
            ko: "⚠️ 센서 데이터가 아닌 메시지를 건너뜁니다: {error}",
            en: "⚠️ skipped a message that is not a sensor reading: {error}";

        /// `   = 보드 {board}의 LED는 이미 {colour}: 보내지 않음`: the LED already shows the
        /// judgement.
        pub fn led_unchanged(board: &'a str, rgb: [u8; 3]) {
            board = EscStr(board),
            colour = text.colour(rgb),
        }
            ko: "   = 보드 {board}의 LED는 이미 {colour}: 보내지 않음",
            en: "   = board {board}'s LED is already {colour}: nothing sent";

        /// `   ⏳ {colour}: 명령 간격 때문에 {seconds:.1}초 뒤에 보냅니다 (그때도 같으면)`.
        pub fn led_waits(rgb: [u8; 3], seconds: f64) {
            colour = text.colour(rgb),
            seconds,
        }
            ko: "   ⏳ {colour}: 명령 간격 때문에 {seconds:.1}초 뒤에 보냅니다 (그때도 같으면)",
            en: "   ⏳ {colour}: sent in {seconds:.1} s when the interval ends, if still current";

        /// `   💡 보드 {board} → {colour}: {json}`: a command was sent.
        pub fn led_command_sent(board: &'a str, rgb: [u8; 3], json: &'a str) {
            board = EscStr(board),
            colour = text.colour(rgb),
            json = EscStr(json),
        }
            ko: "   💡 보드 {board} → {colour}: {json}",
            en: "   💡 board {board} → {colour}: {json}";

        /// `👋 종료합니다`: `react` stops.
        pub fn react_stopped() {}
            ko: "👋 종료합니다",
            en: "👋 Stopped";
    }
}
