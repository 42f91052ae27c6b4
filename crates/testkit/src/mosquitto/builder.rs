//! The options of a test broker: which listeners (plain, password, TLS, mutual TLS),
//! persistence, queue limits, logging; and the start that turns them into a [`Mosquitto`].

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _};

use super::launch::Launch;
use super::{Mosquitto, PASSWD, PERSISTENCE, START_ATTEMPTS};
use crate::certs::TestCerts;

#[derive(Debug, Clone)]
pub(super) struct TlsFiles {
    pub(super) cafile: PathBuf,
    pub(super) certfile: PathBuf,
    pub(super) keyfile: PathBuf,
}

/// Options for a [`Mosquitto`]; made by [`Mosquitto::builder`], consumed by
/// [`start`](Self::start).
///
/// The plain anonymous listener is always there. The others are added by
/// [`password`](Self::password) and [`tls`](Self::tls) / [`tls_files`](Self::tls_files).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct MosquittoBuilder {
    pub(super) users: Vec<(String, String)>,
    pub(super) tls: Option<TlsFiles>,
    pub(super) require_certificate: bool,
    pub(super) persistence: bool,
    pub(super) max_queued_messages: Option<u32>,
    pub(super) max_inflight_messages: Option<u32>,
    pub(super) log_all: bool,
    pub(super) extra: Vec<String>,
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
