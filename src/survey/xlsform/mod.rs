//! XLSForm to Minqing: the rows of an XLSForm's `survey`, `choices` and
//! `settings` sheets turned into a questionnaire in TOML, with every row or
//! cell that could not be carried over listed by sheet and row, and every
//! expression whose meaning had to be rewritten listed too. Pure: the
//! workbook is read elsewhere (`minqing import-xlsform`).

mod cells;
mod repeat;

use std::fmt::Write as _;

use self::cells::{Columns, as_id, label, language, question_name, quoted};
use crate::i18n::Tr;
use crate::tr;

/// A sheet as rows of cells, the header first.
pub type Sheet = Vec<Vec<String>>;

/// What the converter could not carry over, or changed to keep a meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub sheet: &'static str,
    /// The row in the workbook, counting the header as row 1.
    pub row: usize,
    pub what: Tr,
}

#[derive(Debug)]
pub struct Converted {
    pub toml: String,
    /// Rows and cells left out, and expressions rewritten.
    pub notes: Vec<Note>,
}

/// XLSForm types Minqing has no question for, with why.
fn unsupported(kind: &str) -> Tr {
    match kind {
        "start" | "end" | "today" | "deviceid" | "username" | "phonenumber" | "simserial"
        | "subscriberid" | "audit" => tr!(
            "元数据 '{kind}':民情自己记录调查的时间、设备和调查员",
            "metadata '{kind}': Minqing records the interview's times, device and interviewer itself"
        ),
        _ => tr!(
            "民情没有 '{kind}' 题型",
            "Minqing has no question of type '{kind}'"
        ),
    }
}

/// ODK treats `${q} != 'x'` as true while `q` is unanswered; Minqing, as
/// unknown. Each such comparison is rewritten to keep ODK's meaning.
fn keep_odk_meaning(expr: &str) -> (String, usize) {
    let mut out = String::new();
    let mut rest = expr;
    let mut count = 0;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(close) = after.find('}') else {
            rest = after;
            break;
        };
        let reference = &after[..=close];
        let tail = after[close + 1..].trim_start();
        let literal = tail.strip_prefix("!=").map(str::trim_start).and_then(|t| {
            let quote = t.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let end = t[1..].find(quote)? + 2;
            Some(&t[..end])
        });
        match literal {
            Some(lit) if lit.len() > 2 => {
                let _ = write!(out, "({reference} != {lit} or {reference} = '')");
                let consumed = after.len() - tail.len() + tail.find(lit).unwrap_or(0) + lit.len();
                rest = &after[consumed..];
                count += 1;
            }
            _ => {
                out.push_str(reference);
                rest = &after[close + 1..];
            }
        }
    }
    out.push_str(rest);
    (out, count)
}

const SURVEY_USED: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
];

