//! Running the mosquitto command-line clients with timeouts, and looking at processes.

#![allow(dead_code, unreachable_pub)]

use std::io::Read as _;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The end of one client run: its exit status and everything it printed.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Waits for `child` at most `timeout`, killing it when it takes longer.
pub fn finish(mut child: Child, timeout: Duration) -> Run {
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            child.kill().unwrap();
            break child.wait().unwrap();
        }
        thread::sleep(Duration::from_millis(10));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).unwrap();
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).unwrap();
    }
    Run {
        status,
        stdout,
        stderr,
    }
}

fn spawn(program: &str, args: &[&str]) -> Child {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `mosquitto_pub` with `args`, killed after 10 s (it has no `-W`).
pub fn publish(args: &[&str]) -> Run {
    finish(spawn("mosquitto_pub", args), Duration::from_secs(10))
}

/// Starts `mosquitto_sub` with `args` (give it `-C` and `-W`).
pub fn subscribe(args: &[&str]) -> Child {
    spawn("mosquitto_sub", args)
}

/// Subscribes with `sub_args`, publishes with `pub_args` every 100 ms until the subscriber
/// has exited (so a publish before the subscription is made does not lose the test), and
/// returns the subscriber's run.
pub fn round_trip(sub_args: &[&str], pub_args: &[&str]) -> Run {
    let mut sub = subscribe(sub_args);
    let deadline = Instant::now() + Duration::from_secs(8);
    while sub.try_wait().unwrap().is_none() && Instant::now() < deadline {
        let run = publish(pub_args);
        assert!(run.status.success(), "mosquitto_pub failed: {run:?}");
        thread::sleep(Duration::from_millis(100));
    }
    finish(sub, Duration::from_secs(5))
}

/// Whether the process `pid` still exists.
pub fn process_exists(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// The PIDs whose parent is `parent`.
pub fn children_of(parent: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| stat_field(p, 1).as_deref() == Some(&parent.to_string()))
        .collect()
}

/// Whether `pid` is a zombie: dead, not yet reaped.
pub fn is_zombie(pid: u32) -> bool {
    stat_field(pid, 0).as_deref() == Some("Z")
}

/// Field `n` after the command name of `/proc/PID/stat` (0 is the state, 1 the parent).
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(n).map(str::to_owned)
}
