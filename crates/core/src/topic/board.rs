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

/// Checks that `board` can stand as one level of the course's topics.
///
/// ```
/// use hexaboard_core::topic::{check_board_id, BoardIdError};
///
/// assert_eq!(check_board_id("A"), Ok(()));
/// assert_eq!(check_board_id("kitchen-2"), Ok(()));
/// assert_eq!(check_board_id("A/B"), Err(BoardIdError::Reserved));
/// assert_eq!(check_board_id(""), Err(BoardIdError::Empty));
/// ```
///
/// # Errors
///
/// A [`BoardIdError`] saying what is wrong with it.
pub fn check_board_id(board: &str) -> Result<(), BoardIdError> {
    if board.is_empty() {
        Err(BoardIdError::Empty)
    } else if board.contains(['/', '+', '#']) {
        Err(BoardIdError::Reserved)
    } else if board.contains('\0') {
        Err(BoardIdError::Nul)
    } else {
        Ok(())
    }
}
