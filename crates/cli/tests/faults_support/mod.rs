//! What the fault and security tests share beyond `live_support`: signals, a persistent
//! QoS 1 publisher of numbered readings, and exact counts from the CSV and record's totals.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use hexaboard_core::csv_row::RowReader;
use hexaboard_mqtt::session::{PublishError, RetryPolicy, Session};
use hexaboard_mqtt::settings::{ConnectionSettings, Qos};

use crate::live_support::{broker_flags, hexaboard, Running};

/// The sensor topic of the numbered readings.
pub const TOPIC: &str = "hexaboard/K/sensor/data";

/// Sends `signal` (`KILL`, `TERM`, `INT`) to `pid`.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Reading number `i`: its light value is `i`, so every row says which reading it is, and its
/// board timestamp makes a redelivery recognisable.
pub fn reading(i: u64) -> String {
    format!(
        r#"{{"board":"K","temperature":{},"humidity":{},"light":{i},"timestamp":{}}}"#,
        20 + i % 10,
        40 + i % 30,
        817_349_415 + i
    )
}

/// A persistent QoS 1 publisher that reconnects without end: what it has not seen
/// acknowledged it sends again after a reconnect.
pub fn persistent_publisher(port: u16, client_id: &str) -> Session {
    let settings = ConnectionSettings::builder("127.0.0.1")
        .port(port)
        .tls(false)
        .client_id(client_id)
        .build()
        .expect("publisher settings");
    Session::builder(&settings)
        .persistent(true)
        .connect_timeout(Duration::from_secs(3))
        .publish_timeout(Duration::from_secs(20))
        .retry(
            RetryPolicy::forever().backoff(Duration::from_millis(100), Duration::from_millis(500)),
        )
        .connect()
        .expect("the publisher connects")
}

/// Publishes reading `i` at QoS 1 without waiting for it, trying again while paho's buffer
/// is full (broker away).
pub fn publish(session: &Session, i: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match session.publish_nowait(TOPIC, reading(i), Qos::AtLeastOnce, false) {
            Ok(_) => return,
            Err(e @ PublishError::Failed { .. }) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("reading {i} not published: {e}"),
        }
    }
}

/// How often each light value (reading number) appears in the CSV; empty when it is missing.
pub fn counts(csv: &Path) -> BTreeMap<u64, usize> {
    let mut seen = BTreeMap::new();
    let Ok(file) = std::fs::File::open(csv) else {
        return seen;
    };
    for row in RowReader::new(file) {
        let light = row
            .expect("a well-formed row")
            .light
            .expect("a light value");
        *seen.entry(light.value() as u64).or_insert(0) += 1;
    }
    seen
}

/// The rows of the CSV (header excluded); 0 when there is no file yet.
pub fn rows(csv: &Path) -> usize {
    std::fs::File::open(csv).map_or(0, |f| RowReader::new(f).count())
}

/// Asserts that readings `0..total` are each in the CSV exactly once, naming what is missing
/// or doubled.
pub fn assert_exactly_once(csv: &Path, total: u64) {
    let seen = counts(csv);
    let missing: Vec<u64> = (0..total).filter(|i| !seen.contains_key(i)).collect();
    let doubled: Vec<(&u64, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        missing.is_empty() && doubled.is_empty() && seen.len() as u64 == total,
        "{} distinct of {total}; missing {missing:?}; doubled {doubled:?}",
        seen.len()
    );
}

/// Waits until `f()`, at most `timeout`; returns whether it happened.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `hexaboard [broker flags] [global] record --quiet [extra]` in `dir`, in English, started
/// and waited for until it subscribed.
pub fn record_quiet(dir: &Path, port: u16, global: &[&str], extra: &[&str]) -> Running {
    let mut args = broker_flags(port);
    args.extend(global.iter().map(|s| (*s).to_owned()));
    args.extend(["record", "--quiet", "--status-every", "1"].map(str::to_owned));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir, &args);
    command.env("HEXABOARD_LANG", "en");
    let mut running = Running::start(command);
    running.wait_for("the subscription", |_, err| {
        err.contains("hexaboard/+/sensor/data")
    });
    running
}

/// The numbers of record's English totals line: (received, stored, rejected, duplicates).
pub fn totals(stdout: &str) -> (u64, u64, u64, u64) {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("📊 Totals: "))
        .unwrap_or_else(|| panic!("no totals in:\n{stdout}"));
    let number = |name: &str| -> u64 {
        line.split(", ")
            .find_map(|part| part.strip_prefix(name))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line}"))
    };
    (
        number("received "),
        number("stored "),
        number("rejected "),
        number("duplicates "),
    )
}

/// A small tmpfs mounted for one test, unmounted on drop.
pub struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// A 64 KiB tmpfs; `None` when this process may not mount (not root, no CAP_SYS_ADMIN).
    pub fn mount() -> Option<SmallDisk> {
        SmallDisk::mount_sized("64k")
    }

    /// A tmpfs of `size` (`256k`); `None` when this process may not mount.
    pub fn mount_sized(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Makes the file system read-only (a remount); whether it worked.
    pub fn make_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}
