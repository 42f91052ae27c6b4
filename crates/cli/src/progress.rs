//! A progress bar on stderr for long passes over stored readings (`import`, `export`,
//! `retain`): drawn
//! only when stderr is a terminal, so tests, pipes and log files get nothing from it.

use std::io::{IsTerminal as _, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What a [`Progress`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Bytes of a file read.
    Bytes,
    /// Readings.
    Readings,
}

/// A bar from 0 to a known total, or nothing at all when stderr is not a terminal.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
}

/// Where a bar is drawn: stderr when it is a terminal, nowhere otherwise.
fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

impl Progress {
    /// A bar to `total` units, shown when stderr is a terminal.
    pub(crate) fn new(total: u64, unit: Unit) -> Progress {
        let target = target();
        let template = match unit {
            Unit::Bytes => "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            Unit::Readings => "{bar:40} {human_pos}/{human_len} {eta}",
        };
        // The templates above are valid; a bad one would fall back to the default style.
        let style =
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total), target).with_style(style);
        Progress { bar }
    }

    /// A spinner with a line of text, for work whose total is not known beforehand.
    pub(crate) fn spinner() -> Progress {
        let bar = ProgressBar::with_draw_target(None, target());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress { bar }
    }

    /// The text beside a spinner.
    pub(crate) fn say(&self, text: String) {
        self.bar.set_message(text);
    }

    /// `n` more units done.
    pub(crate) fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Runs `print` (which writes lines on stderr) with the bar off the screen, so that the
    /// lines stay and the bar is drawn again below them.
    pub(crate) fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        self.bar.suspend(print)
    }

    /// `inner`, counting every byte read from it as done.
    pub(crate) fn reader<R: Read>(&self, inner: R) -> impl Read {
        self.bar.wrap_read(inner)
    }

    /// Takes the bar off the screen, leaving the line for what is printed next.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    /// A pass that fails takes its bar away too, so the error reads on a clean line.
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}
