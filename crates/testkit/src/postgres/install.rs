//! Where the PostgreSQL server programs are, and which account runs them.
//!
//! `initdb` and `postgres` refuse to run as root. Tests often do run as root (CI does), so the
//! server then runs as the `postgres` account that Debian's `postgresql` package makes: the
//! child process is given that account's uid and gid directly (no `runuser` in between), so
//! the PID the test kit holds is the server's own and signals reach it.

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};

/// Where Debian (and Ubuntu) install each major version's server programs.
const DEBIAN_LIB: &str = "/usr/lib/postgresql";

/// The account that runs the server when the tests run as root.
const SERVER_ACCOUNT: &str = "postgres";

/// The folder holding `initdb`, `postgres` and `psql`: `$HEXABOARD_PG_BIN` when set, else the
/// newest `/usr/lib/postgresql/<version>/bin`, else the folder of `initdb` on `PATH`.
///
/// # Errors
///
/// When none of these holds the three programs; the message says what to install.
pub(super) fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("HEXABOARD_PG_BIN") {
        let dir = PathBuf::from(dir);
        if has_programs(&dir) {
            return Ok(dir);
        }
        bail!(
            "HEXABOARD_PG_BIN={} does not hold initdb, postgres and psql",
            dir.display()
        );
    }
    if let Some(dir) = newest_debian_bin() {
        return Ok(dir);
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|dir| has_programs(dir)) {
        return Ok(dir);
    }
    bail!(
        "the PostgreSQL server programs (initdb, postgres, psql) were not found in \
         {DEBIAN_LIB}/<version>/bin nor on PATH: install them (sudo apt-get install -y postgresql) \
         or set HEXABOARD_PG_BIN to their folder"
    )
}

fn has_programs(dir: &Path) -> bool {
    ["initdb", "postgres", "psql"]
        .iter()
        .all(|program| dir.join(program).is_file())
}

/// `/usr/lib/postgresql/<version>/bin` of the highest numeric version that has the programs.
fn newest_debian_bin() -> Option<PathBuf> {
    fs::read_dir(DEBIAN_LIB)
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_programs(&bin).then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

/// The account the server programs run as: the current one, or `postgres` when that is root.
#[derive(Debug, Clone, Copy)]
pub(super) enum Account {
    /// Not root: run the programs as we are.
    Current,
    /// Root: run them as this uid and gid (the `postgres` account).
    Server { uid: u32, gid: u32 },
}

impl Account {
    /// Picks the account for this process: root (the owner of `/proc/self`) runs the server
    /// as `postgres`.
    ///
    /// # Errors
    ///
    /// When running as root and the `postgres` account does not exist.
    pub(super) fn for_this_process() -> anyhow::Result<Self> {
        let me = fs::metadata("/proc/self")
            .context("reading /proc/self to learn who runs the tests")?
            .uid();
        if me != 0 {
            return Ok(Self::Current);
        }
        let passwd = fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
        let (uid, gid) = passwd
            .lines()
            .filter_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let uid = fields.nth(1)?.parse().ok()?;
                let gid = fields.next()?.parse().ok()?;
                (name == SERVER_ACCOUNT).then_some((uid, gid))
            })
            .next()
            .with_context(|| {
                format!(
                    "PostgreSQL refuses to run as root and there is no `{SERVER_ACCOUNT}` \
                     account to run it as: install the postgresql package, or run the tests \
                     as another user"
                )
            })?;
        Ok(Self::Server { uid, gid })
    }

    /// Makes `path` belong to the account, so that the server can write in it.
    ///
    /// # Errors
    ///
    /// When the owner cannot be changed.
    pub(super) fn take(self, path: &Path) -> anyhow::Result<()> {
        if let Self::Server { uid, gid } = self {
            std::os::unix::fs::chown(path, Some(uid), Some(gid))
                .with_context(|| format!("giving {} to {SERVER_ACCOUNT}", path.display()))?;
        }
        Ok(())
    }

    /// A command for `program` in `bin` that runs as the account in `cwd` (a folder the
    /// account may enter), with an empty environment (no `PGHOST`, `PGPASSWORD`, locale or
    /// `PGDATA` of the caller leaks in).
    pub(super) fn command(self, bin: &Path, program: &str, cwd: &Path) -> Command {
        let mut cmd = Command::new(bin.join(program));
        cmd.env_clear().env("LC_ALL", "C").current_dir(cwd);
        if let Self::Server { uid, gid } = self {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }
}