/// Converts the sheets; `category` is the need category of the
/// questionnaire (XLSForm has none).
pub fn convert(survey: &Sheet, choices: &Sheet, settings: &Sheet, category: &str) -> Converted {
    let mut notes = Vec::new();
    let mut out = String::new();
    let set = settings.first().map(|h| Columns::of(h));
    let setting = |key: &str| -> String {
        match (&set, settings.get(1)) {
            (Some(cols), Some(row)) => cols.get(row, key).to_string(),
            _ => String::new(),
        }
    };
    let first_language = survey.first().and_then(|h| {
        Columns::of(h)
            .header
            .into_iter()
            .find_map(|(k, lang)| (k == "label").then_some(lang).flatten())
    });
    let default = match setting("default_language") {
        l if l.is_empty() => first_language.unwrap_or_else(|| "zh".to_string()),
        l => language(&l),
    };
    let id = match setting("form_id") {
        f if f.is_empty() => "imported".to_string(),
        f => as_id(&f),
    };
    let version = match setting("version") {
        v if v.is_empty() => "1".to_string(),
        v => v,
    };
    let title = match setting("form_title") {
        t if t.is_empty() => id.clone(),
        t => t,
    };
    let _ = writeln!(
        out,
        "# 由 minqing import-xlsform 转换 / converted by minqing import-xlsform\n"
    );
    let _ = writeln!(
        out,
        "[survey]\nid = {}\nversion = {}\ncategory = {}\ntitle = {}",
        quoted(&id),
        quoted(&version),
        quoted(category),
        quoted(&title)
    );
    // The languages the labels use, the default first.
    let mut languages = vec![default.clone()];
    for sheet in [survey, choices] {
        if let Some(header) = sheet.first() {
            for (_, lang) in Columns::of(header).header {
                if let Some(lang) = lang
                    && !languages.contains(&lang)
                {
                    languages.push(lang);
                }
            }
        }
    }
    let langs: Vec<String> = languages.iter().map(|l| quoted(l)).collect();
    let _ = writeln!(out, "languages = [{}]", langs.join(", "));
    let ids = list_ids(choices);
    write_choices(choices, &default, &ids, &mut out, &mut notes);
    write_questions(survey, &default, &ids, &mut out, &mut notes);
    out.push_str(
        "\n# 需求规则([[need]])由县里另写 / need rules ([[need]]) are the county's own to add\n",
    );
    Converted { toml: out, notes }
}

/// The name of every choice list, with the id it is written under: each
/// its own, though two names may make the same id (性别 and 民族, Food
/// and food).
fn list_ids(choices: &Sheet) -> Vec<(String, String)> {
    let Some((header, rows)) = choices.split_first() else {
        return Vec::new();
    };
    let cols = Columns::of(header);
    let mut ids: Vec<(String, String)> = Vec::new();
    for row in rows {
        let list = match cols.get(row, "list_name") {
            "" => cols.get(row, "list name"),
            l => l,
        };
        if list.is_empty() || ids.iter().any(|(l, _)| l == list) {
            continue;
        }
        let base = match as_id(list) {
            id if id
                .trim_start_matches("form")
                .chars()
                .any(|c| c.is_ascii_alphanumeric()) =>
            {
                id
            }
            _ => format!("list_{}", ids.len() + 1),
        };
        let mut id = base.clone();
        let mut n = 2;
        while ids.iter().any(|(_, taken)| *taken == id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        ids.push((list.to_string(), id));
    }
    ids
}

/// The id a list name is written under.
fn list_id<'i>(ids: &'i [(String, String)], list: &str) -> std::borrow::Cow<'i, str> {
    ids.iter()
        .find(|(l, _)| l == list)
        .map_or_else(|| as_id(list).into(), |(_, id)| id.as_str().into())
}

fn write_choices(
    choices: &Sheet,
    default: &str,
    ids: &[(String, String)],
    out: &mut String,
    notes: &mut Vec<Note>,
) {
    let Some((header, rows)) = choices.split_first() else {
        return;
    };
    let cols = Columns::of(header);
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let list = cols.get(row, "list_name");
        let list = if list.is_empty() {
            cols.get(row, "list name")
        } else {
            list
        };
        let name = cols.get(row, "name");
        if list.is_empty() && name.is_empty() {
            continue;
        }
        let Some(text) = label(&cols.texts(row, "label"), default) else {
            notes.push(Note {
                sheet: "choices",
                row: n + 2,
                what: tr!(
                    "选项没有 label,已略过",
                    "a choice without a label was left out"
                ),
            });
            continue;
        };
        let item = format!("  {{ name = {}, label = {text} }},", quoted(name));
        match lists.iter_mut().find(|(l, _)| l == list) {
            Some((_, items)) => items.push(item),
            None => lists.push((list.to_string(), vec![item])),
        }
    }
    if lists.is_empty() {
        return;
    }
    out.push_str("\n[choices]\n");
    for (list, items) in lists {
        let _ = writeln!(out, "{} = [\n{}\n]", list_id(ids, &list), items.join("\n"));
    }
}

