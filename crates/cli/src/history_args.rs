//! `--from`, `--to` and `--board`: which readings of a store a history command looks at.
//!
//! Times are local (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS`) or RFC 3339 with
//! an offset (`2025-11-25T10:30:00+09:00`). `--from` is the first moment selected; `--to` the
//! first no longer selected, except that a date alone selects its whole day.

use clap::Args;
use hexaboard_store::history::Selection;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The selection flags of `summary`, `plot` and `export`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct HistoryArgs {
    /// Only readings received from this time on (local YYYY-MM-DD, YYYY-MM-DD HH:MM or
    /// YYYY-MM-DD HH:MM:SS, or RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub(crate) from: Option<TimeArg>,
    /// Only readings received before this time (a date alone: up to the end of that day)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub(crate) to: Option<TimeArg>,
    /// Only these boards (repeat the flag, or separate them with commas)
    #[arg(
        long = "board",
        visible_alias = "boards",
        value_name = "BOARD",
        value_delimiter = ','
    )]
    pub(crate) boards: Vec<String>,
}

/// A time as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeArg {
    /// A day, in local time.
    Date(Date),
    /// A moment, in local time.
    Local(PrimitiveDateTime),
    /// A moment with its offset.
    Exact(OffsetDateTime),
}

impl TimeArg {
    /// The moment this time starts, with local times at `offset`.
    fn start(self, offset: UtcOffset) -> OffsetDateTime {
        match self {
            TimeArg::Date(date) => date.with_time(Time::MIDNIGHT).assume_offset(offset),
            TimeArg::Local(at) => at.assume_offset(offset),
            TimeArg::Exact(at) => at,
        }
    }

    /// The first moment after this time: a date's next midnight, else the moment itself.
    fn end(self, offset: UtcOffset) -> OffsetDateTime {
        match self {
            TimeArg::Date(_) => self.start(offset) + Duration::DAY,
            _ => self.start(offset),
        }
    }
}

/// Reads a `--from` / `--to` value: a time between the years 1900 and 9998.
fn parse_time(text: &str) -> Result<TimeArg, String> {
    let text = text.trim();
    let time = read_time(text)?;
    let year = match time {
        TimeArg::Date(date) => date.year(),
        TimeArg::Local(at) => at.year(),
        TimeArg::Exact(at) => at.year(),
    };
    if !(1900..=9998).contains(&year) {
        return Err(format!(
            "`{text}` is out of range: give a year from 1900 to 9998"
        ));
    }
    Ok(time)
}

fn read_time(text: &str) -> Result<TimeArg, String> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(TimeArg::Exact(at));
    }
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(TimeArg::Date(date));
    }
    let seconds = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let minutes = format_description!("[year]-[month]-[day] [hour]:[minute]");
    PrimitiveDateTime::parse(text, seconds)
        .or_else(|_| PrimitiveDateTime::parse(text, minutes))
        .map(TimeArg::Local)
        .map_err(|_| {
            format!(
                "`{text}` is not a time: write YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (local time) or \
                 RFC 3339 such as 2025-11-25T10:30:00+09:00"
            )
        })
}

impl HistoryArgs {
    /// The readings these flags select, local times taken at `offset`.
    pub(crate) fn selection(&self, offset: UtcOffset) -> Selection {
        Selection {
            from: self.from.map(|from| from.start(offset)),
            to: self.to.map(|to| to.end(offset)),
            boards: self
                .boards
                .iter()
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    fn args(from: &str, to: &str) -> HistoryArgs {
        HistoryArgs {
            from: Some(parse_time(from).unwrap()),
            to: Some(parse_time(to).unwrap()),
            boards: vec!["A".into(), " ".into()],
        }
    }

    #[test]
    fn a_date_alone_selects_whole_local_days() {
        let selection = args("2025-11-25", "2025-11-26").selection(offset!(+9));
        assert_eq!(selection.from, Some(datetime!(2025-11-24 15:00 UTC)));
        assert_eq!(selection.to, Some(datetime!(2025-11-26 15:00 UTC)));
        assert_eq!(selection.boards, ["A"]);
    }

    #[test]
    fn local_times_and_rfc3339_are_moments() {
        let selection =
            args("2025-11-25 10:30", "2025-11-25T10:30:15+00:00").selection(offset!(+9));
        assert_eq!(selection.from, Some(datetime!(2025-11-25 01:30 UTC)));
        assert_eq!(selection.to, Some(datetime!(2025-11-25 10:30:15 UTC)));
        assert_eq!(
            parse_time("2025-11-25 10:30:15"),
            Ok(TimeArg::Local(datetime!(2025-11-25 10:30:15)))
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_that_work() {
        let error = parse_time("yesterday").unwrap_err();
        assert!(
            error.contains("`yesterday`") && error.contains("YYYY-MM-DD"),
            "{error}"
        );
    }
}
