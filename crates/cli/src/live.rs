//! What the live commands (`record`, `watch`, `simulate`, `demo`) share: session events in
//! the chosen language, local times, the totals line, and what an LED board would do with a
//! command.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use hexaboard_core::control::LedCommand;
use hexaboard_core::stats::Eviction;
use hexaboard_core::text::{sanitize_for_terminal, Lang, Text};
use hexaboard_mqtt::counters::CountersSnapshot;
use hexaboard_mqtt::session::SessionEvent;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An event handler for [`hexaboard_mqtt::SessionBuilder::on_event`] that prints each event
/// once on stderr, with the chapter's words where the chapter has them.
pub(crate) fn event_printer(text: Text) -> impl Fn(SessionEvent) + Send + Sync + 'static {
    let subscribed_once = AtomicBool::new(false);
    move |event| match event {
        SessionEvent::Connected { .. } => eprintln!("{}", text.connected()),
        SessionEvent::Subscribed { filters, .. } => {
            let again = subscribed_once.swap(true, Ordering::Relaxed);
            for filter in &filters {
                if again {
                    eprintln!("{}", text.resubscribed(filter));
                } else {
                    eprintln!("{}", text.subscribed(filter));
                }
            }
        }
        SessionEvent::ConnectionLost { cause } => {
            eprintln!("{}", text.connection_lost(&cause));
            eprintln!("{}", text.reconnecting());
        }
        SessionEvent::Reconnected => eprintln!("{}", text.reconnected()),
        SessionEvent::Stopped => {}
        other => eprintln!("{}", sanitize_for_terminal(&other.to_string())),
    }
}

/// `at` as local wall-clock time at `offset`.
pub(crate) fn local(at: OffsetDateTime, offset: UtcOffset) -> PrimitiveDateTime {
    let at = at.to_offset(offset);
    PrimitiveDateTime::new(at.date(), at.time())
}

/// The totals at the end of a recording, in one line.
pub(crate) fn totals(text: Text, s: &CountersSnapshot) -> String {
    let mut line = match text.lang() {
        Lang::Ko => format!(
            "📊 합계: 수신 {}, 저장 {}, 거부 {}, 중복 {}",
            s.received, s.stored, s.rejected, s.duplicates
        ),
        _ => format!(
            "📊 Totals: received {}, stored {}, rejected {}, duplicates {}",
            s.received, s.stored, s.rejected, s.duplicates
        ),
    };
    if s.status_messages > 0 {
        let label = if text.lang() == Lang::Ko {
            "상태 메시지"
        } else {
            "status messages"
        };
        let _ = write!(line, ", {label} {}", s.status_messages);
    }
    if s.rejects_not_written > 0 {
        let label = if text.lang() == Lang::Ko {
            "기록되지 않은 거부"
        } else {
            "rejects not written"
        };
        let _ = write!(line, ", {label} {}", s.rejects_not_written);
    }
    line
}

/// The warning printed once, at the first board evicted from the statistics because more
/// than `max_boards` distinct boards were seen (a publisher inventing board ids).
pub(crate) fn eviction_warning(text: Text, eviction: &Eviction, max_boards: usize) -> String {
    let board = sanitize_for_terminal(&eviction.board);
    if text.lang() == Lang::Ko {
        format!(
            "⚠️ 보드가 {max_boards}개를 넘었습니다: 가장 오래 소식이 없던 보드 {board}의 통계를 \
             지웁니다 (이후에도 같은 방식, 이 경고는 한 번만; 측정값은 계속 저장됩니다)"
        )
    } else {
        format!(
            "⚠️ More than {max_boards} boards: forgetting the statistics of board {board}, the \
             longest silent (and so on for later ones; warned once; readings are still stored)"
        )
    }
}

/// What an LED board would do with `command`: `💡 보드 B LED: 파랑 (0,0,255) 80%` or
/// `💡 보드 B LED 끔`.
pub(crate) fn led_line(text: Text, board: &str, command: &LedCommand) -> String {
    let ko = text.lang() == Lang::Ko;
    let board = sanitize_for_terminal(board);
    let prefix = if ko { "💡 보드" } else { "💡 Board" };
    match command {
        LedCommand::LedOn { color, brightness } => {
            let [r, g, b] = *color;
            let name = color_name(*color, ko);
            format!("{prefix} {board} LED: {name} ({r},{g},{b}) {brightness}%")
        }
        LedCommand::LedOff => {
            format!("{prefix} {board} LED {}", if ko { "끔" } else { "off" })
        }
    }
}

fn color_name(color: [u8; 3], ko: bool) -> &'static str {
    let (k, e) = match color {
        [0, 0, 255] => ("파랑", "blue"),
        [255, 0, 0] => ("빨강", "red"),
        [0, 255, 0] => ("초록", "green"),
        [255, 255, 0] => ("노랑", "yellow"),
        [255, 255, 255] => ("흰색", "white"),
        [0, 0, 0] => ("검정", "black"),
        _ => ("색", "colour"),
    };
    if ko {
        k
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_led_line_names_the_colour_and_brightness() {
        let ko = Text::default();
        let on = LedCommand::on([0, 0, 255], 80).unwrap();
        assert_eq!(led_line(ko, "B", &on), "💡 보드 B LED: 파랑 (0,0,255) 80%");
        assert_eq!(led_line(ko, "B", &LedCommand::LedOff), "💡 보드 B LED 끔");
        let en = Text::new(Lang::from_code("en").unwrap());
        assert_eq!(led_line(en, "B", &on), "💡 Board B LED: blue (0,0,255) 80%");
    }
}
