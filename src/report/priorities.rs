//! The priorities list as people read it: one [`PriorityRow`] per ranked
//! project, with named fields, and the [`Column`]s a table or a CSV file
//! shows of it. Layout only: ranks, filters and budgets come from
//! [`crate::priority`].

use std::borrow::Cow;

use super::csv_out::{Cell, ExportError, Sink};
use super::parquet::{Field, Kind};
use crate::i18n::Lang;
use crate::priority::budget::Choice;
use crate::priority::uncertainty::Standing;
use crate::priority::{Project, Rule, category_name};
use crate::store::priorities::{Perceived, PriorityInput};

/// The project label of a rule, in `lang`, or the rule's name.
pub fn project_label(rule: &Rule, lang: Lang) -> String {
    rule.project
        .as_ref()
        .map_or(rule.name.clone(), |p| p.get(lang).to_string())
}

/// A column of the priorities list, in the order of the CSV export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// The place in the list shown (1 for its first project).
    Rank,
    /// The place among every project of the county, filters aside.
    CountyRank,
    /// The county ranks the project could hold within its interval.
    Band,
    Township,
    Village,
    Group,
    Category,
    Project,
    /// `survey.rule`, which `minqing explain` takes.
    Rule,
    Severity,
    Phase,
    Affected,
    Surveyed,
    /// Surveyed households where the rule cannot be told.
    Unknown,
    Registered,
    People,
    /// Persons affected, for a rule counted per person.
    Persons,
    Share,
    /// The 90% interval of the share.
    Low,
    High,
    /// The share of affected households that called the problem urgent
    /// themselves (the questionnaire's last question).
    Urgent,
    Cost,
    Reliability,
    /// Only with a budget.
    Funded,
}

impl Column {
    /// Every column, in order; `Funded` last.
    pub const ALL: [Column; 24] = {
        use Column::*;
        [
            Rank,
            CountyRank,
            Band,
            Township,
            Village,
            Group,
            Category,
            Project,
            Rule,
            Severity,
            Phase,
            Affected,
            Surveyed,
            Unknown,
            Registered,
            People,
            Persons,
            Share,
            Low,
            High,
            Urgent,
            Cost,
            Reliability,
            Funded,
        ]
    };

    /// Every column, `Funded` only with a budget.
    pub fn all(budget: bool) -> &'static [Column] {
        &Column::ALL[..Column::ALL.len() - usize::from(!budget)]
    }

    /// The column's title in `lang`.
    pub fn header(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Column::Rank => ("排序", "rank"),
            Column::CountyRank => ("全县排序", "county rank"),
            Column::Band => ("名次带", "rank band"),
            Column::Low => ("90%区间下限", "90% low"),
            Column::High => ("90%区间上限", "90% high"),
            Column::Township => ("乡镇", "township"),
            Column::Village => ("村", "village"),
            Column::Group => ("组", "group"),
            Column::Category => ("类别", "category"),
            Column::Project => ("项目", "project"),
            Column::Rule => ("规则", "rule"),
            Column::Severity => ("严重程度", "severity"),
            Column::Phase => ("阶段", "phase"),
            Column::Affected => ("受影响户数", "households affected"),
            Column::Surveyed => ("调查户数", "surveyed"),
            Column::Unknown => ("无法判断户数", "households unknown"),
            Column::Registered => ("登记户数", "registered"),
            Column::People => ("受影响人口", "people affected"),
            Column::Persons => (
                "受影响人数(按人计的规则)",
                "persons affected (rules per person)",
            ),
            Column::Share => ("比例", "share"),
            Column::Urgent => ("自认为急的比例", "called it urgent"),
            Column::Cost => ("估算费用(元)", "estimated cost (yuan)"),
            Column::Reliability => ("可靠性", "reliability"),
            Column::Funded => ("纳入预算", "funded"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The column's type in a Parquet dataset.
    pub fn kind(self) -> Kind {
        match self {
            Column::Rank
            | Column::CountyRank
            | Column::Severity
            | Column::Phase
            | Column::Affected
            | Column::Surveyed
            | Column::Unknown
            | Column::Registered
            | Column::People
            | Column::Persons => Kind::Int,
            Column::Low | Column::High | Column::Share | Column::Urgent | Column::Cost => {
                Kind::Decimal
            }
            Column::Band
            | Column::Township
            | Column::Village
            | Column::Group
            | Column::Category
            | Column::Project
            | Column::Rule
            | Column::Reliability
            | Column::Funded => Kind::Text,
        }
    }

    /// The column as a typed export declares it, described in both
    /// languages.
    fn field(self, lang: Lang) -> Field {
        let field = match self {
            Column::Township => Field::township(self.header(lang)),
            _ => Field::new(self.header(lang), self.kind()),
        };
        field.about(serde_json::json!({
            "label": {"zh": self.header(Lang::Zh), "en": self.header(Lang::En)}
        }))
    }

    /// A column of numbers (or of ranks), aligned right in a table.
    pub fn is_number(self) -> bool {
        self == Column::Band || self.kind() != Kind::Text
    }
}

/// One ranked project as a row of the list.
#[derive(Clone, Debug)]
pub struct PriorityRow<'a> {
    /// 1 for the first project of the list shown.
    pub rank: usize,
    pub project: &'a Project,
    pub rule: &'a Rule,
    /// Every rule, which the project's point into.
    pub rules: &'a [Rule],
    /// Where it stands in the county's ranking.
    pub standing: Standing,
    /// Whether the budget funds it; `None` without a budget.
    pub funded: Option<bool>,
    /// What its affected households said of the urgency, when read, or
    /// as the project carries it (ranked from the kept counts).
    pub urgency: Option<Perceived>,
}

