//! Runs the compiled examples as a learner does: a process with settings in its environment
//! (or a `.env` in its working directory), stopped with Ctrl+C (SIGINT), its output read.
//!
//! The examples are built once per test binary with `cargo build --examples`: `cargo test`
//! builds them too, but `cargo test --test examples_...` does not, and a stale binary would
//! test old code. Cargo is not holding its build lock while tests run, so this works from
//! inside `cargo test`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use hexaboard::mqtt::settings::{ConnectionSettings, Qos};
use hexaboard::mqtt::Session;

/// How long any wait may take before the test fails (a guard against hanging, not a speed
/// check).
const PATIENCE: Duration = Duration::from_secs(30);

/// The path of the compiled example `name`, built (once) if needed.
pub(crate) fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        // .../target/<profile>/deps/<test binary>
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe.parent().and_then(Path::parent).expect("target dir");
        let target_dir = profile_dir.parent().expect("target dir");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--examples", "-p", "hexaboard"])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => {}
            Some("release") => {
                build.arg("--release");
            }
            Some(other) => {
                build.args(["--profile", other]);
            }
            None => {}
        }
        let status = build.status().expect("run cargo build --examples");
        assert!(status.success(), "cargo build --examples failed");
        profile_dir.join("examples")
    });
    dir.join(name)
}

/// Options of one run of an example.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    name: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

impl Run {
    /// Example `name` in working directory `dir` (a temp dir: no stray `.env`), with nothing
    /// in its environment but what the test sets.
    pub(crate) fn new(name: &str, dir: &Path) -> Run {
        Run {
            name: name.to_owned(),
            args: Vec::new(),
            env: Vec::new(),
            dir: dir.to_owned(),
        }
    }

    /// Settings for the test broker on loopback: plain MQTT, this client id, this language.
    pub(crate) fn broker(self, port: u16, client_id: &str, lang: &str) -> Run {
        self.env("MQTT_BROKER", "127.0.0.1")
            .env("MQTT_PORT", &port.to_string())
            .env("MQTT_TLS", "off")
            .env("MQTT_CLIENT_ID", client_id)
            .env("HEXABOARD_LANG", lang)
    }

    /// One more environment variable.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Run {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Command-line arguments.
    pub(crate) fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Starts the example.
    pub(crate) fn start(self) -> Running {
        let mut child = Command::new(example(&self.name))
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start example {}: {e}", self.name));
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().expect("stderr");
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Running {
            name: self.name,
            child,
            lines,
            stdout: String::new(),
            stderr: Some(stderr),
        }
    }

    /// Runs the example to its end.
    pub(crate) fn output(self) -> Finished {
        self.start().finish()
    }
}

/// A running example.
pub(crate) struct Running {
    name: String,
    child: Child,
    lines: Receiver<String>,
    stdout: String,
    stderr: Option<JoinHandle<String>>,
}

/// What an example printed, and how it ended.
#[derive(Debug)]
pub(crate) struct Finished {
    /// Everything on stdout.
    pub(crate) stdout: String,
    /// Everything on stderr.
    pub(crate) stderr: String,
    /// The exit status.
    pub(crate) status: ExitStatus,
}

impl Running {
    /// Waits until `done` is true of the stdout so far; fails the test with the output when
    /// the example ends or nothing comes for a long time.
    pub(crate) fn wait_until(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done(&self.stdout) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stdout.push_str(&line);
                    self.stdout.push('\n');
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("{}: no {what} in:\n{}", self.name, self.stdout);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let stderr = self.stderr.take().map(|t| t.join().unwrap_or_default());
                    panic!(
                        "{}: ended before {what}:\n{}\nstderr:\n{}",
                        self.name,
                        self.stdout,
                        stderr.unwrap_or_default()
                    );
                }
            }
        }
    }

    /// Waits until `needle` was printed `times` times.
    pub(crate) fn wait_for(&mut self, needle: &str, times: usize) {
        self.wait_until(&format!("{times} × {needle:?}"), |out| {
            out.matches(needle).count() >= times
        });
    }

    /// Ctrl+C: sends SIGINT and waits for the example to end.
    pub(crate) fn interrupt(self) -> Finished {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT {}", self.child.id());
        self.finish()
    }

    /// Waits for the example to end by itself, and collects its output.
    pub(crate) fn finish(mut self) -> Finished {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stdout.push_str(&line);
                    self.stdout.push('\n');
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("{}: did not end:\n{}", self.name, self.stdout);
                }
            }
        }
        let status = self.child.wait().expect("wait for the example");
        let stderr = self.stderr.take().map(|t| t.join().unwrap_or_default());
        Finished {
            stdout: std::mem::take(&mut self.stdout),
            stderr: stderr.unwrap_or_default(),
            status,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A failed test must not leave the example running.
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Publishes `messages` in order at QoS 1 to the broker on `port`, each acknowledged.
pub(crate) fn publish(port: u16, messages: &[(&str, &str)]) {
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .client_id("test-publisher")
        .build()
        .expect("publisher settings");
    let session = Session::builder(&settings)
        .connect()
        .expect("publisher connects");
    for (topic, payload) in messages {
        session
            .publish(topic, payload.as_bytes(), Qos::AtLeastOnce, false)
            .expect("publish");
    }
    session.stop();
}

/// A firmware-like reading of `board` with its own timestamp.
pub(crate) fn reading(board: &str, temperature: &str, humidity: &str, timestamp: u32) -> String {
    format!(
        r#"{{"board": "{board}", "temperature": {temperature}, "humidity": {humidity}, "timestamp": {timestamp}}}"#
    )
}

/// Output with what changes from run to run replaced: clock times (`[10:30:15]` and
/// `2025-11-25 10:30:15`), the broker's port and board timestamps.
pub(crate) fn mask(text: &str, port: u16) -> String {
    let text = text
        .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:PORT")
        .replace(&format!("MQTT_PORT = {port} "), "MQTT_PORT = PORT ");
    let text = mask_pattern(&text, "[99:99:99]", "[hh:mm:ss]");
    let text = mask_pattern(&text, "9999-99-99 99:99:99", "YYYY-MM-DD hh:mm:ss");
    mask_numbers_after(&text, "\"timestamp\": ", "T")
}

/// Replaces every match of `pattern` (`9` stands for any ASCII digit) by `replacement`.
fn mask_pattern(text: &str, pattern: &str, replacement: &str) -> String {
    let (bytes, pat) = (text.as_bytes(), pattern.as_bytes());
    let matches_at = |i: usize| {
        bytes.len() >= i + pat.len()
            && pat.iter().zip(&bytes[i..]).all(|(p, b)| match p {
                b'9' => b.is_ascii_digit(),
                p => p == b,
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if matches_at(i) {
            out.push_str(replacement);
            i += pat.len();
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Replaces the digits that follow each `prefix` by `replacement`.
fn mask_numbers_after(text: &str, prefix: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let after = at + prefix.len();
        out.push_str(&rest[..after]);
        rest = rest[after..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str(replacement);
    }
    out.push_str(rest);
    out
}
