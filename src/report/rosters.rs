//! The file of each roster beside the responses: one row per row of each
//! interview, keyed by the interview, the household code, the row number
//! and the row's label, so that it joins the responses in Excel or pandas.

use std::borrow::Cow;
use std::rc::Rc;

use super::columns::{
    AnswerColumns, Column, Versions, Widths, answer_field, interview_id_into, question_columns,
    survey_versions,
};
use super::csv_out::{Cell, ExportError, Sink};
use super::parquet::{Field, Kind};
use super::stored::Stored;
use crate::i18n::Lang;
use crate::interview::{Answers, HouseholdFacts, Slot, State};
use crate::store::overview::InterviewRow;
use crate::store::{Store, StoreError};
use crate::survey::Survey;

/// Every roster of the stored questionnaires (of `survey`, when given), as
/// (survey, roster), in order.
pub fn rosters(store: &Store, survey: Option<&str>) -> Result<Vec<(String, String)>, ExportError> {
    let (versions, _) = survey_versions(store, survey)?;
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, list) in &versions {
        for s in list.iter().rev() {
            for section in s.sections.iter().filter(|s| s.roster.is_some()) {
                let pair = (name.clone(), section.name.clone());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The interview of `row` as the engine reads it: its answers and its
/// household's facts.
fn reading(row: &InterviewRow<'_>, answers: &Stored<'_>) -> (Answers, HouseholdFacts) {
    let owned = answers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (owned, row.facts())
}

pub(super) fn parse_answers<'r>(
    store: &Store,
    row: &InterviewRow<'r>,
) -> Result<Stored<'r>, ExportError> {
    Stored::parse(row.answers).map_err(|e| {
        ExportError::Store(StoreError::Corrupt {
            path: store.path().to_path_buf(),
            detail: format!("answers of an interview: {e}"),
        })
    })
}

/// The highest row of `section` with a stored answer (0: none).
fn rows_stored(answers: &Stored<'_>, section: &crate::survey::Section) -> u32 {
    answers
        .keys()
        .filter_map(|k| {
            let (name, row) = crate::survey::roster::split_key(k);
            (row > 0 && section.questions.iter().any(|q| q.name == name)).then_some(row)
        })
        .max()
        .unwrap_or(0)
}

/// Whether a roster of `survey` holds more rows in `answers` than `widths`
/// made columns for (an interview saved while a wide export was read).
pub(super) fn wider_than(answers: &Stored<'_>, survey: &Survey, widths: &Widths) -> bool {
    survey
        .sections
        .iter()
        .filter(|s| s.roster.is_some())
        .any(|s| {
            let width = widths.get(&(survey.id.clone(), s.name.clone())).copied();
            rows_stored(answers, s) > width.unwrap_or(0)
        })
}

/// Removes from `answers` the rows of each roster past its count now.
pub(super) fn drop_rows_past_count(
    row: &InterviewRow<'_>,
    answers: &mut Stored<'_>,
    survey: &Survey,
) {
    let rosters: Vec<&crate::survey::Section> = survey
        .sections
        .iter()
        .filter(|s| s.roster.is_some() && rows_stored(answers, s) > 0)
        .collect();
    if rosters.is_empty() {
        return;
    }
    let counts: Vec<(&crate::survey::Section, u32)> = {
        let (owned, facts) = reading(row, answers);
        let state = State::new(survey, &owned, &facts);
        rosters.iter().map(|s| (*s, state.row_count(s))).collect()
    };
    answers.retain(|key| {
        let (name, r) = crate::survey::roster::split_key(key);
        !counts
            .iter()
            .any(|(s, n)| r > *n && s.questions.iter().any(|q| q.name == name))
    });
}

/// The most rows each roster has in an interview, for `--wide`.
pub fn widths(
    store: &Store,
    which: (Option<&str>, Option<i64>),
    parsed: &std::collections::HashMap<i64, Rc<Survey>>,
) -> Result<Widths, ExportError> {
    let mut widths = Widths::new();
    store.for_each_interview(which, |row| {
        let Some(own) = parsed.get(&row.snapshot) else {
            return Ok(());
        };
        if own.sections.iter().all(|s| s.roster.is_none()) {
            return Ok(());
        }
        let answers = parse_answers(store, &row)?;
        if own
            .sections
            .iter()
            .filter(|s| s.roster.is_some())
            .all(|s| rows_stored(&answers, s) == 0)
        {
            return Ok(());
        }
        let (answers, facts) = reading(&row, &answers);
        let state = State::new(own, &answers, &facts);
        for section in own.sections.iter().filter(|s| s.roster.is_some()) {
            let n = state.row_count(section);
            let width = widths
                .entry((own.id.clone(), section.name.clone()))
                .or_insert(0);
            *width = (*width).max(n);
        }
        Ok::<(), ExportError>(())
    })?;
    Ok(widths)
}

/// One roster's file, written in the pass over the responses: the keys
/// (interview, household code, row, row label), then the roster's
/// questions, one row per row of each interview of its survey. The rows
/// of an interview are those its roster has now (rows left past a lowered
/// count are not exported until the interviewer says which to drop).
pub struct RosterFile {
    survey: String,
    roster: String,
    columns: AnswerColumns,
    parsed: std::collections::HashMap<i64, Rc<Survey>>,
}

impl RosterFile {
    pub fn new(store: &Store, survey: &str, roster: &str) -> Result<RosterFile, ExportError> {
        let (versions, parsed): Versions = survey_versions(store, Some(survey))?;
        let list: Vec<Rc<Survey>> = versions.into_iter().flat_map(|(_, l)| l).collect();
        let columns: Vec<(String, Column)> = question_columns(&list, |_, section| {
            // Each row's answers are read under the question's name alone.
            (section.name == roster && section.roster.is_some()).then(|| vec![0])
        })
        .into_iter()
        .map(|c| (survey.to_string(), c))
        .collect();
        Ok(RosterFile {
            survey: survey.to_string(),
            roster: roster.to_string(),
            columns: AnswerColumns::new(columns, &parsed),
            parsed,
        })
    }

    /// The columns; a Parquet dataset's also the township, which names
    /// its folders.
    pub fn header(&self, sink: &mut Sink<'_>) -> Result<(), ExportError> {
        let mut fields = vec![
            Field::text("interview"),
            Field::text("code"),
            Field::new("row", Kind::Int),
            Field::text("row_label"),
        ];
        if sink.by_township() {
            fields.push(Field::township("township"));
        }
        let list: Vec<Rc<Survey>> = {
            let mut list: Vec<(&i64, &Rc<Survey>)> = self.parsed.iter().collect();
            list.sort_by_key(|(id, _)| **id);
            list.into_iter().map(|(_, s)| Rc::clone(s)).collect()
        };
        fields.extend(
            self.columns
                .columns
                .iter()
                .map(|(survey, c)| answer_field(c.title(), survey, c, &list)),
        );
        sink.fields(&fields)
    }

    /// The rows of interview `row`, whose stored answers are `stored`,
    /// when it is of this roster's survey.
    pub(super) fn rows(
        &self,
        sink: &mut Sink<'_>,
        row: &InterviewRow<'_>,
        stored: &Stored<'_>,
        labels: Option<Lang>,
    ) -> Result<(), ExportError> {
        if row.survey != self.survey {
            return Ok(());
        }
        let Some(own) = self.parsed.get(&row.snapshot) else {
            return Ok(());
        };
        let Some(section) = own.roster(&self.roster) else {
            return Ok(());
        };
        // Most interviews have no row (health asks about each member only
        // when someone needs it): those are passed over unread.
        if rows_stored(stored, section) == 0 {
            return Ok(());
        }
        let lang = labels.unwrap_or(Lang::Zh);
        let (answers, facts) = reading(row, stored);
        let state = State::new(own, &answers, &facts);
        let first = own.positions_of(section).start;
        let mut id = [0u8; 36];
        let id = interview_id_into(row.uuid, &mut id);
        let count = state.row_count(section);
        // Each row's answers under the questions' names, which the
        // columns read, sorted out in one pass.
        let mut by_row: Vec<Vec<(&str, Cow<'_, str>)>> = vec![Vec::new(); count as usize];
        for (key, value) in stored.iter() {
            let (name, n) = crate::survey::roster::split_key(key);
            if let Some(answers) = n.checked_sub(1).and_then(|i| by_row.get_mut(i as usize)) {
                answers.push((name, Cow::Borrowed(value.as_ref())));
            }
        }
        for (n, keyed) in (1..=count).zip(by_row.into_iter().map(Stored::from_pairs)) {
            let label = match section.roster.as_ref().and_then(|r| r.row_label.as_deref()) {
                Some(text) => state.fill_at(
                    text,
                    lang,
                    Some(Slot {
                        index: first,
                        row: n,
                    }),
                ),
                None => String::new(),
            };
            let mut cells: Vec<Cell<'_>> = vec![
                Cell::text(id),
                Cell::text(row.code),
                Cell::int(i64::from(n)),
                Cell::text(label),
            ];
            if sink.by_township() {
                cells.push(Cell::text(row.township));
            }
            let which = (self.survey.as_str(), row.snapshot, own.as_ref());
            self.columns.cells(&mut cells, which, &keyed, labels);
            sink.row(&cells)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interview_with_more_rows_than_the_wide_columns_is_found() {
        let (_, text) = crate::survey::bundled::BUNDLED
            .iter()
            .find(|(path, _)| path.contains("health"))
            .expect("the health questionnaire");
        let survey = crate::survey::load(text).survey.expect("loads");
        let answers =
            Stored::parse(r#"{"relation[1]":"head","relation[2]":"spouse","all_insured":"no"}"#)
                .expect("answers");
        let mut widths = Widths::new();
        widths.insert((survey.id.clone(), "member".to_string()), 2);
        assert!(!wider_than(&answers, &survey, &widths));
        widths.insert((survey.id.clone(), "member".to_string()), 1);
        assert!(wider_than(&answers, &survey, &widths));
        assert!(wider_than(&answers, &survey, &Widths::new()));
    }
}
