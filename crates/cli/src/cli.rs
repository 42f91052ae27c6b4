//! The command line: every subcommand, and every setting as a flag beside its variable.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{
    value_parser, Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum,
};
use hexaboard_mqtt::settings::{Variable, VARIABLES};

use crate::history_args::HistoryArgs;

/// Receive, store, watch and summarise Hexaboard sensor readings over MQTT.
///
/// Settings come from flags, then the environment, then a `.env` file in the working
/// directory (the chapter's variable names: copy .env.example to .env). Run `hexaboard demo`
/// to see everything work without a broker or a board.
#[derive(Debug, Parser)]
#[command(
    name = "hexaboard",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) settings: SettingsFlags,
}

/// Every variable of the settings as a global flag (`--port` for `MQTT_PORT`), made from the
/// variable table, and `--env-file`. The values stay text here: the settings parse them, as
/// they parse the environment's, so each is parsed once and its errors read the same.
#[derive(Debug, Clone, Default)]
pub(crate) struct SettingsFlags {
    /// The flags given, by variable name.
    pub(crate) values: Vec<(&'static str, OsString)>,
    /// The `.env` file to read instead of `./.env`.
    pub(crate) env_file: Option<PathBuf>,
}

/// The id of the `--env-file` argument.
const ENV_FILE: &str = "env_file";

impl Args for SettingsFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let mut cmd = cmd.next_help_heading("Settings (flag > environment > .env)");
        for var in VARIABLES {
            let arg = Arg::new(var.name())
                .long(var.flag())
                .global(true)
                .help(flag_help(*var));
            cmd = cmd.arg(match var.switch_value() {
                Some(_) => arg.action(ArgAction::SetTrue),
                None => arg
                    .value_name(var.value_name())
                    .value_parser(value_parser!(OsString)),
            });
        }
        cmd.arg(
            Arg::new(ENV_FILE)
                .long("env-file")
                .global(true)
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("The .env file to read [default: .env in the working directory]"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        SettingsFlags::augment_args(cmd)
    }
}

impl FromArgMatches for SettingsFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = SettingsFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for var in VARIABLES {
            let value = match var.switch_value() {
                Some(value) => matches.get_flag(var.name()).then(|| OsString::from(value)),
                None => matches.get_one::<OsString>(var.name()).cloned(),
            };
            if let Some(value) = value {
                self.values.retain(|(name, _)| *name != var.name());
                self.values.push((var.name(), value));
            }
        }
        if let Some(path) = matches.get_one::<PathBuf>(ENV_FILE) {
            self.env_file = Some(path.clone());
        }
        Ok(())
    }
}

/// `Broker port; 8883 is TLS, 1883 plain [variable: MQTT_PORT, default 8883]`.
fn flag_help(var: &dyn Variable) -> String {
    let name = var.name();
    let help = var.help();
    match (var.switch_value(), var.default_help()) {
        (Some(value), _) => format!("{help} [variable: {name}={value}]"),
        (None, Some(default)) => format!("{help} [variable: {name}, default {default}]"),
        (None, None) => format!("{help} [variable: {name}]"),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Store every reading in the CSV (persistent session, QoS 1) and print it
    Record(RecordArgs),
    /// A live table: one row per board with its last reading, statistics and state
    Watch(WatchArgs),
    /// A web page of the boards: live cards, charts, LED control (--record stores too)
    Serve(ServeArgs),
    /// The next chapter's analysis of the recorded readings (CSV or database), per board
    Summary(SummaryArgs),
    /// Temperature and humidity over time per board, as an SVG chart
    Plot(PlotArgs),
    /// Put the readings of a recorded CSV into the STORE database (twice adds nothing)
    Import(ImportArgs),
    /// Write the readings of the STORE database as the chapter's CSV
    Export(ExportArgs),
    /// Roll a database's readings up per minute and hour; with --keep-days, delete older raw ones
    Retain(RetainArgs),
    /// Check the settings step by step: host, connection, TLS, login, subscription, data
    Check(CheckArgs),
    /// Send an LED command to a board and wait for the broker's acknowledgement
    Send(SendArgs),
    /// Virtual boards publishing readings like the course firmware
    Simulate(SimulateArgs),
    /// Judge one board's room and set another board's LED when the judgement changes
    React(ReactArgs),
    /// Ask a language model about a board's readings; its checked command is sent with --apply
    Advise(AdviseArgs),
    /// Zero set-up: an embedded broker, two virtual boards, recording, a live view and the page
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// Print a status line every few seconds instead of one line per reading
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Seconds between status lines with --quiet
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    pub(crate) status_every: u64,
    /// Rejects file [default: the CSV path + .rejects.jsonl]
    #[arg(long, value_name = "PATH")]
    pub(crate) rejects_file: Option<PathBuf>,
    /// Use a clean session instead of a persistent one (readings sent while away are lost)
    #[arg(long)]
    pub(crate) clean: bool,
    /// Stop after this many messages (for scripts and benchmarks)
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
    /// Milliseconds the row of a QoS 0 reading may wait in memory to be written together
    /// with others, when readings come faster than one per this time (0: each row is
    /// written as it comes). Rows of QoS 1 readings are always written before the reading
    /// is acknowledged
    #[arg(
        long,
        default_value_t = hexaboard_store::csv::DEFAULT_GATHER_DELAY.as_millis() as u64,
        value_name = "MS"
    )]
    pub(crate) gather_ms: u64,
    /// With a database store: roll readings up and delete raw ones older than DAYS, at start
    /// and every hour (see `hexaboard retain`)
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub(crate) keep_days: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Where the page listens; beyond loopback it needs --token to take commands
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
    pub(crate) listen: String,
    /// Store every reading as `record` does (persistent session, QoS 1), in the same process
    #[arg(long)]
    pub(crate) record: bool,
    /// With --record and a database store: roll readings up and delete raw ones older than
    /// DAYS, at start and every hour (see `hexaboard retain`)
    #[arg(long, value_name = "DAYS", requires = "record", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub(crate) keep_days: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Seconds between screen refreshes
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub(crate) refresh: f64,
    /// Print the table once per refresh as plain text, without redrawing the screen
    #[arg(long)]
    pub(crate) plain: bool,
}

