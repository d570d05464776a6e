//! Questionnaires loaded as a set: each file on its own, then ids unique
//! across the set and kept apart from the bundled questionnaires'; a file
//! that is not UTF-8 said as such.

use std::collections::BTreeMap;

use super::{Label, Loaded, bundled, diag, load};

/// A questionnaire file as read: its path shown to users and its text,
/// or, for a file that is not UTF-8, where it stops being UTF-8 (its text
/// then holds the file decoded with replacement characters, for showing
/// the line).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub not_utf8: Option<NotUtf8>,
}

/// Where a file stops being UTF-8, and whether the whole file reads as
/// GBK (what Windows in Chinese saves by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUtf8 {
    pub at: usize,
    pub gbk: bool,
}

/// Loads several questionnaires (path shown to users, TOML text) as one set:
/// each file is checked on its own, then survey ids must be unique across the
/// set. The result is in the order of `files`.
pub fn load_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(&'a str, Loaded)> {
    let sources: Vec<Source<'a>> = files
        .into_iter()
        .map(|(path, text)| Source {
            path,
            text,
            not_utf8: None,
        })
        .collect();
    load_sources(&sources)
}

/// Loads a set of files as [`load_all`] does; a file that is not UTF-8 is
/// reported as such, at the place it stops being UTF-8, and takes no part
/// in the set, so that the others load as usual.
pub fn load_sources<'a>(sources: &[Source<'a>]) -> Vec<(&'a str, Loaded)> {
    let mut out: Vec<(&str, Loaded)> = sources
        .iter()
        .map(|s| match s.not_utf8 {
            None => (s.path, load(s.text)),
            Some(bad) => (s.path, not_utf8(s.text, bad)),
        })
        .collect();
    let mut first: BTreeMap<String, &str> = BTreeMap::new();
    for (path, loaded) in &mut out {
        let Some((id, span)) = loaded.id.clone() else {
            continue;
        };
        match first.get(&id) {
            Some(other) => {
                loaded.diagnostics.push(
                    diag::Diagnostic::error(
                        span,
                        crate::tr!(
                            "问卷 id '{id}' 已被 {other} 使用",
                            "survey id '{id}' is already used by {other}"
                        ),
                    )
                    .with_help(Some(crate::tr!(
                        "每份问卷的 id 必须不同",
                        "every questionnaire needs its own id"
                    ))),
                );
                loaded.survey = None;
            }
            None => {
                first.insert(id, path);
            }
        }
    }
    for (_, loaded) in &mut out {
        if let Some(diagnostic) = bundled_collision(loaded) {
            loaded.diagnostics.push(diagnostic);
            loaded.survey = None;
        }
    }
    out
}

/// The report on a file that is not UTF-8: where, and what to do.
fn not_utf8(text: &str, bad: NotUtf8) -> Loaded {
    let end = text[bad.at..]
        .chars()
        .next()
        .map_or(bad.at, |c| bad.at + c.len_utf8());
    let message = if bad.gbk {
        crate::tr!(
            "这个文件不是 UTF-8 编码(看起来是 GBK),其他问卷照常加载",
            "this file is not UTF-8 (it looks like GBK); the other questionnaires load as usual"
        )
    } else {
        crate::tr!(
            "这个文件不是 UTF-8 编码的文字,其他问卷照常加载",
            "this file is not UTF-8 text; the other questionnaires load as usual"
        )
    };
    Loaded {
        survey: None,
        diagnostics: vec![
            diag::Diagnostic::error(bad.at..end, message).with_help(Some(crate::tr!(
                "用记事本或 WPS 打开,另存为 UTF-8 编码",
                "open it in Notepad or WPS and save it again as UTF-8"
            ))),
        ],
        id: None,
    }
}

/// The bundled questionnaires' ids and titles, parsed once.
fn bundled_titles() -> &'static [(String, Label)] {
    static TITLES: std::sync::OnceLock<Vec<(String, Label)>> = std::sync::OnceLock::new();
    TITLES.get_or_init(|| {
        bundled::BUNDLED
            .iter()
            .filter_map(|(_, text)| load(text).survey)
            .map(|s| (s.id, s.title))
            .collect()
    })
}

/// A questionnaire that takes a bundled one's id must be a version of that
/// questionnaire, told by its title (the same in Chinese or in English):
/// otherwise households interviewed with the bundled one would open
/// another questionnaire under the same column, and its need rules would
/// be ranked as theirs.
fn bundled_collision(loaded: &Loaded) -> Option<diag::Diagnostic> {
    let survey = loaded.survey.as_ref()?;
    let (_, span) = loaded.id.clone()?;
    let (id, theirs) = bundled_titles().iter().find(|(id, _)| *id == survey.id)?;
    let same = |code: &str| {
        let (a, b) = (theirs.in_code(code), survey.title.in_code(code));
        !a.is_empty() && a == b
    };
    if same("zh") || same("en") {
        return None;
    }
    let (zh, en) = (theirs.in_code("zh"), theirs.in_code("en"));
    Some(
        diag::Diagnostic::error(
            span,
            crate::tr!(
                "问卷 id '{id}' 是内置问卷《{zh}》的 id,这份问卷的标题却不同",
                "survey id '{id}' belongs to the bundled questionnaire \"{en}\", but this questionnaire's title is different"
            ),
        )
        .with_help(Some(crate::tr!(
            "如果这是另一份问卷,请给它自己的 id(例如 '{id}_2027');如果它是内置问卷的新版本,请保留原来的标题",
            "if this is another questionnaire, give it its own id (such as '{id}_2027'); if it is a new version of the bundled one, keep its title"
        ))),
    )
}
