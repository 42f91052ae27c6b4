//! A proposal checked before anything is sent: the board one the user allowed, the action one
//! of the closed set, the colour and brightness in the LED's ranges (the checks of `send`), and
//! at most one command per board per interval.
//!
//! The model's word counts for nothing here: a proposal for a board the user did not allow is
//! refused however the prompt was phrased, whatever a board's id or readings said.

use std::time::Duration;

use thiserror::Error;

use super::proposal::{Proposal, ACTIONS};
use crate::control::LedCommand;

/// What the user allows the advisor to command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    boards: Vec<String>,
    min_interval: Duration,
}

impl Allowed {
    /// Commands for `boards` only, at most one per board per `min_interval`.
    pub fn new<S: Into<String>>(
        boards: impl IntoIterator<Item = S>,
        min_interval: Duration,
    ) -> Allowed {
        Allowed {
            boards: boards.into_iter().map(Into::into).collect(),
            min_interval,
        }
    }

    /// The boards a command may go to.
    pub fn boards(&self) -> &[String] {
        &self.boards
    }

    /// The fewest time between two commands to one board.
    pub fn min_interval(&self) -> Duration {
        self.min_interval
    }
}

/// What becomes of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The model proposes no action.
    NoAction,
    /// A command that passed every check, for `board`.
    Command {
        /// The board to command (one of the allowed).
        board: String,
        /// The command, in range.
        command: LedCommand,
    },
    /// A proposal that did not pass: nothing is sent.
    Refused(Refusal),
}

/// Why a proposal was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// An action outside the closed set.
    #[error("action `{0}` is not one of led_on, led_off, none")]
    UnknownAction(String),
    /// A command without a board.
    #[error("the command names no board")]
    NoBoard,
    /// A board the user did not allow (`--to`).
    #[error("board `{board}` is not allowed (allowed: {allowed}; add it with --to)")]
    BoardNotAllowed {
        /// The board proposed, as the model wrote it.
        board: String,
        /// The allowed boards, comma-separated.
        allowed: String,
    },
    /// `led_on` without a colour of three values 0–255.
    #[error("colour {0} is not [R, G, B] with each value 0-255")]
    Color(String),
    /// `led_on` without a brightness 0–100.
    #[error("brightness {0} is not 0-100 (percent)")]
    Brightness(String),
    /// The board was commanded too recently.
    #[error("board `{board}` was sent a command {ago} s ago; the next may go in {wait} s (--min-interval)")]
    TooSoon {
        /// The board.
        board: String,
        /// Whole seconds since its last command.
        ago: u64,
        /// Whole seconds to wait (rounded up).
        wait: u64,
    },
}

impl Verdict {
    /// Checks `proposal` against `allowed`; `since_last(board)` tells how long ago the board was
    /// last sent a command, if ever.
    pub fn of(
        proposal: &Proposal,
        allowed: &Allowed,
        since_last: impl FnOnce(&str) -> Option<Duration>,
    ) -> Verdict {
        match Verdict::check(proposal, allowed, since_last) {
            Ok(Some((board, command))) => Verdict::Command { board, command },
            Ok(None) => Verdict::NoAction,
            Err(refusal) => Verdict::Refused(refusal),
        }
    }

    fn check(
        proposal: &Proposal,
        allowed: &Allowed,
        since_last: impl FnOnce(&str) -> Option<Duration>,
    ) -> Result<Option<(String, LedCommand)>, Refusal> {
        let command = match proposal.action.as_str() {
            "none" => return Ok(None),
            "led_off" => LedCommand::LedOff,
            "led_on" => LedCommand::on(color(proposal)?, brightness(proposal)?)
                .map_err(|_| Refusal::Brightness(shown(&proposal.brightness)))?,
            other => return Err(Refusal::UnknownAction(other.to_owned())),
        };
        debug_assert!(ACTIONS.contains(&proposal.action.as_str()));
        let board = proposal.board.as_deref().ok_or(Refusal::NoBoard)?;
        if !allowed.boards.iter().any(|b| b == board) {
            return Err(Refusal::BoardNotAllowed {
                board: board.to_owned(),
                allowed: allowed.boards.join(", "),
            });
        }
        if let Some(ago) = since_last(board) {
            if ago < allowed.min_interval {
                let wait = (allowed.min_interval - ago).as_secs_f64().ceil();
                return Err(Refusal::TooSoon {
                    board: board.to_owned(),
                    ago: ago.as_secs(),
                    // Whole seconds, at least 1: the wait is positive here.
                    wait: (wait as u64).max(1),
                });
            }
        }
        Ok(Some((board.to_owned(), command)))
    }
}

