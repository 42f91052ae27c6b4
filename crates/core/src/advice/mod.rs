//! The advisor's pure part: what a language model is told, the answer it must give, and the
//! check every proposed command passes before anything is sent.
//!
//! - [`prompt`]: the summary of one board put into the prompt as quoted data, never as
//!   instructions, with the boards a command may go to.
//! - [`proposal`]: the answer's fixed JSON schema ([`proposal::schema`]) and the answer read
//!   back ([`Proposal::parse`]), refusing anything outside the schema.
//! - [`verdict`]: a proposal checked against the allowed boards, the closed set of actions, the
//!   LED's ranges and the pace of commands ([`Verdict`]).
//!
//! ```
//! use hexaboard_core::advice::{Allowed, Proposal, Verdict};
//! use hexaboard_core::control::LedCommand;
//! use std::time::Duration;
//!
//! let answer = r#"{"explanation":"더워요","action":"led_on","board":"B",
//!                  "color":[0,0,255],"brightness":80,"reason":"too hot"}"#;
//! let proposal = Proposal::parse(answer).unwrap();
//! let allowed = Allowed::new(["B"], Duration::from_secs(10));
//! match Verdict::of(&proposal, &allowed, |_board| None) {
//!     Verdict::Command { board, command } => {
//!         assert_eq!(board, "B");
//!         assert_eq!(command, LedCommand::on([0, 0, 255], 80).unwrap());
//!     }
//!     other => panic!("{other:?}"),
//! }
//! // A board nobody allowed is refused, whatever the model says.
//! let elsewhere = Proposal::parse(&answer.replace("\"B\"", "\"C\"")).unwrap();
//! assert!(matches!(Verdict::of(&elsewhere, &allowed, |_| None), Verdict::Refused(_)));
//! ```

pub mod prompt;
pub mod proposal;
pub mod verdict;

pub use prompt::{Prompt, PromptData};
pub use proposal::{AnswerError, Proposal};
pub use verdict::{Allowed, Refusal, Verdict};
