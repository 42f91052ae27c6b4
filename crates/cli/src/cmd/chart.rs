//! A two-panel SVG line chart written by hand: temperature above, humidity below, one coloured
//! line per board, sharing the time axis.
//!
//! SVG is plain text and the chart needs only lines, rectangles and text, so no crate is used.
//! Long recordings are thinned per pixel column (first, lowest, highest and last value of each
//! column), which keeps the file small and every peak visible.

use std::fmt::Write as _;

use hexaboard_core::stats::thin_by;

/// One board's readings: seconds (local time, any fixed epoch) and values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    pub(crate) board: String,
    pub(crate) temperature: Vec<(i64, f64)>,
    pub(crate) humidity: Vec<(i64, f64)>,
}

/// The words of the chart.
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) temperature: String,
    pub(crate) humidity: String,
    pub(crate) comfortable: String,
}

/// Comfortable bands shaded behind the lines: (low, high) of temperature and humidity.
pub(crate) const BANDS: [(f64, f64); 2] = [(18.0, 28.0), (30.0, 70.0)];

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 640.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 936.0;
const PANELS: [(f64, f64); 2] = [(80.0, 320.0), (356.0, 596.0)];
/// Tableau 10: distinguishable, also in grey print.
const COLOURS: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The colour of the `i`-th board.
pub(crate) fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A step of 1, 2 or 5 times a power of ten giving about `target` intervals over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| raw <= *step)
        .unwrap_or(10.0 * magnitude)
}

