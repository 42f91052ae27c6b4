//! Several receivers, one stream, one PostgreSQL database: two `record --group` members share
//! the stream through `$share/NAME/...`; one is SIGKILLed mid-stream and started again, and
//! every reading is stored exactly once. What mosquitto does with the killed member's
//! unacknowledged messages (keeps them in its session until it comes back) is measured here.

mod faults_support;
mod live_support;
mod store_support;

use std::time::Duration;

use faults_support::{persistent_publisher, publish, signal, totals, wait_until};
use hexaboard_testkit::{Mosquitto, Postgres};
use live_support::{broker_flags, hexaboard, Running};
use store_support::TestStore;

const WAIT: Duration = Duration::from_secs(30);

/// A group member `id` recording into `store`, waited for until it subscribed.
fn member(dir: &std::path::Path, port: u16, store: &TestStore, id: &str) -> Running {
    let mut args = broker_flags(port);
    args.extend(
        [
            "--store",
            &store.arg(),
            "--group",
            "recorders",
            "--client-id",
            id,
            "record",
            "--quiet",
            "--status-every",
            "1",
        ]
        .map(str::to_owned),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = hexaboard(dir, &args);
    command.env("HEXABOARD_LANG", "en");
    let mut running = Running::start(command);
    running.wait_for("the shared subscription", |_, err| {
        err.contains("$share/recorders/hexaboard/+/sensor/data")
    });
    running
}

#[test]
fn two_members_of_a_group_one_killed_and_restarted_store_every_reading_once() {
    let broker = Mosquitto::builder()
        .max_queued_messages(100_000)
        .start()
        .unwrap();
    let server = Postgres::start().unwrap();
    let store = TestStore::postgres(&server);
    let dir = tempfile::tempdir().unwrap();
    let mut first = member(dir.path(), broker.port(), &store, "hexaboard-member-1");
    let mut second = member(dir.path(), broker.port(), &store, "hexaboard-member-2");
    let sender = persistent_publisher(broker.port(), "group-pub");
    let total = 1_000u64;
    let mut held_while_dead = None;
    for i in 0..total {
        publish(&sender, i);
        if i == 300 {
            assert!(wait_until(WAIT, || store.rows() >= 100));
            signal(first.pid(), "KILL");
            assert!(!first.wait().success());
        }
        if i == 600 {
            // What the killed member had not acknowledged waits in its session.
            sender.flush(Duration::from_secs(10)).unwrap();
            wait_until(Duration::from_secs(3), || store.rows() >= 601);
            held_while_dead = Some(601 - store.rows().min(601));
            first = member(dir.path(), broker.port(), &store, "hexaboard-member-1");
        }
    }
    sender.flush(Duration::from_secs(10)).unwrap();
    let complete = wait_until(WAIT, || store.rows() >= total);
    signal(first.pid(), "TERM");
    signal(second.pid(), "TERM");
    assert!(first.wait().success(), "{}", first.stderr());
    assert!(second.wait().success(), "{}", second.stderr());
    assert!(complete, "only {} rows of {total}", store.rows());
    store.assert_exactly_once(total);
    let (_, first_stored, _, first_dups) = totals(&first.stdout());
    let (_, second_stored, _, second_dups) = totals(&second.stdout());
    eprintln!(
        "readings not stored while member 1 was dead: {held:?}; after its restart member 1 \
         stored {first_stored} (duplicates {first_dups}), member 2 over the whole run stored \
         {second_stored} (duplicates {second_dups})",
        held = held_while_dead
    );
    assert!(
        second_stored > 0 && first_stored > 0,
        "both members took a share"
    );
}
