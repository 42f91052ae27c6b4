//! `hexaboard check`: a dry run that tells a newcomer what is wrong before they wait for data.
//!
//! Six steps, each printed as passed or failed with the fix, stopping at the first failure:
//! settings, host name, TCP port, MQTT connect (TLS and login), subscription, one message.
//! Exit 0 when all passed, 1 when a step failed, 2 when the settings cannot be loaded.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use hexaboard_core::text::sanitize_for_terminal;
use hexaboard_core::{Lang, ReadingParser};
use hexaboard_mqtt::session::{ConnectError, RetryPolicy, Session, SessionEvent};
use hexaboard_mqtt::settings::{ConnectionSettings, Defaults};

use crate::cli::CheckArgs;
use crate::cmd::words::pick;
use crate::common::{Context, UsageError};

const STEPS: usize = 6;
/// How long the TCP and the MQTT connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Prints the result lines of the steps.
struct Report {
    lang: Lang,
}

impl Report {
    fn passed(&self, step: usize, name: (&str, &str), text: &str) {
        println!(
            "✅ {step}/{STEPS} {}: {text}",
            pick(self.lang, name.0, name.1)
        );
    }

    fn note(&self, text: &str) {
        println!("   ⚠️ {text}");
    }

    /// Prints the failure and returns the error that ends the command.
    fn failed(&self, step: usize, name: (&str, &str), text: &str) -> anyhow::Error {
        let name = pick(self.lang, name.0, name.1);
        println!("❌ {step}/{STEPS} {name}: {text}");
        anyhow::anyhow!("check failed at step {step}/{STEPS} ({name})")
    }
}

const SETTINGS: (&str, &str) = ("설정", "settings");
const HOST: (&str, &str) = ("호스트", "host");
const TCP: (&str, &str) = ("TCP", "TCP");
const CONNECT: (&str, &str) = ("접속", "connect");
const SUBSCRIBE: (&str, &str) = ("구독", "subscribe");
const DATA: (&str, &str) = ("데이터", "data");

pub(crate) fn run(args: &CheckArgs, context: &Context) -> anyhow::Result<()> {
    let lang = context.text().lang();
    let report = Report { lang };
    let settings = match context.connection(&Defaults::examples()) {
        Ok(settings) => settings,
        Err(e) => {
            let name = pick(lang, SETTINGS.0, SETTINGS.1);
            println!("❌ 1/{STEPS} {name}: {e:#}");
            return Err(UsageError(format!("check failed at step 1/{STEPS} ({name})")).into());
        }
    };
    let (host, port) = (settings.broker(), settings.port());
    let tls = if settings.tls_enabled() { "on" } else { "off" };
    let user = settings.user().map_or_else(
        || pick(lang, "사용자 없음", "no user").to_owned(),
        |u| pick(lang, &format!("사용자 {u}"), &format!("user {u}")).to_owned(),
    );
    report.passed(
        1,
        SETTINGS,
        pick(
            lang,
            &format!("브로커 {host}:{port}, TLS {tls}, {user}"),
            &format!("broker {host}:{port}, TLS {tls}, {user}"),
        ),
    );
    for warning in settings.warnings() {
        report.note(&warning);
    }

    let addrs = resolve(&report, host, port)?;
    reach(&report, &addrs, host, port)?;
    let (session, messages) = connect(&report, &settings)?;
    let waited = wait_for_message(&report, &settings, &messages, args.wait);
    session.stop_at_exit();
    waited?;
    println!(
        "{}",
        pick(
            lang,
            "🎉 모든 단계를 통과했습니다: `hexaboard record`로 저장을 시작하세요",
            "🎉 Every step passed: start storing readings with `hexaboard record`",
        )
    );
    Ok(())
}

fn resolve(report: &Report, host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    let lang = report.lang;
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                return Err(report.failed(
                    2,
                    HOST,
                    pick(
                        lang,
                        &format!("`{host}`의 주소가 없습니다: MQTT_BROKER를 확인하세요"),
                        &format!("`{host}` has no address: check MQTT_BROKER"),
                    ),
                ));
            }
            let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            report.passed(2, HOST, &format!("{host} → {}", list.join(", ")));
            Ok(addrs)
        }
        Err(e) => Err(report.failed(
            2,
            HOST,
            pick(
                lang,
                &format!("`{host}`를 찾을 수 없습니다 ({e}): MQTT_BROKER와 네트워크를 확인하세요"),
                &format!("cannot resolve `{host}` ({e}): check MQTT_BROKER and the network"),
            ),
        )),
    }
}

