//! The CSV's disk failing under `hexaboard record`: full (a small tmpfs filled mid-run, and
//! `/dev/full`), the file made immutable, the file deleted. Each ends in a clear message; where
//! recording stops, the exit is non-zero and the unwritten reading is not acknowledged, so a
//! run after the fault is fixed stores every reading exactly once.

mod faults_support;
mod live_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use faults_support::{
    assert_exactly_once, counts, persistent_publisher, publish, record_quiet, rows, signal,
    wait_until, SmallDisk,
};
use hexaboard_testkit::Mosquitto;
use live_support::{broker_flags, hexaboard};

/// A small disk nearly full (a filler leaves room for about 150 rows and their duplicate
/// journal entries), a broker, and a directory to run `record` in.
struct NearlyFull {
    disk: SmallDisk,
    broker: Mosquitto,
    work: tempfile::TempDir,
}

impl NearlyFull {
    /// `None` where no tmpfs can be mounted.
    fn set_up() -> Option<NearlyFull> {
        let Some(disk) = SmallDisk::mount() else {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        };
        std::fs::write(disk.path().join("filler"), vec![0u8; 40 * 1024]).unwrap();
        let broker = Mosquitto::builder()
            .max_queued_messages(100_000)
            .start()
            .unwrap();
        let work = tempfile::tempdir().unwrap();
        Some(NearlyFull { disk, broker, work })
    }

    fn csv(&self) -> PathBuf {
        self.disk.path().join("sensor_data.csv")
    }

    fn record(&self, flags: &[&str]) -> live_support::Running {
        let csv = self.csv().display().to_string();
        let mut global = vec!["--csv-file", csv.as_str()];
        global.extend(flags);
        record_quiet(self.work.path(), self.broker.port(), &global, &[])
    }

    /// Publishes `total` readings to `record` run with `flags`, which must stop on the full
    /// disk: exit 1, a message naming the file and the cause, the file ending on a whole row,
    /// no row twice. Returns how many rows went in, and the message.
    fn record_until_full(&self, flags: &[&str], total: u64) -> (u64, String) {
        let csv = self.csv();
        let mut recorder = self.record(flags);
        let sender = persistent_publisher(self.broker.port(), "faults-disk-pub");
        for i in 0..total {
            publish(&sender, i);
        }
        sender.flush(Duration::from_secs(10)).unwrap();
        let status = recorder.wait();
        let stderr = recorder.stderr();
        eprintln!("{status}, {} rows\n{stderr}", rows(&csv));
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&csv.display().to_string())
                && stderr.contains("No space left on device"),
            "the message names the file and the cause: {stderr}"
        );
        let stored = rows(&csv) as u64;
        assert!(
            0 < stored && stored < total,
            "{stored} rows before the disk was full"
        );
        assert!(counts(&csv).values().all(|n| *n == 1), "no row twice");
        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.ends_with(b"\r\n"), "no half row is left at the end");
        (stored, stderr)
    }
}

#[test]
fn a_disk_filling_up_mid_run_stops_record_with_exit_1_and_a_rerun_stores_the_rest_once() {
    let Some(setup) = NearlyFull::set_up() else {
        return;
    };
    let total = 600u64;
    let (_, stderr) = setup.record_until_full(&[], total);
    assert!(stderr.contains("the disk is full"), "{stderr}");

    std::fs::remove_file(setup.disk.path().join("filler")).unwrap();
    let csv = setup.csv();
    let mut again = setup.record(&[]);
    let complete = wait_until(Duration::from_secs(15), || rows(&csv) as u64 >= total);
    signal(again.pid(), "TERM");
    assert!(again.wait().success(), "{}", again.stderr());
    assert!(complete, "only {} rows of {total}", rows(&csv));
    assert_exactly_once(&csv, total);
}

#[test]
fn at_qos_0_a_disk_filling_up_stops_record_with_whole_rows_each_once() {
    // At QoS 0 the rows of a stream are gathered and written in large pieces: the piece
    // that does not fit is cut off again, whole.
    if let Some(setup) = NearlyFull::set_up() {
        setup.record_until_full(&["--qos", "0"], 2_000);
    }
}

#[test]
fn a_csv_on_dev_full_is_refused_at_start_with_the_path_and_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let broker = Mosquitto::start().unwrap();
    let mut args = broker_flags(broker.port());
    args.extend(["--csv-file", "/dev/full", "record"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = hexaboard(dir.path(), &args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("/dev/full") && stderr.contains("No space left on device"),
        "{stderr}"
    );
}

fn chattr(flag: &str, path: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_csv_made_immutable_while_recording_stops_record_with_exit_1_and_loses_nothing() {
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
    let sender = persistent_publisher(broker.port(), "faults-immutable-pub");
    for i in 0..50 {
        publish(&sender, i);
    }
    assert!(wait_until(Duration::from_secs(10), || rows(&csv) == 50));
    if !chattr("+i", &csv) {
        eprintln!("skipped: this file system has no immutable flag (chattr +i)");
        return;
    }
    let _undo = Undo(csv.clone());
    for i in 50..100 {
        publish(&sender, i);
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let status = recorder.wait();
    let stderr = recorder.stderr();
    eprintln!("{status}\n{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sensor_data.csv") && stderr.contains("Operation not permitted"),
        "{stderr}"
    );
    assert_eq!(rows(&csv), 50);

    assert!(chattr("-i", &csv));
    let mut again = record_quiet(dir.path(), broker.port(), &[], &[]);
    let complete = wait_until(Duration::from_secs(15), || rows(&csv) >= 100);
    signal(again.pid(), "TERM");
    assert!(again.wait().success(), "{}", again.stderr());
    assert!(complete, "only {} rows of 100", rows(&csv));
    assert_exactly_once(&csv, 100);
}

/// Clears the immutable flag so the temp dir can be removed even when the test fails.
struct Undo(PathBuf);

impl Drop for Undo {
    fn drop(&mut self) {
        let _ = chattr("-i", &self.0);
    }
}

#[test]
fn a_csv_deleted_while_recording_is_started_anew_with_the_header_and_record_says_so() {
    let broker = Mosquitto::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let mut recorder = record_quiet(dir.path(), broker.port(), &[], &[]);
    let sender = persistent_publisher(broker.port(), "faults-deleted-pub");
    for i in 0..30 {
        publish(&sender, i);
    }
    assert!(wait_until(Duration::from_secs(10), || rows(&csv) == 30));
    std::fs::remove_file(&csv).unwrap();
    // The store looks at the path once per second of activity, before writing a row.
    std::thread::sleep(Duration::from_millis(1200));
    for i in 30..50 {
        publish(&sender, i);
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    assert!(wait_until(Duration::from_secs(10), || rows(&csv) == 20));
    signal(recorder.pid(), "TERM");
    assert!(recorder.wait().success(), "{}", recorder.stderr());

    let stderr = recorder.stderr();
    assert_eq!(
        stderr
            .matches("was moved or deleted while recording")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("started a new file with the header"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("Timestamp,Board,Temperature,Humidity,Light\r\n"));
    assert_eq!(
        counts(&csv).keys().copied().collect::<Vec<_>>(),
        (30..50).collect::<Vec<_>>()
    );
    let (_, stored, _, _) = faults_support::totals(&recorder.stdout());
    assert_eq!(
        stored, 50,
        "the totals count the rows gone with the deleted file too"
    );
}
