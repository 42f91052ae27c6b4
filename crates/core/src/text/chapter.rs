//! The chapter's lines: what the programs of exercises 1 to 5 and the two challenges print,
//! in the chapter's Korean and in English.

use std::fmt::Display;
use std::path::Path;

use time::{PrimitiveDateTime, Time};

use super::catalogue::catalogue;
use super::escape::{EscBytes, EscStr, Escaped};
use super::format::{DateTime, Hms, OneDecimal, Opt, OrNone};
use crate::number::Number;
use crate::reading::Reading;

catalogue! {
    part Chapter(text);

    lines {
        /// `MQTT 서버 시작...`: the receiver starts (exercises 1 and 2; exercise 2's `Python `
        /// prefix is dropped).
        pub fn server_start() {}
            ko: "MQTT 서버 시작...",
            en: "Starting MQTT server...";

        /// `Ctrl+C로 종료`: how to stop the receiver (exercise 1).
        pub fn ctrl_c_to_quit() {}
            ko: "Ctrl+C로 종료",
            en: "Press Ctrl+C to quit";

        /// `센서 데이터 대기 중...` and a blank line (exercise 2).
        pub fn waiting_for_data() {}
            ko: "센서 데이터 대기 중...\n",
            en: "Waiting for sensor data...\n";

        /// `센서 데이터 수집 및 저장 시작...` and a blank line (exercise 3).
        pub fn collecting() {}
            ko: "센서 데이터 수집 및 저장 시작...\n",
            en: "Collecting and saving sensor data...\n";

        /// `✅ MQTT Broker 연결 성공!`: connected, in exercise 1's words.
        pub fn broker_connected() {}
            ko: "✅ MQTT Broker 연결 성공!",
            en: "✅ Connected to the MQTT broker!";

        /// `✅ MQTT 연결 성공!`: connected, in the words of exercises 2 to 4.
        pub fn connected() {}
            ko: "✅ MQTT 연결 성공!",
            en: "✅ MQTT connected!";

        /// `📬 구독 시작: {filter}`: subscribed, in exercise 1's words.
        pub fn subscribe_started(filter: &'a str) { filter = EscStr(filter) }
            ko: "📬 구독 시작: {filter}",
            en: "📬 Subscription started: {filter}";

        /// `📬 구독: {filter}` and a blank line: subscribed, in the words of exercises 2 to 4.
        pub fn subscribed(filter: &'a str) { filter = EscStr(filter) }
            ko: "📬 구독: {filter}\n",
            en: "📬 Subscribed: {filter}\n";

        /// `❌ 연결 실패 (코드: {reason})`: the broker refused the connection (exercise 1's
        /// words).
        ///
        /// The chapter prints paho's numeric code; hexaboard passes a reason that names the
        /// cause.
        pub fn connect_failed_with_code(reason: &'a dyn Display) { reason = Escaped(reason) }
            ko: "❌ 연결 실패 (코드: {reason})",
            en: "❌ Connection failed (code: {reason})";

        /// `❌ 연결 실패: {reason}`: the broker refused the connection (exercise 2's words).
        pub fn connect_failed(reason: &'a dyn Display) { reason = Escaped(reason) }
            ko: "❌ 연결 실패: {reason}",
            en: "❌ Connection failed: {reason}";

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
        pub fn received(topic: &'a str, payload: &'a [u8]) {
            topic = EscStr(topic),
            payload = EscBytes(payload),
        }
            ko: "\n📥 수신:\n   Topic: {topic}\n   Data: {payload}",
            en: "\n📥 Received:\n   Topic: {topic}\n   Data: {payload}";

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
        pub fn reading(at: Time, reading: &'a Reading<'a>) {
            at = Hms(at),
            board = EscStr(reading.board()),
            t = reading.temperature(),
            h = reading.humidity(),
            light = Opt(reading.light().map(|light| text.reading_light(light))),
        }
            ko: "[{at}] 보드 {board}\n  🌡️  온도: {t}°C\n  💧 습도: {h}%\n{light}",
            en: "[{at}] Board {board}\n  🌡️  Temperature: {t}°C\n  💧 Humidity: {h}%\n{light}";

        /// The light line of the reading block.
        fn reading_light(light: Number) { light }
            ko: "  💡 조도: {light}\n",
            en: "  💡 Light: {light}\n";

        /// `❌ JSON 파싱 오류: {payload}`: the payload is not JSON (exercise 2).
        ///
        /// The chapter prints Python's bytes repr (`b'...'`); this prints the payload as text,
        /// decoded lossily and escaped.
        pub fn json_parse_error(payload: &'a [u8]) { payload = EscBytes(payload) }
            ko: "❌ JSON 파싱 오류: {payload}",
            en: "❌ JSON parse error: {payload}";

        /// `❌ 처리 오류: {error}`: handling a message failed (exercise 2).
        pub fn processing_error(error: &'a dyn Display) { error = Escaped(error) }
            ko: "❌ 처리 오류: {error}",
            en: "❌ Processing error: {error}";

        /// `❌ 오류: {error}`: handling a message failed (exercises 3 and 4).
        pub fn error(error: &'a dyn Display) { error = Escaped(error) }
            ko: "❌ 오류: {error}",
            en: "❌ Error: {error}";

        /// `[{HH:MM:SS}] 보드 {board}: {t}°C, {h}%, 조도 {light}`: the console line of
        /// exercise 3.
        ///
        /// A missing light prints `None`, as the chapter's Python does (the course firmware
        /// sends no light, so this is the usual case).
        pub fn saved_reading(at: Time, reading: &'a Reading<'a>) {
            at = Hms(at),
            board = EscStr(reading.board()),
            t = reading.temperature(),
            h = reading.humidity(),
            light = OrNone(reading.light()),
        }
            ko: "[{at}] 보드 {board}: {t}°C, {h}%, 조도 {light}",
            en: "[{at}] Board {board}: {t}°C, {h}%, light {light}";

        /// `[{HH:MM:SS}] 보드 {board}: {t}°C, {h}%`: the console line of exercise 4.
        pub fn env_reading(at: Time, reading: &'a Reading<'a>) {
            at = Hms(at),
            board = EscStr(reading.board()),
            t = reading.temperature(),
            h = reading.humidity(),
        }
            ko: "[{at}] 보드 {board}: {t}°C, {h}%",
            en: "[{at}] Board {board}: {t}°C, {h}%";

        /// `✅ CSV 파일 생성: {path}` and a blank line: a new CSV file with its header
        /// (exercise 3).
        pub fn csv_created(path: &'a Path) { path = Escaped(path.display()) }
            ko: "✅ CSV 파일 생성: {path}\n",
            en: "✅ CSV file created: {path}\n";

        /// `💾 저장 완료: {YYYY-MM-DD HH:MM:SS}`: a row was stored with this timestamp
        /// (exercise 3).
        pub fn saved(timestamp: PrimitiveDateTime) { timestamp = DateTime(timestamp) }
            ko: "💾 저장 완료: {timestamp}",
            en: "💾 Saved: {timestamp}";

        /// A blank line, then `서버 종료`: the receiver stops (exercises 1, 2 and 4).
        pub fn shutdown() {}
            ko: "\n서버 종료",
            en: "\nServer stopped";

        /// Two blank lines, then `서버 종료`: the receiver stops (exercise 3's words).
        pub fn shutdown_after_saving() {}
            ko: "\n\n서버 종료",
            en: "\n\nServer stopped";

        /// `📁 데이터 저장 위치: {path}`: where the readings are, the CSV file of exercise 3
        /// or the store of `record --store` (on exit).
        pub fn data_location(path: &'a dyn std::fmt::Display) { path = Escaped(path) }
            ko: "📁 데이터 저장 위치: {path}",
            en: "📁 Data saved in: {path}";

        /// `연결 중: {broker}:{port}`: connecting (exercise 4).
        pub fn connecting(broker: &'a str, port: u16) { broker = EscStr(broker), port }
            ko: "연결 중: {broker}:{port}",
            en: "Connecting to {broker}:{port}";

        /// `✅ 멀티 Topic 구독 완료` and a blank line: several filters subscribed (exercise 5).
        pub fn multi_subscribed() {}
            ko: "✅ 멀티 Topic 구독 완료\n",
            en: "✅ Subscribed to multiple topics\n";

        /// A message of exercise 5, followed by a blank line:
        ///
        /// ```text
        /// 📥 [{topic}]
        ///    {payload}
        ///
        /// ```
        pub fn multi_message(topic: &'a str, payload: &'a [u8]) {
            topic = EscStr(topic),
            payload = EscBytes(payload),
        }
            ko: "📥 [{topic}]\n   {payload}\n",
            en: "📥 [{topic}]\n   {payload}\n";

        /// `⚠️ 높은 온도: {t}°C`: the temperature alert of challenge 1.
        pub fn high_temperature(temperature: Number) { temperature }
            ko: "⚠️ 높은 온도: {temperature}°C",
            en: "⚠️ High temperature: {temperature}°C";

        /// `✅ 온도 정상: {t}°C`: the temperature alert cleared (hexaboard's alert has
        /// hysteresis, so it says when it ends).
        pub fn temperature_normal(temperature: Number) { temperature }
            ko: "✅ 온도 정상: {temperature}°C",
            en: "✅ Temperature back to normal: {temperature}°C";

        /// `평균 온도: {avg:.1}°C`: the average of challenge 2, with one decimal rounded as
        /// Python's `{avg:.1f}` rounds (half to even on the exact binary value; `nan`, `inf`
        /// as Python spells them).
        pub fn average_temperature(average: f64) { average = OneDecimal(average) }
            ko: "평균 온도: {average}°C",
            en: "Average temperature: {average}°C";
    }
}