fn write_questions(
    survey: &Sheet,
    default: &str,
    ids: &[(String, String)],
    out: &mut String,
    notes: &mut Vec<Note>,
) {
    let Some((header, rows)) = survey.split_first() else {
        return;
    };
    let cols = Columns::of(header);
    let mut place = Place::default();
    for (n, row) in rows.iter().enumerate() {
        let at = n + 2;
        let kind = cols.get(row, "type").to_lowercase();
        let kind = kind.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = cols.get(row, "name");
        if kind.is_empty() {
            continue;
        }
        let note = |notes: &mut Vec<Note>, what: Tr| {
            notes.push(Note {
                sheet: "survey",
                row: at,
                what,
            })
        };
        if structure(&kind, (&cols, row, at), default, &mut place, out, notes) {
            continue;
        }
        let (qtype, list) = match kind.split_once(' ') {
            Some((t @ ("select_one" | "select_multiple"), list)) => (t.to_string(), Some(list)),
            _ => (kind.clone(), None),
        };
        let known = [
            "integer",
            "decimal",
            "text",
            "date",
            "note",
            "calculate",
            "select_one",
            "select_multiple",
        ];
        if !known.contains(&qtype.as_str()) {
            note(notes, unsupported(&kind));
            continue;
        }
        if !place.in_section {
            place.sections += 1;
            let _ = writeln!(out, "\n[[section]]\nname = \"part_{}\"", place.sections);
            place.write_relevant(out);
            place.in_section = true;
        }
        let list = list.map(|l| list_id(ids, l).into_owned());
        let valid = renamed(name, at, notes);
        write_question(&cols, row, (&valid, &qtype, list.as_deref()), default, out);
        let left = cols.unused(row, SURVEY_USED);
        if !left.is_empty() {
            let left = left.join(", ");
            note(
                notes,
                tr!(
                    "这些列民情不用,没有导入:{left}",
                    "columns Minqing does not use were left out: {left}"
                ),
            );
        }
        for key in ["relevant", "constraint", "calculation"] {
            if let Some(e) = expression(&cols, row, key, at, notes) {
                let _ = writeln!(out, "{key} = {}", quoted(&e));
            }
        }
    }
}

/// Where the rows read so far leave the questionnaire.
#[derive(Default)]
struct Place {
    in_section: bool,
    sections: usize,
    repeat_depth: usize,
    /// The `relevant` of each group open, outermost first.
    conditions: Vec<Option<String>>,
}

impl Place {
    /// The section's `relevant`: every open group's, joined.
    fn write_relevant(&self, out: &mut String) {
        let open: Vec<&str> = self
            .conditions
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !open.is_empty() {
            let joined = crate::survey::expr::all_of(&open);
            let _ = writeln!(out, "relevant = {}", quoted(&joined));
        }
    }
}

/// A group's or repeat's row, or a row inside a repeat: written or
/// listed as left out here; true when it was one.
fn structure(
    kind: &str,
    (cols, row, at): (&Columns, &[String], usize),
    default: &str,
    place: &mut Place,
    out: &mut String,
    notes: &mut Vec<Note>,
) -> bool {
    let name = cols.get(row, "name");
    match kind {
        "begin_repeat" | "begin repeat" if place.repeat_depth == 0 => {
            repeat::begin((cols, row, at), default, place, out, notes);
            true
        }
        "begin_repeat" | "begin repeat" => {
            place.repeat_depth += 1;
            repeat::left_inside(kind, at, notes);
            true
        }
        "end_repeat" | "end repeat" => {
            place.repeat_depth = place.repeat_depth.saturating_sub(1);
            if place.repeat_depth == 0 {
                place.conditions.pop();
                place.in_section = false;
            }
            true
        }
        // Inside a repeat inside a repeat: left out with it.
        _ if place.repeat_depth > 1 => true,
        "begin_group" | "begin group" | "end_group" | "end group" if place.repeat_depth == 1 => {
            if kind.starts_with("begin") {
                repeat::left_inside(kind, at, notes);
            }
            true
        }
        "begin_group" | "begin group" => {
            place.sections += 1;
            let _ = writeln!(out, "\n[[section]]\nname = {}", quoted(&as_id(name)));
            if let Some(text) = label(&cols.texts(row, "label"), default) {
                let _ = writeln!(out, "label = {text}");
            }
            // A group inside another is shown only when both are.
            place
                .conditions
                .push(expression(cols, row, "relevant", at, notes));
            place.write_relevant(out);
            place.in_section = true;
            true
        }
        "end_group" | "end group" => {
            place.conditions.pop();
            place.in_section = false;
            true
        }
        _ => false,
    }
}

