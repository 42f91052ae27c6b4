//! A mosquitto broker as a child process, one per test: the running broker and what a test
//! does with it (ports, stop, kill, restart, log). Its options are in [`builder`], the config it
//! is given in `config`, how it is started and watched in `launch`.

mod builder;
mod config;
mod launch;

use std::path::Path;
use std::process::Child;
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context as _};
use tempfile::TempDir;

pub use builder::MosquittoBuilder;
use launch::Launch;

use crate::logfile::read_or_empty;
use crate::process;

/// How long [`MosquittoBuilder::start`] and [`Mosquitto::restart`] wait for every listener.
const START_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a start is tried when mosquitto exits early (a port taken meanwhile).
const START_ATTEMPTS: usize = 5;
/// How long [`Mosquitto::stop`] waits after SIGTERM before it sends SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

const CONF: &str = "mosquitto.conf";
const PASSWD: &str = "passwd";
const LOG: &str = "mosquitto.log";
const STDERR: &str = "stderr.log";
const PERSISTENCE: &str = "persistence";

/// A mosquitto broker running as a child process on loopback ports, with its own config and
/// temp dir. Dropping it kills the process (SIGKILL) and waits for it, then removes the dir.
///
/// ```no_run
/// let broker = hexaboard_testkit::Mosquitto::start()?;
/// let uri = broker.url(); // tcp://127.0.0.1:PORT
/// # anyhow::Ok(())
/// ```
///
/// The config has `user root`, `per_listener_settings true` and `allow_anonymous` set per
/// listener; all listeners bind `127.0.0.1`.
#[derive(Debug)]
pub struct Mosquitto {
    dir: TempDir,
    options: MosquittoBuilder,
    port: u16,
    auth_port: Option<u16>,
    tls_port: Option<u16>,
    child: Option<Child>,
}

impl Mosquitto {
    /// Options for a broker; the default is one plain anonymous listener.
    pub fn builder() -> MosquittoBuilder {
        MosquittoBuilder::default()
    }

    /// Starts a broker with only the plain anonymous listener
    /// (`Mosquitto::builder().start()`).
    ///
    /// # Errors
    ///
    /// See [`MosquittoBuilder::start`].
    pub fn start() -> anyhow::Result<Self> {
        Self::builder().start()
    }

    /// The plain anonymous listener's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `tcp://127.0.0.1:PORT` of the plain anonymous listener.
    pub fn url(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    /// The password listener's port.
    ///
    /// # Panics
    ///
    /// When the broker was built without [`MosquittoBuilder::password`].
    pub fn auth_port(&self) -> u16 {
        self.auth_port.expect(
            "this mosquitto has no password listener: build it with .password(user, password)",
        )
    }

    /// `tcp://127.0.0.1:PORT` of the password listener.
    ///
    /// # Panics
    ///
    /// When the broker was built without [`MosquittoBuilder::password`].
    pub fn auth_url(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.auth_port())
    }

    /// The TLS listener's port.
    ///
    /// # Panics
    ///
    /// When the broker was built without [`MosquittoBuilder::tls`] or
    /// [`MosquittoBuilder::tls_files`].
    pub fn tls_port(&self) -> u16 {
        self.tls_port
            .expect("this mosquitto has no TLS listener: build it with .tls(&certs)")
    }

    /// `ssl://localhost:PORT` of the TLS listener (`localhost` so the server certificate's
    /// name matches).
    ///
    /// # Panics
    ///
    /// When the broker was built without a TLS listener.
    pub fn tls_url(&self) -> String {
        format!("ssl://localhost:{}", self.tls_port())
    }

    /// The broker's own temp dir (config, password file, TLS copies, logs, persistence).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The PID of the running mosquitto process; `None` once it was stopped or killed.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the mosquitto process is still running.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Kills mosquitto with SIGKILL and waits for it: a crash, nothing is saved.
    ///
    /// # Errors
    ///
    /// When waiting for the process fails. Killing a broker that already stopped is not an error.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            child
                .wait()
                .context("waiting for mosquitto after SIGKILL")?;
        }
        Ok(())
    }

    /// Stops mosquitto with SIGTERM (it saves persistence and says goodbye to clients) and
    /// waits for it; after 5 s it is killed with SIGKILL.
    ///
    /// # Errors
    ///
    /// When the signal cannot be sent or waiting fails. Stopping a stopped broker is not an error.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(child) = self.child.as_mut() {
            process::stop_child(child, "TERM", STOP_TIMEOUT)?;
        }
        self.kill()
    }

    /// Starts mosquitto again on the same ports with the same config and persistence dir,
    /// and waits (up to 5 s) until every listener accepts. A running broker is first
    /// stopped with SIGTERM, as [`stop`](Self::stop) does.
    ///
    /// # Errors
    ///
    /// When it does not come up on those ports after 5 tries; the error carries mosquitto's
    /// log and stderr.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop()?;
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            match self.launch()? {
                Launch::Up => return Ok(()),
                Launch::Exited(report) => {
                    last = report;
                    thread::sleep(Duration::from_millis(100));
                }
                Launch::TimedOut(report) => bail!("{report}"),
            }
        }
        bail!("mosquitto did not restart on its ports after {START_ATTEMPTS} tries; last time: {last}")
    }

    /// The broker's log: `mosquitto.log` when built with
    /// [`log_all(true)`](MosquittoBuilder::log_all), otherwise what mosquitto wrote to its
    /// stderr. Both keep the lines of earlier runs across [`restart`](Self::restart).
    ///
    /// # Errors
    ///
    /// When the file cannot be read; a log not yet written reads as empty.
    pub fn log(&self) -> anyhow::Result<String> {
        let file = if self.options.log_all { LOG } else { STDERR };
        read_or_empty(&self.dir.path().join(file))
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
