//! Exactly once against a broker that resends after newer messages: a scripted broker replays
//! readings with the DUP flag between new ones and after dropped connections, and a board
//! whose clock counts from boot repeats a payload after a restart. Every reading is stored
//! once, and the repeated payload (a new reading) is stored.

#[path = "../../mqtt/tests/session_support/mod.rs"]
mod session_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use hexaboard_core::csv_row::RowReader;
use hexaboard_mqtt::settings::{MqttVersion, Qos};
use hexaboard_mqtt::{Session, StopSignal};
use hexaboard_recorder::{Recorder, RecorderOptions};
use hexaboard_testkit::{ResendScript, Resender};
use session_support::{plain, quick, topic_filter, wait_until};
use time::UtcOffset;

const TOPIC: &str = "hexaboard/A/sensor/data";
const WAIT: Duration = Duration::from_secs(20);

/// A reading whose light is `light`, the board's clock at `clock` seconds since boot.
fn reading(light: u64, clock: u64) -> String {
    format!(r#"{{"board":"A","temperature":24,"humidity":50,"light":{light},"timestamp":{clock}}}"#)
}

/// Light values of the rows in `csv`, with how often each appears.
fn lights(csv: &Path) -> BTreeMap<u64, usize> {
    let mut seen = BTreeMap::new();
    for row in RowReader::new(std::fs::File::open(csv).unwrap()) {
        let light = row
            .unwrap()
            .light
            .expect("every test reading has a light value");
        *seen.entry(light.value() as u64).or_insert(0) += 1;
    }
    seen
}

#[test]
fn replays_between_new_readings_and_after_drops_are_stored_once() {
    // 300 readings in rounds of 30: each round's readings, then a replay of some of the
    // round's (flagged) between new ones of the next, and every third round a dropped
    // connection, after which everything not acknowledged comes again, flagged.
    let mut script = ResendScript::new();
    let mut id = 0u16;
    for round in 0..10u64 {
        for i in 0..30u64 {
            id += 1;
            let light = round * 30 + i;
            script = script.publish(id, TOPIC, reading(light, 5 * light));
            if i == 10 && round > 0 {
                script = script.replay(id - 15).replay(id - 25);
            }
        }
        if round % 3 == 2 {
            script = script.drop_connection();
        } else {
            script = script.wait_for_acks().replay(id - 1).replay(id - 7);
        }
    }
    // The board restarts with its clock from boot and the room unchanged: its first payload
    // again, without the flag, is a new reading; then that new message is replayed.
    id += 1;
    script = script.publish(id, TOPIC, reading(0, 0)).replay(id);
    let server = Resender::start(script).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sensor_data.csv");
    let recorder = Recorder::open(&csv, RecorderOptions::new(UtcOffset::UTC)).unwrap();
    let stop = StopSignal::new();
    let settings = plain(server.port(), MqttVersion::V311, "recorder-resend");
    let session = quick(Session::builder(&settings))
        .persistent(true)
        .subscribe(topic_filter("hexaboard/+/sensor/data"), Qos::AtLeastOnce)
        .on_message(recorder.handler(stop))
        .connect()
        .unwrap();
    server.wait_until_done(WAIT).unwrap();
    let sent = server.sent().len() as u64;
    let counters = recorder.counters();
    assert!(
        wait_until(WAIT, || counters.snapshot().received == sent),
        "received {} of {sent}",
        counters.snapshot().received
    );
    session.stop();
    let totals = recorder.close().unwrap();

    let flagged = server.sent().iter().filter(|(_, dup)| *dup).count() as u64;
    assert!(flagged > 40, "the script resends: {flagged}");
    assert_eq!(totals.stored, 301);
    assert_eq!(totals.duplicates, sent - 301);
    let mut expected: BTreeMap<u64, usize> = (0..300).map(|light| (light, 1)).collect();
    expected.insert(0, 2); // the reboot replay, a reading of its own
    assert_eq!(lights(&csv), expected);
}
