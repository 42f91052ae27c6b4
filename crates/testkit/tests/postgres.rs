//! The PostgreSQL server of the test kit, checked with the synchronous `postgres` client the
//! store uses.

mod common;

use std::time::{Duration, Instant};

use common::{children_of, is_zombie, process_exists};
use hexaboard_testkit::Postgres;
use postgres::error::SqlState;
use postgres::{Client, NoTls};

fn connect(server: &Postgres) -> Client {
    Client::connect(&server.url(), NoTls)
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log().unwrap()))
}

fn count(client: &mut Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

#[test]
fn the_role_logs_in_with_its_password_and_owns_its_database() {
    let server = Postgres::start().unwrap();
    let url = server.url();
    assert_eq!(
        url,
        format!(
            "postgres://hexaboard:{}@127.0.0.1:{}/hexaboard",
            server.password(),
            server.port()
        )
    );
    assert_eq!(server.password().len(), 32);

    let mut client = connect(&server);
    let row = client
        .query_one(
            "SELECT current_user::text, current_database()::text, \
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "hexaboard");
    assert_eq!(row.get::<_, String>(1), "hexaboard");
    assert!(
        !row.get::<_, bool>(2),
        "the test role must not be a superuser"
    );
    client
        .batch_execute("CREATE TABLE readings (board text); INSERT INTO readings VALUES ('A')")
        .unwrap();
    assert_eq!(count(&mut client, "readings"), 1);

    let mut admin = Client::connect(&server.admin_params(), NoTls).unwrap();
    let row = admin
        .query_one("SELECT current_user::text, current_setting('fsync')", &[])
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "postgres");
    assert_eq!(row.get::<_, String>(1), "off");
}

#[test]
fn a_wrong_password_is_refused_as_such() {
    let server = Postgres::builder()
        .user("board reader")
        .password("p@ss:w/rd 'quoted'")
        .database("sensor data")
        .start()
        .unwrap();
    let wrong = Client::connect(&server.url_with_password("wrong"), NoTls)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(wrong.code(), Some(&SqlState::INVALID_PASSWORD), "{wrong}");

    let mut right = connect(&server);
    let user: String = right
        .query_one("SELECT current_user::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(user, "board reader");
}

#[test]
fn restart_keeps_the_port_and_the_committed_rows() {
    let mut server = Postgres::start().unwrap();
    let port = server.port();
    let first_pid = server.pid().unwrap();
    let mut client = connect(&server);
    client
        .batch_execute("CREATE TABLE readings (n int); INSERT INTO readings VALUES (1), (2)")
        .unwrap();

    // A client still connected does not hold the stop up: it is a fast shutdown.
    let started = Instant::now();
    server.stop().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(!server.is_running());
    assert!(!process_exists(first_pid));
    assert!(client.batch_execute("SELECT 1").is_err());

    server.restart().unwrap();
    assert_eq!(server.port(), port);
    assert_ne!(server.pid(), Some(first_pid));
    assert_eq!(count(&mut connect(&server), "readings"), 2);
    assert!(server.log().unwrap().contains("database system is ready"));
}

#[test]
fn kill_ends_every_server_process_and_restart_recovers_committed_rows() {
    let mut server = Postgres::start().unwrap();
    let pid = server.pid().unwrap();
    let mut client = connect(&server);
    client
        .batch_execute("CREATE TABLE readings (n int); INSERT INTO readings VALUES (1)")
        .unwrap();
    let backends = children_of(pid);
    assert!(
        !backends.is_empty(),
        "a server forks its background processes"
    );

    server.kill().unwrap();
    assert!(!server.is_running());
    assert_eq!(server.pid(), None);
    for p in backends.iter().copied().chain([pid]) {
        assert!(
            !process_exists(p) || is_zombie(p),
            "process {p} survived the kill"
        );
    }
    assert!(client.batch_execute("SELECT 1").is_err());

    server.restart().unwrap();
    assert_eq!(count(&mut connect(&server), "readings"), 1);
    let log = server.log().unwrap();
    assert!(
        log.contains("was interrupted") || log.contains("not properly shut down"),
        "no crash recovery in the log:\n{log}"
    );
}

#[test]
fn two_servers_run_at_once_with_their_own_data() {
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Postgres::start().unwrap());
        let b = s.spawn(|| Postgres::start().unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_ne!(a.port(), b.port());
    assert_ne!(a.password(), b.password());
    connect(&a)
        .batch_execute("CREATE TABLE only_in_a (n int)")
        .unwrap();
    let mut in_b = connect(&b);
    let tables: i64 = in_b
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[test]
fn a_bad_setting_fails_the_start_with_the_server_log() {
    let err = Postgres::builder()
        .setting("shared_buffers", "plenty")
        .start()
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("PostgreSQL exited early"), "{text}");
    assert!(text.contains("shared_buffers"), "{text}");
}

#[test]
fn drop_leaves_no_server_process() {
    let server = Postgres::start().unwrap();
    let pid = server.pid().unwrap();
    let dir = server.dir().to_owned();
    let backends = children_of(pid);
    drop(server);
    for p in backends.iter().copied().chain([pid]) {
        assert!(
            !process_exists(p) || is_zombie(p),
            "process {p} survived the drop"
        );
    }
    assert!(!dir.exists());
}
