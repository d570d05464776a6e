//! Diagnostics for questionnaire authors, printed in the style of rustc.
//!
//! Owns [`Diagnostic`] (a problem with a byte span in one file), positions
//! (line and column), the rendering with the source line and a caret, and the
//! "did you mean" suggestion. Columns count characters, as rustc and editors
//! do; the caret is placed by display width, so Chinese text on the line does
//! not shift it.

use std::fmt::Write as _;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::i18n::{Lang, Tr};
use crate::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub message: Tr,
    /// Byte range in the file's text.
    pub span: Range<usize>,
    pub help: Option<Tr>,
}

impl Diagnostic {
    pub fn error(span: Range<usize>, message: Tr) -> Self {
        Diagnostic {
            level: Level::Error,
            message,
            span,
            help: None,
        }
    }

    pub fn warning(span: Range<usize>, message: Tr) -> Self {
        Diagnostic {
            level: Level::Warning,
            message,
            span,
            help: None,
        }
    }

    pub fn with_help(mut self, help: Option<Tr>) -> Self {
        self.help = help;
        self
    }

    /// Renders the diagnostic for `path` whose content is `text`:
    ///
    /// ```text
    /// error: unknown question 'fetch_minute' in expression
    ///   --> surveys/water.toml:57:9
    ///    |
    /// 57 | when = "${fetch_minute} > 30"
    ///    |         ^^^^^^^^^^^^^^^
    ///    |
    ///    = help: did you mean 'fetch_minutes'?
    /// ```
    pub fn render(&self, path: &str, text: &str, lang: Lang) -> String {
        let (line_no, col) = line_col(text, self.span.start);
        let at = floor_boundary(text, self.span.start);
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        // The span may begin past the visible line (at a '\r') or end on a
        // later line: the caret stays within what is shown.
        let line_max = line_start + line.len();
        let start = at.min(line_max);
        let end = floor_boundary(text, self.span.end).clamp(start, line_max);
        let (start, end) = (start - line_start, end - line_start);
        let shown = |s: &str| s.replace('\t', "    ");
        let pad = shown(&line[..start]).width();
        let carets = shown(&line[start..end]).width().max(1);
        let num = line_no.to_string();
        let gutter = " ".repeat(num.len());
        let (label, help) = match (self.level, lang) {
            (Level::Error, Lang::Zh) => ("错误", "提示"),
            (Level::Warning, Lang::Zh) => ("警告", "提示"),
            (Level::Error, Lang::En) => ("error", "help"),
            (Level::Warning, Lang::En) => ("warning", "help"),
        };
        let mut out = String::new();
        let _ = writeln!(out, "{label}: {}", self.message.get(lang));
        let _ = writeln!(out, "{gutter}--> {path}:{line_no}:{col}");
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{num} | {}", shown(line));
        let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(pad), "^".repeat(carets));
        if let Some(h) = &self.help {
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{gutter} = {help}: {}", h.get(lang));
        }
        out
    }
}

/// `pos` moved back to the nearest character boundary within `text`.
fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// The 1-based line and column (in characters) of byte offset `pos`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..floor_boundary(text, pos)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The candidate closest to `word` by edit distance (a swap of two neighbouring
/// letters counts as one edit), if it is close enough to be a plausible typo:
/// at most a third of the word's length, and at least 1.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The help line for a misspelled name among `candidates`.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Tr> {
    nearest(word, candidates).map(|s| tr!("是不是 '{s}'?", "did you mean '{s}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_skips_cjk_by_display_width() {
        let text = "a = 1\nlabel = \"饮水\" + ${x}\n";
        let start = text.find("${x}").unwrap();
        let d = Diagnostic::error(start..start + 4, tr!("坏", "bad"));
        let out = d.render("f.toml", text, Lang::En);
        assert_eq!(
            out,
            "error: bad\n --> f.toml:2:16\n  |\n2 | label = \"饮水\" + ${x}\n  |                  ^^^^\n"
        );
    }

    #[test]
    fn nearest_finds_typos_only() {
        let names = ["required", "relevant", "label"];
        assert_eq!(nearest("requried", names), Some("required"));
        assert_eq!(nearest("lable", names), Some("label"));
        assert_eq!(nearest("zzz", names), None);
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn spans_past_the_visible_line_do_not_panic() {
        let text = "a = \"x\r\nb = 1\r\n";
        for start in 0..=text.len() + 2 {
            for end in start..=text.len() + 2 {
                let d = Diagnostic::error(start..end, tr!("坏", "bad"));
                let _ = d.render("f.toml", text, Lang::En);
            }
        }
        let cjk = "名 = \"饮水\"";
        for start in 0..=cjk.len() {
            let d = Diagnostic::error(start..start + 2, tr!("坏", "bad"));
            let _ = d.render("f.toml", cjk, Lang::Zh);
        }
    }
}