fn reach(report: &Report, addrs: &[SocketAddr], host: &str, port: u16) -> anyhow::Result<()> {
    let lang = report.lang;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(addr, CONNECT_TIMEOUT) {
            Ok(_) => {
                report.passed(
                    3,
                    TCP,
                    pick(
                        lang,
                        &format!("{host}:{port} ({addr}) 연결됨"),
                        &format!("{host}:{port} ({addr}) accepts connections"),
                    ),
                );
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    let cause = last.map_or_else(String::new, |e| e.to_string());
    Err(report.failed(
        3,
        TCP,
        pick(
            lang,
            &format!(
                "{host}:{port}에 연결할 수 없습니다 ({cause}): MQTT_BROKER / MQTT_PORT와 브로커가 \
                 켜져 있는지 확인하세요"
            ),
            &format!(
                "nothing accepts connections on {host}:{port} ({cause}): check MQTT_BROKER / \
                 MQTT_PORT and that the broker runs"
            ),
        ),
    ))
}

type Messages = mpsc::Receiver<(String, Vec<u8>)>;

fn connect(report: &Report, settings: &ConnectionSettings) -> anyhow::Result<(Session, Messages)> {
    let lang = report.lang;
    let (tx, rx) = mpsc::channel();
    let granted = Arc::new(Mutex::new(Vec::new()));
    let mut builder = Session::builder(settings)
        .retry(RetryPolicy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .on_message(move |m| {
            // Never blocks: an unbounded channel, read by the main thread.
            let _ = tx.send((m.topic.to_owned(), m.payload.to_vec()));
        })
        .on_event({
            let granted = Arc::clone(&granted);
            move |event| {
                if let SessionEvent::Subscribed {
                    filters,
                    granted: g,
                } = event
                {
                    let mut list = granted.lock().unwrap_or_else(|e| e.into_inner());
                    list.extend(filters.into_iter().zip(g));
                }
            }
        });
    for filter in settings.sensor_filters() {
        builder = builder.subscribe(filter.clone(), settings.qos());
    }
    let how = if settings.tls_enabled() {
        pick(
            lang,
            "TLS 핸드셰이크와 인증서 확인, ",
            "TLS handshake and certificate verified, ",
        )
    } else {
        ""
    };
    let login = if settings.user().is_some() {
        pick(lang, "로그인 성공", "login accepted")
    } else {
        pick(lang, "익명 접속 허용", "anonymous connection accepted")
    };
    let server = settings.server_uri();
    let connected = || report.passed(4, CONNECT, &format!("{server}: {how}{login}"));
    let session = match builder.connect() {
        Ok(session) => session,
        Err(
            e @ (ConnectError::SubscribeRefused { .. } | ConnectError::SubscribeTimeout { .. }),
        ) => {
            connected();
            return Err(report.failed(5, SUBSCRIBE, &e.to_string()));
        }
        Err(e) => return Err(report.failed(4, CONNECT, &e.to_string())),
    };
    connected();
    let granted = granted.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let list: Vec<String> = settings
        .sensor_filters()
        .iter()
        .map(|filter| {
            match granted
                .iter()
                .find(|(f, _)| f == filter.as_str())
                .map(|(_, q)| *q)
            {
                Some(q) => pick(
                    lang,
                    &format!("{filter} (QoS {} 허용)", q.number()),
                    &format!("{filter} (QoS {} granted)", q.number()),
                )
                .to_owned(),
                None => filter.to_string(),
            }
        })
        .collect();
    report.passed(5, SUBSCRIBE, &list.join(", "));
    Ok((session, rx))
}

fn wait_for_message(
    report: &Report,
    settings: &ConnectionSettings,
    messages: &Messages,
    wait: u64,
) -> anyhow::Result<()> {
    let lang = report.lang;
    let topics = settings.sensor_filters().iter().map(|f| f.as_str());
    let topics = topics.collect::<Vec<_>>().join(", ");
    let Ok((topic, payload)) = messages.recv_timeout(Duration::from_secs(wait)) else {
        return Err(report.failed(
            6,
            DATA,
            pick(
                lang,
                &format!(
                    "{wait}초 동안 메시지가 없습니다: 보드가 {topics}에 보내고 있나요? \
                     보드 없이 해 보려면 `hexaboard simulate`"
                ),
                &format!(
                    "no message in {wait} s: is a board publishing to {topics}? \
                     try `hexaboard simulate`"
                ),
            ),
        ));
    };
    let topic = sanitize_for_terminal(&topic).into_owned();
    match ReadingParser::default().parse(&payload, &topic) {
        Ok(r) => {
            report.passed(
                6,
                DATA,
                pick(
                    lang,
                    &format!(
                        "{topic}에서 보드 {}의 데이터: 온도 {}°C, 습도 {}%",
                        sanitize_for_terminal(r.board()),
                        r.temperature(),
                        r.humidity()
                    ),
                    &format!(
                        "reading from board {} on {topic}: temperature {}°C, humidity {}%",
                        sanitize_for_terminal(r.board()),
                        r.temperature(),
                        r.humidity()
                    ),
                ),
            );
            Ok(())
        }
        Err(e) => Err(report.failed(
            6,
            DATA,
            pick(
                lang,
                &format!("{topic}의 메시지가 센서 데이터가 아닙니다: {e}"),
                &format!("the message on {topic} is not a sensor reading: {e}"),
            ),
        )),
    }
}
