//! `hexaboard advise`: a board's recent readings summarised, a language model asked what to
//! do, its proposed LED command checked, and sent only with `--apply`.
//!
//! The summary is `summary`'s figures for the board (its newest 100 readings in the store).
//! A proposed command passes only for a board of `--to` (default: the advised board), an
//! action of the closed set, a colour and brightness in range, and not sooner than
//! `--min-interval` after the last command the advisor applied to that board (as kept in the
//! store). Every call is kept in the store's audit trail; `--log` shows the newest.

use hexaboard_core::advice::{Allowed, Verdict};
use hexaboard_core::summary::BoardSummary;
use hexaboard_core::text::DateTime;
use hexaboard_mqtt::settings::Defaults;
use hexaboard_store::advice::AdviceEntry;
use hexaboard_store::history::Selection;

use crate::advisor::Advisor;
use crate::cli::AdviseArgs;
use crate::cmd::{led, summary};
use crate::common::Context;
use crate::failure::UsageError;
use crate::history_source;

pub(crate) fn run(args: &AdviseArgs, context: &Context) -> anyhow::Result<()> {
    if let Some(limit) = args.log {
        return show_log(args.board.as_deref(), limit, context);
    }
    let Some(board) = args.board.as_deref() else {
        return Err(UsageError("--board is needed: the board to ask about".to_owned()).into());
    };
    led::check_board(board)?;
    let to: Vec<String> = if args.to.is_empty() {
        vec![board.to_owned()]
    } else {
        args.to.iter().map(|b| b.trim().to_owned()).collect()
    };
    for target in &to {
        led::check_board(target)?;
    }
    let interval = led::min_interval(args.min_interval)?;
    // The broker's settings are checked before the model is asked, so that a command is
    // never asked for that cannot be sent.
    let connection = if args.apply {
        Some(context.connection(&Defaults::examples())?)
    } else {
        None
    };
    let mut advisor = Advisor::open(context, Allowed::new(to, interval))?;
    let summary = board_summary(board, context)?;
    let asked = advisor.ask(&summary)?;
    let Verdict::Command {
        board: target,
        command,
    } = asked.verdict.clone()
    else {
        return advisor.keep(asked, false);
    };
    let Some(connection) = connection else {
        println!("{}", context.text().advice_not_applied());
        return advisor.keep(asked, false);
    };
    let sent = led::send_once(&connection, &target, &command, context.text());
    advisor.keep(asked, sent.is_ok())?;
    sent
}

/// `summary`'s figures of `board`, from the store.
fn board_summary(board: &str, context: &Context) -> anyhow::Result<BoardSummary> {
    let source = history_source::open(None, context)?;
    let selection = Selection {
        from: None,
        to: None,
        boards: vec![board.to_owned()],
    };
    let report = summary::report(source, &selection, context.text(), context.offset)?;
    let file = report.file.clone();
    report
        .boards
        .into_iter()
        .find(|b| b.board == board && b.count > 0)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no readings of board {board} in {file}: record some first (hexaboard record), \
                 or check --board and STORE"
            )
        })
}

/// `--log`: the newest calls kept, one line each.
fn show_log(board: Option<&str>, limit: usize, context: &Context) -> anyhow::Result<()> {
    let text = context.text();
    let (place, entries) = Advisor::recent(context, board, limit)?;
    println!("{}", text.advice_log_heading(&place, entries.len()));
    if entries.is_empty() {
        println!("{}", text.advice_log_empty());
    }
    for entry in &entries {
        println!("{}", log_line(entry, context));
    }
    Ok(())
}

fn log_line(entry: &AdviceEntry, context: &Context) -> String {
    let text = context.text();
    let at = DateTime(history_source::local(entry.at, context.offset)).to_string();
    let (board, model) = (entry.board.as_str(), entry.model.as_str());
    match (&entry.target, &entry.command, &entry.refusal) {
        (Some(target), Some(json), _) if entry.applied => text
            .advice_log_applied(&at, board, model, target, json)
            .to_string(),
        (Some(target), Some(json), _) => text
            .advice_log_proposed(&at, board, model, target, json)
            .to_string(),
        (_, _, Some(why)) => text.advice_log_refused(&at, board, model, why).to_string(),
        _ => text.advice_log_no_action(&at, board, model).to_string(),
    }
}