impl<'a> PriorityRow<'a> {
    /// The rows of `projects` (ranked and filtered), numbered from 1, with
    /// the budget's choice over them.
    pub fn list(
        lists: (&'a [Project], &'a [Standing], &'a [Perceived]),
        rules: &'a [Rule],
        choice: Option<&Choice>,
    ) -> impl Iterator<Item = PriorityRow<'a>> {
        Self::some(lists, rules, choice, 0..lists.0.len())
    }

    /// The rows numbered `rows` (from 0) of [`PriorityRow::list`].
    pub fn some(
        (projects, standings, perceived): (&'a [Project], &'a [Standing], &'a [Perceived]),
        rules: &'a [Rule],
        choice: Option<&Choice>,
        rows: std::ops::Range<usize>,
    ) -> impl Iterator<Item = PriorityRow<'a>> {
        let funded: Option<Vec<usize>> = choice.map(|c| c.funded.clone());
        let first = rows.start;
        projects
            .get(rows)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(move |(n, project)| {
                let n = first + n;
                PriorityRow {
                    rank: n + 1,
                    project,
                    rule: &rules[project.rule],
                    rules,
                    standing: standings.get(n).copied().unwrap_or_default(),
                    funded: funded.as_ref().map(|f| f.binary_search(&n).is_ok()),
                    urgency: perceived.get(n).copied().or(project.perceived),
                }
            })
    }

    /// `survey.rule`, or `survey.rule+other` for a project rules share.
    pub fn rule_id(&self) -> String {
        let mut id = String::new();
        self.push_rule_id(&mut id);
        id
    }

    /// [`PriorityRow::rule_id`] written at the end of `out`.
    fn push_rule_id(&self, out: &mut String) {
        out.push_str(&self.rule.survey);
        out.push('.');
        out.push_str(&self.rule.name);
        for &r in &self.project.also {
            out.push('+');
            out.push_str(&self.rules[r].name);
        }
    }

    /// The value of an integer column; `None` for the others.
    pub fn integer(&self, column: Column) -> Option<i64> {
        let p = self.project;
        Some(match column {
            Column::Rank => self.rank as i64,
            Column::CountyRank => self.standing.rank as i64,
            Column::Severity => i64::from(self.rule.severity),
            Column::Phase => i64::from(p.phase),
            Column::Affected => p.affected,
            Column::Surveyed => p.surveyed,
            Column::Unknown => p.unknown,
            Column::Registered => p.registered,
            Column::People => p.people,
            _ => return None,
        })
    }

