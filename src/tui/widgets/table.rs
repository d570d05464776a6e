//! A list drawn as a table: a header row, the rows that fit with the
//! selected one in view, a scrollbar when they do not all fit, and a
//! message when there are none.
//!
//! Only the rows in view are built: a province has tens of thousands of
//! projects. The first row shown is [`first_shown`] of the selection, the
//! same as ratatui's own scrolling from the top, so that a click maps to
//! the row drawn under it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Table,
    TableState, Widget,
};

use super::fit::{fit, wrap};
use super::{BOLD, DIM, SELECTED};

/// A column: its width in display columns (0: whatever is left), and
/// whether its text is right-aligned (numbers).
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub width: u16,
    pub right: bool,
}

impl Col {
    pub const fn left(width: u16) -> Col {
        Col {
            width,
            right: false,
        }
    }
    pub const fn right(width: u16) -> Col {
        Col { width, right: true }
    }
    /// The rest of the line, left-aligned.
    pub const REST: Col = Col::left(0);
}

/// One row's texts, a column each, and its style.
pub type RowText = (Vec<String>, Style);

pub struct ListTable<'a> {
    pub cols: &'a [Col],
    /// The header's texts; no header line when None.
    pub header: Option<Vec<String>>,
    pub len: usize,
    pub selected: usize,
    /// The n-th row; called only for the rows in view.
    pub row: &'a dyn Fn(usize) -> RowText,
    /// Said, dimmed, when there is no row.
    pub empty: &'a str,
}

/// The first row shown in `height` rows so that `selected` is in view.
pub fn first_shown(selected: usize, height: u16) -> usize {
    selected.saturating_sub(usize::from(height).saturating_sub(1))
}

/// The row drawn at terminal row `row` of a table in `area` (with a
/// header when `header`), if a click at (`column`, `row`) lands on one.
pub fn row_at(
    area: Rect,
    header: bool,
    (selected, len): (usize, usize),
    column: u16,
    row: u16,
) -> Option<usize> {
    let rows = rows_area(area, header);
    if row < rows.y || row >= rows.bottom() || column < rows.x || column >= rows.right() {
        return None;
    }
    let target = first_shown(selected, rows.height) + usize::from(row - rows.y);
    (target < len).then_some(target)
}

fn rows_area(area: Rect, header: bool) -> Rect {
    let [_, rows] =
        Layout::vertical([Constraint::Length(u16::from(header)), Constraint::Fill(1)]).areas(area);
    rows
}

fn cells(cols: &[Col], texts: Vec<String>, width: u16) -> Row<'static> {
    let spacing = cols.len().saturating_sub(1) as u16;
    let fixed = cols.iter().map(|c| c.width).sum::<u16>() + spacing;
    let rest = width.saturating_sub(fixed);
    Row::new(cols.iter().zip(texts).map(|(col, text)| {
        let w = if col.width == 0 { rest } else { col.width };
        let line = Line::raw(fit(&text, usize::from(w)).into_owned());
        Cell::from(if col.right {
            line.alignment(Alignment::Right)
        } else {
            line
        })
    }))
}

impl Widget for ListTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let rows = rows_area(area, self.header.is_some());
        let widths = self.cols.iter().map(|c| match c.width {
            0 => Constraint::Fill(1),
            w => Constraint::Length(w),
        });
        let scrolls = self.len > usize::from(rows.height);
        // The scrollbar takes the last column when the rows do not all fit.
        let width = area.width.saturating_sub(u16::from(scrolls));
        let first = first_shown(self.selected, rows.height);
        let last = (first + usize::from(rows.height)).min(self.len);
        let body = (first..last).map(|n| {
            let (texts, style) = (self.row)(n);
            cells(self.cols, texts, width).style(style)
        });
        let mut table = Table::new(body, widths).row_highlight_style(SELECTED);
        if let Some(header) = self.header {
            table = table.header(cells(self.cols, header, width).style(BOLD));
        }
        let mut state = TableState::default().with_selected(self.selected.checked_sub(first));
        let table_area = Rect { width, ..area };
        StatefulWidget::render(table, table_area, buf, &mut state);
        if self.len == 0 {
            Paragraph::new(wrap(self.empty, rows.width).join("\n"))
                .style(DIM)
                .render(rows, buf);
        } else if scrolls {
            let mut bar = ScrollbarState::new(self.len.saturating_sub(usize::from(rows.height)))
                .position(first)
                .viewport_content_length(usize::from(rows.height));
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .render(rows, buf, &mut bar);
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::widgets::Widget;

    use super::{Col, ListTable, RowText, row_at};

    fn draw(len: usize, selected: usize) -> Vec<String> {
        let area = Rect::new(0, 0, 20, 5);
        let mut buf = Buffer::empty(area);
        let row = |n: usize| -> RowText { (vec![format!("row {n}"), "村".into()], Style::new()) };
        ListTable {
            cols: &[Col::left(8), Col::REST],
            header: Some(vec!["Name".into(), "Village".into()]),
            len,
            selected,
            row: &row,
            empty: "none",
        }
        .render(area, &mut buf);
        (0..5)
            .map(|y| {
                (0..20)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn rows_that_fit_have_no_scrollbar() {
        let lines = draw(3, 1);
        assert_eq!(lines[0], "Name     Village");
        assert_eq!(lines[1..4], ["row 0    村", "row 1    村", "row 2    村"]);
        assert_eq!(lines[4], "");
    }

    #[test]
    fn the_selected_row_is_in_view_and_a_scrollbar_shows_where() {
        let lines = draw(40, 30);
        assert_eq!(
            lines[4].trim_end_matches(['█', '║', '│', ' ']),
            "row 30   村"
        );
        assert!(
            lines[1..].iter().any(|l| l.ends_with('█')),
            "a thumb: {lines:?}"
        );
        // A click lands on the row drawn there.
        let area = Rect::new(0, 0, 20, 5);
        assert_eq!(row_at(area, true, (30, 40), 2, 4), Some(30));
        assert_eq!(row_at(area, true, (30, 40), 2, 1), Some(27));
        assert_eq!(row_at(area, true, (30, 40), 2, 0), None, "the header");
        assert_eq!(row_at(area, true, (1, 2), 2, 3), None, "past the last row");
    }

    #[test]
    fn an_empty_list_says_so() {
        assert_eq!(draw(0, 0)[1], "none");
    }
}
