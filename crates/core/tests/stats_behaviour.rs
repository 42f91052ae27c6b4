//! Behaviour of `hexaboard_core::stats`, checked with hand-computed numbers.

use hexaboard_core::judge::AlertTransition;
use hexaboard_core::stats::{
    BoardConfig, BoardStats, Registry, RollingWindow, Spread, Summary, Trend, TREND_READINGS,
};
use proptest::prelude::*;
use time::macros::datetime;
use time::OffsetDateTime;

const AT: OffsetDateTime = datetime!(2024-05-01 12:00:00 UTC);

fn stats_with_temperatures(temperatures: &[f64]) -> BoardStats {
    let mut stats = BoardStats::new();
    for &t in temperatures {
        stats.update(t, 50.0, AT);
    }
    stats
}

fn ten_then_ten(older: f64, newer: &[f64; 10]) -> BoardStats {
    let mut temperatures = vec![older; 10];
    temperatures.extend_from_slice(newer);
    stats_with_temperatures(&temperatures)
}

// RollingWindow

#[test]
fn window_has_no_average_when_empty() {
    let window = RollingWindow::default();
    assert!(window.is_empty());
    assert_eq!(window.capacity(), 5);
    assert_eq!(window.average(), None);
    assert_eq!(window.min(), None);
    assert_eq!(window.max(), None);
}

#[test]
fn window_average_if_full_waits_for_the_fifth_value_like_the_chapter() {
    let mut window = RollingWindow::new(5);
    for t in [20.0, 21.0, 22.0, 23.0] {
        window.push(t);
    }
    assert!(!window.is_full());
    assert_eq!(window.average(), Some(21.5));
    assert_eq!(window.average_if_full(), None);
    window.push(24.0);
    assert!(window.is_full());
    assert_eq!(window.average_if_full(), Some(22.0));
}

#[test]
fn window_wraps_around_keeping_the_last_values_oldest_first() {
    let mut window = RollingWindow::new(3);
    for v in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0] {
        window.push(v);
    }
    assert_eq!(window.len(), 3);
    assert_eq!(window.capacity(), 3);
    assert_eq!(window.iter().collect::<Vec<_>>(), [5.0, 6.0, 7.0]);
    assert_eq!(window.iter().rev().collect::<Vec<_>>(), [7.0, 6.0, 5.0]);
    assert_eq!(window.sum(), 18.0);
    assert_eq!(window.average(), Some(6.0));
    assert_eq!(window.min(), Some(5.0));
    assert_eq!(window.max(), Some(7.0));
}

#[test]
fn window_iterates_oldest_first_before_it_is_full() {
    let mut window = RollingWindow::new(4);
    window.push(9.0);
    window.push(-3.0);
    assert_eq!(window.iter().collect::<Vec<_>>(), [9.0, -3.0]);
    assert_eq!(window.min(), Some(-3.0));
    assert_eq!(window.max(), Some(9.0));
}

#[test]
fn window_of_capacity_zero_holds_the_newest_value() {
    let mut window = RollingWindow::new(0);
    window.push(1.0);
    window.push(2.0);
    assert_eq!(window.capacity(), 1);
    assert_eq!(window.iter().collect::<Vec<_>>(), [2.0]);
}

#[test]
fn window_clear_forgets_values_but_keeps_capacity() {
    let mut window = RollingWindow::new(2);
    window.push(1.0);
    window.push(2.0);
    window.push(3.0);
    window.clear();
    assert!(window.is_empty());
    assert_eq!(window.capacity(), 2);
    window.push(4.0);
    assert_eq!(window.iter().collect::<Vec<_>>(), [4.0]);
}

// BoardStats: summary

#[test]
fn summary_is_none_before_the_first_reading() {
    assert_eq!(BoardStats::new().summary(), None);
}

