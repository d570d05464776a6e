//! The exports planners take to Excel or WPS: responses, households and
//! the codebook (the ranked projects are [`super::priorities`]).

use std::collections::HashMap;
use std::rc::Rc;

use super::csv_out::{Cell, ExportError, Sink, beijing_time};
use crate::i18n::Lang;
use crate::store::Store;
use crate::survey::roster::split_key;
use crate::survey::{Need, Question, QuestionKind, Section, Survey};

pub fn households(sink: &mut Sink<'_>, store: &Store) -> Result<(), ExportError> {
    sink.header(
        &[
            "code", "township", "village", "group", "head", "members", "phone", "cadre", "notes",
        ]
        .map(String::from),
    )?;
    for hh in store.households(None)? {
        sink.row(&[
            Cell::text(hh.code),
            Cell::text(hh.township),
            Cell::text(hh.village),
            Cell::text(hh.group),
            Cell::text(hh.head),
            Cell::int(hh.members),
            Cell::text(hh.phone),
            Cell::text(hh.cadre),
            Cell::text(hh.notes),
        ])?;
    }
    Ok(())
}

/// One exported column of answers, by the key of the answer (a roster
/// question's with its row, `age[2]`).
pub(super) enum Column {
    /// The answer of a question.
    Answer(String),
    /// 1 when a multiple-choice question has this choice selected.
    Chosen(String, String),
}

impl Column {
    /// The column's title: the question's name (`age_2` for row 2 of a
    /// roster question), and `/choice` for a choice's column.
    pub(super) fn title(&self) -> String {
        let named = |key: &str| match split_key(key) {
            (name, 0) => name.to_string(),
            (name, row) => format!("{name}_{row}"),
        };
        match self {
            Column::Answer(key) => named(key),
            Column::Chosen(key, choice) => format!("{}/{choice}", named(key)),
        }
    }
}

/// The rows each roster has at most, by survey and roster, for `--wide`.
pub type Widths = HashMap<(String, String), u32>;

/// The columns of one survey: the questions of its newest version in order,
/// then questions only older versions had, so no answer is ever dropped.
/// Questions of rosters are left to the rosters' files, or, given
/// `widths`, each row is a column of its own.
fn survey_columns(versions: &[Rc<Survey>], widths: Option<&Widths>) -> Vec<Column> {
    let (id, rows) = match versions.first() {
        Some(s) => (s.id.as_str(), widths),
        None => ("", None),
    };
    let wide = |roster: &str| {
        rows.and_then(|w| w.get(&(id.to_string(), roster.to_string())))
            .copied()
    };
    question_columns(versions, |_, section| match &section.roster {
        None => Some(vec![0]),
        Some(_) => wide(&section.name).map(|n| (1..=n).collect()),
    })
}

/// The columns of the questions `rows_of` takes (with the rows it gives
/// for each, 0 outside rosters), newest version first, no answer dropped.
pub(super) fn question_columns(
    versions: &[Rc<Survey>],
    rows_of: impl Fn(&Question, &Section) -> Option<Vec<u32>>,
) -> Vec<Column> {
    let mut columns = Vec::new();
    let mut seen: Vec<(String, Vec<u32>)> = Vec::new();
    let mut choices: HashMap<String, Vec<String>> = HashMap::new();
    for survey in versions.iter().rev() {
        for q in survey
            .sections
            .iter()
            .flat_map(|s| s.questions.iter().map(move |q| (s, q)))
        {
            let (section, q) = q;
            let Some(rows) = rows_of(q, section) else {
                continue;
            };
            if q.kind == QuestionKind::SelectMultiple {
                let list = choices.entry(q.name.clone()).or_default();
                for c in survey.choices_of(q) {
                    if !list.contains(&c.name) {
                        list.push(c.name.clone());
                    }
                }
            }
            if q.kind != QuestionKind::Note && !seen.iter().any(|(n, _)| *n == q.name) {
                seen.push((q.name.clone(), rows));
            }
        }
    }
    for (name, rows) in seen {
        let multi = choices.remove(&name).unwrap_or_default();
        for row in rows {
            let key = crate::survey::roster::key(&name, row);
            columns.push(Column::Answer(key.clone()));
            for choice in &multi {
                columns.push(Column::Chosen(key.clone(), choice.clone()));
            }
        }
    }
    columns
}

pub(super) fn answer_cell<'a>(
    survey: &Survey,
    key: &str,
    value: &'a str,
    labels: Option<Lang>,
) -> Cell<'a> {
    let Some(q) = survey.question(split_key(key).0) else {
        return Cell::text(value);
    };
    // A number only when it reads as one: a file merged from elsewhere may
    // hold anything, and text must go through the formula check.
    if q.kind.is_numeric() && value.parse::<f64>().is_ok_and(f64::is_finite) {
        return Cell::Number(value.into());
    }
    match (labels, q.kind) {
        (
            Some(lang),
            QuestionKind::SelectOne | QuestionKind::YesNo | QuestionKind::SelectMultiple,
        ) => {
            let choices = survey.choices_of(q);
            let shown: Vec<&str> = value
                .split_whitespace()
                .map(|n| {
                    choices
                        .iter()
                        .find(|c| c.name == n)
                        .map_or(n, |c| c.label.get(lang))
                })
                .collect();
            Cell::text(shown.join(" "))
        }
        _ => Cell::text(value),
    }
}