/// The name a question is written under, the change listed.
fn renamed(name: &str, at: usize, notes: &mut Vec<Note>) -> String {
    let valid = question_name(name, at);
    if valid != name {
        notes.push(Note {
            sheet: "survey",
            row: at,
            what: tr!(
                "题名 '{name}' 改为 '{valid}'(题名只用英文字母、数字和 _;用到它的表达式要跟着改)",
                "question name '{name}' became '{valid}' (names use letters, digits and _; expressions naming it need the new name)"
            ),
        });
    }
    valid
}

/// A question's name, type, choices, texts and `required`.
fn write_question(
    cols: &Columns,
    row: &[String],
    (name, qtype, list): (&str, &str, Option<&str>),
    default: &str,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "\n[[section.question]]\nname = {}\ntype = {}",
        quoted(name),
        quoted(qtype)
    );
    if let Some(list) = list {
        let _ = writeln!(out, "choices = {}", quoted(list));
    }
    for key in ["label", "hint", "constraint_message"] {
        if let Some(text) = label(&cols.texts(row, key), default) {
            let _ = writeln!(out, "{key} = {text}");
        }
    }
    if matches!(
        cols.get(row, "required").to_lowercase().as_str(),
        "yes" | "true" | "true()" | "1"
    ) {
        out.push_str("required = true\n");
    }
}

/// An expression cell, rewritten where ODK means something else.
fn expression(
    cols: &Columns,
    row: &[String],
    key: &str,
    at: usize,
    notes: &mut Vec<Note>,
) -> Option<String> {
    let text = cols.get(row, key);
    if text.is_empty() {
        return None;
    }
    let (kept, rewritten) = keep_odk_meaning(text);
    if rewritten > 0 {
        notes.push(Note {
            sheet: "survey",
            row: at,
            what: tr!(
                "{key} 中的 != 改写为“不等于或未答”,保持 ODK 的含义:{kept}",
                "!= in {key} rewritten as \"differs or is unanswered\", ODK's meaning: {kept}"
            ),
        });
    }
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odk_not_equal_keeps_its_meaning() {
        assert_eq!(
            keep_odk_meaning("${a} = 'x' and ${b"),
            ("${a} = 'x' and ${b".to_string(), 0)
        );
        assert_eq!(
            label(
                &[
                    (None, "甲".into()),
                    (Some("zh".into()), "乙".into()),
                    (Some("简体 中文".into()), "丙".into())
                ],
                "zh"
            )
            .as_deref(),
            Some("{ zh = \"甲\", \"简体 中文\" = \"丙\" }")
        );
        assert_eq!(
            keep_odk_meaning("${a} != 'x' and ${b} > 1"),
            ("(${a} != 'x' or ${a} = '') and ${b} > 1".to_string(), 1)
        );
        assert_eq!(
            keep_odk_meaning("${a} != ''"),
            ("${a} != ''".to_string(), 0)
        );
        assert_eq!(language("Chinese (zh)"), "zh");
        assert_eq!(language("English"), "en");
        assert_eq!(as_id("My Form-2024"), "my_form_2024");
    }
}
