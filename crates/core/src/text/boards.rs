//! The virtual boards' lines (`hexaboard simulate`, the `08_board` example): what they publish
//! and what an LED board does with a command.

use super::catalogue::catalogue;
use super::escape::EscStr;
use super::{Line, Text};
use crate::control::LedCommand;

impl Text {
    /// What an LED board does with `command`: `💡 보드 B LED: 파랑 (0,0,255) 80%` or
    /// `💡 보드 B LED 끔`.
    pub fn led(self, board: &str, command: LedCommand) -> Line<'_> {
        match command {
            LedCommand::LedOn { color, brightness } => self.led_on(board, color, brightness),
            LedCommand::LedOff => self.led_off(board),
        }
    }
}

catalogue! {
    part Boards(text);

    lines {
        /// `💡 보드 {board} LED: {colour} ({r},{g},{b}) {brightness}%`.
        fn led_on(board: &'a str, rgb: [u8; 3], brightness: u8) {
            board = EscStr(board),
            colour = text.colour(rgb),
            r = rgb[0],
            g = rgb[1],
            b = rgb[2],
            brightness,
        }
            ko: "💡 보드 {board} LED: {colour} ({r},{g},{b}) {brightness}%",
            en: "💡 Board {board} LED: {colour} ({r},{g},{b}) {brightness}%";

        /// `💡 보드 {board} LED 끔`.
        fn led_off(board: &'a str) { board = EscStr(board) }
            ko: "💡 보드 {board} LED 끔",
            en: "💡 Board {board} LED off";

        /// `📤 발행 완료: 보드 {boards}개, 데이터 {readings}개`: what `simulate` published.
        pub fn published(boards: usize, readings: u64) { boards, readings }
            ko: "📤 발행 완료: 보드 {boards}개, 데이터 {readings}개",
            en: "📤 Published {readings} readings from {boards} boards";

        /// `🟢 가상 헥사보드 {boards}: {every}초마다 전송 (seed {seed})`: the virtual board
        /// starts, with the seed that repeats the run.
        pub fn virtual_boards(boards: &'a str, every: f64, seed: u64) {
            boards = EscStr(boards),
            every,
            seed,
        }
            ko: "🟢 가상 헥사보드 {boards}: {every}초마다 전송 (seed {seed})",
            en: "🟢 Virtual Hexaboard {boards}: a reading every {every} s (seed {seed})";

        /// `💡 가상 LED 보드 {boards}: LED 명령 대기 중`: the virtual LED board starts.
        pub fn virtual_led_boards(boards: &'a str) { boards = EscStr(boards) }
            ko: "💡 가상 LED 보드 {boards}: LED 명령 대기 중",
            en: "💡 Virtual LED board {boards}: waiting for LED commands";

        /// A blank line, then `⏹ 가상 보드 종료`: the virtual board stops.
        pub fn virtual_boards_stopped() {}
            ko: "\n⏹ 가상 보드 종료",
            en: "\n⏹ Virtual board stopped";
    }
}
