//! Plain-text tables aligned in display columns, so that Chinese text (two
//! columns a character) lines up in a terminal.

use unicode_width::UnicodeWidthStr;

/// Renders `rows` under `headers`, columns separated by two spaces; the
/// columns listed in `right` (quantities) are right-aligned, the others
/// (names, codes) left-aligned.
pub fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    let numeric: Vec<bool> = (0..columns).map(|i| right.contains(&i)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate().take(columns) {
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if i > 0 {
                text.push_str("  ");
            }
            if numeric[i] {
                text.push_str(&pad);
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&pad);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn chinese_cells_align_by_display_width() {
        let rows = vec![
            vec!["勐烈镇".to_string(), "5".to_string()],
            vec!["Mengla".to_string(), "12".to_string()],
        ];
        assert_eq!(
            render(&["乡镇", "人口"], &rows, &[1]),
            "乡镇    人口\n勐烈镇     5\nMengla    12\n"
        );
    }
}
