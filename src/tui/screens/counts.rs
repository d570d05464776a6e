//! A project's counts as the Priorities tab shows them (`12/415/1000 ?3
//! 27人 ↑2`), and their widths in display columns, measured without
//! writing them: a province shows tens of thousands of projects.

use crate::i18n::Lang;
use crate::priority::Project;

/// The change from `then` to `now`: `↑2`, `↓1`, `=`.
pub(super) fn change_text(now: i64, then: i64) -> String {
    match now.cmp(&then) {
        std::cmp::Ordering::Greater => format!("↑{}", now - then),
        std::cmp::Ordering::Less => format!("↓{}", then - now),
        std::cmp::Ordering::Equal => "=".to_string(),
    }
}

/// The width of [`change_text`], without writing it (`↑`, `↓` take one
/// column).
pub(super) fn change_width(now: i64, then: i64) -> usize {
    match now.cmp(&then) {
        std::cmp::Ordering::Equal => 1,
        _ => 1 + digits((now - then).abs()),
    }
}

/// Display columns of `n` written in decimal (an arrow's too, before a
/// change: `↑`, `↓` take one).
fn digits(n: i64) -> usize {
    usize::from(n < 0) + crate::text::decimal_width(n.unsigned_abs())
}

/// The width of [`write_counts`]'s text, without writing it.
pub(super) fn counts_width(project: &Project, lang: Lang) -> usize {
    let mut width =
        digits(project.affected) + digits(project.surveyed) + digits(project.registered) + 2;
    if project.unknown > 0 {
        width += 2 + digits(project.unknown);
    }
    if let Some(persons) = project.persons {
        width += 1 + digits(persons) + if lang == Lang::Zh { 2 } else { 1 };
    }
    width
}

/// k/n/N of a project, with the households that cannot be told (`?2`)
/// and, for a rule counted per person, the persons (`5人`), written into
/// `text`.
pub(super) fn write_counts(text: &mut String, project: &crate::priority::Project, lang: Lang) {
    use std::fmt::Write as _;
    let _ = write!(
        text,
        "{}/{}/{}",
        project.affected, project.surveyed, project.registered
    );
    if project.unknown > 0 {
        let _ = write!(text, " ?{}", project.unknown);
    }
    if let Some(persons) = project.persons {
        let _ = match lang {
            Lang::Zh => write!(text, " {persons}人"),
            Lang::En => write!(text, " {persons}p"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn counts_are_measured_as_they_are_written() {
        let area = std::sync::Arc::new(crate::priority::Area::default());
        for (affected, surveyed, registered, unknown, persons) in [
            (0, 0, 0, 0, None),
            (1, 9, 10, 0, None),
            (12, 415, 1_000, 3, Some(27)),
            (9_999, 10_000, 123_456, 10, Some(0)),
        ] {
            let project = Project {
                area: std::sync::Arc::clone(&area),
                rule: 0,
                also: Vec::new(),
                affected,
                households: Vec::new(),
                surveyed,
                registered,
                people: 0,
                phase: 1,
                cost: None,
                persons,
                unknown,
                perceived: None,
            };
            for lang in [Lang::Zh, Lang::En] {
                let mut text = String::new();
                write_counts(&mut text, &project, lang);
                assert_eq!(counts_width(&project, lang), text.width(), "{text}");
            }
        }
        for (now, then) in [(0, 0), (3, 1), (1, 3), (100, 1), (5, 123), (7, 7)] {
            let text = change_text(now, then);
            assert_eq!(change_width(now, then), text.width(), "{text}");
        }
        for n in [0, 7, -7, 10, 99, -100, 1_000_000, i64::MIN, i64::MAX] {
            assert_eq!(digits(n), n.to_string().len(), "{n}");
        }
    }
}
