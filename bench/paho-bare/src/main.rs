//! The least a receiver built on paho-mqtt does: subscribe, and write each payload and a line
//! end to standard output. No parsing, no CSV, no statistics, no de-duplication. It writes as
//! `hexaboard record` does: at QoS 1 and 2 with one `write` per message from the message
//! callback (paho acknowledges the message when the callback returns, so the payload is in the
//! file by then, as a row is for `record`); at QoS 0, payloads that come in quick succession
//! are gathered and written together, at 64 KiB or 10 ms after the first.
//!
//! `bench/e2e --receivers hexaboard,paho_bare,mosquitto_sub` runs it beside the others, so
//! that what the library costs and what hexaboard adds to it are told apart. Settings come
//! from the environment, as for `hexaboard record`: `MQTT_BROKER`, `MQTT_PORT`, `MQTT_QOS`,
//! `TOPIC_SENSOR`, `MQTT_CLIENT_ID`. It connects over MQTT 3.1.1 with a persistent session,
//! as `record` does by default, and stops on SIGINT or SIGTERM.

use std::io::Write as _;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use paho_mqtt as mqtt;

/// QoS 0 payloads are written once this many bytes wait, as `record` does.
const GATHER_LIMIT: usize = 64 * 1024;
/// ... or at most this long after they came.
const GATHER_DELAY: Duration = Duration::from_millis(10);

/// Writes `bytes` to standard output in one `write` (no buffer of its own is kept beyond the
/// line), and empties it; exits on a failed write.
fn write_out(bytes: &mut Vec<u8>) {
    if bytes.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(1);
    }
    bytes.clear();
}

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn main() -> anyhow::Result<()> {
    let uri = format!(
        "tcp://{}:{}",
        setting("MQTT_BROKER", "127.0.0.1"),
        setting("MQTT_PORT", "1883")
    );
    let qos: i32 = setting("MQTT_QOS", "1").parse().context("MQTT_QOS")?;
    let topic = setting("TOPIC_SENSOR", "hexaboard/+/sensor/data");
    let client = mqtt::AsyncClient::new(
        mqtt::CreateOptionsBuilder::new()
            .server_uri(&uri)
            .client_id(setting("MQTT_CLIENT_ID", "paho-bare"))
            .finalize(),
    )?;

    let gathered = Arc::new(Mutex::new(Vec::<u8>::with_capacity(2 * GATHER_LIMIT)));
    let out = Arc::clone(&gathered);
    let mut line = Vec::with_capacity(256);
    client.set_message_callback(move |_, message| {
        let Some(message) = message else {
            return;
        };
        if qos == 0 {
            let mut rows = out.lock().unwrap_or_else(|e| e.into_inner());
            rows.extend_from_slice(message.payload());
            rows.push(b'\n');
            if rows.len() >= GATHER_LIMIT {
                write_out(&mut rows);
            }
            return;
        }
        line.clear();
        line.extend_from_slice(message.payload());
        line.push(b'\n');
        write_out(&mut line);
    });
    if qos == 0 {
        let rows = Arc::clone(&gathered);
        std::thread::spawn(move || loop {
            std::thread::sleep(GATHER_DELAY);
            write_out(&mut rows.lock().unwrap_or_else(|e| e.into_inner()));
        });
    }
    let connect = mqtt::ConnectOptionsBuilder::new_v3()
        .clean_session(false)
        .finalize();
    client
        .connect(connect)
        .wait()
        .with_context(|| uri.clone())?;
    client.subscribe(&topic, qos).wait()?;

    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })?;
    let _ = stopped.recv();
    client.disconnect(None).wait()?;
    Ok(())
}
