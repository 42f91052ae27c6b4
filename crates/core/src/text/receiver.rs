//! The receivers' own lines, beyond the chapter: the connection coming and going, a payload set
//! aside, and what `record`, `watch`, `demo` and `simulate` say about their work (totals, status
//! lines, the live table's cells).

use std::fmt::Display;

use time::Time;

use super::catalogue::catalogue;
use super::escape::{EscStr, Escaped};
use super::format::{Hms, Opt};
use super::Line;
use crate::status::Status;

catalogue! {
    part Receiver(text);

    lines {
        /// `❌ 잘못된 데이터 ({topic}): {error}`: a payload that is not a reading was set aside.
        pub fn rejected(topic: &'a str, error: &'a dyn Display) {
            topic = EscStr(topic),
            error = Escaped(error),
        }
            ko: "❌ 잘못된 데이터 ({topic}): {error}",
            en: "❌ Invalid data ({topic}): {error}";

        /// `⚠️ 연결 끊김: {reason}`: the connection to the broker was lost.
        pub fn connection_lost(reason: &'a dyn Display) { reason = Escaped(reason) }
            ko: "⚠️ 연결 끊김: {reason}",
            en: "⚠️ Connection lost: {reason}";

        /// `🔄 재연결 중...`: trying to reconnect.
        pub fn reconnecting() {}
            ko: "🔄 재연결 중...",
            en: "🔄 Reconnecting...";

        /// `✅ MQTT 재연결 성공!`: connected again.
        pub fn reconnected() {}
            ko: "✅ MQTT 재연결 성공!",
            en: "✅ MQTT reconnected!";

        /// `📬 다시 구독: {filter}`: a filter subscribed again after a reconnect.
        pub fn resubscribed(filter: &'a str) { filter = EscStr(filter) }
            ko: "📬 다시 구독: {filter}",
            en: "📬 Subscribed again: {filter}";

        /// `🔄 응답 없는 보드가 있어 구독을 다시 했습니다`: `watch` subscribed again because a
        /// board went silent.
        pub fn stale_resubscribed() {}
            ko: "🔄 응답 없는 보드가 있어 구독을 다시 했습니다",
            en: "🔄 a board went silent: subscribed again, in case the broker lost the subscription";

        /// `수신 6, 저장 6, 거부 0, 중복 0`: a receiver's counts, with the status messages and
        /// the rejects that could not be written only when there were any.
        pub fn counts(
            received: u64,
            stored: u64,
            rejected: u64,
            duplicates: u64,
            status_messages: u64,
            rejects_not_written: u64,
        ) {
            received,
            stored,
            rejected,
            duplicates,
            status = Opt((status_messages > 0).then(|| text.counts_status(status_messages))),
            unwritten = Opt(
                (rejects_not_written > 0).then(|| text.counts_unwritten(rejects_not_written))
            ),
        }
            ko: "수신 {received}, 저장 {stored}, 거부 {rejected}, 중복 {duplicates}{status}{unwritten}",
            en: "received {received}, stored {stored}, rejected {rejected}, duplicates {duplicates}{status}{unwritten}";

        /// The status messages part of [`counts`](Self::counts).
        fn counts_status(count: u64) { count }
            ko: ", 상태 메시지 {count}",
            en: ", status messages {count}";

        /// The unwritten rejects part of [`counts`](Self::counts).
        fn counts_unwritten(count: u64) { count }
            ko: ", 기록되지 않은 거부 {count}",
            en: ", rejects not written {count}";

        /// `📊 합계: {counts}`: the totals at the end of a recording.
        pub fn totals(counts: &'a Line<'a>) { counts }
            ko: "📊 합계: {counts}",
            en: "📊 Totals: {counts}";

        /// `{counts}, 초당 {rate:.1}건`: `record --quiet`'s status line.
        pub fn counts_per_second(counts: &'a Line<'a>, rate: f64) { counts, rate }
            ko: "{counts}, 초당 {rate:.1}건",
            en: "{counts}, {rate:.1}/s";

        /// `[{HH:MM:SS}] 보드 {board} 상태: {status}`: a board said `online` or `offline`.
        pub fn board_status(at: Time, board: &'a str, status: Status) {
            at = Hms(at),
            board = EscStr(board),
            status = status.as_str(),
        }
            ko: "[{at}] 보드 {board} 상태: {status}",
            en: "[{at}] Board {board} status: {status}";

        /// The warning printed once, at the first board whose statistics are forgotten because
        /// more than `max_boards` boards were seen (a publisher inventing board ids).
        pub fn boards_evicted(max_boards: usize, board: &'a str) {
            max_boards,
            board = EscStr(board),
        }
            ko: "⚠️ 보드가 {max_boards}개를 넘었습니다: 가장 오래 소식이 없던 보드 {board}의 통계를 지웁니다 (이후에도 같은 방식, 이 경고는 한 번만; 측정값은 계속 저장됩니다)",
            en: "⚠️ More than {max_boards} boards: forgetting the statistics of board {board}, the longest silent (and so on for later ones; warned once; readings are still stored)";

        /// `🔑 클라이언트 ID: {id} (…)`: the client id `record` chose, and how to choose another.
        pub fn client_id_chosen(id: &'a str) { id = EscStr(id) }
            ko: "🔑 클라이언트 ID: {id} (이 컴퓨터와 저장 위치에서 정함; 바꾸려면 MQTT_CLIENT_ID)",
            en: "🔑 Client id: {id} (from this machine and the store; set MQTT_CLIENT_ID to choose)";

        /// `🧪 데모: 내장 브로커 127.0.0.1:{port} 사용 (…)`: the demo uses its own broker, not
        /// the one of the settings.
        pub fn demo_broker(port: u16) { port }
            ko: "🧪 데모: 내장 브로커 127.0.0.1:{port} 사용 (.env의 MQTT_BROKER 등 접속 설정은 쓰지 않음)",
            en: "🧪 Demo: using its own broker on 127.0.0.1:{port} (the connection settings of .env, such as MQTT_BROKER, are not used)";

        /// `🌐 웹 페이지: {url}`: where `serve` and `demo` show the page.
        pub fn page_at(url: &'a str) { url = EscStr(url) }
            ko: "🌐 웹 페이지: {url}",
            en: "🌐 Web page: {url}";

        /// The warning of a page served beyond loopback without a token.
        pub fn page_read_only(address: &'a str) { address = EscStr(address) }
            ko: "⚠️⚠️ {address}에서 토큰 없이 페이지를 엽니다: 같은 네트워크의 누구나 볼 수 있어 읽기 전용으로 엽니다 (LED 명령 불가). 명령을 허용하려면 --token 또는 HEXABOARD_TOKEN을 정하세요",
            en: "⚠️⚠️ serving the page on {address} without a token: anyone on the network can see it, so it is read-only (no LED commands). Set --token or HEXABOARD_TOKEN to allow commands";

        /// `응답 없음`: the live table's state of a board silent for longer than usual.
        pub fn stale() {}
            ko: "응답 없음",
            en: "stale";

        /// `{seconds}초 전`: the live table's time since a board's last reading.
        pub fn seconds_ago(seconds: u64) { seconds }
            ko: "{seconds}초 전",
            en: "{seconds} s ago";

        /// `높은 온도`: the live table's alert cell, the alert of
        /// [`high_temperature`](Self::high_temperature) in the words a narrow column has room for.
        pub fn high_temperature_cell() {}
            ko: "높은 온도",
            en: "high temp";

        /// `잘못된 데이터 {count}건 (rejects 파일에 보관)`: the messages the live table set aside.
        pub fn rejected_count(count: u64) { count }
            ko: "잘못된 데이터 {count}건 (rejects 파일에 보관)",
            en: "{count} invalid messages set aside";
    }

    lists {
        /// The live table's column headers (`watch`, `demo`).
        pub fn live_columns() -> [&'static str; 10] {
            "보드", "Board";
            "온도", "Temp";
            "습도", "Hum";
            "평균(5)", "Avg(5)";
            "최저~최고", "Min~Max";
            "추세", "Trend";
            "판정", "Comfort";
            "경보", "Alert";
            "상태", "State";
            "마지막", "Last";
        }
    }
}
