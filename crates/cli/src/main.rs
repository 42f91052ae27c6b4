//! The `hexaboard` command: thin wiring of the `hexaboard-core`, `hexaboard-mqtt`,
//! `hexaboard-store` and `hexaboard-recorder` crates.
//!
//! Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error.

mod advisor;
mod boards;
mod cli;
mod cmd;
mod common;
mod failure;
mod history_args;
mod history_points;
mod history_source;
mod live;
mod live_table;
mod page;
mod progress;
mod recording;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // Read the local offset before any thread starts (paho starts threads).
    let context = common::Context::new(cli.settings.clone());
    match cmd::run(cli.command, &context) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => failure::report(&error, context.text()),
    }
}
