//! The columns of exported answers, shared by the responses and the
//! rosters' files: which questions, under which titles, and each cell as
//! Excel and WPS read it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::csv_out::{Cell, ExportError};
use super::parquet::{Field, Kind};
use crate::i18n::Lang;
use crate::store::Store;
use crate::survey::roster::split_key;
use crate::survey::{Question, QuestionKind, Section, Survey};

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

/// The cell of `value`, the answer to question `q` of `survey`: a number
/// when the question takes one and it reads as one, choice labels when
/// asked for.
fn answer_cell<'a>(
    survey: &Survey,
    q: Option<&Question>,
    value: &'a str,
    labels: Option<Lang>,
) -> Cell<'a> {
    let Some(q) = q else {
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
        ) => Cell::text(survey.choice_labels(q, value, lang).join(" ")),
        _ => Cell::text(value),
    }
}

/// Every stored version of each survey (only of `survey`, when given),
/// by survey id, and each snapshot's questionnaire.
pub(super) type Versions = (Vec<(String, Vec<Rc<Survey>>)>, HashMap<i64, Rc<Survey>>);

/// An interview's id as exported, joining the responses and the rosters,
/// written into `buf`: nothing allocated for a row.
pub(super) fn interview_id_into<'b>(uuid: &[u8], buf: &'b mut [u8; 36]) -> &'b str {
    match uuid::Uuid::from_slice(uuid) {
        Ok(u) => u.hyphenated().encode_lower(buf),
        Err(_) => "",
    }
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

/// The answer columns of an export, by survey, with where each column's
/// question is in each questionnaire version, found once rather than for
/// every cell.
pub(super) struct AnswerColumns {
    pub columns: Vec<(String, Column)>,
    /// Each survey's columns, which come one survey's after another's.
    ranges: HashMap<String, std::ops::Range<usize>>,
    /// Per questionnaire version (snapshot id), the position of each of
    /// its survey's columns' question.
    positions: HashMap<i64, Vec<Option<usize>>>,
}

impl AnswerColumns {
    /// `columns` (each survey's together), read with the questionnaire
    /// versions of `parsed`.
    pub(super) fn new(
        columns: Vec<(String, Column)>,
        parsed: &HashMap<i64, Rc<Survey>>,
    ) -> AnswerColumns {
        let mut ranges: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        for (i, (survey, _)) in columns.iter().enumerate() {
            let range = ranges.entry(survey.clone()).or_insert(i..i);
            range.end = i + 1;
        }
        let positions = parsed
            .iter()
            .filter_map(|(&id, s)| {
                let range = ranges.get(&s.id)?.clone();
                let list = columns[range]
                    .iter()
                    .map(|(_, c)| match c {
                        Column::Answer(key) | Column::Chosen(key, _) => {
                            s.index_of(split_key(key).0)
                        }
                    })
                    .collect();
                Some((id, list))
            })
            .collect();
        AnswerColumns {
            columns,
            ranges,
            positions,
        }
    }

    /// The answer cells of one interview of `survey`, answered with
    /// questionnaire version `snapshot` (`own`): empty in the columns of
    /// other surveys.
    pub(super) fn cells<'a>(
        &self,
        cells: &mut Vec<Cell<'a>>,
        (survey, snapshot, own): (&str, i64, &Survey),
        answers: &'a super::stored::Stored<'_>,
        labels: Option<Lang>,
    ) {
        let total = self.columns.len();
        let Some(range) = self.ranges.get(survey) else {
            cells.extend((0..total).map(|_| Cell::text("")));
            return;
        };
        cells.extend((0..range.start).map(|_| Cell::text("")));
        let positions = self.positions.get(&snapshot);
        // A choice's columns come right after its question's (see
        // [`question_columns`]): they read the answer it found.
        let mut answer = None;
        for (j, (_, column)) in self.columns[range.clone()].iter().enumerate() {
            cells.push(match column {
                Column::Answer(key) => match answers.get(key.as_str()) {
                    Some(v) => {
                        answer = Some(v);
                        let at = positions.and_then(|p| p.get(j).copied().flatten());
                        answer_cell(own, at.map(|i| own.question_at(i)), v, labels)
                    }
                    None => {
                        answer = None;
                        Cell::text("")
                    }
                },
                Column::Chosen(_, choice) => match answer {
                    Some(v) => Cell::Number(Cow::Borrowed(
                        if v.split_whitespace().any(|c| c == choice) {
                            "1"
                        } else {
                            "0"
                        },
                    )),
                    None => Cell::text(""),
                },
            });
        }
        cells.extend((range.end..total).map(|_| Cell::text("")));
    }
}

/// The typed column of `column` of `survey` (its versions oldest first)
/// under `title`, with the question as the codebook says it: integers,
/// decimals and dates typed (anything else they hold, such as a special
/// answer, kept beside them as text), a choice's column 0/1.
pub(super) fn answer_field(
    title: String,
    survey: &str,
    column: &Column,
    versions: &[Rc<Survey>],
) -> Field {
    let key = match column {
        Column::Answer(key) | Column::Chosen(key, _) => key,
    };
    let (name, row) = split_key(key);
    let found = versions
        .iter()
        .rev()
        .find_map(|s| s.question(name).map(|q| (s, q)));
    let Some((s, q)) = found else {
        return Field::text(title);
    };
    let labels = |label: &crate::survey::Label| serde_json::json!({"zh": label.in_code("zh"), "en": label.in_code("en")});
    let mut about = serde_json::json!({
        "survey": survey,
        "question": name,
        "type": q.kind.name(),
        "label": labels(&q.label),
    });
    if row > 0 {
        about["row"] = row.into();
    }
    if let Some(unit) = &q.unit {
        about["unit"] = labels(unit);
    }
    if !q.special.is_empty() {
        let special: Vec<&str> = q.special.iter().map(|s| s.stored()).collect();
        about["special"] = special.into();
    }
    match column {
        Column::Chosen(_, choice) => {
            about["choice"] = choice.as_str().into();
            if let Some(c) = s.choices_of(q).iter().find(|c| c.name == *choice) {
                about["choice_label"] = labels(&c.label);
            }
            Field::new(title, Kind::Int).about(about)
        }
        Column::Answer(_) => {
            let choices: Vec<serde_json::Value> = s
                .choices_of(q)
                .iter()
                .map(|c| serde_json::json!({"name": c.name, "label": labels(&c.label)}))
                .collect();
            if !choices.is_empty() {
                about["choices"] = choices.into();
            }
            let kind = match q.kind {
                QuestionKind::Integer => Kind::Int,
                QuestionKind::Decimal => Kind::Decimal,
                QuestionKind::Date => Kind::Date,
                _ => Kind::Text,
            };
            Field::new(title, kind).keeping_other().about(about)
        }
    }
}
