//! Aligned plain-text tables whose columns line up in a terminal, Korean included (a Hangul
//! syllable takes two columns).

/// Columns a character takes in a terminal: 2 for East Asian wide characters, else 1.
fn char_width(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F          // Hangul Jamo
        | 0x2E80..=0x303E        // CJK radicals, punctuation
        | 0x3041..=0x33FF        // kana, compatibility Jamo, CJK symbols
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK ideographs
        | 0xA960..=0xA97F        // Hangul Jamo extended A
        | 0xAC00..=0xD7A3        // Hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0xFE30..=0xFE4F        // CJK compatibility forms
        | 0xFF00..=0xFF60        // fullwidth forms
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF      // emoji
    );
    if wide {
        2
    } else {
        1
    }
}

/// Columns a text takes in a terminal.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Renders `rows` (the first one is the header) with columns separated by two spaces, each
/// padded to its widest cell; the last column is not padded. Right-aligns the columns whose
/// index is in `right`.
pub(crate) fn render(rows: &[Vec<String>], right: &[usize]) -> String {
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
    for row in rows {
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

    #[test]
    fn korean_cells_take_two_columns_a_letter() {
        assert_eq!(width("보드"), 4);
        assert_eq!(width("A 25"), 4);
        let rows = vec![
            vec!["보드".to_owned(), "n".to_owned(), "x".to_owned()],
            vec!["A".to_owned(), "12".to_owned(), "y".to_owned()],
        ];
        assert_eq!(render(&rows, &[1]), "보드   n  x\nA     12  y\n");
    }
}
