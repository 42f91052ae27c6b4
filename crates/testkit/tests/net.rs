//! Port helpers and the silent listener.

use std::io::{ErrorKind, Read as _};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use hexaboard_testkit::{free_port, wait_for_port, Silent};

#[test]
fn free_port_can_be_bound() {
    let port = free_port().unwrap();
    assert_ne!(port, 0);
    let _listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    wait_for_port(port, Duration::from_secs(1)).unwrap();
}

#[test]
fn wait_for_port_gives_up_on_a_closed_port() {
    let port = free_port().unwrap();
    let start = Instant::now();
    assert!(wait_for_port(port, Duration::from_millis(200)).is_err());
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn silent_accepts_and_never_answers() {
    let silent = Silent::start().unwrap();
    assert_eq!(silent.url(), format!("tcp://127.0.0.1:{}", silent.port()));
    let mut stream = TcpStream::connect(("127.0.0.1", silent.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    let err = stream.read(&mut buf).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
    assert_eq!(silent.accepted(), 1);

    let port = silent.port();
    drop(silent);
    // The held connection is closed and the port no longer accepts.
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    assert_eq!(stream.read(&mut buf).unwrap_or(0), 0);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}
