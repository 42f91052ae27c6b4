//! A long series thinned for drawing: per bucket of x, only its lowest and highest point, in x
//! order, so a chart of a week keeps every spike with a few points per pixel column. `plot`
//! and the page's charts thin so.
//!
//! ```
//! use hexaboard_core::stats::thin_by;
//!
//! let points = [(0.0, 20.0), (0.2, 35.0), (0.5, 21.0), (0.9, 20.5), (1.1, 22.0)];
//! // Buckets of width 1: the lowest and highest of [0, 1), then the lone point of [1, 2).
//! assert_eq!(
//!     thin_by(&points, |x| x.floor() as i64),
//!     [(0.0, 20.0), (0.2, 35.0), (1.1, 22.0)]
//! );
//! ```

/// `points`, sorted by x, thinned to the lowest and highest point of each run of points with
/// the same `bucket(x)`, in x order (one point where they are the same).
pub fn thin_by<K: PartialEq>(points: &[(f64, f64)], bucket: impl Fn(f64) -> K) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let key = bucket(points[i].0);
        let start = i;
        while i < points.len() && bucket(points[i].0) == key {
            i += 1;
        }
        let group = &points[start..i];
        let by_y = |a: &&(f64, f64), b: &&(f64, f64)| a.1.total_cmp(&b.1);
        let mut picked: Vec<(f64, f64)> = group
            .iter()
            .min_by(by_y)
            .into_iter()
            .chain(group.iter().max_by(by_y))
            .copied()
            .collect();
        picked.sort_by(|a, b| a.0.total_cmp(&b.0));
        picked.dedup();
        out.extend(picked);
    }
    out
}
