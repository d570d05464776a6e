//! Plain-text tables aligned in display columns, so that Chinese text (two
//! columns a character) lines up in a terminal. Control characters in a
//! cell are shown escaped (see [`escape_controls`]): a newline in a field
//! must not break a row, and an escape sequence must not reach the
//! terminal. CSV exports keep the data as it is; only the table escapes.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use crate::text::escape_controls;

/// Renders `rows` under `headers`, columns separated by two spaces; the
/// columns listed in `right` (quantities) are right-aligned, the others
/// (names, codes) left-aligned.
pub fn render<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>], right: &[usize]) -> String {
    let headers: Vec<Cow<'_, str>> = headers.iter().map(|h| escape_controls(h)).collect();
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| escape_controls(c.as_ref())).collect())
        .collect();
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    let numeric: Vec<bool> = (0..columns).map(|i| right.contains(&i)).collect();
    // Each cell's width, measured once.
    let mut cell_widths: Vec<usize> = Vec::with_capacity(rows.len() * columns);
    for row in &rows {
        for (i, width) in widths.iter_mut().enumerate() {
            let w = row.get(i).map_or(0, |cell| cell.as_ref().width());
            *width = (*width).max(w);
            cell_widths.push(w);
        }
    }
    let line_width: usize = widths.iter().sum::<usize>() + 2 * columns;
    let mut out = String::with_capacity((rows.len() + 1) * line_width);
    let mut line = |cells: &mut dyn Iterator<Item = (&str, usize)>| {
        let start = out.len();
        for (i, (cell, w)) in cells.enumerate().take(columns) {
            let pad = widths[i].saturating_sub(w);
            if i > 0 {
                out.push_str("  ");
            }
            if numeric[i] {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut headers.iter().map(|h| (h.as_ref(), h.width())));
    for (r, row) in rows.iter().enumerate() {
        let widths = &cell_widths[r * columns..(r + 1) * columns];
        line(&mut row.iter().map(|c| c.as_ref()).zip(widths.iter().copied()));
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

    #[test]
    fn control_characters_in_cells_are_escaped_and_lines_stay_aligned() {
        let rows = vec![
            vec!["一\n组".to_string(), "\u{1b}[2J李".to_string()],
            vec!["二组".to_string(), "王".to_string()],
        ];
        let shown = render(&["组", "户主"], &rows, &[]);
        assert_eq!(shown, "组      户主\n一\\n组  \\u{1b}[2J李\n二组    王\n");
        assert_eq!(shown.lines().count(), 3);
        assert!(!shown.contains('\u{1b}'));
    }
}