/// Output format of `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// An aligned table for people.
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct SummaryArgs {
    /// The recorded CSV, or a database (readings.db, sqlite:PATH, postgres://…) [default:
    /// STORE, else CSV_FILE, else sensor_data.csv]
    pub(crate) file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) history: HistoryArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PlotArgs {
    /// The recorded CSV, or a database (readings.db, sqlite:PATH, postgres://…) [default:
    /// STORE, else CSV_FILE, else sensor_data.csv]
    pub(crate) file: Option<PathBuf>,
    /// The SVG file to write
    #[arg(long, short, default_value = "chart.svg", value_name = "SVG")]
    pub(crate) output: PathBuf,
    #[command(flatten)]
    pub(crate) history: HistoryArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The recorded CSV (the chapter's columns; local times, read at this machine's offset)
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The CSV file to write
    #[arg(long, short, value_name = "CSV")]
    pub(crate) output: PathBuf,
    /// Replace the file when it exists
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) history: HistoryArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RetainArgs {
    /// The database (readings.db, sqlite:PATH, postgres://…) [default: STORE]
    pub(crate) store: Option<String>,
    /// Delete raw readings older than this many days, once in the rollups (which stay)
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub(crate) keep_days: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Seconds to wait for one message
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub(crate) wait: u64,
}

/// What to do with the LED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LedAction {
    /// Light the LED.
    LedOn,
    /// Turn the LED off.
    LedOff,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The board to command (its id, as in hexaboard/{BOARD}/control/led)
    pub(crate) board: String,
    /// led-on or led-off
    #[arg(value_enum)]
    pub(crate) action: LedAction,
    /// Colour for led-on as R,G,B (0-255 each)
    #[arg(long, default_value = "255,255,255", value_name = "R,G,B")]
    pub(crate) color: String,
    /// Brightness for led-on in percent (0-100)
    #[arg(long, default_value_t = 100, value_name = "PERCENT")]
    pub(crate) brightness: u32,
}

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// Board ids, comma-separated
    #[arg(long, default_value = "A", value_name = "A,B,C")]
    pub(crate) boards: String,
    /// Seconds between readings of each board (the firmware's is 5)
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub(crate) interval: f64,
    /// Readings per board, then stop [default: until Ctrl+C]
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
    /// Seed of the simulated rooms (same seed, same readings)
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// QoS of the published readings
    #[arg(long = "publish-qos", default_value_t = 1, value_name = "QOS")]
    pub(crate) publish_qos: u8,
    /// Also act as LED boards: print what each would do on its control topic
    #[arg(long)]
    pub(crate) led: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ReactArgs {
    /// The board whose room is judged
    #[arg(long, value_name = "BOARD")]
    pub(crate) from: String,
    /// The board whose LED shows the judgement
    #[arg(long, value_name = "BOARD")]
    pub(crate) to: String,
    /// Fewest seconds between two commands
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub(crate) min_interval: f64,
    /// LED brightness in percent
    #[arg(long, default_value_t = 80, value_name = "PERCENT")]
    pub(crate) brightness: u32,
    /// Ask the advisor (OPENAI_*) what to send when the judgement changes, instead of the
    /// fixed colours; its commands are checked as `advise` checks them, for board --to only
    #[arg(long)]
    pub(crate) advisor: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AdviseArgs {
    /// The board whose readings are summarised and sent to the model
    #[arg(long, value_name = "BOARD", required_unless_present = "log")]
    pub(crate) board: Option<String>,
    /// Boards a proposed command may go to, comma-separated [default: --board]
    #[arg(long, value_name = "BOARD", value_delimiter = ',')]
    pub(crate) to: Vec<String>,
    /// Send a command that passed every check, and wait for the broker's acknowledgement
    #[arg(long)]
    pub(crate) apply: bool,
    /// Fewest seconds between two commands to one board (applied ones, as kept in the store)
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub(crate) min_interval: f64,
    /// Show the last N calls kept in the store (with --board, those about or for it), and
    /// ask nothing
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "10")]
    pub(crate) log: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Seconds between readings of each virtual board
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub(crate) interval: f64,
    /// Stop after this many seconds [default: until Ctrl+C]
    #[arg(long, value_name = "SECONDS")]
    pub(crate) duration: Option<f64>,
    /// Virtual boards, comma-separated
    #[arg(long, default_value = "A,B", value_name = "A,B")]
    pub(crate) boards: String,
    /// Where the page listens (another free port when this one is taken)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
    pub(crate) listen: String,
}
