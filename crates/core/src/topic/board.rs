//! A board id as one level of the course's topics (`hexaboard/{board}/sensor/data`,
//! `hexaboard/{board}/control/led`): what a user may type for one.

/// Why a board id cannot stand as one level of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoardIdError {
    /// An empty id would make an empty level.
    #[error("it is empty")]
    Empty,
    /// `/` separates levels, `+` and `#` are wildcards.
    #[error("it contains `/`, `+` or `#`, which MQTT topics reserve")]
    Reserved,
    /// No topic may hold U+0000 (MQTT section 4.7.3).
    #[error("it contains a NUL character")]
    Nul,
}

/// A board id that cannot stand as a topic level, with the id: the one message of `send`,
/// `react`, `advise` and the page for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "board id `{board}` cannot be a topic level ({problem}): use the id the board publishes \
     under, like A or B"
)]
pub struct InvalidBoardId {
    /// The id, as given.
    pub board: String,
    /// What is wrong with it.
    pub problem: BoardIdError,
}

/// Checks that `board` can stand as one level of the course's topics.
///
/// ```
/// use hexaboard_core::topic::{check_board_id, BoardIdError};
///
/// assert_eq!(check_board_id("A"), Ok(()));
/// assert_eq!(check_board_id("kitchen-2"), Ok(()));
/// assert_eq!(check_board_id("A/B").unwrap_err().problem, BoardIdError::Reserved);
/// assert_eq!(
///     check_board_id("").unwrap_err().to_string(),
///     "board id `` cannot be a topic level (it is empty): use the id the board publishes \
///      under, like A or B"
/// );
/// ```
///
/// # Errors
///
/// An [`InvalidBoardId`] saying what is wrong with it.
pub fn check_board_id(board: &str) -> Result<(), InvalidBoardId> {
    let problem = if board.is_empty() {
        BoardIdError::Empty
    } else if board.contains(['/', '+', '#']) {
        BoardIdError::Reserved
    } else if board.contains('\0') {
        BoardIdError::Nul
    } else {
        return Ok(());
    };
    Err(InvalidBoardId {
        board: board.to_owned(),
        problem,
    })
}
