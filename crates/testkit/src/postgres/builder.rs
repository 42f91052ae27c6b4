//! The options of a test server (role, password, database, extra settings) and its first
//! start: `initdb` into a new temp dir, the settings for fast tests, the first launch on a
//! free port, then the role and the database.

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, Context as _};

use super::install::{bin_dir, Account};
use super::launch::{with_tail, Launch};
use super::{Postgres, DATA, INITDB_LOG, START_ATTEMPTS, SUPERUSER};
use crate::logfile::read_or_empty;
use crate::net::free_port;

/// Options for a [`Postgres`]; made by [`Postgres::builder`], consumed by
/// [`start`](Self::start).
#[derive(Clone)]
#[must_use]
pub struct PostgresBuilder {
    user: String,
    password: Option<String>,
    database: String,
    settings: Vec<(String, String)>,
}

impl Default for PostgresBuilder {
    /// The role and database `hexaboard`, a random password, no extra settings.
    fn default() -> Self {
        Self {
            user: "hexaboard".to_owned(),
            password: None,
            database: "hexaboard".to_owned(),
            settings: Vec::new(),
        }
    }
}

impl std::fmt::Debug for PostgresBuilder {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresBuilder")
            .field("user", &self.user)
            .field("database", &self.database)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl PostgresBuilder {
    /// The login role the database belongs to (`hexaboard` by default).
    pub fn user(mut self, name: &str) -> Self {
        name.clone_into(&mut self.user);
        self
    }

    /// The role's password (32 random hex digits by default).
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_owned());
        self
    }

    /// The database's name (`hexaboard` by default).
    pub fn database(mut self, name: &str) -> Self {
        name.clone_into(&mut self.database);
        self
    }

    /// Adds `name = 'value'` to `postgresql.conf`, after (and so over) the test kit's own
    /// settings. The server checks it when it starts: a bad one makes [`start`](Self::start)
    /// fail with the server's log.
    pub fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Runs `initdb` into a new temp dir, writes the settings, starts the server on a free
    /// loopback port, waits (up to 15 s) until it accepts connections, then creates the role
    /// with its password and the database it owns.
    ///
    /// When the server exits because its port was taken between choosing and binding it, a
    /// new port is chosen and the start is tried again, up to 5 times.
    ///
    /// # Errors
    ///
    /// When the programs are missing, `initdb` fails, the server does not come up (the error
    /// carries its log), or the role or database cannot be made.
    pub fn start(self) -> anyhow::Result<Postgres> {
        let bin = bin_dir()?;
        let account = Account::for_this_process()?;
        let dir = tempfile::Builder::new()
            .prefix("hexaboard-postgres-")
            .tempdir()
            .context("creating the PostgreSQL dir")?;
        account.take(dir.path())?;
        let password = match self.password.clone() {
            Some(password) => password,
            None => random_password()?,
        };
        let mut server = Postgres {
            dir,
            bin,
            account,
            user: self.user.clone(),
            password,
            database: self.database.clone(),
            port: 0,
            child: None,
        };
        server.initdb()?;
        self.write_config(&server)?;
        let mut last = None;
        for _ in 0..START_ATTEMPTS {
            server.port = free_port()?;
            match server.launch()? {
                Launch::Up => {
                    server.create_role_and_database()?;
                    return Ok(server);
                }
                Launch::PortTaken(report) => last = Some(report),
                Launch::Exited(report) | Launch::TimedOut(report) => bail!("{report}"),
            }
        }
        bail!(
            "PostgreSQL found its port taken {START_ATTEMPTS} times; last time: {}",
            last.unwrap_or_default()
        )
    }

    /// Appends the test kit's settings and the caller's to `postgresql.conf` and replaces
    /// `pg_hba.conf`: the superuser trusted on the private socket, everyone else by password.
    fn write_config(&self, server: &Postgres) -> anyhow::Result<()> {
        let data = server.data_dir();
        let mut conf = String::from(
            "\n# hexaboard-testkit: one server per test, on loopback only.\n\
             # fsync and full-page writes off: fast, and still safe against a killed server\n\
             # (the operating system keeps what was written), not against a power loss.\n\
             # synchronous_commit stays on: a commit that returned is in the WAL.\n",
        );
        let dir = server.dir.path().display().to_string();
        let ours = [
            ("listen_addresses", "127.0.0.1"),
            ("unix_socket_directories", dir.as_str()),
            ("unix_socket_permissions", "0700"),
            ("max_connections", "30"),
            ("shared_buffers", "16MB"),
            ("fsync", "off"),
            ("full_page_writes", "off"),
            ("synchronous_commit", "on"),
            ("jit", "off"),
            ("logging_collector", "off"),
            ("log_destination", "stderr"),
            ("log_line_prefix", "%m [%p] "),
        ];
        let theirs = self.settings.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        for (name, value) in ours.into_iter().chain(theirs) {
            let _ = writeln!(conf, "{name} = '{}'", value.replace('\'', "''"));
        }
        let conf_path = data.join("postgresql.conf");
        OpenOptions::new()
            .append(true)
            .open(&conf_path)
            .and_then(|mut file| file.write_all(conf.as_bytes()))
            .with_context(|| format!("writing {}", conf_path.display()))?;
        let hba = format!(
            "# hexaboard-testkit\n\
             local all {SUPERUSER} trust\n\
             local all all scram-sha-256\n\
             host all all 127.0.0.1/32 scram-sha-256\n"
        );
        let hba_path = data.join("pg_hba.conf");
        fs::write(&hba_path, hba).with_context(|| format!("writing {}", hba_path.display()))
    }
}

