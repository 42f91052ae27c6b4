//! Running the `hexaboard` binary as a user would, for the tests of the live commands.

#![allow(dead_code, unreachable_pub)]

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for something to show before failing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Every variable the settings read, removed so the tests see only what they set.
use hexaboard_mqtt::settings::VARIABLES;

/// `hexaboard ARGS` in `dir`, with none of the settings' variables from the test's
/// environment.
pub fn hexaboard(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hexaboard"));
    command.current_dir(dir).args(args);
    for var in VARIABLES {
        command.env_remove(var.name());
    }
    command
}

/// The flags for a plain broker on `127.0.0.1:port`.
pub fn broker_flags(port: u16) -> Vec<String> {
    [
        "--broker",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--tls",
        "off",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A running `hexaboard` whose stdout and stderr are collected as they come.
pub struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

impl Running {
    /// Starts `command` with its output collected.
    pub fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hexaboard starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// The process id, for sending signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if it has ended.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The standard output so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// The standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until `ready(stdout, stderr)`; panics with both after [`PATIENCE`].
    pub fn wait_for(&mut self, what: &str, ready: impl Fn(&str, &str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !ready(&self.stdout(), &self.stderr()) {
            if let Ok(Some(status)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "hexaboard ended ({status}) before {what}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {what} within {PATIENCE:?}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM, as a service manager does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the exit (at most [`PATIENCE`]) and returns the status once the output is
    /// read to its end.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader threads take the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "hexaboard did not exit within {PATIENCE:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `simulate` to its end against the broker on `port`; panics unless it exits 0.
pub fn simulate(dir: &Path, port: u16, extra: &[&str]) -> String {
    let mut args: Vec<String> = broker_flags(port);
    args.push("simulate".into());
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = hexaboard(dir, &args).output().expect("simulate runs");
    assert!(
        output.status.success(),
        "simulate failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The CSV file's lines.
pub fn csv_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("the CSV exists")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Replaces clock times and dates so snapshots do not depend on when they ran.
pub fn mask_times(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if is_pattern(rest, "dddd-dd-dd") {
            out.push_str("YYYY-MM-DD");
            i += 10;
        } else if is_pattern(rest, "dd:dd:dd") {
            out.push_str("HH:MM:SS");
            i += 8;
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn is_pattern(text: &str, pattern: &str) -> bool {
    text.len() >= pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(t, p)| {
            if p == b'd' {
                t.is_ascii_digit()
            } else {
                t == p
            }
        })
}

/// A client session on the broker at `127.0.0.1:port`, subscribed at QoS 1 to `filter` when
/// given; what it receives comes as `(topic, payload)` on the returned channel.
pub fn mqtt_client(
    port: u16,
    filter: Option<&str>,
) -> (
    hexaboard_mqtt::session::Session,
    std::sync::mpsc::Receiver<(String, String)>,
) {
    use hexaboard_core::topic::TopicFilter;
    use hexaboard_mqtt::session::Session;
    use hexaboard_mqtt::settings::{ConnectionSettings, Qos};

    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut builder = Session::builder(&settings).on_message(move |m| {
        let _ = tx.send((m.topic.to_owned(), m.payload_str().into_owned()));
    });
    if let Some(filter) = filter {
        builder = builder.subscribe(TopicFilter::new(filter).unwrap(), Qos::AtLeastOnce);
    }
    (builder.connect().unwrap(), rx)
}
