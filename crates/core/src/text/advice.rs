//! The lines of `advise` and `react --advisor`: the question, the model's advice, what became
//! of its proposal, and the calls kept in the store. The model's words are text from outside:
//! escaped like a board's.

use std::fmt::Display;

use super::catalogue::catalogue;
use super::escape::{EscStr, Escaped};

catalogue! {
    part Advice(text);

    lines {
        /// `🤖 보드 {board}의 요약을 {model}에게 묻습니다 ({url})`: the advisor asks.
        pub fn advice_asking(board: &'a str, model: &'a str, url: &'a str) {
            board = EscStr(board),
            model = EscStr(model),
            url = EscStr(url),
        }
            ko: "🤖 보드 {board}의 요약을 {model}에게 묻습니다 ({url})",
            en: "🤖 Asking {model} about board {board} ({url})";

        /// `💬 {explanation}`: the model's explanation for the user.
        pub fn advice_explanation(explanation: &'a str) { explanation = EscStr(explanation) }
            ko: "💬 {explanation}",
            en: "💬 {explanation}";

        /// `   제안: 보드 {board} → {colour} {json} ({reason})`: the command the model proposes.
        pub fn advice_proposed(board: &'a str, colour: &'a str, json: &'a str, reason: &'a str) {
            board = EscStr(board),
            colour = EscStr(colour),
            json = EscStr(json),
            reason = EscStr(reason),
        }
            ko: "   제안: 보드 {board} → {colour} {json} ({reason})",
            en: "   Proposed: board {board} → {colour} {json} ({reason})";

        /// `   제안 없음 ({reason})`: the model proposes no action.
        pub fn advice_no_action(reason: &'a str) { reason = EscStr(reason) }
            ko: "   제안 없음 ({reason})",
            en: "   No action proposed ({reason})";

        /// `   ⛔ 거절: {why}. 보내지 않았습니다`: a proposal that failed a check.
        pub fn advice_refused(why: &'a dyn Display) { why = Escaped(why) }
            ko: "   ⛔ 거절: {why}. 보내지 않았습니다",
            en: "   ⛔ Refused: {why}. Nothing sent";

        /// `   ℹ️ 보내지 않았습니다: 보내려면 --apply`: a valid command without `--apply`.
        pub fn advice_not_applied() {}
            ko: "   ℹ️ 보내지 않았습니다: 보내려면 --apply를 붙이세요",
            en: "   ℹ️ Not sent: add --apply to send it";

        /// `   ℹ️ 서버가 json_schema를 받지 않아 {format}(으)로 물었습니다`: the answer's format
        /// fell back.
        pub fn advice_format(format: &'a dyn Display) { format = Escaped(format) }
            ko: "   ℹ️ 서버가 json_schema를 받지 않아 {format} 방식으로 물었습니다",
            en: "   ℹ️ The server does not take json_schema: asked with {format}";

        /// `   = 이 판정은 이미 물었습니다 …`: `react --advisor` does not ask twice about one
        /// judgement.
        pub fn advice_already_asked() {}
            ko: "   = 이 판정은 이미 물었습니다: 판정이 바뀌면 다시 묻습니다",
            en: "   = already asked about this judgement: asking again when it changes";

        /// `   🗒️ 기록: {place}`: where the call was kept.
        pub fn advice_kept(place: &'a str) { place = EscStr(place) }
            ko: "   🗒️ 기록: {place}",
            en: "   🗒️ Kept in {place}";

        /// `🗒️ {place}의 조언 {count}건 (최근 것부터)`: the heading of `advise --log`.
        pub fn advice_log_heading(place: &'a str, count: usize) {
            place = EscStr(place),
            count,
        }
            ko: "🗒️ {place}의 조언 {count}건 (최근 것부터)",
            en: "🗒️ {count} advice calls in {place} (newest first)";

        /// `{at}  보드 {board}  {model}  📤 보드 {target}에 보냄 {json}`: a kept call whose
        /// command was sent.
        pub fn advice_log_applied(at: &'a str, board: &'a str, model: &'a str, target: &'a str, json: &'a str) {
            at = EscStr(at),
            board = EscStr(board),
            model = EscStr(model),
            target = EscStr(target),
            json = EscStr(json),
        }
            ko: "{at}  보드 {board}  {model}  📤 보드 {target}에 보냄 {json}",
            en: "{at}  board {board}  {model}  📤 sent to board {target} {json}";

        /// `{at}  보드 {board}  {model}  제안만: 보드 {target} {json}`: a kept call whose
        /// command passed the checks but was not sent.
        pub fn advice_log_proposed(at: &'a str, board: &'a str, model: &'a str, target: &'a str, json: &'a str) {
            at = EscStr(at),
            board = EscStr(board),
            model = EscStr(model),
            target = EscStr(target),
            json = EscStr(json),
        }
            ko: "{at}  보드 {board}  {model}  제안만 (보내지 않음): 보드 {target} {json}",
            en: "{at}  board {board}  {model}  proposed, not sent: board {target} {json}";

        /// `{at}  보드 {board}  {model}  ⛔ {why}`: a kept call that was refused or failed.
        pub fn advice_log_refused(at: &'a str, board: &'a str, model: &'a str, why: &'a str) {
            at = EscStr(at),
            board = EscStr(board),
            model = EscStr(model),
            why = EscStr(why),
        }
            ko: "{at}  보드 {board}  {model}  ⛔ {why}",
            en: "{at}  board {board}  {model}  ⛔ {why}";

        /// `{at}  보드 {board}  {model}  제안 없음`: a kept call without a proposal.
        pub fn advice_log_no_action(at: &'a str, board: &'a str, model: &'a str) {
            at = EscStr(at),
            board = EscStr(board),
            model = EscStr(model),
        }
            ko: "{at}  보드 {board}  {model}  제안 없음",
            en: "{at}  board {board}  {model}  no action";

        /// `(기록된 조언이 없습니다)`: `advise --log` found none.
        pub fn advice_log_empty() {}
            ko: "(기록된 조언이 없습니다)",
            en: "(no advice kept yet)";
    }
}
