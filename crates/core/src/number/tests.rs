//! Numbers read as the chapter's Python reads and prints them.

use super::*;

/// Checks that each token reads as a number printed as the expected text.
fn assert_texts(table: &[(&str, &str)]) {
    for (token, expected) in table {
        let text = Number::parse_json(token).map(|n| n.as_str().to_owned());
        assert_eq!(text.as_deref(), Ok(*expected), "text of {token}");
    }
}

/// Checks that each text is refused with `error`.
fn assert_refused(texts: &[&str], error: NumberError) {
    for text in texts {
        assert_eq!(Number::parse_json(text), Err(error), "{text:?}");
    }
}

#[test]
fn whole_numbers_print_as_the_board_sent_them() {
    assert_texts(&[("25", "25"), ("-3", "-3"), ("0", "0"), ("-0", "0")]);
}

#[test]
fn fractions_print_as_python_prints_the_float() {
    assert_texts(&[
        ("25.5", "25.5"),
        ("25.0", "25.0"),
        ("25.50", "25.5"),
        ("25.000", "25.0"),
        ("-0.0", "-0.0"),
        ("0.0001", "0.0001"),
        ("0.1", "0.1"),
    ]);
}

#[test]
fn exponents_and_extremes_follow_python_repr() {
    // Each expected text is what CPython 3 prints for repr(json.loads(token)).
    assert_texts(&[
        ("2.5e1", "25.0"),
        ("1E2", "100.0"),
        ("0.00001", "1e-05"),
        ("1e-5", "1e-05"),
        ("1.5e-7", "1.5e-07"),
        ("1e16", "1e+16"),
        ("1e15", "1000000000000000.0"),
        ("123456789012345678.5", "1.2345678901234568e+17"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("0.1000000000000000055511151231257827", "0.1"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("5e-324", "5e-324"),
        ("0e10", "0.0"),
        ("-2.50e0", "-2.5"),
    ]);
}

#[test]
fn text_that_is_not_a_json_number_is_refused() {
    assert_refused(
        &[
            "", "-", "+1", "01", "1.", ".5", "1e", "1e+", "0x10", " 1", "1 ", "25°C",
        ],
        NumberError::NotANumber,
    );
}

#[test]
fn overflow_and_nan_spellings_are_non_finite() {
    assert_refused(
        &["1e999", "-1e400", "NaN", "inf", "-Infinity"],
        NumberError::NonFinite,
    );
}

#[test]
fn computed_values_print_like_python_floats() {
    assert_eq!(Number::from_f64(24.0).unwrap().as_str(), "24.0");
    assert_eq!(Number::from_f64(24.25).unwrap().as_str(), "24.25");
    assert_eq!(Number::from_f64(f64::NAN), Err(NumberError::NonFinite));
}
