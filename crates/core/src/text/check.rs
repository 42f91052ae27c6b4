//! The lines of `hexaboard check`, the dry run that tells a newcomer what is wrong: each step's
//! name, what it found, and the fix when it failed.

use std::fmt::Display;

use super::catalogue::catalogue;
use super::escape::{EscStr, Escaped};
use super::format::Opt;
use crate::reading::Reading;

catalogue! {
    part Check(text);

    lines {
        /// `브로커 {host}:{port}, TLS {tls}, 사용자 {user}`: the settings step passed.
        pub fn check_settings(host: &'a str, port: u16, tls: bool, user: Option<&'a str>) {
            host = EscStr(host),
            port,
            tls = if tls { "on" } else { "off" },
            user = match user {
                Some(user) => text.check_user(user),
                None => text.check_no_user(),
            },
        }
            ko: "브로커 {host}:{port}, TLS {tls}, {user}",
            en: "broker {host}:{port}, TLS {tls}, {user}";

        /// `사용자 {user}`.
        fn check_user(user: &'a str) { user = EscStr(user) }
            ko: "사용자 {user}",
            en: "user {user}";

        /// `사용자 없음`.
        fn check_no_user() {}
            ko: "사용자 없음",
            en: "no user";

        /// `` `{host}`의 주소가 없습니다: MQTT_BROKER를 확인하세요 ``.
        pub fn check_no_address(host: &'a str) { host = EscStr(host) }
            ko: "`{host}`의 주소가 없습니다: MQTT_BROKER를 확인하세요",
            en: "`{host}` has no address: check MQTT_BROKER";

        /// `` `{host}`를 찾을 수 없습니다 ({error}): … ``: the host name does not resolve.
        pub fn check_unresolved(host: &'a str, error: &'a dyn Display) {
            host = EscStr(host),
            error = Escaped(error),
        }
            ko: "`{host}`를 찾을 수 없습니다 ({error}): MQTT_BROKER와 네트워크를 확인하세요",
            en: "cannot resolve `{host}` ({error}): check MQTT_BROKER and the network";

        /// `{host}:{port} ({address}) 연결됨`: the TCP step passed.
        pub fn check_reached(host: &'a str, port: u16, address: &'a dyn Display) {
            host = EscStr(host),
            port,
            address,
        }
            ko: "{host}:{port} ({address}) 연결됨",
            en: "{host}:{port} ({address}) accepts connections";

        /// `{host}:{port}에 연결할 수 없습니다 ({cause}): …`: the TCP step failed.
        pub fn check_unreachable(host: &'a str, port: u16, cause: &'a dyn Display) {
            host = EscStr(host),
            port,
            cause = Escaped(cause),
        }
            ko: "{host}:{port}에 연결할 수 없습니다 ({cause}): MQTT_BROKER / MQTT_PORT와 브로커가 켜져 있는지 확인하세요",
            en: "nothing accepts connections on {host}:{port} ({cause}): check MQTT_BROKER / MQTT_PORT and that the broker runs";

        /// `{server}: TLS 핸드셰이크와 인증서 확인, 로그인 성공`: the connect step passed.
        pub fn check_connected(server: &'a str, tls: bool, login: bool) {
            server = EscStr(server),
            tls = Opt(tls.then(|| text.check_tls_verified())),
            login = if login { text.check_login_accepted() } else { text.check_anonymous() },
        }
            ko: "{server}: {tls}{login}",
            en: "{server}: {tls}{login}";

        /// The TLS part of [`check_connected`](Self::check_connected).
        fn check_tls_verified() {}
            ko: "TLS 핸드셰이크와 인증서 확인, ",
            en: "TLS handshake and certificate verified, ";

        /// The login part of [`check_connected`](Self::check_connected) with a user.
        fn check_login_accepted() {}
            ko: "로그인 성공",
            en: "login accepted";

        /// The login part of [`check_connected`](Self::check_connected) without a user.
        fn check_anonymous() {}
            ko: "익명 접속 허용",
            en: "anonymous connection accepted";

        /// `{filter} (QoS {qos} 허용)`: a subscription and the QoS the broker granted.
        pub fn check_granted(filter: &'a str, qos: u8) { filter = EscStr(filter), qos }
            ko: "{filter} (QoS {qos} 허용)",
            en: "{filter} (QoS {qos} granted)";

        /// `{seconds}초 동안 메시지가 없습니다: …`: the data step waited in vain.
        pub fn check_no_message(seconds: u64, topics: &'a str) {
            seconds,
            topics = EscStr(topics),
        }
            ko: "{seconds}초 동안 메시지가 없습니다: 보드가 {topics}에 보내고 있나요? 보드 없이 해 보려면 `hexaboard simulate`",
            en: "no message in {seconds} s: is a board publishing to {topics}? try `hexaboard simulate`";

        /// `{topic}에서 보드 {board}의 데이터: 온도 {t}°C, 습도 {h}%`: the data step passed.
        pub fn check_reading(topic: &'a str, reading: &'a Reading<'a>) {
            topic = EscStr(topic),
            board = EscStr(reading.board()),
            t = reading.temperature(),
            h = reading.humidity(),
        }
            ko: "{topic}에서 보드 {board}의 데이터: 온도 {t}°C, 습도 {h}%",
            en: "reading from board {board} on {topic}: temperature {t}°C, humidity {h}%";

        /// `{topic}의 메시지가 센서 데이터가 아닙니다: {error}`: the data step failed.
        pub fn check_not_a_reading(topic: &'a str, error: &'a dyn Display) {
            topic = EscStr(topic),
            error = Escaped(error),
        }
            ko: "{topic}의 메시지가 센서 데이터가 아닙니다: {error}",
            en: "the message on {topic} is not a sensor reading: {error}";

        /// `🎉 모든 단계를 통과했습니다: …`: every step passed.
        pub fn check_passed() {}
            ko: "🎉 모든 단계를 통과했습니다: `hexaboard record`로 저장을 시작하세요",
            en: "🎉 Every step passed: start storing readings with `hexaboard record`";
    }

    lists {
        /// The names of the six steps: settings, host, TCP, connect, subscribe, data.
        pub fn check_steps() -> [&'static str; 6] {
            "설정", "settings";
            "호스트", "host";
            "TCP", "TCP";
            "접속", "connect";
            "구독", "subscribe";
            "데이터", "data";
        }
    }
}
