//! A mosquitto broker as a child process, one per test.

use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use tempfile::TempDir;

use crate::certs::TestCerts;
use crate::net::{free_ports, port_accepts};

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

#[derive(Debug, Clone)]
struct TlsFiles {
    cafile: PathBuf,
    certfile: PathBuf,
    keyfile: PathBuf,
}

/// Options for a [`Mosquitto`]; made by [`Mosquitto::builder`], consumed by
/// [`start`](Self::start).
///
/// The plain anonymous listener is always there. The others are added by
/// [`password`](Self::password) and [`tls`](Self::tls) / [`tls_files`](Self::tls_files).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct MosquittoBuilder {
    users: Vec<(String, String)>,
    tls: Option<TlsFiles>,
    require_certificate: bool,
    persistence: bool,
    max_queued_messages: Option<u32>,
    max_inflight_messages: Option<u32>,
    log_all: bool,
    extra: Vec<String>,
}

impl MosquittoBuilder {
    /// Adds a password listener (`allow_anonymous false`) that accepts `user` with `password`.
    ///
    /// Call it again for more users; they all share one password file, made with
    /// `mosquitto_passwd -c -b` (then `-b`).
    pub fn password(mut self, user: &str, password: &str) -> Self {
        self.users.push((user.to_owned(), password.to_owned()));
        self
    }

    /// Adds an anonymous TLS listener with the CA, server certificate and key of `certs`.
    pub fn tls(self, certs: &TestCerts) -> Self {
        self.tls_files(certs.ca_cert(), certs.server_cert(), certs.server_key())
    }

    /// Adds an anonymous TLS listener with the given `cafile`, `certfile` and `keyfile`
    /// (PEM). The files are copied into the broker's dir when it starts.
    pub fn tls_files(
        mut self,
        cafile: impl AsRef<Path>,
        certfile: impl AsRef<Path>,
        keyfile: impl AsRef<Path>,
    ) -> Self {
        self.tls = Some(TlsFiles {
            cafile: cafile.as_ref().to_owned(),
            certfile: certfile.as_ref().to_owned(),
            keyfile: keyfile.as_ref().to_owned(),
        });
        self
    }

    /// Makes the TLS listener demand a client certificate signed by its `cafile`
    /// (`require_certificate true`, mutual TLS). Off by default.
    pub fn require_certificate(mut self, on: bool) -> Self {
        self.require_certificate = on;
        self
    }

    /// Turns persistence on or off (off by default). When on, the database lives in a
    /// `persistence/` dir inside the broker's temp dir and survives [`Mosquitto::restart`];
    /// mosquitto writes it when stopped with SIGTERM ([`Mosquitto::stop`]), not on SIGKILL.
    pub fn persistence(mut self, on: bool) -> Self {
        self.persistence = on;
        self
    }

    /// Sets `max_queued_messages` (per client, 0 = no limit).
    pub fn max_queued_messages(mut self, n: u32) -> Self {
        self.max_queued_messages = Some(n);
        self
    }

    /// Sets `max_inflight_messages` (per client, 0 = no limit).
    pub fn max_inflight_messages(mut self, n: u32) -> Self {
        self.max_inflight_messages = Some(n);
        self
    }

    /// Logs everything (`log_type all`) to `mosquitto.log` in the broker's dir
    /// (`log_dest file`), readable with [`Mosquitto::log`]. Off by default, when mosquitto
    /// logs errors, warnings, notices and information to its stderr, which is kept in a file.
    pub fn log_all(mut self, on: bool) -> Self {
        self.log_all = on;
        self
    }

    /// Appends one whole line to the general part of the config, before the listeners.
    pub fn config_line(mut self, line: &str) -> Self {
        self.extra.push(line.to_owned());
        self
    }

    /// Writes the config into a new temp dir, starts mosquitto on free loopback ports and
    /// waits (up to 5 s) until every listener accepts TCP connections.
    ///
    /// When mosquitto exits early (a port was taken between choosing and binding it), new
    /// ports are chosen and the start is tried again, up to 5 times.
    ///
    /// # Errors
    ///
    /// When the dir, password file or TLS files cannot be made, or mosquitto does not come
    /// up; the error then carries mosquitto's log and stderr.
    pub fn start(self) -> anyhow::Result<Mosquitto> {
        let dir = tempfile::Builder::new()
            .prefix("hexaboard-mosquitto-")
            .tempdir()
            .context("creating the mosquitto dir")?;
        self.prepare(dir.path())?;
        let mut broker = Mosquitto {
            dir,
            options: self,
            port: 0,
            auth_port: None,
            tls_port: None,
            child: None,
        };
        let mut last = None;
        for _ in 0..START_ATTEMPTS {
            broker.choose_ports()?;
            broker.write_config()?;
            match broker.launch()? {
                Launch::Up => return Ok(broker),
                Launch::Exited(report) => last = Some(report),
                Launch::TimedOut(report) => bail!("{report}"),
            }
        }
        bail!(
            "mosquitto exited early {START_ATTEMPTS} times; last time: {}",
            last.unwrap_or_default()
        )
    }

