//! The demo's embedded MQTT broker: rumqttd on a free loopback port, MQTT 3.1.1, no TLS, no
//! password. It has no shutdown: it lives until the process ends.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};

/// How long the listener may take to open.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts a broker on `127.0.0.1` and returns its port once it accepts connections.
pub(crate) fn start() -> anyhow::Result<u16> {
    // rumqttd cannot tell which port it bound, so pick a free one first (a race with another
    // program taking it meanwhile is possible but harmless: the wait below fails clearly).
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .context("cannot find a free port on 127.0.0.1 for the demo broker")?
        .port();
    let listener = ServerSettings {
        name: "v4".into(),
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        tls: None,
        next_connection_delay_ms: 0,
        connections: ConnectionSettings {
            connection_timeout_ms: 5000,
            max_payload_size: 256 * 1024,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        },
    };
    let config = Config {
        id: 0,
        // RouterConfig::default() is all zeros, which refuses every client.
        router: RouterConfig {
            max_connections: 100,
            max_outgoing_packet_count: 200,
            max_segment_size: 4 << 20,
            max_segment_count: 4,
            custom_segment: None,
            initialized_filters: None,
            shared_subscriptions_strategy: Default::default(),
        },
        v4: Some(HashMap::from([("1".to_owned(), listener)])),
        ..Default::default()
    };
    let mut broker = Broker::new(config);
    std::thread::Builder::new()
        .name("demo-broker".into())
        .spawn(move || {
            if let Err(error) = broker.start() {
                eprintln!("demo broker stopped: {error}");
            }
        })
        .context("cannot start the demo broker's thread")?;
    let deadline = Instant::now() + READY_TIMEOUT;
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        if Instant::now() > deadline {
            anyhow::bail!("the demo broker did not open port {port} on 127.0.0.1 within 5 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(port)
}
