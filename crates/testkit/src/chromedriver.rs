//! A chromedriver as a child process, one per test, with the capabilities of a headless
//! Chromium in a profile of its own.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde_json::{json, Map, Value};
use tempfile::TempDir;

use crate::logfile::read_or_empty;
use crate::net::{free_port, port_accepts};
use crate::process::{self, Start};

/// Debian's chromedriver (package `chromium-driver`).
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's Chromium (package `chromium`).
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long [`Chromedriver::start`] waits for its port.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long dropping it waits for every process to be gone after SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a start is tried when chromedriver exits early (a port taken meanwhile).
const START_ATTEMPTS: usize = 5;
/// The file chromedriver's stdout and stderr go to, in its temp dir.
const LOG: &str = "chromedriver.log";

/// The Chromium switches of a test browser: headless, no network of its own (no updates,
/// sync or first-run pages), no GPU, no sandbox (the tests run as root) and a fixed window.
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

/// A chromedriver on a free loopback port, and the capabilities that make it start Debian's
/// Chromium headless with a fresh profile.
///
/// ```no_run
/// let driver = hexaboard_testkit::Chromedriver::start()?;
/// let url = driver.url(); // http://127.0.0.1:PORT, for a WebDriver client
/// let capabilities = driver.capabilities();
/// # anyhow::Ok(())
/// ```
///
/// Dropping it kills chromedriver and every process under it (the browsers it started) with
/// SIGKILL, waits for them, then removes the profile and its log.
#[derive(Debug)]
pub struct Chromedriver {
    /// chromedriver's log.
    dir: TempDir,
    /// Chromium's `--user-data-dir`.
    profile: TempDir,
    port: u16,
    child: Option<Child>,
}

impl Chromedriver {
    /// Starts `/usr/bin/chromedriver --port=PORT` on a free port and waits until it accepts
    /// connections.
    ///
    /// # Errors
    ///
    /// When chromedriver is not installed (the message says to install `chromium
    /// chromium-driver`), or it does not come up; the error then carries its log.
    pub fn start() -> anyhow::Result<Self> {
        if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
            bail!(
                "{CHROMEDRIVER} or {CHROMIUM} is missing: the browser tests need Debian's \
                 Chromium and its driver (apt-get install chromium chromium-driver)"
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("hexaboard-chromedriver-")
            .tempdir()
            .context("creating chromedriver's temp dir")?;
        let profile = tempfile::Builder::new()
            .prefix("hexaboard-chromium-")
            .tempdir()
            .context("creating Chromium's profile dir")?;
        let mut driver = Chromedriver {
            dir,
            profile,
            port: 0,
            child: None,
        };
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            driver.port = free_port()?;
            match driver.launch()? {
                Some(report) => last = report,
                None => return Ok(driver),
            }
        }
        bail!("chromedriver did not start after {START_ATTEMPTS} tries; last time: {last}")
    }

    /// Spawns chromedriver and waits for its port; `None` once it is up, else why not (it is
    /// then not running).
    fn launch(&mut self) -> anyhow::Result<Option<String>> {
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .context("opening chromedriver's log")?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={}", self.port))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("spawning {CHROMEDRIVER}"))?;
        let port = self.port;
        let child = self.child.insert(child);
        let ready = || port_accepts(port, Duration::from_millis(200));
        Ok(match process::wait_ready(child, START_TIMEOUT, ready)? {
            Start::Ready => None,
            Start::Exited(status) => {
                self.child = None;
                Some(self.report(&format!("chromedriver exited early ({status})")))
            }
            Start::TimedOut => {
                self.kill();
                Some(self.report(&format!(
                    "chromedriver did not accept connections on port {port} within \
                     {START_TIMEOUT:?}"
                )))
            }
        })
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join(LOG)
    }

    fn report(&self, what: &str) -> String {
        match self.log() {
            Ok(log) if !log.is_empty() => format!("{what}\n--- chromedriver log ---\n{log}"),
            _ => what.to_owned(),
        }
    }

    /// The loopback port chromedriver listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, the address a WebDriver client connects to.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The PID of the chromedriver process; `None` once it was stopped.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The profile dir Chromium is given (`--user-data-dir`), removed on drop.
    pub fn profile(&self) -> &Path {
        self.profile.path()
    }

    /// The capabilities of a new session: Chromium at `/usr/bin/chromium` with the test
    /// switches (headless, no sandbox, no GPU, no background network, 1280×900) and this
    /// driver's profile dir, its console kept for reading (`goog:loggingPrefs`).
    pub fn capabilities(&self) -> Map<String, Value> {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|&a| a.to_owned()).collect();
        args.push(format!("--user-data-dir={}", self.profile.path().display()));
        let mut capabilities = Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        capabilities.insert("goog:loggingPrefs".to_owned(), json!({ "browser": "ALL" }));
        capabilities
    }

    /// What chromedriver wrote to its stdout and stderr so far.
    ///
    /// # Errors
    ///
    /// When the file cannot be read; a log not yet written reads as empty.
    pub fn log(&self) -> anyhow::Result<String> {
        read_or_empty(&self.log_path())
    }

    /// Kills chromedriver and every process under it with SIGKILL and waits until they are
    /// gone (at most 5 s).
    fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // A chromedriver that exited is not signalled: its PID may belong to another process.
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        let tree = stopped_tree(child.id());
        let _ = process::signal("KILL", &tree);
        let _ = child.kill();
        let _ = child.wait();
        process::wait_gone(&tree, STOP_TIMEOUT);
    }
}

/// Every process under `root` (not `root` itself), each stopped (SIGSTOP) before its own
/// children are listed, so none forks a new one between the listing and the kill.
fn stopped_tree(root: u32) -> Vec<u32> {
    let _ = process::signal("STOP", &[root]);
    let mut tree = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for pid in process::children_of(parent) {
            let _ = process::signal("STOP", &[pid]);
            tree.push(pid);
            parents.push(pid);
        }
    }
    tree
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        self.kill();
    }
}