/// One row per interview: the household, who, status and times, then one
/// column per question (per version union), multiple choices also as one
/// 0/1 column per choice. All surveys at once prefix columns with the
/// survey id.
pub fn responses(
    sink: &mut Sink<'_>,
    store: &Store,
    survey: Option<&str>,
    labels: Option<Lang>,
    wide: bool,
) -> Result<(), ExportError> {
    let (mut versions, parsed) = survey_versions(store, survey)?;
    versions.sort_by(|a, b| a.0.cmp(&b.0));
    let widths = if wide {
        Some(super::rosters::widths(store, survey, &parsed)?)
    } else {
        None
    };
    let (header, columns) = response_columns(&versions, survey.is_none(), widths.as_ref());
    sink.header(&header)?;
    let width = header.len();
    store.for_each_interview(survey, |row| {
        // Answers are read in place from the stored JSON: no copies.
        let answers: std::collections::BTreeMap<&str, std::borrow::Cow<'_, str>> =
            serde_json::from_str(row.answers).map_err(|e| {
                ExportError::Store(crate::store::StoreError::Corrupt {
                    path: store.path().to_path_buf(),
                    detail: format!("answers of an interview: {e}"),
                })
            })?;
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(width);
        cells.extend([
            Cell::text(row.code),
            Cell::text(row.township),
            Cell::text(row.village),
            Cell::text(row.group),
            Cell::text(row.head),
            Cell::text(row.interviewer),
            Cell::text(row.status),
            Cell::text(beijing_time(row.started_at)),
            Cell::text(beijing_time(row.updated_at)),
            Cell::text(row.completed_at.map(beijing_time).unwrap_or_default()),
            Cell::text(row.survey),
            Cell::text(row.version),
            Cell::text(interview_id(row.uuid)),
        ]);
        let own = parsed.get(&row.snapshot).map(|s| &**s);
        answer_cells(&mut cells, &columns, row.survey, own, &answers, labels);
        sink.row(&cells)
    })
}

/// Every stored version of each survey (only of `survey`, when given),
/// by survey id, and each snapshot's questionnaire.
pub(super) type Versions = (Vec<(String, Vec<Rc<Survey>>)>, HashMap<i64, Rc<Survey>>);

/// An interview's id as exported, joining the responses and the rosters.
pub(super) fn interview_id(uuid: &[u8]) -> String {
    uuid::Uuid::from_slice(uuid).map_or_else(|_| String::new(), |u| u.to_string())
}

pub(super) fn survey_versions(
    store: &Store,
    survey: Option<&str>,
) -> Result<Versions, ExportError> {
    let mut versions: Vec<(String, Vec<Rc<Survey>>)> = Vec::new();
    let mut parsed: HashMap<i64, Rc<Survey>> = HashMap::new();
    for (id, name) in store.snapshots()? {
        if survey.is_some_and(|s| s != name) {
            continue;
        }
        let s = store.snapshot_survey(id)?;
        parsed.insert(id, Rc::clone(&s));
        match versions.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(s),
            None => versions.push((name, vec![s])),
        }
    }
    Ok((versions, parsed))
}

/// The header of the responses and, after its fixed columns, the survey
/// of each answer column; titles prefixed with the survey id when `prefix`.
fn response_columns(
    versions: &[(String, Vec<Rc<Survey>>)],
    prefix: bool,
    widths: Option<&Widths>,
) -> (Vec<String>, Vec<(String, Column)>) {
    let mut header: Vec<String> = [
        "code",
        "township",
        "village",
        "group",
        "head",
        "interviewer",
        "status",
        "started",
        "updated",
        "completed",
        "survey",
        "version",
        "interview",
    ]
    .map(String::from)
    .to_vec();
    let mut columns: Vec<(String, Column)> = Vec::new();
    for (name, list) in versions {
        for c in survey_columns(list, widths) {
            let title = c.title();
            header.push(if prefix {
                format!("{name}.{title}")
            } else {
                title
            });
            columns.push((name.clone(), c));
        }
    }
    (header, columns)
}

/// The answer cells of one interview of `survey`, answered with `own`:
/// empty in the columns of other surveys.
pub(super) fn answer_cells<'a>(
    cells: &mut Vec<Cell<'a>>,
    columns: &[(String, Column)],
    survey: &str,
    own: Option<&Survey>,
    answers: &'a std::collections::BTreeMap<&str, std::borrow::Cow<'_, str>>,
    labels: Option<Lang>,
) {
    for (name, column) in columns {
        if *name != survey {
            cells.push(Cell::text(""));
            continue;
        }
        cells.push(match column {
            Column::Answer(q) => match (answers.get(q.as_str()), own) {
                (Some(v), Some(s)) => answer_cell(s, q, v, labels),
                (Some(v), None) => Cell::text(v.as_ref()),
                (None, _) => Cell::text(""),
            },
            Column::Chosen(q, choice) => match answers.get(q.as_str()) {
                Some(v) => Cell::int(i64::from(v.split_whitespace().any(|c| c == choice))),
                None => Cell::text(""),
            },
        });
    }
}