#[test]
fn summary_over_more_than_100_readings_uses_only_the_last_100() {
    let mut stats = BoardStats::new();
    // Temperatures 1..=150 and humidities 200-1..=200-150; the last 100 are
    // temperatures 51..=150 (average 100.5) and humidities 50..=149 (average 99.5).
    for i in 1..=150 {
        stats.update(f64::from(i), f64::from(200 - i), AT);
    }
    let expected = Summary {
        count: 100,
        temperature: Spread {
            average: 100.5,
            min: 51.0,
            max: 150.0,
        },
        humidity: Spread {
            average: 99.5,
            min: 50.0,
            max: 149.0,
        },
    };
    assert_eq!(stats.summary(), Some(expected));
    assert_eq!(stats.total(), 150);
}

#[test]
fn summary_serializes_as_json() {
    let stats = stats_with_temperatures(&[24.0, 26.0]);
    let json = serde_json::to_string(&stats.summary().unwrap()).unwrap();
    assert_eq!(
        json,
        r#"{"count":2,"temperature":{"average":25.0,"min":24.0,"max":26.0},"humidity":{"average":50.0,"min":50.0,"max":50.0}}"#
    );
}

// BoardStats: trend

#[test]
fn trend_needs_twenty_readings() {
    let stats = stats_with_temperatures(&[20.0; TREND_READINGS - 1]);
    assert_eq!(stats.trend(), Trend::NotEnoughData);
    let stats = stats_with_temperatures(&[20.0; TREND_READINGS]);
    assert_eq!(stats.trend(), Trend::Stable);
}

#[test]
fn trend_is_stable_when_last_ten_are_exactly_five_percent_higher() {
    // 10 × 20 = 200, 10 × 21 = 210: exactly 5 % more.
    assert_eq!(ten_then_ten(20.0, &[21.0; 10]).trend(), Trend::Stable);
}

#[test]
fn trend_is_rising_when_last_ten_are_more_than_five_percent_higher() {
    // 200 against 9 × 21 + 21.5 = 210.5.
    let mut newer = [21.0; 10];
    newer[9] = 21.5;
    assert_eq!(ten_then_ten(20.0, &newer).trend(), Trend::Rising);
}

#[test]
fn trend_is_stable_when_last_ten_are_exactly_five_percent_lower() {
    // 200 against 10 × 19 = 190.
    assert_eq!(ten_then_ten(20.0, &[19.0; 10]).trend(), Trend::Stable);
}

#[test]
fn trend_is_falling_when_last_ten_are_more_than_five_percent_lower() {
    // 200 against 9 × 19 + 18.5 = 189.5.
    let mut newer = [19.0; 10];
    newer[0] = 18.5;
    assert_eq!(ten_then_ten(20.0, &newer).trend(), Trend::Falling);
}

#[test]
fn trend_looks_only_at_the_last_twenty_readings() {
    // Old heat followed by twenty steady readings.
    let mut temperatures = vec![40.0; 30];
    temperatures.extend([20.0; 20]);
    assert_eq!(
        stats_with_temperatures(&temperatures).trend(),
        Trend::Stable
    );
}

#[test]
fn trend_below_zero_compares_against_the_size_of_the_older_sum() {
    // -100 to -50 is warmer: rising. -100 to -120 is colder: falling.
    assert_eq!(ten_then_ten(-10.0, &[-5.0; 10]).trend(), Trend::Rising);
    assert_eq!(ten_then_ten(-10.0, &[-12.0; 10]).trend(), Trend::Falling);
    // -100 to -95 is exactly 5 %: stable.
    assert_eq!(ten_then_ten(-10.0, &[-9.5; 10]).trend(), Trend::Stable);
}

#[test]
fn trend_from_a_zero_sum_follows_the_sign_of_the_newer_sum() {
    assert_eq!(ten_then_ten(0.0, &[0.1; 10]).trend(), Trend::Rising);
    assert_eq!(ten_then_ten(0.0, &[-0.1; 10]).trend(), Trend::Falling);
    assert_eq!(ten_then_ten(0.0, &[0.0; 10]).trend(), Trend::Stable);
    assert_eq!(Trend::from_sums(0.0, 0.0), Trend::Stable);
}

