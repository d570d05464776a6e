//! CSV rows written straight into a buffer and handed to the file 64 KiB
//! at a time. An export writes tens of millions of cells, most of them
//! empty: each is a comma and its bytes here, where a general CSV writer
//! runs a state machine per field. Fields are quoted exactly as the `csv`
//! crate quotes them (a test holds the two byte for byte): only a field
//! holding a comma, a quote or a line break, its quotes doubled; a row of
//! one empty field is written `""`, so that it is not an empty line.

use std::io::{self, Write};

/// The buffer is handed on once it holds this much.
const HAND_ON: usize = 1 << 16;

/// Rows not yet handed on when it is dropped unflushed are dropped with
/// it: an export that fails writes nothing more (a file is then removed
/// whole; standard output stops where the last full buffer ended).
pub(super) struct CsvRows<'w> {
    out: Box<dyn Write + 'w>,
    buf: Vec<u8>,
    /// Where the row being written starts in `buf`.
    row_start: usize,
    /// Fields of the row being written.
    fields: usize,
}

/// The bytes for which a field is quoted: a comma, a quote, a line break
/// (a carriage return too, which readers take for one).
static QUOTED: [bool; 256] = {
    let mut quoted = [false; 256];
    quoted[b',' as usize] = true;
    quoted[b'"' as usize] = true;
    quoted[b'\n' as usize] = true;
    quoted[b'\r' as usize] = true;
    quoted
};

impl<'w> CsvRows<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> CsvRows<'w> {
        CsvRows {
            out,
            buf: Vec::with_capacity(HAND_ON + 4096),
            row_start: 0,
            fields: 0,
        }
    }

    #[inline]
    fn delimit(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    /// Adds `value` as the next field of the row.
    #[inline]
    pub(super) fn field(&mut self, value: &[u8]) {
        self.delimit();
        if value.iter().any(|&b| QUOTED[usize::from(b)]) {
            self.quoted(value);
        } else {
            self.buf.extend_from_slice(value);
        }
    }

    /// `value` in quotes, its quotes doubled.
    fn quoted(&mut self, value: &[u8]) {
        self.buf.push(b'"');
        let mut rest = value;
        while let Some(at) = rest.iter().position(|&b| b == b'"') {
            self.buf.extend_from_slice(&rest[..=at]);
            self.buf.push(b'"');
            rest = &rest[at + 1..];
        }
        self.buf.extend_from_slice(rest);
        self.buf.push(b'"');
    }

    /// Adds the formula `="text"` as the next field (quoted, its quotes
    /// doubled), for `text` holding no quote: the field Excel and WPS read
    /// as the text itself.
    pub(super) fn formula_text(&mut self, text: &str) {
        debug_assert!(!text.contains('"'));
        self.delimit();
        self.buf.extend_from_slice(b"\"=\"\"");
        self.buf.extend_from_slice(text.as_bytes());
        self.buf.extend_from_slice(b"\"\"\"");
    }

    /// Ends the row; the buffer goes to the file once it is full enough.
    pub(super) fn end(&mut self) -> io::Result<()> {
        if self.buf.len() == self.row_start {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.push(b'\n');
        self.fields = 0;
        self.row_start = self.buf.len();
        if self.buf.len() >= HAND_ON {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
            self.row_start = 0;
        }
        Ok(())
    }

    /// Hands on every row ended and flushes the file.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf[..self.row_start])?;
        self.buf.drain(..self.row_start);
        self.row_start = 0;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::CsvRows;

    /// `rows` as [`CsvRows`] writes them.
    fn ours(rows: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = CsvRows::new(Box::new(&mut out));
        for row in rows {
            for f in row {
                w.field(f.as_bytes());
            }
            w.end().expect("written to memory");
        }
        w.flush().expect("written to memory");
        drop(w);
        out
    }

    /// `rows` as the `csv` crate writes them.
    fn theirs(rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            w.write_record(row).expect("written to memory");
        }
        w.into_inner().expect("written to memory")
    }

    #[test]
    fn quotes_only_what_must_be_quoted() {
        let rows: Vec<Vec<String>> = [
            vec![
                "a",
                "",
                "饮水,困难",
                "say \"hi\"",
                "two\nlines",
                "cr\r",
                "'=x",
            ],
            vec![""],
            vec!["", ""],
            vec!["\""],
        ]
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
        let written = String::from_utf8(ours(&rows)).expect("UTF-8");
        assert_eq!(
            written,
            "a,,\"饮水,困难\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",'=x\n\"\"\n,\n\"\"\"\"\n"
        );
        assert_eq!(written.as_bytes(), theirs(&rows));
    }

    #[test]
    fn a_formula_is_the_field_the_csv_crate_writes_for_it() {
        let mut out = Vec::new();
        let mut w = CsvRows::new(Box::new(&mut out));
        w.formula_text("0100010001");
        w.field(b"x");
        w.end().expect("written to memory");
        w.flush().expect("written to memory");
        drop(w);
        let row = vec!["=\"0100010001\"".to_string(), "x".to_string()];
        assert_eq!(out, theirs(&[row]));
    }

    #[test]
    fn rows_reach_the_file_whole_and_in_order_past_the_buffer() {
        let rows: Vec<Vec<String>> = (0..20_000)
            .map(|i| vec![format!("{i}"), "户主,家".to_string(), String::new()])
            .collect();
        let written = ours(&rows);
        assert!(written.len() > 3 * super::HAND_ON);
        assert_eq!(written, theirs(&rows));
    }

    proptest! {
        #[test]
        fn writes_what_the_csv_crate_writes(
            rows in prop::collection::vec(
                prop::collection::vec("[a-z,\"\r\n 户=']{0,6}", 1..5),
                0..8,
            )
        ) {
            prop_assert_eq!(ours(&rows), theirs(&rows));
        }
    }
}
