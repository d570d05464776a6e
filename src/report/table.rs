//! Plain-text tables aligned in display columns, so that Chinese text (two
//! columns a character) lines up in a terminal. Control characters in a
//! cell are shown escaped (see [`escape_controls`]): a newline in a field
//! must not break a row, and an escape sequence must not reach the
//! terminal. CSV exports keep the data as it is; only the table escapes.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use crate::text::escape_controls;

/// Renders `rows` under `headers`, columns separated by two spaces; the
/// columns listed in `right` (quantities) are right-aligned, the others
/// (names, codes) left-aligned. A row missing cells has them empty.
pub fn render<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>], right: &[usize]) -> String {
    let mut grid = Grid::new(headers.len());
    for row in rows {
        for i in 0..headers.len() {
            grid.push(row.get(i).map_or("", |c| c.as_ref()));
        }
    }
    grid.render(headers, right)
}

/// The display width of `cell` when it is made of printable ASCII (a
/// column a character), the CJK unified ideographs U+4E00 to U+9FFF (two
/// columns) and the en dash (one column), counted without looking
/// characters up; `None` for a cell with anything else.
fn plain_width(cell: &str) -> Option<usize> {
    let bytes = cell.as_bytes();
    // Bytes beyond the display width: one a character of three bytes
    // two columns wide, two for the en dash.
    let (mut at, mut beyond) = (0, 0);
    while let Some(&b) = bytes.get(at) {
        if let Some(eight) = bytes[at..].first_chunk::<8>()
            && printable_ascii(u64::from_le_bytes(*eight))
        {
            at += 8;
            continue;
        }
        if b.wrapping_sub(b' ') <= b'~' - b' ' {
            at += 1;
            continue;
        }
        beyond += match b {
            // The lead byte of U+5000 to U+9FFF, or of U+4E00 to U+4FFF
            // (its next byte B8 to BF); two continuation bytes follow in
            // valid UTF-8.
            0xE5..=0xE9 => 1,
            0xE4 if bytes.get(at + 1).is_some_and(|&n| n >= 0xB8) => 1,
            0xE2 if bytes.get(at + 1..at + 3) == Some(&[0x80, 0x93]) => 2,
            _ => return None,
        };
        at += 3;
    }
    Some(bytes.len() - beyond)
}

/// Whether the eight bytes of `word` are all printable ASCII, 0x20 to
/// 0x7E, tested at once: none has its high bit set, adding 0x60 to each
/// (which carries into no other) sets every high bit when none is below
/// 0x20, and adding 1 sets none when none is 0x7F.
fn printable_ascii(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    word & HIGH == 0 && (word + 0x60 * ONES) & HIGH == HIGH && (word + ONES) & HIGH == 0
}

/// A table's cells written one after another into one text, escaped, with
/// each cell's length and display width, while each column's width is
/// measured: a province's ranking has a million cells, which are neither
/// a million strings nor made twice.
pub struct Grid {
    columns: usize,
    /// The column of the next cell.
    column: usize,
    /// The text and cells of grids appended before the last (see
    /// [`Grid::append`]), whole rows each.
    earlier: Vec<(String, Vec<(u32, u32)>)>,
    text: String,
    /// Each cell's length in `text` and display width.
    cells: Vec<(u32, u32)>,
    /// The display width of each column's widest cell.
    widths: Vec<usize>,
    /// The most bytes a cell of each column has beyond its display width
    /// (three bytes make a Chinese character two columns wide).
    beyond: Vec<usize>,
}

impl Grid {
    pub fn new(columns: usize) -> Grid {
        // A table of no column still lays its cells out one a line.
        let columns = columns.max(1);
        Grid {
            columns,
            column: 0,
            earlier: Vec::new(),
            text: String::new(),
            cells: Vec::new(),
            widths: vec![0; columns],
            beyond: vec![0; columns],
        }
    }

    /// A grid of `rows` rows of `columns` cells, `fill` writing those of a
    /// range into the grid it is given: a long table is made in parts (at
    /// least [`PART_ROWS`] rows each, one a core), each on a thread of its
    /// own, appended in order.
    pub fn in_parts(
        columns: usize,
        rows: usize,
        fill: impl Fn(std::ops::Range<usize>, &mut Grid) + Sync,
    ) -> Grid {
        let grids = crate::parts::in_parts(rows, PART_ROWS, |rows| {
            let mut grid = Grid::new(columns);
            grid.reserve(rows.len());
            fill(rows, &mut grid);
            grid
        });
        let mut grids = grids.into_iter();
        let mut grid = grids.next().unwrap_or_else(|| Grid::new(columns));
        for other in grids {
            grid.append(other);
        }
        grid
    }