fn color(proposal: &Proposal) -> Result<[u8; 3], Refusal> {
    let refused = || Refusal::Color(shown(&proposal.color));
    let values = proposal.color.as_deref().ok_or_else(refused)?;
    match values {
        [r, g, b] => {
            let channel = |v: &i64| u8::try_from(*v).map_err(|_| refused());
            Ok([channel(r)?, channel(g)?, channel(b)?])
        }
        _ => Err(refused()),
    }
}

fn brightness(proposal: &Proposal) -> Result<u32, Refusal> {
    proposal
        .brightness
        .and_then(|b| u32::try_from(b).ok())
        .ok_or_else(|| Refusal::Brightness(shown(&proposal.brightness)))
}

/// A value as the model wrote it, `null` when absent.
fn shown<T: std::fmt::Debug>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "null".to_owned(), |v| format!("{v:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(
        action: &str,
        board: Option<&str>,
        color: Option<Vec<i64>>,
        brightness: Option<i64>,
    ) -> Proposal {
        Proposal {
            explanation: String::new(),
            action: action.to_owned(),
            board: board.map(str::to_owned),
            color,
            brightness,
            reason: String::new(),
        }
    }

    fn allowed() -> Allowed {
        Allowed::new(["A", "B"], Duration::from_secs(60))
    }

    fn refusal(p: &Proposal) -> String {
        match Verdict::of(p, &allowed(), |_| None) {
            Verdict::Refused(r) => r.to_string(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_command_in_range_for_an_allowed_board_passes() {
        let on = proposal("led_on", Some("B"), Some(vec![0, 255, 0]), Some(100));
        assert_eq!(
            Verdict::of(&on, &allowed(), |_| None),
            Verdict::Command {
                board: "B".into(),
                command: LedCommand::on([0, 255, 0], 100).unwrap()
            }
        );
        let off = proposal("led_off", Some("A"), None, None);
        assert!(matches!(
            Verdict::of(&off, &allowed(), |_| None),
            Verdict::Command {
                command: LedCommand::LedOff,
                ..
            }
        ));
        let none = proposal("none", Some("Z"), None, None);
        assert_eq!(Verdict::of(&none, &allowed(), |_| None), Verdict::NoAction);
    }

    #[test]
    fn each_wrong_value_is_refused_with_it() {
        let on = |board, color, brightness| proposal("led_on", board, color, brightness);
        assert_eq!(
            refusal(&on(Some("B"), Some(vec![0, 0, 255]), Some(999))),
            "brightness 999 is not 0-100 (percent)"
        );
        assert_eq!(
            refusal(&on(Some("B"), Some(vec![0, 0, 255]), None)),
            "brightness null is not 0-100 (percent)"
        );
        assert_eq!(
            refusal(&on(Some("B"), Some(vec![0, 0, 256]), Some(5))),
            "colour [0, 0, 256] is not [R, G, B] with each value 0-255"
        );
        assert!(refusal(&on(Some("B"), Some(vec![0, 0]), Some(5))).starts_with("colour [0, 0]"));
        assert!(refusal(&on(Some("B"), Some(vec![-1, 0, 0]), Some(5))).starts_with("colour"));
        assert_eq!(
            refusal(&on(Some("C"), Some(vec![1, 2, 3]), Some(5))),
            "board `C` is not allowed (allowed: A, B; add it with --to)"
        );
        assert_eq!(
            refusal(&on(None, Some(vec![1, 2, 3]), Some(5))),
            "the command names no board"
        );
        assert_eq!(
            refusal(&proposal("blink", Some("A"), None, None)),
            "action `blink` is not one of led_on, led_off, none"
        );
        // Case and spaces are not forgiven: the id is the topic level.
        assert!(refusal(&proposal("led_off", Some("b"), None, None)).contains("`b`"));
        assert!(refusal(&proposal("led_off", Some("B "), None, None)).contains("`B `"));
    }

    #[test]
    fn one_command_per_board_per_interval() {
        let off = proposal("led_off", Some("B"), None, None);
        let since = |ago| move |board: &str| (board == "B").then_some(Duration::from_secs(ago));
        assert_eq!(
            Verdict::of(&off, &allowed(), since(20)),
            Verdict::Refused(Refusal::TooSoon {
                board: "B".into(),
                ago: 20,
                wait: 40
            })
        );
        assert!(matches!(
            Verdict::of(&off, &allowed(), since(60)),
            Verdict::Command { .. }
        ));
    }
}
