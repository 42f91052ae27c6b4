//! Server child processes: waiting for them to be ready, signals by PID, the processes they
//! forked.
//!
//! The workspace denies `unsafe`, so signals other than SIGKILL (which [`std::process::Child`]
//! sends itself) go through the `kill` program. Processes are found through `/proc`.

use std::fs;
use std::io;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Sends `signal` (a name such as `TERM`, `INT`, `STOP`, `KILL`) to each of `pids`.
///
/// # Errors
///
/// When `kill` cannot be run or says that it failed (a PID that no longer exists, for one).
pub(crate) fn signal(signal: &str, pids: &[u32]) -> io::Result<()> {
    if pids.is_empty() {
        return Ok(());
    }
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .args(pids.iter().map(u32::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "kill -{signal} {pids:?} failed ({status})"
        )))
    }
}

/// The PIDs whose parent is `parent`, read from `/proc/*/stat`.
pub(crate) fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| stat(pid).is_some_and(|s| s.parent == parent))
        .collect()
}

/// Waits until none of `pids` runs any more (gone, or a zombie nobody reaped yet), at most
/// `timeout`. Returns the PIDs still running then.
pub(crate) fn wait_gone(pids: &[u32], timeout: Duration) -> Vec<u32> {
    let deadline = Instant::now() + timeout;
    loop {
        let running: Vec<u32> = pids.iter().copied().filter(|&p| is_alive(p)).collect();
        if running.is_empty() || Instant::now() >= deadline {
            return running;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `pid` exists and is not a zombie.
fn is_alive(pid: u32) -> bool {
    stat(pid).is_some_and(|s| s.state != 'Z')
}

/// The fields of `/proc/PID/stat` the test kit reads.
struct Stat {
    state: char,
    parent: u32,
}

/// Reads `/proc/PID/stat`: `pid (comm) state ppid ...`, where `comm` may hold spaces and
/// parentheses, so the fields are read after the last `)`.
fn stat(pid: u32) -> Option<Stat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = text.get(text.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some(Stat { state, parent })
}

/// How waiting for a freshly spawned server ended.
pub(crate) enum Start {
    Ready,
    Exited(ExitStatus),
    TimedOut,
}

/// Polls every 10 ms until `ready()` holds, `child` exits, or `timeout` passes. The child is
/// left as it is (running when `Ready` or `TimedOut`).
///
/// # Errors
///
/// When the child's state cannot be read.
pub(crate) fn wait_ready(
    child: &mut Child,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
) -> io::Result<Start> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Start::Exited(status));
        }
        if ready() {
            return Ok(Start::Ready);
        }
        if Instant::now() >= deadline {
            return Ok(Start::TimedOut);
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Sends `signal` to a running `child` and waits up to `timeout` for it to exit; returns
/// whether it did (a child that had already exited did).
///
/// # Errors
///
/// When the child's state cannot be read.
pub(crate) fn stop_child(child: &mut Child, signal: &str, timeout: Duration) -> io::Result<bool> {
    if child.try_wait()?.is_some() {
        return Ok(true);
    }
    if self::signal(signal, &[child.id()]).is_err() {
        return Ok(false);
    }
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            return Ok(true);
        }
        thread::sleep(Duration::from_millis(10));
    }
    Ok(false)
}
