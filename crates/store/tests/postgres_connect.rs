//! Connecting at start: over TCP or a Unix socket; a wrong password, a missing database or a
//! server that is not there fails at once with one message naming the URL (never the
//! password) and the fix.

mod postgres_common;

use hexaboard_store::postgres::{PostgresOptions, PostgresStore};
use hexaboard_store::{Appended, Store, StoreError};
use postgres_common::{client, count, id, noon, numbered, reading, server, url, TOPIC};

fn refusal(url: &str, password: Option<&str>) -> StoreError {
    PostgresStore::connect(url, password, PostgresOptions::default())
        .expect_err("the connection should fail")
}

#[test]
fn a_wrong_password_is_named_with_the_fix_and_never_shown() {
    let server = server();
    let wrong = "Wr0ng-s3cret-pw";
    let e = refusal(&url(&server), Some(wrong));
    assert!(matches!(e, StoreError::Database { .. }), "{e:?}");
    let text = e.to_string();
    assert_eq!(
        text,
        format!(
            "{}: cannot connect to the database: FATAL: password authentication failed for \
             user \"hexaboard\" (check the user in STORE and the password (in STORE or \
             PGPASSWORD))",
            url(&server)
        )
    );
    assert!(!format!("{e:?}").contains(wrong));
    assert!(!text.contains(server.password()));
}

#[test]
fn a_missing_password_says_where_to_give_it() {
    let server = server();
    let text = refusal(&url(&server), None).to_string();
    assert!(
        text.starts_with(&format!(
            "{}: cannot connect to the database: ",
            url(&server)
        )),
        "{text}"
    );
    assert!(text.contains("STORE or PGPASSWORD"), "{text}");
}

#[test]
fn a_password_left_in_the_url_is_not_shown() {
    let server = server();
    let with_password = server.url_with_password("Wr0ng-s3cret-pw");
    let text = refusal(&with_password, None).to_string();
    assert!(text.starts_with(&format!("{}: ", url(&server))), "{text}");
    assert!(!text.contains("Wr0ng-s3cret-pw"), "{text}");
}

#[test]
fn a_missing_database_says_to_create_it() {
    let server = server();
    let url = format!("postgres://hexaboard@127.0.0.1:{}/nosuch", server.port());
    let text = refusal(&url, Some(server.password())).to_string();
    assert_eq!(
        text,
        format!(
            "{url}: cannot connect to the database: FATAL: database \"nosuch\" does not exist \
             (create the database (createdb) or name another one in STORE)"
        )
    );
}

#[test]
fn a_server_that_is_not_there_fails_at_once_naming_host_and_port() {
    let mut server = server();
    server.stop().unwrap();
    let text = refusal(&url(&server), Some(server.password())).to_string();
    assert!(
        text.starts_with(&format!(
            "{}: cannot connect to the database: ",
            url(&server)
        )),
        "{text}"
    );
    assert!(text.contains("Connection refused"), "{text}");
    assert!(
        text.ends_with("(check the host and port in STORE and that PostgreSQL runs and accepts TCP connections there)"),
        "{text}"
    );
}

#[test]
fn a_unix_socket_works_as_tcp_does() {
    let server = server();
    let params = format!(
        "host={} port={} user={} dbname={}",
        server.dir().display(),
        server.port(),
        server.user(),
        server.database()
    );
    let mut store = PostgresStore::connect(&params, Some(server.password()), Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.shown(), params);
    let payload = numbered(200);
    let stored = store.append(noon(), TOPIC, &reading(&payload), id(&payload, false));
    assert_eq!(stored.unwrap(), Appended::Stored);
    assert_eq!(count(&mut client(&server), "readings"), 1);
}
