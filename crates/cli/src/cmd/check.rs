//! `hexaboard check`: a dry run that tells a newcomer what is wrong before they wait for data.
//!
//! Six steps, each printed as passed or failed with the fix, stopping at the first failure:
//! settings, host name, TCP port, MQTT connect (TLS and login), subscription, one message.
//! Exit 0 when all passed, 1 when a step failed, 2 when the settings cannot be loaded.

use std::fmt::Display;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use hexaboard_core::text::{Report, Text};
use hexaboard_core::ReadingParser;
use hexaboard_mqtt::session::{ConnectError, RetryPolicy, Session, SessionEvent};
use hexaboard_mqtt::settings::{ConnectionSettings, Defaults};

use crate::cli::CheckArgs;
use crate::common::Context;
use crate::failure::UsageError;

const STEPS: usize = 6;
/// How long the TCP and the MQTT connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Prints the result lines of the steps.
struct Steps {
    text: Text,
}

impl Steps {
    /// The name of step `step` (1 to 6).
    fn name(&self, step: usize) -> &'static str {
        self.text.check_steps()[step - 1]
    }

    fn passed(&self, step: usize, text: impl Display) {
        println!("✅ {step}/{STEPS} {}: {text}", self.name(step));
    }

    fn note(&self, text: &str) {
        println!("   ⚠️ {text}");
    }

    /// Prints the failure and returns the error that ends the command.
    fn failed(&self, step: usize, text: impl Display) -> anyhow::Error {
        let name = self.name(step);
        println!("❌ {step}/{STEPS} {name}: {text}");
        anyhow::anyhow!("check failed at step {step}/{STEPS} ({name})")
    }
}

const SETTINGS: usize = 1;
const HOST: usize = 2;
const TCP: usize = 3;
const CONNECT: usize = 4;
const SUBSCRIBE: usize = 5;
const DATA: usize = 6;

pub(crate) fn run(args: &CheckArgs, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let steps = Steps { text };
    let settings = match context.connection(&Defaults::examples()) {
        Ok(settings) => settings,
        Err(e) => {
            let name = steps.name(SETTINGS);
            println!("❌ 1/{STEPS} {name}: {}", Report(e.as_ref()));
            return Err(UsageError(format!("check failed at step 1/{STEPS} ({name})")).into());
        }
    };
    let (host, port) = (settings.broker(), settings.port());
    steps.passed(
        SETTINGS,
        text.check_settings(host, port, settings.tls_enabled(), settings.user()),
    );
    for warning in settings.warnings() {
        steps.note(&warning);
    }

    let addrs = resolve(&steps, host, port)?;
    reach(&steps, &addrs, host, port)?;
    let (session, messages) = connect(&steps, &settings)?;
    let waited = wait_for_message(&steps, &settings, &messages, args.wait);
    session.stop_at_exit();
    waited?;
    println!("{}", text.check_passed());
    Ok(())
}

fn resolve(steps: &Steps, host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    let text = steps.text;
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                return Err(steps.failed(HOST, text.check_no_address(host)));
            }
            let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            steps.passed(HOST, format!("{host} → {}", list.join(", ")));
            Ok(addrs)
        }
        Err(e) => Err(steps.failed(HOST, text.check_unresolved(host, &e))),
    }
}

fn reach(steps: &Steps, addrs: &[SocketAddr], host: &str, port: u16) -> anyhow::Result<()> {
    let text = steps.text;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(addr, CONNECT_TIMEOUT) {
            Ok(_) => {
                steps.passed(TCP, text.check_reached(host, port, addr));
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    let cause = last.map_or_else(String::new, |e| e.to_string());
    Err(steps.failed(TCP, text.check_unreachable(host, port, &cause)))
}

type Messages = mpsc::Receiver<(String, Vec<u8>)>;

fn connect(steps: &Steps, settings: &ConnectionSettings) -> anyhow::Result<(Session, Messages)> {
    let text = steps.text;
    let (tx, rx) = mpsc::channel();
    let granted = Arc::new(Mutex::new(Vec::new()));
    let builder = Session::builder(settings)
        .retry(RetryPolicy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .subscribe_all(settings.sensor_subscriptions(), settings.qos())
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
    let server = settings.server_uri();
    let (tls, login) = (settings.tls_enabled(), settings.user().is_some());
    let connected = || steps.passed(CONNECT, text.check_connected(&server, tls, login));
    let session = match builder.connect() {
        Ok(session) => session,
        Err(
            e @ (ConnectError::SubscribeRefused { .. } | ConnectError::SubscribeTimeout { .. }),
        ) => {
            connected();
            return Err(steps.failed(SUBSCRIBE, Report(&e)));
        }
        Err(e) => return Err(steps.failed(CONNECT, Report(&e))),
    };
    connected();
    let granted = granted.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let list: Vec<String> = settings
        .sensor_subscriptions()
        .iter()
        .map(|filter| {
            match granted
                .iter()
                .find(|(f, _)| f == filter.as_str())
                .map(|(_, q)| *q)
            {
                Some(q) => text.check_granted(filter.as_str(), q.number()).to_string(),
                None => filter.to_string(),
            }
        })
        .collect();
    steps.passed(SUBSCRIBE, list.join(", "));
    Ok((session, rx))
}

fn wait_for_message(
    steps: &Steps,
    settings: &ConnectionSettings,
    messages: &Messages,
    wait: u64,
) -> anyhow::Result<()> {
    let text = steps.text;
    let topics = settings.sensor_filters().iter().map(|f| f.as_str());
    let topics = topics.collect::<Vec<_>>().join(", ");
    let Ok((topic, payload)) = messages.recv_timeout(Duration::from_secs(wait)) else {
        return Err(steps.failed(DATA, text.check_no_message(wait, &topics)));
    };
    match ReadingParser::default().parse(&payload, &topic) {
        Ok(reading) => {
            steps.passed(DATA, text.check_reading(&topic, &reading));
            Ok(())
        }
        Err(e) => Err(steps.failed(DATA, text.check_not_a_reading(&topic, &e))),
    }
}
