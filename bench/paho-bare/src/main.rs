//! The least a receiver built on paho-mqtt does: subscribe, and from the message callback
//! write each payload and a line end to standard output with one `write` (paho acknowledges a
//! QoS 1 message when the callback returns, so the payload is in the file by then, as a row
//! is for `hexaboard record`). No parsing, no CSV, no statistics, no de-duplication.
//!
//! `bench/e2e --receivers hexaboard,paho_bare,mosquitto_sub` runs it beside the others, so
//! that what the library costs and what hexaboard adds to it are told apart. Settings come
//! from the environment, as for `hexaboard record`: `MQTT_BROKER`, `MQTT_PORT`, `MQTT_QOS`,
//! `TOPIC_SENSOR`, `MQTT_CLIENT_ID`. It connects over MQTT 3.1.1 with a persistent session,
//! as `record` does by default, and stops on SIGINT or SIGTERM.

use std::io::Write as _;
use std::sync::mpsc;

use anyhow::Context as _;
use paho_mqtt as mqtt;

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

    let mut line = Vec::with_capacity(256);
    client.set_message_callback(move |_, message| {
        if let Some(message) = message {
            line.clear();
            line.extend_from_slice(message.payload());
            line.push(b'\n');
            // Standard output is not buffered here beyond the line: one `write` per message.
            if std::io::stdout().lock().write_all(&line).is_err() {
                std::process::exit(1);
            }
        }
    });
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