    /// Makes room for `rows` rows more at once, their cells a few bytes
    /// each, rather than by doubling.
    pub fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows * self.columns);
        self.text.reserve(rows * self.columns * 8);
    }

    /// Adds the rows of `other`, a grid of as many columns (made on
    /// another thread), after these, without copying them; a last row of
    /// this grid missing cells gets them empty first.
    pub fn append(&mut self, other: Grid) {
        debug_assert_eq!(self.columns, other.columns);
        while self.column != 0 {
            self.push("");
        }
        let text = std::mem::replace(&mut self.text, other.text);
        let cells = std::mem::replace(&mut self.cells, other.cells);
        self.earlier.push((text, cells));
        self.earlier.extend(other.earlier);
        for (mine, theirs) in self.widths.iter_mut().zip(other.widths) {
            *mine = (*mine).max(theirs);
        }
        for (mine, theirs) in self.beyond.iter_mut().zip(other.beyond) {
            *mine = (*mine).max(theirs);
        }
        self.column = other.column;
    }

    /// Adds the next cell (rows fill left to right, then the next row).
    pub fn push(&mut self, cell: &str) {
        self.push_with(|text| text.push_str(cell));
    }

    /// Adds the next cell, an integer: digits, nothing to measure.
    pub fn push_integer(&mut self, n: i64) {
        let start = self.text.len();
        crate::text::push_int(&mut self.text, n);
        let len = self.text.len() - start;
        self.ended(start, (len, len));
    }

    /// Adds the next cell, written by `write` at the end of the text.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        let width = match plain_width(&self.text[start..]) {
            Some(width) => width,
            None => {
                let escaped = escape_controls(&self.text[start..]).into_owned();
                self.text.truncate(start);
                self.text.push_str(&escaped);
                escaped.width()
            }
        };
        self.ended(start, (self.text.len() - start, width));
    }

    /// Counts the cell written from `start`, of `len` bytes and display
    /// width `width`, in its column.
    fn ended(&mut self, start: usize, (len, width): (usize, usize)) {
        // A cell of 4 GiB is no cell of a table: it is left empty.
        let (len, width) = match (u32::try_from(len), u32::try_from(width)) {
            (Ok(len), Ok(width)) => (len, width),
            _ => {
                self.text.truncate(start);
                (0, 0)
            }
        };
        let column = self.column;
        let (l, w) = (len as usize, width as usize);
        self.widths[column] = self.widths[column].max(w);
        self.beyond[column] = self.beyond[column].max(l - w);
        self.cells.push((len, width));
        self.column = if column + 1 == self.columns {
            0
        } else {
            column + 1
        };
    }

    /// The table under `headers` (see [`Grid::write_to`]).
    pub fn render(&self, headers: &[&str], right: &[usize]) -> String {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write_to(headers, right, &mut out);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Writes the table under `headers` to `out` a few dozen kilobytes at a
    /// time: cells padded to their columns, two spaces apart, those listed
    /// in `right` aligned to the right, each line without trailing spaces;
    /// a last row missing cells has them empty. A long table's blocks of
    /// lines are laid out by turns on this thread and another while this
    /// one writes them in order.
    pub fn write_to(
        &self,
        headers: &[&str],
        right: &[usize],
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let mut header = Grid::new(self.columns);
        for i in 0..self.columns {
            header.push(headers.get(i).copied().unwrap_or(""));
        }
        let widths: Vec<usize> = (0..self.columns)
            .map(|i| self.widths[i].max(header.widths[i]))
            .collect();
        let beyond: usize = (0..self.columns)
            .map(|i| self.beyond[i].max(header.beyond[i]))
            .sum();
        let right: Vec<bool> = (0..self.columns).map(|i| right.contains(&i)).collect();
        let layout = Layout {
            widths: &widths,
            right: &right,
            room: widths.iter().sum::<usize>() + 2 * self.columns + beyond,
        };
        let mut lines = Vec::with_capacity(2 * BLOCK_BYTES);
        layout.line(&header.text, &header.cells, &mut lines);
        let blocks = self.blocks();
        let helped = blocks.len() > 2 && crate::parts::cores() > 1;
        std::thread::scope(|scope| {
            // Another thread, when there is one, lays out every second
            // block, at most two ahead; it stops at its next block once
            // `laid` is dropped.
            let (send, laid) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
            let (layout, blocks) = (&layout, &blocks);
            if helped {
                scope.spawn(move || {
                    for &block in blocks.iter().skip(1).step_by(2) {
                        let mut lines = Vec::with_capacity(2 * BLOCK_BYTES);
                        layout.block(block, &mut lines);
                        if send.send(lines).is_err() {
                            break;
                        }
                    }
                });
            }
            for (n, &block) in blocks.iter().enumerate() {
                if helped && n % 2 == 1 {
                    // The other thread sends every block it was given
                    // unless it panicked, which the scope raises again.
                    let Ok(theirs) = laid.recv() else { break };
                    out.write_all(&theirs)?;
                } else {
                    layout.block(block, &mut lines);
                    out.write_all(&lines)?;
                    lines.clear();
                }
            }
            out.write_all(&lines)
        })
    }

    /// The rows in blocks of [`BLOCK_ROWS`] (fewer at the end of each
    /// appended grid), each block's cells with the text they start.
    fn blocks(&self) -> Vec<(&str, &[(u32, u32)])> {
        let last = (self.text.as_str(), self.cells.as_slice());
        let parts = self.earlier.iter().map(|(t, c)| (t.as_str(), c.as_slice()));
        let mut blocks = Vec::new();
        for (mut text, cells) in parts.chain([last]) {
            for block in cells.chunks(BLOCK_ROWS * self.columns) {
                let len: usize = block.iter().map(|&(len, _)| len as usize).sum();
                let (mine, rest) = text.split_at_checked(len).unwrap_or((text, ""));
                blocks.push((mine, block));
                text = rest;
            }
        }
        blocks
    }
}

