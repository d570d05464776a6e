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
    let mut grid = Grid::new(headers.len());
    for row in rows {
        for i in 0..headers.len() {
            grid.push(row.get(i).map_or("", |c| c.as_ref()));
        }
    }
    grid.render(headers, right)
}

/// A table's cells written one after another into one text, each with
/// its display width, for a table of many rows without a string per cell
/// (a province's ranking has a million cells). Control characters are
/// escaped as each cell is written.
pub struct Grid {
    columns: usize,
    text: String,
    /// Where each cell ends in `text`, and its display width.
    cells: Vec<(usize, usize)>,
    /// The width of each cell met that is not printable ASCII and has
    /// nothing to escape (names of places, categories and projects,
    /// which a province's table repeats thousands of times).
    widths: std::collections::HashMap<Box<str>, usize>,
}

impl Grid {
    pub fn new(columns: usize) -> Grid {
        Grid {
            // A table of no column still lays its cells out one a line.
            columns: columns.max(1),
            text: String::new(),
            cells: Vec::new(),
            widths: std::collections::HashMap::new(),
        }
    }

    /// Makes room for `rows` rows more at once, their cells a few bytes
    /// each, rather than by doubling.
    pub fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows * self.columns);
        self.text.reserve(rows * self.columns * 6);
    }

    /// Adds the next cell (rows fill left to right, then the next row).
    pub fn push(&mut self, cell: &str) {
        self.push_with(|text| text.push_str(cell));
    }

    /// Adds the next cell, written by `write` at the end of the text.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        // Printable ASCII, most cells, has nothing to escape and a column
        // a byte.
        let cell = &self.text[start..];
        let width = if cell.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            cell.len()
        } else if let Some(&width) = self.widths.get(cell) {
            width
        } else if let Cow::Owned(escaped) = escape_controls(cell) {
            self.text.truncate(start);
            self.text.push_str(&escaped);
            self.text[start..].width()
        } else {
            let width = cell.width();
            self.widths.insert(cell.into(), width);
            width
        };
        self.cells.push((self.text.len(), width));
    }

    /// The table under `headers` (see [`render`]); a last row missing
    /// cells has them empty.
    pub fn render(&self, headers: &[&str], right: &[usize]) -> String {
        let columns = self.columns;
        let headers: Vec<Cow<'_, str>> = headers.iter().map(|h| escape_controls(h)).collect();
        let mut widths: Vec<usize> = (0..columns)
            .map(|i| headers.get(i).map_or(0, |h| h.width()))
            .collect();
        for (n, &(_, w)) in self.cells.iter().enumerate() {
            widths[n % columns] = widths[n % columns].max(w);
        }
        let numeric: Vec<bool> = (0..columns).map(|i| right.contains(&i)).collect();
        let rows = self.cells.len().div_ceil(columns.max(1));
        let line_width: usize = widths.iter().sum::<usize>() + 2 * columns;
        let mut out = String::with_capacity((rows + 1) * line_width);
        let layout = Columns {
            widths: &widths,
            numeric: &numeric,
        };
        layout.line(&mut out, headers.iter().map(|h| (h.as_ref(), h.width())));
        let mut start = 0;
        for row in self.cells.chunks(columns) {
            let cells = row.iter().map(|&(end, width)| {
                let cell = &self.text[start..end];
                start = end;
                (cell, width)
            });
            layout.line(&mut out, cells);
        }
        out
    }
}

/// The columns of a table being laid out: their widths, and which are
/// aligned to the right.
struct Columns<'w> {
    widths: &'w [usize],
    numeric: &'w [bool],
}

impl Columns<'_> {
    /// One line of `cells` (each with its display width) at the end of
    /// `out`, padded to the columns, without trailing spaces.
    fn line<'c>(&self, out: &mut String, cells: impl Iterator<Item = (&'c str, usize)>) {
        let start = out.len();
        for (i, (cell, w)) in cells.enumerate().take(self.widths.len()) {
            let pad = self.widths[i].saturating_sub(w);
            if i > 0 {
                out.push_str("  ");
            }
            if self.numeric[i] {
                spaces(out, pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                spaces(out, pad);
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    }
}

/// `n` spaces written at the end of `out`.
fn spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut left = n;
    while left > 0 {
        let take = left.min(SPACES.len());
        out.push_str(&SPACES[..take]);
        left -= take;
    }
}

#[cfg(test)]
mod tests {
    use super::{Grid, render};
    use crate::text::escape_controls;
    use proptest::prelude::*;
    use unicode_width::UnicodeWidthStr;

    proptest! {
        #[test]
        fn each_cell_is_kept_escaped_with_its_display_width(
            cells in proptest::collection::vec("[a-z0-9 ~%–\\-]{0,6}|[勐烈镇人\u{1b}\n\t\u{7f}\u{202e}a]{0,5}", 0..20),
        ) {
            // Each cell twice: the second meets what the first left known.
            let cells: Vec<String> = cells.iter().flat_map(|c| [c.clone(), c.clone()]).collect();
            let mut grid = Grid::new(3);
            for cell in &cells {
                grid.push(cell);
            }
            let mut start = 0;
            for (cell, &(end, width)) in cells.iter().zip(&grid.cells) {
                let escaped = escape_controls(cell);
                prop_assert_eq!(&grid.text[start..end], escaped.as_ref());
                prop_assert_eq!(width, escaped.width());
                start = end;
            }
        }
    }

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