#[test]
fn trend_words_match_the_chapter_in_text_and_json() {
    let all = [
        (Trend::Rising, "rising"),
        (Trend::Falling, "falling"),
        (Trend::Stable, "stable"),
        (Trend::NotEnoughData, "not enough data"),
    ];
    for (trend, word) in all {
        assert_eq!(trend.as_str(), word);
        assert_eq!(trend.to_string(), word);
        assert_eq!(
            serde_json::to_string(&trend).unwrap(),
            format!("\"{word}\"")
        );
    }
}

// BoardStats: the rest

#[test]
fn board_stats_keep_last_values_total_last_seen_and_the_challenge_window() {
    let mut stats = BoardStats::new();
    assert_eq!(stats.last_temperature(), None);
    assert_eq!(stats.last_seen(), None);
    for (i, t) in [22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0]
        .into_iter()
        .enumerate()
    {
        let at = AT + time::Duration::seconds(5 * i as i64);
        stats.update(t, 40.0 + i as f64, at);
    }
    assert_eq!(stats.last_temperature(), Some(28.0));
    assert_eq!(stats.last_humidity(), Some(46.0));
    assert_eq!(stats.total(), 7);
    assert_eq!(stats.last_seen(), Some(datetime!(2024-05-01 12:00:30 UTC)));
    // Last five: 24 + 25 + 26 + 27 + 28 = 130.
    assert_eq!(stats.window().average_if_full(), Some(26.0));
    assert_eq!(stats.temperatures().len(), 7);
    assert_eq!(stats.humidities().max(), Some(46.0));
}

#[test]
fn board_history_smaller_than_the_trend_is_raised_to_twenty() {
    let stats = BoardStats::with_config(BoardConfig {
        history: 3,
        window: 2,
        ..BoardConfig::default()
    });
    assert_eq!(stats.temperatures().capacity(), TREND_READINGS);
    assert_eq!(stats.window().capacity(), 2);
}

#[test]
fn board_history_capacity_is_configurable() {
    let mut stats = BoardStats::with_config(BoardConfig {
        history: 30,
        window: 5,
        ..BoardConfig::default()
    });
    for i in 1..=40 {
        stats.update(f64::from(i), 50.0, AT);
    }
    // Last 30: 11..=40, average 25.5.
    let summary = stats.summary().unwrap();
    assert_eq!(summary.count, 30);
    assert_eq!(summary.temperature.average, 25.5);
    assert_eq!(summary.temperature.min, 11.0);
}

// Registry

fn registry_of(max_boards: usize) -> Registry {
    Registry::with_config(max_boards, BoardConfig::default())
}

#[test]
fn registry_evicts_the_least_recently_updated_board() {
    let mut boards = registry_of(3);
    for board in ["A", "B", "C"] {
        assert_eq!(boards.update(board, 20.0, 50.0, AT), None);
    }
    // A is updated again, so B is now the least recent, then C, then A.
    assert_eq!(boards.update("A", 21.0, 50.0, AT), None);
    let evicted: Vec<_> = ["D", "E", "F"]
        .into_iter()
        .map(|board| boards.update(board, 20.0, 50.0, AT).unwrap().board)
        .collect();
    assert_eq!(
        evicted,
        ["B".into(), "C".into(), "A".into()] as [Box<str>; 3]
    );
    assert_eq!(boards.evicted(), 3);
    assert_eq!(boards.len(), 3);
    assert!(boards.get("A").is_none());
}

#[test]
fn registry_marks_only_the_first_eviction_as_first() {
    let mut boards = registry_of(1);
    assert_eq!(boards.update("A", 20.0, 50.0, AT), None);
    let first = boards.update("B", 20.0, 50.0, AT).unwrap();
    assert_eq!(&*first.board, "A");
    assert!(first.first);
    let second = boards.update("C", 20.0, 50.0, AT).unwrap();
    assert_eq!(&*second.board, "B");
    assert!(!second.first);
    assert_eq!(boards.evicted(), 2);
}

#[test]
fn registry_lookups_do_not_count_as_updates() {
    let mut boards = registry_of(2);
    boards.update("A", 20.0, 50.0, AT);
    boards.update("B", 20.0, 50.0, AT);
    assert!(boards.get("A").is_some());
    let eviction = boards.update("C", 20.0, 50.0, AT).unwrap();
    assert_eq!(&*eviction.board, "A");
}

