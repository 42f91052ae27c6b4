//! Behaviour of `hexaboard_core::judge`: the bands' bounds, hysteresis and LED colours.

use hexaboard_core::judge::{
    judge, judge_humidity, judge_temperature, led_color_for, AlertError, AlertTransition,
    HumidityComfort, Judgement, TempComfort, ThresholdAlert, Thresholds,
};

/// Checks that `judged` puts each value of `table` in its band, with the default thresholds.
fn assert_bands<T: PartialEq + std::fmt::Debug>(
    judged: impl Fn(f64, &Thresholds) -> T,
    table: &[(f64, T)],
) {
    for (value, band) in table {
        assert_eq!(judged(*value, &Thresholds::default()), *band, "{value}");
    }
}

#[test]
fn temperature_bounds_18_and_28_are_comfortable() {
    assert_bands(
        judge_temperature,
        &[
            (17.9, TempComfort::TooCold),
            (18.0, TempComfort::Comfortable),
            (28.0, TempComfort::Comfortable),
            (28.1, TempComfort::TooHot),
            (-5.0, TempComfort::TooCold),
        ],
    );
}

#[test]
fn humidity_bounds_30_and_70_are_comfortable() {
    assert_bands(
        judge_humidity,
        &[
            (29.9, HumidityComfort::TooDry),
            (30.0, HumidityComfort::Comfortable),
            (70.0, HumidityComfort::Comfortable),
            (70.1, HumidityComfort::TooHumid),
        ],
    );
}

#[test]
fn a_reading_is_comfortable_only_when_both_values_are() {
    let bands = Thresholds::default();
    assert!(judge(22.0, 50.0, &bands).is_comfortable());
    assert!(!judge(22.0, 75.0, &bands).is_comfortable());
    assert!(!judge(15.0, 50.0, &bands).is_comfortable());
    assert_eq!(
        judge(15.0, 20.0, &bands),
        Judgement {
            temperature: TempComfort::TooCold,
            humidity: HumidityComfort::TooDry,
        }
    );
}

#[test]
fn thresholds_can_be_changed() {
    let bands = Thresholds {
        too_hot_above: 25.0,
        ..Thresholds::default()
    };
    assert_eq!(judge_temperature(26.0, &bands), TempComfort::TooHot);
}

#[test]
fn judgement_serializes_as_json() {
    let json = serde_json::to_string(&judge(29.0, 75.0, &Thresholds::default())).unwrap();
    assert_eq!(json, r#"{"temperature":"too_hot","humidity":"too_humid"}"#);
}

#[test]
fn led_is_blue_when_too_hot_red_when_too_cold_green_when_comfortable() {
    assert_eq!(led_color_for(TempComfort::TooHot), [0, 0, 255]);
    assert_eq!(led_color_for(TempComfort::TooCold), [255, 0, 0]);
    assert_eq!(led_color_for(TempComfort::Comfortable), [0, 255, 0]);
}

#[test]
fn alert_on_a_flapping_sensor_raises_once_then_clears_once() {
    let mut alert = ThresholdAlert::default();
    let seen: Vec<_> = [24.0, 25.0, 24.0, 25.0, 23.0]
        .into_iter()
        .map(|t| (alert.update(t), alert.is_active()))
        .collect();
    assert_eq!(
        seen,
        [
            (None, false),
            (Some(AlertTransition::Raised), true),
            (None, true),
            (None, true),
            (Some(AlertTransition::Cleared), false),
        ]
    );
}

#[test]
fn alert_reports_a_transition_not_every_high_reading() {
    let mut alert = ThresholdAlert::default();
    assert_eq!(alert.update(30.0), Some(AlertTransition::Raised));
    assert_eq!(alert.update(31.0), None);
    assert_eq!(alert.update(25.0), None);
    assert!(alert.is_active());
}

#[test]
fn alert_raises_again_after_clearing() {
    let mut alert = ThresholdAlert::default();
    let transitions: Vec<_> = [25.0, 23.9, 24.5, 25.0]
        .into_iter()
        .filter_map(|t| alert.update(t))
        .collect();
    assert_eq!(
        transitions,
        [
            AlertTransition::Raised,
            AlertTransition::Cleared,
            AlertTransition::Raised
        ]
    );
}

#[test]
fn alert_ignores_nan() {
    let mut alert = ThresholdAlert::default();
    assert_eq!(alert.update(f64::NAN), None);
    assert_eq!(alert.update(26.0), Some(AlertTransition::Raised));
    assert_eq!(alert.update(f64::NAN), None);
    assert!(alert.is_active());
}

#[test]
fn alert_with_equal_points_is_a_plain_threshold() {
    let mut alert = ThresholdAlert::new(25.0, 25.0).unwrap();
    assert_eq!(alert.update(25.0), Some(AlertTransition::Raised));
    assert_eq!(alert.update(24.0), Some(AlertTransition::Cleared));
    assert_eq!((alert.raise(), alert.clear()), (25.0, 25.0));
}

#[test]
fn alert_rejects_a_clear_point_above_the_raise_point() {
    let error = ThresholdAlert::new(25.0, 26.0).unwrap_err();
    assert_eq!(
        error,
        AlertError::ClearAboveRaise {
            raise: 25.0,
            clear: 26.0
        }
    );
    insta::assert_snapshot!(
        error.to_string(),
        @"alert clear point 26 is above its raise point 25; use a clear point at or below the raise point"
    );
}

#[test]
fn alert_rejects_points_that_are_not_finite() {
    let error = ThresholdAlert::new(f64::NAN, 24.0).unwrap_err();
    assert!(matches!(error, AlertError::NotFinite { .. }));
    insta::assert_snapshot!(
        error.to_string(),
        @"alert points must be finite numbers, got raise NaN and clear 24"
    );
    assert!(ThresholdAlert::new(f64::INFINITY, 24.0).is_err());
}
