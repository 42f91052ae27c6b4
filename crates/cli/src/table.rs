//! Aligned plain-text tables whose columns line up in a terminal, Korean included (a Hangul
//! syllable takes two columns): the one renderer of `summary`'s table and of the live table of
//! `watch` and `demo`.

use hexaboard_core::text::sanitize_for_terminal;
use unicode_width::UnicodeWidthStr as _;

/// Columns a text takes in a terminal, as the Unicode width tables (`unicode-width`) count
/// them: two for East Asian wide characters and emoji, none for combining marks.
pub(crate) fn width(text: &str) -> usize {
    text.width()
}

/// Renders `rows` (the first one is the header) with columns separated by two spaces, each
/// padded to its widest cell; the last column is not padded, and no line ends in spaces.
/// Right-aligns the columns whose index is in `right`.
///
/// Cells are escaped as [`sanitize_for_terminal`] escapes: a board id from the network or from
/// a recorded file cannot drive the terminal or break the table's lines.
pub(crate) fn render<R: AsRef<[String]>>(rows: &[R], right: &[usize]) -> String {
    let rows: Vec<Vec<_>> = rows
        .iter()
        .map(|row| {
            row.as_ref()
                .iter()
                .map(|c| sanitize_for_terminal(c))
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
            if right.contains(&c) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if c + 1 < row.len() {
                    line.push_str(&pad);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &[&str]) -> Vec<String> {
        row.iter().map(|&c| c.to_owned()).collect()
    }

    #[test]
    fn korean_cells_take_two_columns_a_letter() {
        assert_eq!(width("보드"), 4);
        assert_eq!(width("A 25"), 4);
        assert_eq!(width("25°C"), 4);
        let rows = [cells(&["보드", "n", "x"]), cells(&["A", "12", "y"])];
        assert_eq!(render(&rows, &[1]), "보드   n  x\nA     12  y\n");
    }

    #[test]
    fn columns_line_up_around_emoji_and_combining_marks() {
        // 📊 is an emoji; 🌡 is one only with U+FE0F after it (alone it is a narrow symbol);
        // e + U+0301 (a combining acute accent) is one column.
        assert_eq!((width("📊"), width("🌡\u{fe0f}"), width("🌡")), (2, 2, 1));
        let rows = [cells(&["📊", "x"]), cells(&["e\u{301}", "y"])];
        assert_eq!(render(&rows, &[]), "📊  x\ne\u{301}   y\n");
    }

    #[test]
    fn control_characters_in_a_cell_are_escaped_and_counted_as_shown() {
        let rows = [cells(&["A\u{1b}[2J", "x"]), cells(&["B", "y"])];
        assert_eq!(render(&rows, &[]), "A\\x1b[2J  x\nB         y\n");
    }
}
