//! The core pipeline, message by message: route the topic, parse the payload, update the
//! board's statistics, judgement and alert, and format the CSV row into a sink.
//!
//! Run with `cargo bench --bench pipeline` (or `bench/pipeline`, which also runs the same steps
//! in Python and prints the ratio). Prints one JSON line per measurement, best of five runs.
//! Options: `--messages N` (default 2,000,000), `--runs N` (default 5), `--only NAME`.

use std::hint::black_box;
use std::time::Instant;

use hexaboard::core::csv_row::RowWriter;
use hexaboard::core::pipeline::{Outcome, Pipeline, PipelineConfig};
use hexaboard::core::reading::ReadingParser;
use time::{Duration, OffsetDateTime, UtcOffset};

/// The same payload mix as `bench/pipeline.py`: four boards, firmware-style JSON, one in eight
/// with a fractional temperature.
fn payloads() -> Vec<(String, Vec<u8>)> {
    (0..1024u32)
        .map(|i| {
            let board = ["A", "B", "C", "D"][i as usize % 4];
            let (temp, humid) = (20 + (i * 7) % 11, 40 + (i * 13) % 31);
            let frac = if i % 8 == 7 { ".5" } else { "" };
            let payload = format!(
                r#"{{"board": "{board}", "temperature": {temp}{frac}, "humidity": {humid}, "timestamp": {}}}"#,
                817_349_415 + i
            );
            (format!("hexaboard/{board}/sensor/data"), payload.into_bytes())
        })
        .collect()
}

/// Takes the CSV bytes like a file would, without keeping them: the benchmark measures the
/// work of making rows, not memory growth.
#[derive(Default)]
struct Sink {
    bytes: u64,
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += black_box(buf).len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Options {
    messages: usize,
    runs: usize,
    only: Option<String>,
}

fn measure(options: &Options, name: &str, mut run: impl FnMut() -> usize) {
    if options.only.as_deref().is_some_and(|only| only != name) {
        return;
    }
    let messages = options.messages;
    let mut best = f64::MAX;
    let mut handled = 0;
    for _ in 0..options.runs {
        let start = Instant::now();
        handled = run();
        best = best.min(start.elapsed().as_secs_f64());
    }
    assert_eq!(handled, messages, "{name}: every message must be handled");
    println!(
        r#"{{"impl": "{name}", "messages": {messages}, "seconds": {best:.6}, "msgs_per_sec": {:.0}}}"#,
        messages as f64 / best
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let options = Options {
        messages: value("--messages")
            .and_then(|n| n.parse().ok())
            .unwrap_or(2_000_000),
        runs: value("--runs").and_then(|n| n.parse().ok()).unwrap_or(5),
        only: value("--only"),
    };
    let messages = options.messages;
    let msgs = payloads();
    let start_time = OffsetDateTime::from_unix_timestamp(1_764_034_215).expect("valid time");
    // One message every microsecond of receive time: the timestamp text changes every second.
    let at = |i: usize| start_time + Duration::microseconds(i as i64);

    measure(&options, "rust-pipeline", || {
        let mut pipeline = Pipeline::new(PipelineConfig::default());
        let mut rows = RowWriter::new(Sink::default(), UtcOffset::UTC);
        let mut handled = 0;
        for i in 0..messages {
            let (topic, payload) = &msgs[i % msgs.len()];
            let received_at = at(i);
            if let Outcome::Reading(r) = pipeline.process(topic, payload, received_at) {
                rows.write_reading(received_at, &r.reading)
                    .expect("in-memory write");
                handled += 1;
            }
            if i % 8192 == 0 {
                rows.flush().expect("in-memory flush");
            }
        }
        rows.flush().expect("in-memory flush");
        black_box(rows.get_ref().bytes);
        handled
    });

    measure(&options, "rust-parse-only", || {
        let parser = ReadingParser::default();
        let mut handled = 0;
        for i in 0..messages {
            let (topic, payload) = &msgs[i % msgs.len()];
            if parser.parse(black_box(payload), topic).is_ok() {
                handled += 1;
            }
        }
        handled
    });
}