/// The value range rounded out to whole steps, and the step.
fn value_axis(values: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1.0 {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let step = nice_step(hi - lo, 5.0);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// A time step giving at most 8 intervals over `span` seconds.
fn time_step(span: i64) -> i64 {
    const STEPS: [i64; 20] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
        86_400, 172_800, 604_800,
    ];
    STEPS
        .into_iter()
        .find(|step| span / step <= 8)
        .unwrap_or(604_800 * (span / 604_800 / 8 + 1))
}

fn time_label(t: i64, span: i64, step: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(t) else {
        return t.to_string();
    };
    let (d, h, m, s) = (at.day(), at.hour(), at.minute(), at.second());
    let month = u8::from(at.month());
    if span >= 86_400 {
        format!("{month:02}-{d:02} {h:02}:{m:02}")
    } else if step < 60 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

fn fmt_value(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Points thinned to the lowest and highest of each pixel column, in time order: at most
/// 1,716 a series (858 columns), and every spike stays.
fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= 2 * (RIGHT - LEFT) as usize {
        return points.to_vec();
    }
    thin_by(points, f64::floor)
}

fn temperature_of(s: &Series) -> &[(i64, f64)] {
    &s.temperature
}

fn humidity_of(s: &Series) -> &[(i64, f64)] {
    &s.humidity
}

/// Renders the chart. Lines break where a board was silent for much longer than usual.
pub(crate) fn render(series: &[Series], labels: &Labels) -> String {
    let times = series
        .iter()
        .flat_map(|s| s.temperature.iter().chain(&s.humidity).map(|p| p.0));
    let (t0, t1) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let (t0, t1) = if t0 > t1 {
        (0, 60)
    } else if t0 == t1 {
        (t0 - 30, t1 + 30)
    } else {
        (t0, t1)
    };
    let x = |t: i64| LEFT + (t - t0) as f64 / (t1 - t0) as f64 * (RIGHT - LEFT);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif" font-size="13">"#
    );
    let _ = writeln!(svg, r#"<title>{}</title>"#, escape(&labels.title));
    let _ = writeln!(
        svg,
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="30" font-size="19" font-weight="bold" fill="#222">{}</text>"##,
        escape(&labels.title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="52" fill="#555">{}</text>"##,
        escape(&labels.subtitle)
    );
    legend(&mut svg, series, labels);

    let step = time_step(t1 - t0);
    let first_tick = (t0 + step - 1).div_euclid(step) * step;
    let ticks: Vec<i64> = (0..)
        .map(|k| first_tick + k * step)
        .take_while(|t| *t <= t1)
        .collect();

    for (panel, (top, bottom)) in PANELS.into_iter().enumerate() {
        let pick = if panel == 0 {
            temperature_of
        } else {
            humidity_of
        };
        let (lo, hi, vstep) = value_axis(series.iter().flat_map(|s| pick(s).iter().map(|p| p.1)));
        let y = |v: f64| bottom - (v - lo) / (hi - lo) * (bottom - top);
        let name = if panel == 0 {
            &labels.temperature
        } else {
            &labels.humidity
        };
        let _ = writeln!(
            svg,
            r#"<g class="panel" id="{}">"#,
            if panel == 0 {
                "temperature"
            } else {
                "humidity"
            }
        );
        // The comfortable band, clipped to the panel.
        let (band_lo, band_hi) = BANDS[panel];
        let (b_top, b_bottom) = (y(band_hi.min(hi)).max(top), y(band_lo.max(lo)).min(bottom));
        if b_bottom > b_top {
            let _ = writeln!(
                svg,
                r##"<rect x="{LEFT}" y="{b_top:.1}" width="{:.1}" height="{:.1}" fill="#59a14f" fill-opacity="0.08"/>"##,
                RIGHT - LEFT,
                b_bottom - b_top
            );
        }
        // Grid and value ticks.
        let mut v = lo;
        while v <= hi + vstep / 2.0 {
            let yv = y(v);
            let _ = writeln!(
                svg,
                r##"<line x1="{LEFT}" y1="{yv:.1}" x2="{RIGHT}" y2="{yv:.1}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
                LEFT - 8.0,
                yv + 4.0,
                fmt_value(v)
            );
            v += vstep;
        }
        for &t in &ticks {
            let xt = x(t);
            let _ = writeln!(
                svg,
                r##"<line x1="{xt:.1}" y1="{top}" x2="{xt:.1}" y2="{bottom}" stroke="#f0f0f0"/><line x1="{xt:.1}" y1="{bottom}" x2="{xt:.1}" y2="{:.1}" stroke="#444"/>"##,
                bottom + 5.0
            );
            if panel == 1 {
                let _ = writeln!(
                    svg,
                    r##"<text x="{xt:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
                    bottom + 20.0,
                    time_label(t, t1 - t0, step)
                );
            }
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{LEFT}" y="{top}" width="{:.1}" height="{:.1}" fill="none" stroke="#444"/>"##,
            RIGHT - LEFT,
            bottom - top
        );
        let mid = (top + bottom) / 2.0;
        let _ = writeln!(
            svg,
            r##"<text x="22" y="{mid:.1}" text-anchor="middle" transform="rotate(-90 22 {mid:.1})" font-size="14" fill="#222">{}</text>"##,
            escape(name)
        );
        for (i, s) in series.iter().enumerate() {
            line(&mut svg, pick(s), i, &s.board, x, y);
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

fn legend(svg: &mut String, series: &[Series], labels: &Labels) {
    // Right-aligned in the subtitle row: boards, then the band.
    let mut items: Vec<(String, &str, bool)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.board.clone(), colour(i), true))
        .collect();
    items.push((labels.comfortable.clone(), "#59a14f", false));
    let widths: Vec<f64> = items
        .iter()
        .map(|(name, ..)| 30.0 + 8.0 * crate::table::width(name) as f64)
        .collect();
    let mut x = RIGHT - widths.iter().sum::<f64>();
    let _ = writeln!(svg, r#"<g class="legend">"#);
    for ((name, colour, is_line), w) in items.iter().zip(widths) {
        if *is_line {
            let _ = writeln!(
                svg,
                r#"<line x1="{x:.1}" y1="47" x2="{:.1}" y2="47" stroke="{colour}" stroke-width="3"/>"#,
                x + 18.0
            );
        } else {
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="40" width="18" height="14" fill="{colour}" fill-opacity="0.15" stroke="{colour}" stroke-opacity="0.4"/>"#
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="52" fill="#222">{}</text>"##,
            x + 23.0,
            escape(name)
        );
        x += w;
    }
    svg.push_str("</g>\n");
}

/// One board's line in a panel: a `path` of `M`/`L` commands, broken at long silences, and dots
/// when there are few readings.
fn line(
    svg: &mut String,
    points: &[(i64, f64)],
    index: usize,
    board: &str,
    x: impl Fn(i64) -> f64,
    y: impl Fn(f64) -> f64,
) {
    let colour = colour(index);
    let gap = silence_limit(points);
    let xy: Vec<(f64, f64)> = points.iter().map(|&(t, v)| (x(t), y(v))).collect();
    let mut d = String::new();
    let mut previous: Option<i64> = None;
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let flush = |segment: &mut Vec<(f64, f64)>, d: &mut String| {
        for (k, (px, py)) in thin(segment).into_iter().enumerate() {
            let _ = write!(d, "{}{px:.1},{py:.1} ", if k == 0 { 'M' } else { 'L' });
        }
        segment.clear();
    };
    for (&(t, _), &p) in points.iter().zip(&xy) {
        if previous.is_some_and(|prev| t - prev > gap) {
            flush(&mut segment, &mut d);
        }
        segment.push(p);
        previous = Some(t);
    }
    flush(&mut segment, &mut d);
    let _ = writeln!(
        svg,
        r#"<path class="board" data-board="{}" d="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>"#,
        escape(board),
        d.trim_end()
    );
    if points.len() <= 60 {
        for (px, py) in xy {
            let _ = writeln!(
                svg,
                r#"<circle cx="{px:.1}" cy="{py:.1}" r="2.5" fill="{colour}"/>"#
            );
        }
    }
}

/// A silence longer than this many seconds breaks the line: ten times the median interval, at
/// least a minute.
fn silence_limit(points: &[(i64, f64)]) -> i64 {
    let mut gaps: Vec<i64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
    if gaps.is_empty() {
        return i64::MAX;
    }
    gaps.sort_unstable();
    (gaps[gaps.len() / 2] * 10).max(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(40.0, 5.0), 10.0);
        assert_eq!(nice_step(3.0, 5.0), 1.0);
        assert_eq!(value_axis([21.0, 27.0].into_iter()), (20.0, 28.0, 2.0));
        assert_eq!(time_step(105), 15);
        assert_eq!(time_step(86_400), 10_800);
    }

    #[test]
    fn a_long_silence_breaks_the_line() {
        let points: Vec<(i64, f64)> = [0, 5, 10, 15, 1000, 1005]
            .into_iter()
            .map(|t| (t, 20.0))
            .collect();
        let mut svg = String::new();
        line(&mut svg, &points, 0, "A", |t| t as f64, |v| v);
        assert_eq!(svg.matches('M').count(), 1 + 1, "{svg}");
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn a_week_of_points_is_thinned_to_two_a_column_keeping_the_spikes() {
        // A board's week at one reading per 5 s, across the plot's width.
        let n = 120_960;
        let mut points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let x = LEFT + (RIGHT - LEFT) * i as f64 / n as f64;
                (x, 200.0 + (i % 13) as f64)
            })
            .collect();
        points[77_777].1 = 5.0; // one spike up the chart
        let thinned = thin(&points);
        assert!(
            thinned.len() <= 2 * (RIGHT - LEFT) as usize,
            "{}",
            thinned.len()
        );
        assert!(thinned.contains(&points[77_777]));
        assert!(
            thinned.windows(2).all(|w| w[0].0 <= w[1].0),
            "in time order"
        );
    }
}
