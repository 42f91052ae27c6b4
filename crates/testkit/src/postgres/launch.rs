//! Starting the postmaster and waiting until it accepts connections, or reporting why it did
//! not come up, with its log.

use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;

use super::{Postgres, LOG, START_TIMEOUT};
use crate::logfile::read_or_empty;
use crate::net::port_accepts;
use crate::process::{self, Start};

/// How many of the log's last lines an error report carries.
const REPORT_LINES: usize = 40;

/// How one launch of the postmaster ended.
pub(super) enum Launch {
    Up,
    /// It exited because its TCP port was taken: another port may do.
    PortTaken(String),
    Exited(String),
    TimedOut(String),
}

impl Postgres {
    /// Spawns the postmaster on `self.port` and waits until it is ready, it exits, or the
    /// start timeout passes. Only `Up` leaves a process running.
    pub(super) fn launch(&mut self) -> anyhow::Result<Launch> {
        let log_path = self.dir.path().join(LOG);
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .context("opening the PostgreSQL log file")?;
        let log_start = log.metadata()?.len();
        let child = self
            .account
            .command(&self.bin, "postgres", self.dir.path())
            .arg("-D")
            .arg(self.data_dir())
            .arg("-p")
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("spawning {}", self.bin.join("postgres").display()))?;
        let pid = child.id();
        let (data, port) = (self.data_dir(), self.port);
        let child = self.child.insert(child);
        let ready = || is_ready(pid, &data, port);
        Ok(match process::wait_ready(child, START_TIMEOUT, ready)? {
            Start::Ready => Launch::Up,
            Start::Exited(status) => {
                self.child = None;
                let report = self.report(&format!("PostgreSQL exited early ({status})"));
                let this_run = fs::read(&log_path)?;
                let this_run = this_run.get(log_start as usize..).unwrap_or_default();
                if String::from_utf8_lossy(this_run).contains("could not bind") {
                    Launch::PortTaken(report)
                } else {
                    Launch::Exited(report)
                }
            }
            Start::TimedOut => {
                self.kill()?;
                Launch::TimedOut(self.report(&format!(
                    "PostgreSQL was not ready on port {port} within {START_TIMEOUT:?}"
                )))
            }
        })
    }

    /// An error text with the last lines of the server log.
    pub(super) fn report(&self, what: &str) -> String {
        let text = read_or_empty(&self.dir.path().join(LOG)).unwrap_or_else(|e| format!("({e})"));
        with_tail(what, "postgres.log", &text)
    }
}

/// Whether the postmaster `pid` says it is ready and `port` accepts TCP connections.
///
/// `postmaster.pid` holds the postmaster's PID on its first line and, from PostgreSQL 10 on,
/// its state (`starting`, `ready`, `stopping`) on the eighth. The PID must be ours: after a
/// kill the file of the dead server still says `ready`. The port alone is not enough: during
/// crash recovery it accepts and then refuses to log in.
fn is_ready(pid: u32, data: &Path, port: u16) -> bool {
    let Ok(text) = fs::read_to_string(data.join("postmaster.pid")) else {
        return false;
    };
    let lines: Vec<&str> = text.lines().collect();
    lines.first().and_then(|l| l.trim().parse::<u32>().ok()) == Some(pid)
        && lines.get(7).map(|l| l.trim()) == Some("ready")
        && port_accepts(port, Duration::from_millis(200))
}

/// `what`, then the last lines of `text` under a `--- title ---` line.
pub(super) fn with_tail(what: &str, title: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(REPORT_LINES)..];
    let mut r = String::from(what);
    if !tail.is_empty() {
        let _ = write!(r, "\n--- {title} (last lines) ---\n{}", tail.join("\n"));
    }
    r
}