/// The fewest rows of a table worth a thread of their own.
const PART_ROWS: usize = 512;

/// Rows laid out at a time, and about the bytes they take: a block is
/// laid out on either of two threads and written whole.
const BLOCK_ROWS: usize = 256;
const BLOCK_BYTES: usize = 1 << 16;

/// How a table's lines are laid out.
struct Layout<'a> {
    widths: &'a [usize],
    right: &'a [bool],
    /// The most bytes a line can take.
    room: usize,
}

impl Layout<'_> {
    /// The lines of a block of cells, and of the text they start, at the
    /// end of `out`.
    fn block(&self, (mut text, cells): (&str, &[(u32, u32)]), out: &mut Vec<u8>) {
        for row in cells.chunks(self.widths.len()) {
            text = self.line(text, row, out);
        }
    }

    /// The line of `cells` (each's length and display width), which
    /// `text` starts with, at the end of `out`; returns the text after.
    fn line<'t>(&self, mut text: &'t str, cells: &[(u32, u32)], out: &mut Vec<u8>) -> &'t str {
        let start = out.len();
        out.resize(start + self.room, b' ');
        // Where the column starts in `out`, and where the last cell with
        // text ended.
        let (mut at, mut end) = (start, start);
        for (i, (&(len, shown), &width)) in cells.iter().zip(self.widths).enumerate() {
            let (len, shown) = (len as usize, shown as usize);
            let (cell, rest) = text.split_at_checked(len).unwrap_or((text, ""));
            text = rest;
            if i > 0 {
                at += 2;
            }
            if !cell.is_empty() {
                let from = if self.right[i] {
                    at + width - shown
                } else {
                    at
                };
                out[from..from + len].copy_from_slice(cell.as_bytes());
                end = from + len;
            }
            at += width + len - shown;
        }
        // Without trailing spaces, a cell's own included.
        if end == start || out[end - 1].is_ascii_graphic() {
            out.truncate(end);
        } else {
            let kept =
                std::str::from_utf8(&out[start..end]).map_or(end - start, |l| l.trim_end().len());
            out.truncate(start + kept);
        }
        out.push(b'\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::{Grid, plain_width, printable_ascii, render};
    use crate::text::escape_controls;
    use proptest::prelude::*;
    use unicode_width::UnicodeWidthStr;

    /// The table as its definition says: every cell escaped, each column
    /// as wide as its widest cell, cells padded two spaces apart, numbers
    /// to the right, each line without trailing spaces.
    fn by_definition(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
        let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let lines: Vec<Vec<String>> = std::iter::once(&header)
            .chain(rows)
            .map(|row| {
                (0..headers.len())
                    .map(|i| escape_controls(row.get(i).map_or("", |c| c)).into_owned())
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = (0..headers.len())
            .map(|i| lines.iter().map(|l| l[i].width()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for line in &lines {
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(widths[i] - c.width());
                    if right.contains(&i) {
                        pad + c
                    } else {
                        c.clone() + &pad
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }

    /// Cells of ASCII, of ideographs and of what is neither: Yijing
    /// hexagrams (one column), CJK extension A, Chinese punctuation,
    /// control characters and an ideographic space.
    const CELL: &str = "[a-z0-9 ~%–\\-]{0,6}|[勐烈镇人一丁龥\u{4dc0}\u{3400}、（\u{1b}\n\t\u{7f}\u{202e}\u{3000}a ]{0,5}";

    proptest! {
        #[test]
        fn a_table_is_laid_out_as_defined(
            rows in proptest::collection::vec(proptest::collection::vec(CELL, 0..5), 0..8),
            headers in proptest::collection::vec(CELL, 1..5),
            right in proptest::collection::vec(0usize..5, 0..3),
        ) {
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            prop_assert_eq!(
                render(&headers, &rows, &right),
                by_definition(&headers, &rows, &right)
            );
        }

        #[test]
        fn plain_text_is_measured_as_unicode_width_measures_it(
            text in CELL,
            long in "[a-z0-9 ~%–\\-勐丁\u{4dc0}、\u{7f}\u{1b}\n]{0,30}",
        ) {
            // Printable ASCII, ideographs U+4E00 to U+9FFF, the en dash.
            let plain = |c: char| {
                (' '..='~').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '–'
            };
            for text in [text, long] {
                let width = plain_width(&text);
                prop_assert_eq!(width.is_some(), text.chars().all(plain));
                if let Some(width) = width {
                    prop_assert_eq!(width, text.width());
                }
            }
        }
    }

    #[test]
    fn eight_bytes_are_printable_ascii_exactly_when_each_is() {
        let mut word = *b"Mengla 1";
        assert!(printable_ascii(u64::from_le_bytes(word)));
        for at in 0..8 {
            for b in 0..=255u8 {
                let before = word[at];
                word[at] = b;
                assert_eq!(
                    printable_ascii(u64::from_le_bytes(word)),
                    (b' '..=b'~').contains(&b),
                    "{b:#x} at {at}"
                );
                word[at] = before;
            }
        }
    }

    #[test]
    fn names_of_places_are_measured_without_looking_characters_up() {
        assert_eq!(plain_width("勐烈镇 Mengla 一丁龥 18–82%"), Some(27));
        // Yijing hexagrams (U+4DC0) take one column; CJK extension A and
        // punctuation are looked up, and control characters escaped.
        assert_eq!(plain_width("\u{4dc0}"), None);
        assert_eq!(plain_width("\u{3400}"), None);
        assert_eq!(plain_width("、"), None);
        assert_eq!(plain_width("a\u{7f}"), None);
        assert_eq!(plain_width("a\0"), None);
    }

    #[test]
    fn a_long_table_is_written_in_pieces_as_one() {
        let headers = ["乡镇", "人口", "备注"];
        let rows: Vec<Vec<String>> = (0..3000)
            .map(|n| {
                vec![
                    "勐烈镇".repeat(n % 3),
                    (n * 7).to_string(),
                    ["", "一\n组", "低 "][n % 3].to_string(),
                ]
            })
            .collect();
        let mut grid = Grid::new(headers.len());
        for (n, row) in rows.iter().enumerate() {
            grid.push(&row[0]);
            grid.push_integer(n as i64 * 7);
            grid.push(&row[2]);
        }
        let mut out = Vec::new();
        grid.write_to(&headers, &[1], &mut out).unwrap();
        assert!(out.len() > 1 << 16);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            by_definition(&headers, &rows, &[1])
        );
    }

    #[test]
    fn grids_appended_are_one_table() {
        let headers = ["乡镇", "人口", "备注"];
        let rows: Vec<Vec<String>> = (0..40)
            .map(|n| {
                // The widest name only in the last grid.
                let name = if n == 30 {
                    "很长的村名".repeat(3)
                } else {
                    "勐烈镇".repeat(n % 4)
                };
                vec![name, n.to_string(), "低".repeat(n % 3)]
            })
            .collect();
        let grid = |rows: &[Vec<String>], missing: usize| {
            let mut grid = Grid::new(headers.len());
            for cell in rows.iter().flatten().take(rows.len() * 3 - missing) {
                grid.push(cell);
            }
            grid
        };
        // The first grid's last row lacks a cell, which becomes empty.
        let mut whole = grid(&rows[..10], 1);
        let mut rest = grid(&rows[10..25], 0);
        rest.append(grid(&rows[25..], 0));
        whole.append(rest);
        let mut expected = rows.clone();
        expected[9][2] = String::new();
        assert_eq!(
            whole.render(&headers, &[1]),
            by_definition(&headers, &expected, &[1])
        );
    }

    #[test]
    fn a_grid_made_in_parts_is_the_grid_made_whole() {
        let cell = |r: usize, c: usize| format!("{}{}", "勐".repeat((r * 7 + c) % 5), r * c);
        let fill = |rows: std::ops::Range<usize>, grid: &mut Grid| {
            for r in rows {
                for c in 0..3 {
                    grid.push(&cell(r, c));
                }
            }
        };
        let rows = 5 * super::PART_ROWS + 3;
        let mut whole = Grid::new(3);
        fill(0..rows, &mut whole);
        let parts = Grid::in_parts(3, rows, fill);
        assert_eq!(
            parts.render(&["a", "b", "c"], &[1]),
            whole.render(&["a", "b", "c"], &[1])
        );
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
