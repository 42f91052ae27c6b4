//! # hexaboard-testkit
//!
//! Test support for the integration tests of the hexaboard crates. Each test starts the
//! broker it needs and nothing outlives the test:
//!
//! | item | what it gives a test |
//! | --- | --- |
//! | [`Mosquitto`] | a mosquitto child process on free loopback ports, with its own config and temp dir, stopped on drop |
//! | [`Chromedriver`] | a chromedriver child process on a free loopback port and the capabilities of a headless Chromium with a fresh profile, stopped with its browsers on drop |
//! | [`Postgres`] | a PostgreSQL server in its own temp dir on a free loopback port, with a database and a role with a password, stopped on drop |
//! | [`Resender`] | a scripted MQTT 3.1.1 broker that replays a QoS 1 message with DUP set after newer ones, and resends on reconnect ([`ResendScript`], [`ResendEvent`]) |
//! | [`ChatServer`] | a scripted OpenAI-compatible chat-completions server on a free loopback port that records every request ([`Reply`], [`ChatRequest`]) |
//! | [`TestCerts`] | a CA, server, client, expired and wrong-CA certificates made at test time |
//! | [`Silent`] | a TCP listener that accepts connections and never answers (connect-timeout tests) |
//! | [`free_port`], [`wait_for_port`] | loopback port helpers |
//!
//! Everything listens on `127.0.0.1` only. The mosquitto binary is `$HEXABOARD_MOSQUITTO`
//! when set, else `/usr/sbin/mosquitto` when it exists, else `mosquitto` from `PATH`. The
//! PostgreSQL programs (`initdb`, `postgres`, `psql`) are in `$HEXABOARD_PG_BIN` when set, else
//! in the newest `/usr/lib/postgresql/<version>/bin` (Debian's `postgresql` package), else on
//! `PATH`; when the tests run as root, the server runs as the `postgres` account. The browser
//! tests use Debian's `/usr/bin/chromedriver` and `/usr/bin/chromium` (packages
//! `chromium-driver`, `chromium`).

mod certs;
mod chat;
mod chromedriver;
mod logfile;
mod mosquitto;
mod net;
mod postgres;
mod process;
mod resender;

pub use certs::TestCerts;
pub use chat::{ChatRequest, ChatServer, Reply};
pub use chromedriver::Chromedriver;
pub use mosquitto::{Mosquitto, MosquittoBuilder};
pub use net::{free_port, wait_for_port, Silent};
pub use postgres::{Postgres, PostgresBuilder};
pub use resender::{ResendEvent, ResendScript, Resender};