    /// The value of `column`, for a CSV file.
    pub fn cell(&self, column: Column, lang: Lang) -> Cell<'a> {
        if let Some(n) = self.integer(column) {
            return Cell::int(n);
        }
        let p = self.project;
        match column {
            Column::Band => Cell::text(self.standing.band_text()),
            Column::Low => Cell::Number(format!("{:.3}", p.interval().0).into()),
            Column::High => Cell::Number(format!("{:.3}", p.interval().1).into()),
            Column::Rule => Cell::text(self.rule_id()),
            Column::Persons => p.persons.map_or(Cell::text(""), Cell::int),
            Column::Share => Cell::Number(format!("{:.3}", p.share()).into()),
            Column::Urgent => match self.urgency.and_then(|u| u.share()) {
                Some(share) => Cell::Number(format!("{share:.3}").into()),
                None => Cell::text(""),
            },
            Column::Cost => p.cost.map_or(Cell::text(""), Cell::num),
            _ => Cell::text(self.named(column, lang).unwrap_or_default()),
        }
    }

    /// The value of a column of names (and the reliability and the
    /// budget's choice, which are words), borrowed; `None` for the others.
    /// The category by its id: a table names it ([`PriorityRow::text`]).
    fn named(&self, column: Column, lang: Lang) -> Option<&'a str> {
        let (p, r) = (self.project, self.rule);
        Some(match column {
            Column::Township => p.area.township.as_str(),
            Column::Village => p.area.village.as_str(),
            Column::Group => p.area.group.as_str(),
            Column::Category => r.category.as_str(),
            Column::Project => match &r.project {
                Some(label) => label.get(lang),
                None => r.name.as_str(),
            },
            Column::Reliability => match (p.low_reliability(), lang) {
                (false, _) => "",
                (true, Lang::Zh) => "低",
                (true, Lang::En) => "low",
            },
            Column::Funded => match (self.funded, lang) {
                (Some(true), Lang::Zh) => "是",
                (Some(true), Lang::En) => "yes",
                _ => "",
            },
            _ => return None,
        })
    }

    /// A column of names as a table shows it (the category by its name
    /// in `lang`), borrowed; `None` for the others.
    fn shown_name(&self, column: Column, lang: Lang) -> Option<&'a str> {
        match column {
            Column::Category => Some(category_name(&self.rule.category, lang)),
            _ => self.named(column, lang),
        }
    }

    /// The value of `column` for a terminal table: the share as a percent.
    pub fn text(&self, column: Column, lang: Lang) -> Cow<'a, str> {
        if let Some(name) = self.shown_name(column, lang) {
            return Cow::Borrowed(name);
        }
        let mut text = String::new();
        self.write_text(column, lang, &mut text);
        Cow::Owned(text)
    }

    /// [`PriorityRow::text`] written at the end of `out`, made in place
    /// (a province's table has a million cells).
    pub fn write_text(&self, column: Column, lang: Lang, out: &mut String) {
        use crate::text::{push_int, push_number, push_whole};
        let p = self.project;
        let percent = |out: &mut String, share: f64| {
            push_whole(out, share * 100.0);
            out.push('%');
        };
        if let Some(name) = self.shown_name(column, lang) {
            out.push_str(name);
            return;
        }
        if let Some(n) = self.integer(column) {
            push_int(out, n);
            return;
        }
        match column {
            Column::Share => percent(out, p.share()),
            Column::Urgent => {
                if let Some(share) = self.urgency.and_then(|u| u.share()) {
                    percent(out, share);
                }
            }
            // The interval in one column: 18–82%.
            Column::Low => {
                let (low, high) = p.interval();
                push_whole(out, low * 100.0);
                out.push('–');
                percent(out, high);
            }
            Column::Band => self.standing.write_band(out),
            Column::Persons => {
                if let Some(n) = p.persons {
                    push_int(out, n);
                }
            }
            Column::Rule => self.push_rule_id(out),
            Column::Cost => {
                if let Some(cost) = p.cost {
                    push_number(out, cost);
                }
            }
            _ => out.push_str(&self.cell(column, lang).into_text()),
        }
    }
}

/// Writes the ranked projects (already filtered) as CSV.
/// A ranking made with weights says so in a last column, `weights`, on
/// every row. Categories are written by name in `lang` when `named`, by
/// id otherwise.
pub fn write(
    sink: &mut Sink<'_>,
    (input, weights): (&PriorityInput, Option<&str>),
    (projects, standings, perceived): (&[Project], &[Standing], &[Perceived]),
    choice: Option<&Choice>,
    (lang, named): (Lang, bool),
) -> Result<(), ExportError> {
    let columns = Column::all(choice.is_some());
    let mut fields: Vec<Field> = columns.iter().map(|c| c.field(lang)).collect();
    if weights.is_some() {
        fields.push(Field::text(match lang {
            Lang::Zh => "权重",
            Lang::En => "weights",
        }));
    }
    sink.fields(&fields)?;
    let mut cells = Vec::with_capacity(columns.len() + 1);
    let mut rows: Vec<PriorityRow<'_>> =
        PriorityRow::list((projects, standings, perceived), &input.rules, choice).collect();
    if sink.by_township() {
        // A file per township: each township's rows together, in rank order.
        rows.sort_by(|a, b| a.project.area.township.cmp(&b.project.area.township));
    }
    for row in rows {
        cells.clear();
        cells.extend(columns.iter().map(|&c| match c {
            Column::Category if named => Cell::text(category_name(&row.rule.category, lang)),
            _ => row.cell(c, lang),
        }));
        if let Some(w) = weights {
            cells.push(Cell::text(w));
        }
        sink.row(&cells)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_both_languages_and_funded_needs_a_budget() {
        assert_eq!(Column::all(false).len(), 23);
        assert_eq!(Column::all(true).last(), Some(&Column::Funded));
        for c in Column::all(true) {
            assert!(!c.header(Lang::Zh).is_empty() && !c.header(Lang::En).is_empty());
            assert_ne!(c.header(Lang::Zh), c.header(Lang::En));
        }
    }
}