#[test]
fn registry_gives_a_returning_board_fresh_statistics() {
    let mut boards = registry_of(1);
    boards.update("A", 30.0, 50.0, AT);
    boards.update("A", 30.0, 50.0, AT);
    boards.update("B", 20.0, 50.0, AT);
    boards.update("A", 10.0, 40.0, AT);
    let a = boards.get("A").unwrap();
    assert_eq!(a.total(), 1);
    assert_eq!(a.summary().unwrap().temperature.max, 10.0);
}

#[test]
fn registry_iterates_boards_sorted_by_id() {
    let mut boards = Registry::new();
    for (board, t) in [("C", 3.0), ("A", 1.0), ("B", 2.0), ("A", 1.5)] {
        boards.update(board, t, 50.0, AT);
    }
    let listed: Vec<_> = boards
        .iter()
        .map(|(board, stats)| (board, stats.last_temperature().unwrap()))
        .collect();
    assert_eq!(listed, [("A", 1.5), ("B", 2.0), ("C", 3.0)]);
    assert_eq!(boards.len(), 3);
    assert_eq!(boards.evicted(), 0);
    assert_eq!(boards.max_boards(), Registry::DEFAULT_MAX_BOARDS);
}

#[test]
fn registry_cap_of_zero_is_raised_to_one() {
    let mut boards = registry_of(0);
    assert_eq!(boards.max_boards(), 1);
    assert_eq!(boards.update("A", 20.0, 50.0, AT), None);
    assert_eq!(boards.len(), 1);
}

proptest! {
    /// The registry holds exactly the boards a naive least-recently-updated list would hold.
    #[test]
    fn registry_matches_a_naive_recency_list(
        max_boards in 1usize..5,
        updates in proptest::collection::vec(0u8..8, 0..60),
    ) {
        let mut boards = registry_of(max_boards);
        let mut model: Vec<String> = Vec::new(); // least recent first
        let mut model_evicted = 0u64;
        for id in updates {
            let board = id.to_string();
            let expected_eviction = if let Some(at) = model.iter().position(|b| *b == board) {
                model.remove(at);
                None
            } else if model.len() == max_boards {
                model_evicted += 1;
                Some(model.remove(0))
            } else {
                None
            };
            model.push(board.clone());
            let expected_first = expected_eviction.as_ref().map(|_| model_evicted == 1);
            let eviction = boards.update(&board, 20.0, 50.0, AT);
            prop_assert_eq!(eviction.as_ref().map(|e| e.first), expected_first);
            prop_assert_eq!(eviction.map(|e| e.board.to_string()), expected_eviction);
        }
        let mut held: Vec<_> = boards.iter().map(|(b, _)| b.to_string()).collect();
        let mut expected = model.clone();
        held.sort();
        expected.sort();
        prop_assert_eq!(held, expected);
        prop_assert_eq!(boards.evicted(), model_evicted);
    }
}

#[test]
fn each_board_keeps_its_own_alert_and_reports_transitions_once() {
    let mut boards = Registry::new();
    assert_eq!(
        boards.record("A", 25.0, 50.0, AT).alert,
        Some(AlertTransition::Raised)
    );
    assert_eq!(boards.record("B", 20.0, 50.0, AT).alert, None);
    assert_eq!(boards.record("A", 24.0, 50.0, AT).alert, None);
    assert_eq!(boards.record("A", 25.0, 50.0, AT).alert, None);
    let recorded = boards.record("A", 23.0, 50.0, AT);
    assert_eq!(recorded.alert, Some(AlertTransition::Cleared));
    assert!(!recorded.stats.alert().is_active());
    assert_eq!(recorded.stats.total(), 4);
}

#[test]
fn an_evicted_board_comes_back_with_its_alert_cleared() {
    let mut boards = Registry::with_config(1, BoardConfig::default());
    boards.record("A", 30.0, 50.0, AT);
    boards.record("B", 20.0, 50.0, AT);
    assert_eq!(
        boards.record("A", 30.0, 50.0, AT).alert,
        Some(AlertTransition::Raised)
    );
}
