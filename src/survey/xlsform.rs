//! XLSForm to Minqing: the rows of an XLSForm's `survey`, `choices` and
//! `settings` sheets turned into a questionnaire in TOML, with every row or
//! cell that could not be carried over listed by sheet and row, and every
//! expression whose meaning had to be rewritten listed too. Pure: the
//! workbook is read elsewhere (`minqing import-xlsform`).

use std::fmt::Write as _;

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

/// A column of a sheet by its header, language suffix apart: `label`,
/// `label::Chinese (zh)`, `label::English`.
struct Columns {
    header: Vec<(String, Option<String>)>,
}

impl Columns {
    fn of(header: &[String]) -> Columns {
        Columns {
            header: header
                .iter()
                .map(|h| {
                    let h = h.trim();
                    match h.split_once("::") {
                        Some((key, lang)) => (key.trim().to_lowercase(), Some(language(lang))),
                        None => (h.to_lowercase(), None),
                    }
                })
                .collect(),
        }
    }

    /// The cell of `key` (without a language), trimmed.
    fn get<'r>(&self, row: &'r [String], key: &str) -> &'r str {
        self.header
            .iter()
            .position(|(k, lang)| k == key && lang.is_none())
            .and_then(|i| row.get(i))
            .map_or("", |s| s.trim())
    }

    /// The texts of `key` by language (`None`: the default language).
    fn texts(&self, row: &[String], key: &str) -> Vec<(Option<String>, String)> {
        self.header
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| k == key)
            .filter_map(|(i, (_, lang))| {
                let text = row.get(i)?.trim();
                (!text.is_empty()).then(|| (lang.clone(), text.to_string()))
            })
            .collect()
    }

    /// Header names with something in this row that no key takes.
    fn unused(&self, row: &[String], used: &[&str]) -> Vec<String> {
        self.header
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| {
                !used.contains(&k.as_str()) && row.get(*i).is_some_and(|c| !c.trim().is_empty())
            })
            .map(|(_, (k, _))| k.clone())
            .collect()
    }
}

/// A language column's code: `Chinese (zh)` is `zh`; a name alone is read
/// as the language it names.
fn language(suffix: &str) -> String {
    let suffix = suffix.trim();
    if let (Some(open), Some(close)) = (suffix.rfind('('), suffix.rfind(')'))
        && open < close
    {
        return suffix[open + 1..close].trim().to_lowercase();
    }
    match suffix.to_lowercase().as_str() {
        "chinese" | "中文" | "汉语" => "zh".into(),
        "english" | "英文" | "英语" => "en".into(),
        other => other.to_string(),
    }
}

/// A TOML string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A label value: one string, or a table of languages.
fn label(texts: &[(Option<String>, String)], default: &str) -> Option<String> {
    match texts {
        [] => None,
        [(None, text)] => Some(quoted(text)),
        _ => {
            let parts: Vec<String> = texts
                .iter()
                .map(|(lang, text)| {
                    format!("{} = {}", lang.as_deref().unwrap_or(default), quoted(text))
                })
                .collect();
            Some(format!("{{ {} }}", parts.join(", ")))
        }
    }
}

/// An id Minqing accepts: lowercase letters, digits and `_`, a letter first.
fn as_id(text: &str) -> String {
    let mut id: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id.insert_str(0, "form_");
    }
    id
}

/// XLSForm types Minqing has no question for, with why.
fn unsupported(kind: &str) -> Tr {
    match kind {
        "start" | "end" | "today" | "deviceid" | "username" | "phonenumber" | "simserial"
        | "subscriberid" | "audit" => tr!(
            "元数据 '{kind}':民情自己记录调查的时间、设备和调查员",
            "metadata '{kind}': Minqing records the interview's times, device and interviewer itself"
        ),
        "begin_repeat" | "begin repeat" | "end_repeat" | "end repeat" => tr!(
            "重复组(repeat)还不能导入:这一组的题目没有导入",
            "repeats cannot be imported yet: the questions of this repeat were left out"
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
        let Some(close) = after.find('}') else { break };
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
    let default = match setting("default_language") {
        l if l.is_empty() => "zh".to_string(),
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
    write_choices(choices, &default, &mut out, &mut notes);
    write_questions(survey, &default, &mut out, &mut notes);
    out.push_str(
        "\n# 需求规则([[need]])由县里另写 / need rules ([[need]]) are the county's own to add\n",
    );
    Converted { toml: out, notes }
}

fn write_choices(choices: &Sheet, default: &str, out: &mut String, notes: &mut Vec<Note>) {
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
        let _ = writeln!(out, "{} = [\n{}\n]", as_id(&list), items.join("\n"));
    }
}

fn write_questions(survey: &Sheet, default: &str, out: &mut String, notes: &mut Vec<Note>) {
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
            place.in_section = true;
        }
        write_question(&cols, row, (name, &qtype, list), default, out);
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
    let note = |notes: &mut Vec<Note>, what: Tr| {
        notes.push(Note {
            sheet: "survey",
            row: at,
            what,
        })
    };
    match kind {
        "begin_repeat" | "begin repeat" => {
            place.repeat_depth += 1;
            note(notes, unsupported(kind));
            true
        }
        "end_repeat" | "end repeat" => {
            place.repeat_depth = place.repeat_depth.saturating_sub(1);
            true
        }
        _ if place.repeat_depth > 0 => {
            note(notes, unsupported("begin_repeat"));
            true
        }
        "begin_group" | "begin group" => {
            place.sections += 1;
            let _ = writeln!(out, "\n[[section]]\nname = {}", quoted(&as_id(name)));
            if let Some(text) = label(&cols.texts(row, "label"), default) {
                let _ = writeln!(out, "label = {text}");
            }
            if let Some(rel) = expression(cols, row, "relevant", at, notes) {
                let _ = writeln!(out, "relevant = {}", quoted(&rel));
            }
            place.in_section = true;
            true
        }
        "end_group" | "end group" => {
            place.in_section = false;
            true
        }
        _ => false,
    }
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
        let _ = writeln!(out, "choices = {}", quoted(&as_id(list)));
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
