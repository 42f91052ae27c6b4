//! One module per subcommand, each a `run` function.

mod advise;
#[cfg(feature = "demo")]
mod broker;
mod check;
mod demo;
mod export;
mod import;
mod plot;
mod react;
mod record;
mod retain;
mod send;
mod serve;
mod simulate;
mod summary;
mod watch;

// Shared by the analysis and control commands.
mod chart;
pub(crate) mod csv_file;
mod led;

use crate::cli::Command;
use crate::common::Context;

/// Runs a subcommand.
pub(crate) fn run(command: Command, context: &Context) -> anyhow::Result<()> {
    match command {
        Command::Record(args) => record::run(&args, context),
        Command::Watch(args) => watch::run(&args, context),
        Command::Serve(args) => serve::run(&args, context),
        Command::Summary(args) => summary::run(&args, context),
        Command::Plot(args) => plot::run(&args, context),
        Command::Import(args) => import::run(&args, context),
        Command::Export(args) => export::run(&args, context),
        Command::Retain(args) => retain::run(&args, context),
        Command::Check(args) => check::run(&args, context),
        Command::Send(args) => send::run(&args, context),
        Command::Simulate(args) => simulate::run(&args, context),
        Command::React(args) => react::run(&args, context),
        Command::Advise(args) => advise::run(&args, context),
        Command::Demo(args) => demo::run(&args, context),
    }
}