    /// Makes the password file, copies the TLS files and the persistence dir.
    fn prepare(&self, dir: &Path) -> anyhow::Result<()> {
        let passwd = dir.join(PASSWD);
        for (i, (user, password)) in self.users.iter().enumerate() {
            let mut cmd = Command::new("mosquitto_passwd");
            if i == 0 {
                cmd.arg("-c");
            }
            let out = cmd
                .arg("-b")
                .arg(&passwd)
                .arg(user)
                .arg(password)
                .stdin(Stdio::null())
                .output()
                .context("running mosquitto_passwd")?;
            if !out.status.success() {
                bail!(
                    "mosquitto_passwd failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        if let Some(tls) = &self.tls {
            for (from, to) in [
                (&tls.cafile, "ca.pem"),
                (&tls.certfile, "server.pem"),
                (&tls.keyfile, "server.key"),
            ] {
                fs::copy(from, dir.join(to)).with_context(|| {
                    format!("copying {} into the mosquitto dir", from.display())
                })?;
            }
        }
        if self.persistence {
            fs::create_dir_all(dir.join(PERSISTENCE))?;
        }
        Ok(())
    }
}

/// How one launch of mosquitto ended.
enum Launch {
    Up,
    Exited(String),
    TimedOut(String),
}

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
        let Some(child) = self.child.as_mut() else {
            return Ok(());
        };
        if child.try_wait()?.is_none() {
            let status = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + STOP_TIMEOUT;
            while status.is_ok() && Instant::now() < deadline {
                if child.try_wait()?.is_some() {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
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

    fn choose_ports(&mut self) -> anyhow::Result<()> {
        let wanted = 1
            + usize::from(!self.options.users.is_empty())
            + usize::from(self.options.tls.is_some());
        let mut ports = free_ports(wanted)?.into_iter();
        self.port = ports.next().context("no free port")?;
        self.auth_port = if self.options.users.is_empty() {
            None
        } else {
            ports.next()
        };
        self.tls_port = if self.options.tls.is_some() {
            ports.next()
        } else {
            None
        };
        Ok(())
    }

    fn ports(&self) -> Vec<u16> {
        [Some(self.port), self.auth_port, self.tls_port]
            .into_iter()
            .flatten()
            .collect()
    }

    fn config(&self) -> String {
        let dir = self.dir.path();
        let o = &self.options;
        let mut c = String::new();
        let mut line = |s: &str| {
            c.push_str(s);
            c.push('\n');
        };
        line("# hexaboard-testkit mosquitto, one per test");
        line("user root");
        line("per_listener_settings true");
        if o.persistence {
            line("persistence true");
            line(&format!(
                "persistence_location {}/",
                dir.join(PERSISTENCE).display()
            ));
            line("persistence_file mosquitto.db");
        } else {
            line("persistence false");
        }
        if o.log_all {
            line(&format!("log_dest file {}", dir.join(LOG).display()));
            line("log_type all");
        } else {
            line("log_dest stderr");
        }
        if let Some(n) = o.max_queued_messages {
            line(&format!("max_queued_messages {n}"));
        }
        if let Some(n) = o.max_inflight_messages {
            line(&format!("max_inflight_messages {n}"));
        }
        for extra in &o.extra {
            line(extra);
        }
        line("# plain anonymous listener");
        line(&format!("listener {} 127.0.0.1", self.port));
        line("allow_anonymous true");
        if let Some(port) = self.auth_port {
            line("# password listener");
            line(&format!("listener {port} 127.0.0.1"));
            line("allow_anonymous false");
            line(&format!("password_file {}", dir.join(PASSWD).display()));
        }
        if let Some(port) = self.tls_port {
            line("# TLS listener");
            line(&format!("listener {port} 127.0.0.1"));
            line("allow_anonymous true");
            line(&format!("cafile {}", dir.join("ca.pem").display()));
            line(&format!("certfile {}", dir.join("server.pem").display()));
            line(&format!("keyfile {}", dir.join("server.key").display()));
            if o.require_certificate {
                line("require_certificate true");
            }
        }
        c
    }

    fn write_config(&self) -> anyhow::Result<()> {
        let path = self.dir.path().join(CONF);
        fs::write(&path, self.config()).with_context(|| format!("writing {}", path.display()))
    }

    /// Spawns mosquitto with the written config and waits until every listener accepts,
    /// it exits, or the start timeout passes. Only `Up` leaves a process running.
    fn launch(&mut self) -> anyhow::Result<Launch> {
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
        self.child = Some(child);
        let ports = self.ports();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let exited = match self.child.as_mut() {
                Some(child) => child.try_wait()?,
                None => None,
            };
            if let Some(status) = exited {
                self.child = None;
                return Ok(Launch::Exited(
                    self.report(&format!("mosquitto exited early ({status})")),
                ));
            }
            if ports
                .iter()
                .all(|&p| port_accepts(p, Duration::from_millis(200)))
            {
                return Ok(Launch::Up);
            }
            if Instant::now() >= deadline {
                self.kill()?;
                return Ok(Launch::TimedOut(self.report(&format!(
                    "mosquitto did not accept connections on ports {ports:?} within {START_TIMEOUT:?}"
                ))));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// An error text with the config, the log and stderr.
    fn report(&self, what: &str) -> String {
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

fn read_or_empty(path: &Path) -> anyhow::Result<String> {
    match fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
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
