//! Text cut or wrapped to a width in display columns (a Chinese character
//! takes two), never in chars or bytes, so columns line up in both
//! languages and nothing is drawn past the edge.

use std::borrow::Cow;

use unicode_truncate::UnicodeTruncateStr;
use unicode_width::UnicodeWidthStr;

/// `text` cut to `width` display columns, ending in … when cut.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let (kept, _) = text.unicode_truncate(width.saturating_sub(1));
    Cow::Owned(format!("{kept}…"))
}

/// `text` cut from the left to `width` display columns, starting with …
/// when cut: for a path, whose end names the file.
pub fn fit_start(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let (kept, _) = text.unicode_truncate_start(width.saturating_sub(1));
    Cow::Owned(format!("…{kept}"))
}

/// Lines of `text` wrapped to `width` display columns: at a space or after
/// a hyphen when the line has one, and a word longer than the line (a run
/// of Chinese) broken where the width ends.
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let options = textwrap::Options::new(usize::from(width.max(2)));
    textwrap::wrap(text, options)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fit, fit_start, wrap};

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(
            wrap("旱季家里主要饮用水来源?", 10),
            ["旱季家里主", "要饮用水来", "源?"]
        );
        assert_eq!(
            wrap("Main drinking-water source", 12),
            ["Main", "drinking-", "water source"]
        );
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("first\nsecond", 20), ["first", "second"]);
    }

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("曼贺村", 6), "曼贺村");
        assert_eq!(fit("曼贺村", 5), "曼贺…");
        assert_eq!(fit("曼贺村", 4), "曼…");
        assert_eq!(fit("water", 3), "wa…");
        assert_eq!(fit_start("/home/a/minqing.db", 11), "…minqing.db");
    }
}
