//! Starting the mosquitto process and waiting until every listener accepts, or reporting
//! why it did not come up, with its config, log and stderr.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;

use super::{Mosquitto, CONF, LOG, START_TIMEOUT, STDERR};
use crate::logfile::read_or_empty;
use crate::net::port_accepts;
use crate::process::{self, Start};

/// The mosquitto binary: `$HEXABOARD_MOSQUITTO`, else `/usr/sbin/mosquitto`, else from `PATH`.
fn program() -> PathBuf {
    if let Some(path) = std::env::var_os("HEXABOARD_MOSQUITTO") {
        return PathBuf::from(path);
    }
    let sbin = PathBuf::from("/usr/sbin/mosquitto");
    if sbin.exists() {
        sbin
    } else {
        PathBuf::from("mosquitto")
    }
}

/// How one launch of mosquitto ended.
pub(super) enum Launch {
    Up,
    Exited(String),
    TimedOut(String),
}

impl Mosquitto {
    /// Spawns mosquitto with the written config and waits until every listener accepts,
    /// it exits, or the start timeout passes. Only `Up` leaves a process running.
    pub(super) fn launch(&mut self) -> anyhow::Result<Launch> {
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join(STDERR))
            .context("opening mosquitto's stderr file")?;
        let stdout = stderr.try_clone()?;
        let program = program();
        let child = Command::new(&program)
            .arg("-c")
            .arg(self.dir.path().join(CONF))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("spawning {}", program.display()))?;
        let ports = self.ports();
        let child = self.child.insert(child);
        let ready = || {
            ports
                .iter()
                .all(|&p| port_accepts(p, Duration::from_millis(200)))
        };
        Ok(match process::wait_ready(child, START_TIMEOUT, ready)? {
            Start::Ready => Launch::Up,
            Start::Exited(status) => {
                self.child = None;
                Launch::Exited(self.report(&format!("mosquitto exited early ({status})")))
            }
            Start::TimedOut => {
                self.kill()?;
                Launch::TimedOut(self.report(&format!(
                    "mosquitto did not accept connections on ports {ports:?} within {START_TIMEOUT:?}"
                )))
            }
        })
    }

    /// An error text with the config, the log and stderr.
    pub(super) fn report(&self, what: &str) -> String {
        let dir = self.dir.path();
        let mut r = String::from(what);
        for (title, file) in [("config", CONF), ("mosquitto.log", LOG), ("stderr", STDERR)] {
            let text = read_or_empty(&dir.join(file)).unwrap_or_else(|e| format!("({e})"));
            if !text.is_empty() {
                let _ = write!(r, "\n--- {title} ---\n{}", text.trim_end());
            }
        }
        r
    }
}
