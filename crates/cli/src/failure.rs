//! How a command's failure reaches the user: the errors a command returns to `main`, the line
//! `main` prints for each, and the exit code (0 done, 1 runtime failure, 2 usage or
//! configuration error).
//!
//! Commands never end the process themselves: they return their error, so that what they
//! hold is dropped in order, and `main` says it once. A failure the chapter has a line for
//! (the connection refused, a reading that could not be stored) is printed in that line, as
//! the chapter's programs print it; any other error as `error: what failed: why`.

use std::process::ExitCode;
use std::sync::Arc;

use hexaboard_core::text::{Report, Text};
use hexaboard_mqtt::session::{ConnectError, PublishError};
use hexaboard_mqtt::settings::SettingsError;
use hexaboard_store::StoreError;

/// A mistake in the command line or the settings: exit code 2, not 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);

/// A failure of a live command that the chapter has a line for.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The broker could not be reached or refused the connection: `❌ 연결 실패: …`.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// A reading could not be stored, so recording stopped before acknowledging it:
    /// `❌ 오류: …`.
    #[error(transparent)]
    Store(#[from] Arc<StoreError>),
    /// A virtual board's reading could not be published: `❌ 오류: …`.
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// Prints `error` on stderr, in the language of `text`, and gives the exit code.
pub(crate) fn report(error: &anyhow::Error, text: Text) -> ExitCode {
    match error.chain().find_map(|e| e.downcast_ref::<Failure>()) {
        Some(Failure::Connect(e)) => eprintln!("{}", text.connect_failed(&Report(e))),
        Some(Failure::Store(e)) => eprintln!("{}", text.error(&Report(&**e))),
        Some(Failure::Publish(e)) => eprintln!("{}", text.error(&Report(e))),
        // The error and its causes, each said once, escaped.
        None => eprintln!("error: {}", Report(error.as_ref())),
    }
    ExitCode::from(exit_code(error))
}

/// 2 for usage and configuration errors, 1 for runtime failures.
fn exit_code(error: &anyhow::Error) -> u8 {
    let usage = error
        .chain()
        .any(|cause| cause.is::<UsageError>() || cause.is::<SettingsError>());
    if usage {
        2
    } else {
        1
    }
}
