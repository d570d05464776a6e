//! The exports planners take to Excel or WPS: responses, households and
//! the codebook (the ranked projects are [`super::priorities`]).

use std::rc::Rc;

use super::columns::{
    AnswerColumns, Column, Widths, answer_field, interview_id_into, question_columns,
    survey_versions,
};
use super::csv_out::{Cell, ExportError, Sink};
use super::parquet::{Field, Kind};
use crate::i18n::Lang;
use crate::store::Store;
use crate::survey::expr::all_of;
use crate::survey::{Need, Question, Section, Survey};

pub fn households(sink: &mut Sink<'_>, store: &Store) -> Result<(), ExportError> {
    let text = Field::text;
    sink.fields(&[
        text("code"),
        Field::township("township"),
        text("village"),
        text("group"),
        text("head"),
        Field::new("members", Kind::Int),
        text("phone"),
        text("cadre"),
        text("cadre_code"),
        text("unit"),
        text("notes"),
    ])?;
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
            Cell::text(hh.cadre_code),
            Cell::text(hh.unit),
            Cell::text(hh.notes),
        ])?;
    }
    Ok(())
}

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

/// One row per interview: the household, who, status and times, then one
/// column per question (per version union), multiple choices also as one
/// 0/1 column per choice. All surveys at once prefix columns with the
/// survey id. `sinks` are the responses' then each of `rosters`' files,
/// written in the same pass over the interviews.
pub fn responses(
    sinks: &mut [Sink<'_>],
    store: &Store,
    (survey, round): (Option<&str>, Option<i64>),
    (labels, wide): (Option<Lang>, bool),
    rosters: &[super::rosters::RosterFile],
) -> Result<(), ExportError> {
    let Some((sink, roster_sinks)) = sinks.split_first_mut() else {
        return Ok(());
    };
    for (file, sink) in rosters.iter().zip(roster_sinks.iter_mut()) {
        file.header(sink)?;
    }
    let (mut versions, parsed) = survey_versions(store, survey)?;
    versions.sort_by(|a, b| a.0.cmp(&b.0));
    let widths = if wide {
        Some(super::rosters::widths(store, (survey, round), &parsed)?)
    } else {
        None
    };
    let (fields, columns) = response_columns(&versions, survey.is_none(), widths.as_ref());
    let columns = AnswerColumns::new(columns, &parsed);
    sink.fields(&fields)?;
    let width = fields.len();
    let by_township = sink.by_township();
    // Read ahead by another connection, which sees the file as it is when
    // it starts: an interview of a questionnaire version that came after
    // the columns were laid out stops the export rather than losing the
    // answers its new questions hold.
    store.for_each_interview_ahead((survey, round, by_township), |row| {
        let Some(own) = parsed.get(&row.snapshot).map(|s| &**s) else {
            return Err(ExportError::Usage(crate::tr!(
                "导出时另一个程序加入了新的问卷版本;没有留下不完整的文件,请再导出一次",
                "another program added a questionnaire version during the export; no partial file was left: export again"
            )));
        };
        // Answers are read in place from the stored JSON: no copies.
        let answers = super::rosters::parse_answers(store, &row)?;
        for (file, sink) in rosters.iter().zip(roster_sinks.iter_mut()) {
            file.rows(sink, &row, &answers, labels)?;
        }
        let mut id = [0u8; 36];
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(width);
        cells.extend([
            Cell::text(row.code),
            Cell::text(row.township),
            Cell::text(row.village),
            Cell::text(row.group),
            Cell::text(row.head),
            Cell::text(row.interviewer),
            Cell::text(row.status),
            Cell::Time(row.started_at),
            Cell::Time(row.updated_at),
            row.completed_at.map_or(Cell::text(""), Cell::Time),
            Cell::text(row.survey),
            Cell::text(row.version),
            Cell::text(interview_id_into(row.uuid, &mut id)),
            Cell::text(row.round),
        ]);
        // Rows past a lowered count (a draft waiting for the rows to drop)
        // are not the household's: left out, as the rosters' files do.
        let mut answers = answers;
        if let Some(widths) = &widths {
            super::rosters::drop_rows_past_count(&row, &mut answers, own);
            // Columns were made for the rows counted before: an interview
            // given more since stops the export rather than losing them.
            if super::rosters::wider_than(&answers, own, widths) {
                return Err(ExportError::Usage(crate::tr!(
                    "导出时有调查加了名单的行;没有留下不完整的文件,请再导出一次",
                    "an interview was given more roster rows during the export; no partial file was left: export again"
                )));
            }
        }
        let which = (row.survey, row.snapshot, own);
        columns.cells(&mut cells, which, &answers, labels);
        sink.row(&cells)
    })
}

/// The columns of the responses (typed, for a Parquet dataset) and,
/// after its fixed columns, the survey of each answer column; titles
/// prefixed with the survey id when `prefix`.
fn response_columns(
    versions: &[(String, Vec<Rc<Survey>>)],
    prefix: bool,
    widths: Option<&Widths>,
) -> (Vec<Field>, Vec<(String, Column)>) {
    let text = Field::text;
    let time = |name| Field::new(name, Kind::Time);
    let mut fields: Vec<Field> = vec![
        text("code"),
        Field::township("township"),
        text("village"),
        text("group"),
        text("head"),
        text("interviewer"),
        text("status"),
        time("started"),
        time("updated"),
        time("completed"),
        text("survey"),
        text("version"),
        text("interview"),
        text("round"),
    ];
    let mut columns: Vec<(String, Column)> = Vec::new();
    for (name, list) in versions {
        for c in survey_columns(list, widths) {
            let title = c.title();
            let title = if prefix {
                format!("{name}.{title}")
            } else {
                title
            };
            fields.push(answer_field(title, name, &c, list));
            columns.push((name.clone(), c));
        }
    }
    (fields, columns)
}

fn kind_name(q: &Question) -> String {
    match &q.choices {
        Some(list) => format!("{} {list}", q.kind.name()),
        None => q.kind.name().to_string(),
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