impl Postgres {
    /// `initdb` into `DIR/data` as the account, without fsync (`-N`), the superuser named
    /// `postgres` whatever the account's name.
    fn initdb(&self) -> anyhow::Result<()> {
        let log_path = self.dir.path().join(INITDB_LOG);
        let log = File::create(&log_path).context("creating the initdb log")?;
        let status = self
            .account
            .command(&self.bin, "initdb", self.dir.path())
            .arg("-D")
            .arg(self.dir.path().join(DATA))
            .args([
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "-N",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .status()
            .with_context(|| format!("running {}", self.bin.join("initdb").display()))?;
        if !status.success() {
            let text = read_or_empty(&log_path)?;
            bail!(with_tail(
                &format!("initdb failed ({status})"),
                "initdb",
                &text
            ));
        }
        Ok(())
    }

    /// Creates the login role with its password and the database it owns, as the superuser
    /// over the socket with `psql` (the SQL goes through stdin, never the command line).
    fn create_role_and_database(&self) -> anyhow::Result<()> {
        let sql = format!(
            "CREATE ROLE {user} LOGIN PASSWORD {password};\n\
             CREATE DATABASE {database} OWNER {user};\n",
            user = identifier(&self.user),
            password = literal(&self.password),
            database = identifier(&self.database),
        );
        let mut psql = self
            .account
            .command(&self.bin, "psql", self.dir.path())
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                "postgres",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("running {}", self.bin.join("psql").display()))?;
        if let Some(mut stdin) = psql.stdin.take() {
            stdin.write_all(sql.as_bytes()).context("writing to psql")?;
        }
        let out = psql.wait_with_output().context("waiting for psql")?;
        if !out.status.success() {
            bail!(
                "creating the role {} and the database {} failed ({}): {}",
                self.user,
                self.database,
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }
}

/// A SQL identifier in double quotes (`"` doubled), so any name works.
fn identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL string literal in single quotes (`'` doubled; `standard_conforming_strings` is on).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// 32 hex digits from `/dev/urandom`: a password no other test shares.
fn random_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    File::open(Path::new("/dev/urandom"))
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom for a password")?;
    Ok(bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    }))
}
