//! A PostgreSQL server as a child process, one per test: the running server and what a test
//! does with it (port, credentials, stop, kill, restart, log). Its options and first start are
//! in [`builder`], the programs and the account that runs them in `install`, how it is
//! started and watched in `launch`, the URLs a test connects with in `params`.

mod builder;
mod install;
mod launch;
mod params;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::thread;
use std::time::Duration;

use anyhow::{bail, Context as _};
use tempfile::TempDir;

pub use builder::PostgresBuilder;
use install::Account;
use launch::Launch;

use crate::logfile::read_or_empty;
use crate::process;

/// How long a start or [`Postgres::restart`] waits for the server to be ready (a restart after
/// [`Postgres::kill`] includes crash recovery).
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How many times a start is tried when the server exits early: its port was taken meanwhile,
/// or, on a restart, the old server's shared memory is not released yet.
const START_ATTEMPTS: usize = 5;
/// How long [`Postgres::stop`] waits after SIGINT before it kills every server process.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The bootstrap superuser made by `initdb`, reachable only over the private Unix socket.
const SUPERUSER: &str = "postgres";
/// The data folder inside the server's temp dir.
const DATA: &str = "data";
/// What the server writes to stderr, kept across restarts.
const LOG: &str = "postgres.log";
/// What `initdb` printed.
const INITDB_LOG: &str = "initdb.log";

/// A PostgreSQL server running as a child process on a free loopback port, with its own data
/// folder in a temp dir, a database and a login role with a password. Dropping it kills every
/// server process (SIGKILL) and removes the dir.
///
/// ```no_run
/// let server = hexaboard_testkit::Postgres::start()?;
/// let url = server.url(); // postgres://hexaboard:PASSWORD@127.0.0.1:PORT/hexaboard
/// # anyhow::Ok(())
/// ```
///
/// The server listens on `127.0.0.1` (password, SCRAM) and on a Unix socket in its temp dir
/// (the superuser, trusted). Under root it runs as the `postgres` account, so the temp dir
/// (in `$TMPDIR`, else `/tmp`) must be reachable by that account. It runs with `fsync = off` and `full_page_writes = off`, so a
/// power loss could corrupt it, and with `synchronous_commit = on`, so a commit that returned
/// survives [`kill`](Self::kill): the operating system holds what the server wrote.
pub struct Postgres {
    dir: TempDir,
    bin: PathBuf,
    account: Account,
    user: String,
    password: String,
    database: String,
    port: u16,
    child: Option<Child>,
}

impl Postgres {
    /// Options for a server; the default has the role and database `hexaboard` and a random
    /// password.
    pub fn builder() -> PostgresBuilder {
        PostgresBuilder::default()
    }

    /// Starts a server with the default options (`Postgres::builder().start()`).
    ///
    /// # Errors
    ///
    /// See [`PostgresBuilder::start`].
    pub fn start() -> anyhow::Result<Self> {
        Self::builder().start()
    }

    /// The loopback TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The login role the database belongs to (not a superuser).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The role's password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The database's name.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The server's own temp dir: the data folder, the Unix socket, the logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The data folder (`PGDATA`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join(DATA)
    }

    /// The PID of the running postmaster; `None` once it was stopped or killed.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the postmaster is still running.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Kills the postmaster and every process it forked with SIGKILL, at once, and waits
    /// until they are gone: a crash. Committed transactions survive it (see the type's
    /// docs); the next [`restart`](Self::restart) runs crash recovery.
    ///
    /// # Errors
    ///
    /// When waiting for the postmaster fails or a server process outlives SIGKILL. Killing a
    /// server that already stopped is not an error.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        // A postmaster that exited is not signalled: its PID may belong to another process.
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        let pid = child.id();
        // Stopped first, so that it forks no new backend between the listing and the kill.
        let _ = process::signal("STOP", &[pid]);
        let children = process::children_of(pid);
        let _ = process::signal("KILL", &children);
        let _ = child.kill();
        child
            .wait()
            .context("waiting for PostgreSQL after SIGKILL")?;
        let left = process::wait_gone(&children, STOP_TIMEOUT);
        if !left.is_empty() {
            bail!("PostgreSQL processes {left:?} still run after SIGKILL");
        }
        Ok(())
    }

    /// Stops the server with SIGINT, PostgreSQL's fast shutdown, and waits for it; after 10 s
    /// every server process is killed as by [`kill`](Self::kill).
    ///
    /// Fast shutdown rolls back open transactions, ends the sessions of connected clients and
    /// writes a checkpoint. SIGTERM would be a smart shutdown, which waits until every client
    /// has disconnected, so a test with a store still connected would wait for nothing.
    ///
    /// # Errors
    ///
    /// When waiting fails. Stopping a stopped server is not an error.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(child) = self.child.as_mut() {
            process::stop_child(child, "INT", STOP_TIMEOUT)?;
        }
        self.kill()
    }

    /// Starts the server again on the same port with the same data folder and waits until it
    /// accepts connections (after a [`kill`](Self::kill), once crash recovery is done). A
    /// running server is first stopped as [`stop`](Self::stop) does.
    ///
    /// # Errors
    ///
    /// When it does not come up on its port after 5 tries; the error carries the server log.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop()?;
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            match self.launch()? {
                Launch::Up => return Ok(()),
                Launch::PortTaken(report) | Launch::Exited(report) => {
                    last = report;
                    thread::sleep(Duration::from_millis(200));
                }
                Launch::TimedOut(report) => bail!("{report}"),
            }
        }
        bail!(
            "PostgreSQL did not restart on port {} after {START_ATTEMPTS} tries; last time: {last}",
            self.port
        )
    }

    /// What the server wrote to its stderr (its log), from the first start on.
    ///
    /// # Errors
    ///
    /// When the file cannot be read; a log not yet written reads as empty.
    pub fn log(&self) -> anyhow::Result<String> {
        read_or_empty(&self.dir.path().join(LOG))
    }
}

impl fmt::Debug for Postgres {
    /// Everything but the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Postgres")
            .field("dir", &self.dir.path())
            .field("bin", &self.bin)
            .field("user", &self.user)
            .field("database", &self.database)
            .field("port", &self.port)
            .field("pid", &self.pid())
            .finish_non_exhaustive()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
