//! What sends a board its LED command for the page: the `serve` command's MQTT session.

use hexaboard_core::control::LedCommand;
use thiserror::Error;

/// Sends commands to boards.
pub trait Commands: Send + Sync {
    /// Publishes `command` to `board`'s control topic at QoS 1 and waits for the broker's
    /// acknowledgement. Called from a thread of its own, never from the message callback.
    ///
    /// # Errors
    ///
    /// [`CommandError`]: not connected, not acknowledged in time, refused.
    fn send_led(&self, board: &str, command: &LedCommand) -> Result<(), CommandError>;
}

/// Why a command did not reach the broker.
#[derive(Debug, Error)]
pub enum CommandError {
    /// The session is not connected (it is reconnecting).
    #[error("not connected to the broker: try again once the page shows it connected")]
    NotConnected,
    /// The broker did not acknowledge in time.
    #[error("{0}")]
    Timeout(String),
    /// The broker or the client refused it.
    #[error("{0}")]
    Failed(String),
}