fn kind_name(q: &Question) -> String {
    match &q.choices {
        Some(list) => format!("{} {list}", q.kind.name()),
        None => q.kind.name().to_string(),
    }
}

/// Conditions that must all hold, written as one expression that reads
/// as the app applies it: each part in brackets when there are several,
/// so `a or b` inherited from a section never binds to a question's own
/// condition.
pub fn all_of(conditions: &[&str]) -> String {
    match conditions {
        [one] => (*one).to_string(),
        many => many
            .iter()
            .map(|c| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// For each stored questionnaire version, every question and need rule.
pub fn codebook(sink: &mut Sink<'_>, store: &Store) -> Result<(), ExportError> {
    sink.header(
        &[
            "survey",
            "version",
            "kind",
            "name",
            "type",
            "required",
            "label_zh",
            "label_en",
            "choices",
            "relevant",
            "constraint",
            "min",
            "max",
            "unit",
            "severity",
            "category",
            "unit_cost",
            "roster",
            "special",
        ]
        .map(String::from),
    )?;
    for (id, _) in store.snapshots()? {
        let s = store.snapshot_survey(id)?;
        for section in &s.sections {
            for q in &section.questions {
                sink.row(&question_row(&s, section, q))?;
            }
        }
        for n in &s.needs {
            sink.row(&need_row(&s, n))?;
        }
    }
    Ok(())
}

/// The codebook row of question `q` of `section` of `s`.
fn question_row<'a>(s: &'a Survey, section: &'a Section, q: &'a Question) -> Vec<Cell<'a>> {
    let choices: Vec<String> = s
        .choices_of(q)
        .iter()
        .map(|c| {
            format!(
                "{}={}/{}",
                c.name,
                c.label.in_code("zh"),
                c.label.in_code("en")
            )
        })
        .collect();
    let relevant: Vec<&str> = section
        .relevant
        .iter()
        .chain(q.relevant.iter())
        .map(|e| e.text.as_str())
        .collect();
    vec![
        Cell::text(s.id.as_str()),
        Cell::text(s.version.as_str()),
        Cell::text("question"),
        Cell::text(q.name.as_str()),
        Cell::text(kind_name(q)),
        Cell::text(if q.required { "yes" } else { "no" }),
        Cell::text(q.label.in_code("zh")),
        Cell::text(q.label.in_code("en")),
        Cell::text(choices.join("; ")),
        Cell::text(all_of(&relevant)),
        Cell::text(q.constraint.as_ref().map_or("", |c| c.text.as_str())),
        q.min.map_or(Cell::text(""), Cell::num),
        q.max.map_or(Cell::text(""), Cell::num),
        Cell::text(q.unit.as_ref().map_or("", |u| u.in_code("zh"))),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(match section.roster {
            Some(_) => section.name.as_str(),
            None => "",
        }),
        Cell::text(
            q.special
                .iter()
                .map(|s| s.stored())
                .collect::<Vec<_>>()
                .join(" "),
        ),
    ]
}

/// The codebook row of need rule `n` of `s`.
fn need_row<'a>(s: &'a Survey, n: &'a Need) -> Vec<Cell<'a>> {
    vec![
        Cell::text(s.id.as_str()),
        Cell::text(s.version.as_str()),
        Cell::text("need"),
        Cell::text(n.name.as_str()),
        Cell::text(""),
        Cell::text(""),
        Cell::text(n.project.as_ref().map_or("", |p| p.in_code("zh"))),
        Cell::text(n.project.as_ref().map_or("", |p| p.in_code("en"))),
        Cell::text(""),
        Cell::text(n.when.text.as_str()),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::int(i64::from(n.severity.get())),
        Cell::text(n.category.as_str()),
        n.unit_cost.map_or(Cell::text(""), Cell::num),
        Cell::text(n.repeat.as_deref().unwrap_or("")),
        Cell::text(""),
    ]
}

#[cfg(test)]
mod tests {
    use super::all_of;
    use crate::survey::expr::parse;

    #[test]
    fn inherited_conditions_are_bracketed_so_they_read_as_applied() {
        assert_eq!(all_of(&[]), "");
        assert_eq!(all_of(&["a != 'x' or b = 'y'"]), "a != 'x' or b = 'y'");
        let both = all_of(&["${a} != 'x' or ${b} = 'y'", "${c} > 1"]);
        assert_eq!(both, "(${a} != 'x' or ${b} = 'y') and (${c} > 1)");
        // Parsed back, the whole is an `and` of the two parts, not an `or`.
        let parsed = parse(&both).expect("parses").to_string();
        assert_eq!(parsed, "((${a} != 'x') or (${b} = 'y')) and (${c} > 1)");
        let unbracketed = parse("${a} != 'x' or ${b} = 'y' and ${c} > 1").expect("parses");
        assert_ne!(unbracketed.to_string(), parsed, "what it read as before");
    }
}
