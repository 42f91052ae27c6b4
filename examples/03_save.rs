//! # Exercise 3 (실습 3): saving to CSV — the chapter's `ch15_mqtt_save.py`
//!
//! Subscribes to every board (`hexaboard/+/sensor/data`) and appends each reading to
//! `sensor_data.csv`, byte for byte as the chapter's Python does: the header
//! `Timestamp,Board,Temperature,Humidity,Light` only when the file is new, the local receive
//! time, numbers as the board sent them, an empty cell for a missing light, CRLF line ends.
//! It prints the chapter's lines (`✅ CSV 파일 생성`, `[..] 보드 A: 25°C, 60%, 조도 None`,
//! `💾 저장 완료: ...`) and, on Ctrl+C, where the data is.
//!
//! What it teaches: storing before acknowledging. The row is handed to the operating system
//! (one `write`) before the message handler returns, which is when the client acknowledges
//! the message, so a reading the program printed as saved is in the file even if the program
//! is killed right after. Unlike the Python, the file is opened once, not for every message,
//! and a file that is not the chapter's CSV is left alone. (`hexaboard record` adds what a
//! long-running recorder needs: QoS 1, a persistent session, duplicate detection and a
//! rejects file.)
//!
//! ```text
//! cargo run --example 03_save
//! ```
//!
//! Settings (environment, then `.env`): `MQTT_BROKER` (required), `MQTT_PORT`, `MQTT_USER`,
//! `MQTT_PASSWORD`, `TOPIC_SENSOR` (default `hexaboard/+/sensor/data`), `CSV_FILE` (default
//! `sensor_data.csv`), `MQTT_TLS`, `MQTT_CA_FILE`, `MQTT_QOS`, `MQTT_CLIENT_ID`,
//! `HEXABOARD_LANG` (`ko` or `en`).

mod common;

use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{bail, Context as _};
use common::Greeting;
use hexaboard::core::csv_row::{is_header, RowWriter, HEADER};
use hexaboard::core::reading::ReadingParser;
use hexaboard::core::text::{Report, Text};
use hexaboard::mqtt::session::Session;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

fn main() -> ExitCode {
    // Read before any thread starts: the CSV's timestamps are local time.
    let offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let (settings, text) = match common::settings() {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stop = common::stop_signal();

    // init_csv(): the header only when the file is new.
    let path = settings.app.csv_file().to_owned();
    let rows = match open_csv(&path, offset) {
        Ok((rows, created)) => {
            if created {
                println!("{}", text.csv_created(&path));
            }
            rows
        }
        Err(error) => {
            println!("{}", text.error(&Report(error.as_ref())));
            return ExitCode::FAILURE;
        }
    };
    println!("{}", text.collecting());

    // Shared with the handler so that `main` can close (and sync) the file at the end.
    let rows = Arc::new(Mutex::new(Some(rows)));
    let handler_rows = Arc::clone(&rows);
    let failed = stop.clone();
    let parser = ReadingParser::default();
    let builder = Session::builder(&settings.connection)
        .on_event(common::print_events(text, Greeting::Chapter))
        .on_message(move |msg| {
            let received_at = OffsetDateTime::now_utc();
            let local = received_at.to_offset(offset);
            let reading = match parser.parse(msg.payload, msg.topic) {
                Ok(reading) => reading,
                Err(error) => return println!("{}", text.error(&error)),
            };
            println!("{}", text.saved_reading(local.time(), &reading));
            // save_to_csv(): the row goes to the file now, before the handler returns.
            let mut guard = handler_rows.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(rows) = guard.as_mut() else { return };
            match rows
                .write_reading(received_at, &reading)
                .and_then(|()| rows.flush())
            {
                Ok(()) => println!(
                    "{}",
                    text.saved(PrimitiveDateTime::new(local.date(), local.time()))
                ),
                Err(error) => {
                    // The disk is full or the file is gone: stop rather than go on losing
                    // readings; the empty slot tells `main` to exit with an error.
                    println!("{}", text.error(&error));
                    *guard = None;
                    failed.set();
                }
            }
        })
        .stop_signal(&stop)
        .subscribe_all(
            settings.connection.sensor_filters(),
            settings.connection.qos(),
        );
    let session = match common::connect(builder, text, Text::connect_failed) {
        Ok(session) => session,
        Err(code) => return code,
    };

    stop.wait();
    if let Some(session) = session {
        session.stop_at_exit();
    }
    let rows = rows.lock().unwrap_or_else(PoisonError::into_inner).take();
    // Closed as Python's `with open(...)` closes it, and synced to disk.
    let closed = rows.map(|rows| rows.into_inner().and_then(|file| file.sync_all()));
    let code = match closed {
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(error)) => {
            println!("{}", text.error(&error));
            ExitCode::FAILURE
        }
        None => ExitCode::FAILURE, // a row could not be written (printed above)
    };
    println!("{}", text.shutdown_after_saving());
    println!("{}", text.data_location(&path.display()));
    code
}

/// Opens the CSV at `path` for appending; a new (or empty) file is given the chapter's header.
/// Returns the row writer and whether the file was created.
///
/// A file that exists must start with the chapter's header: another program's CSV is never
/// appended to.
fn open_csv(path: &Path, offset: UtcOffset) -> anyhow::Result<(RowWriter<File>, bool)> {
    let shown = path.display();
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot open {shown}"))?;
    let created = file
        .metadata()
        .with_context(|| format!("cannot read {shown}"))?
        .len()
        == 0;
    if !created {
        let mut first = Vec::new();
        BufReader::new(&file)
            .read_until(b'\n', &mut first)
            .with_context(|| format!("cannot read {shown}"))?;
        if !is_header(&first) {
            let header = HEADER.join(",");
            bail!(
                "{shown} does not start with the chapter's header `{header}`: \
                 choose another CSV_FILE"
            );
        }
    }
    let mut rows = RowWriter::new(file, offset);
    if created {
        rows.write_header()
            .with_context(|| format!("cannot write to {shown}"))?;
    }
    Ok((rows, created))
}
