//! The ranked projects of every village, filtered by category and
//! township, with a chart ([`phase_chart`]) of the selected project's
//! village or of the villages at each phase in the category in view. The ranking and the filters are applied in one place,
//! [`Priorities::refilter`].

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;

use super::counts::{change_text, change_width, counts_width, write_counts};
use super::explain::Explain;
use super::follow::FollowUp;
use super::phase_chart::{self, Chart, View};
use super::{Ctx, Go, Outcome, Screen, Tab, navigate, pick};
use crate::i18n::Lang;
use crate::priority::trend::AffectedThen;
use crate::priority::uncertainty::{Standing, standings};
use crate::priority::{By, Filter, Project, category_name};
use crate::report::priorities::{Column, PriorityRow};
use crate::store::StoreError;
use crate::store::places::Places;
use crate::store::priorities::PriorityInput;
use crate::store::project::{FollowNote, PlaceRule, ProjectKey, Status};
use crate::tui::text::T;
use crate::tui::widgets::DIM;
use crate::tui::widgets::fit::fit;
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText, row_at};

/// The ranked projects, with the filters and the chart beside them.
pub struct Priorities {
    pub input: PriorityInput,
    /// Every project, ranked.
    pub projects: Vec<Project>,
    /// Positions in `projects` that pass the filters.
    pub visible: Vec<usize>,
    /// The widest k/n/N of the projects visible (with the households that
    /// cannot be told and the persons), found when they are filtered, not
    /// at every frame.
    counts_width: u16,
    /// The widest county rank or band of the projects visible, found
    /// with them.
    rank_width: u16,
    pub selected: usize,
    pub categories: Vec<String>,
    /// Index into `categories`; `None` is all.
    pub category: Option<usize>,
    pub townships: Vec<String>,
    pub township: Option<usize>,
    /// What the chart shows (`g` switches).
    pub chart_view: View,
    /// The registry's villages, to name a village with its township
    /// where another township has one of the same name.
    pub places: Places,
    /// Households affected in the round before, to show the change.
    before: Before,
    /// The follow-up of projects of the round that have one.
    follow: HashMap<PlaceRule, FollowNote>,
    /// Each project's rank and band in the county.
    standings: Vec<Standing>,
}

/// Households affected per village project in the round before the one
/// ranked; `None` when it is the first round.
#[derive(Default)]
struct Before(Option<AffectedThen>);

impl Before {
    fn load(ctx: &Ctx<'_>, input: &PriorityInput) -> Result<Before, StoreError> {
        let Some(round) = &input.round else {
            return Ok(Before(None));
        };
        let Some(before) = ctx.store.round_before(round)? else {
            return Ok(Before(None));
        };
        let (then, projects) = ctx.store.priorities(Some(&before), false, By::Village)?;
        Ok(Before(Some(AffectedThen::of(&projects, &then.rules))))
    }

    /// The change in households affected since the round before: `↑2`,
    /// `↓1`, `=`; nothing in the first round.
    fn change(&self, project: &Project, rules: &[crate::priority::Rule]) -> Option<String> {
        self.then(project, rules)
            .map(|then| change_text(project.affected, then))
    }

    /// Households affected in the round before; nothing in the first round.
    fn then(&self, project: &Project, rules: &[crate::priority::Rule]) -> Option<i64> {
        Some(self.0.as_ref()?.get(project, rules))
    }
}

/// The table, and the chart beside it when the terminal is wide, under
/// it otherwise; a line for the filters and one for the keys.
struct Areas {
    table: Rect,
    chart: Rect,
    legend: Rect,
    filters: Rect,
    keys: Rect,
}

fn areas(body: Rect) -> Areas {
    let [usable, legend, filters, keys] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(body);
    let (table, chart) = if body.width >= 150 {
        let [table, _, chart] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(44),
        ])
        .areas(usable);
        // The chart's title is level with the table's first row.
        let [_, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(chart);
        (table, chart)
    } else {
        let chart_height = (body.height.saturating_sub(1) / 3).min(7);
        let [table, chart, _] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(chart_height.saturating_sub(1)),
            Constraint::Length(1),
        ])
        .areas(usable);
        (table, chart)
    };
    Areas {
        table,
        chart,
        legend,
        filters,
        keys,
    }
}

/// Steps a filter through all, then each value.
fn cycle(filter: &mut Option<usize>, len: usize) {
    *filter = match *filter {
        None if len > 0 => Some(0),
        Some(i) if i + 1 < len => Some(i + 1),
        _ => None,
    };
}

impl Priorities {
    /// The ranked projects of every village from the interviews completed
    /// so far.
    pub fn load(ctx: &Ctx<'_>) -> Result<Priorities, StoreError> {
        let (input, projects) = ctx.store.priorities_ranked(false, By::Village)?;
        let categories: Vec<String> = crate::report::villages::categories(&input.rules)
            .into_iter()
            .map(String::from)
            .collect();
        let mut townships: Vec<String> = input
            .areas
            .iter()
            .map(|a| a.area.township.clone())
            .collect();
        townships.sort();
        townships.dedup();
        // From the villages' kept counts, not a copy of every household's.
        let places = ctx.store.places()?;
        let before = Before::load(ctx, &input)?;
        let follow = match &input.round {
            Some(round) => ctx.store.follow_notes(round)?,
            None => HashMap::new(),
        };
        let mut p = Priorities {
            before,
            follow,
            standings: standings(&projects, &input.rules),
            input,
            visible: (0..projects.len()).collect(),
            counts_width: 0,
            rank_width: 0,
            projects,
            selected: 0,
            categories,
            category: None,
            townships,
            township: None,
            chart_view: View::default(),
            places,
        };
        p.refilter();
        Ok(p)
    }

    /// On coming back from a screen above: what it can change, the
    /// projects' follow-up (a status set), is read again; the ranking,
    /// which it cannot change, is kept (the tab recomputes it whenever it
    /// is shown).
    pub fn refresh(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        if let Some(round) = &self.input.round {
            self.follow = ctx.store.follow_notes(round)?;
        }
        Ok(())
    }

    /// The follow-up of a project, short: its status in the round, or `!`
    /// after "done" when a project done earlier still finds its
    /// households in need.
    fn follow_text(&self, project: &Project, lang: Lang) -> String {
        let short = |s: Status| match (s, lang) {
            (Status::Approved, Lang::Zh) => "批准",
            (Status::Funded, Lang::Zh) => "拨款",
            (Status::Done, Lang::Zh) => "完工",
            (Status::Dropped, Lang::Zh) => "放弃",
            (Status::Approved, Lang::En) => "appr",
            (Status::Funded, Lang::En) => "fund",
            (Status::Done, Lang::En) => "done",
            (Status::Dropped, Lang::En) => "drop",
        };
        let status = |n: &FollowNote| matches!(n, FollowNote::Status { .. });
        match crate::store::project::follow_of(&self.follow, project, &self.input.rules, status) {
            Some(FollowNote::Status { status }) => short(*status).to_string(),
            Some(FollowNote::DoneEarlier { .. }) => format!("{}!", short(Status::Done)),
            None => String::new(),
        }
    }

    /// Opens the follow-up of the selected project.
    fn follow_up(&self) -> Outcome {
        let Some(&i) = self.visible.get(self.selected) else {
            return Outcome::default();
        };
        let Some(round) = &self.input.round else {
            return Outcome::default();
        };
        let project = &self.projects[i];
        // A project rules share is followed under the rule that has a
        // status in the round already, else its most severe rule.
        let rules = &self.input.rules;
        let rule = project
            .rules()
            .map(|r| &rules[r])
            .find(|r| {
                let key = (
                    project.area.township.clone(),
                    project.area.village.clone(),
                    r.survey.clone(),
                    r.name.clone(),
                );
                matches!(self.follow.get(&key), Some(FollowNote::Status { .. }))
            })
            .unwrap_or(&rules[project.rule]);
        let key = ProjectKey {
            round: round.name.clone(),
            township: project.area.township.clone(),
            village: project.area.village.clone(),
            survey: rule.survey.clone(),
            rule: rule.name.clone(),
        };
        let place = (
            key.township.clone(),
            key.village.clone(),
            key.survey.clone(),
            key.rule.clone(),
        );
        let current = match self.follow.get(&place) {
            Some(FollowNote::Status { status }) => Some(*status),
            _ => None,
        };
        let place = self
            .places
            .name(&project.area.township, &project.area.village);
        let label = |lang| crate::report::priorities::project_label(rule, lang);
        let title = crate::i18n::Tr {
            zh: format!("{place} · {}", label(Lang::Zh)),
            en: format!("{place} · {}", label(Lang::En)),
        };
        Outcome::go(Go::Push(Screen::FollowUp(Box::new(FollowUp::new(
            key, title, current,
        )))))
    }

    /// Applies the filters and redraws the chart for the category in view.
    pub fn refilter(&mut self) {
        let category = self.category.map(|i| self.categories[i].clone());
        let mut filter = Filter::default();
        if let Some(c) = &category {
            filter = filter.category(c.as_str());
        }
        if let Some(t) = self.township.map(|i| &self.townships[i]) {
            filter = filter.township(t.as_str());
        }
        let rules = &self.input.rules;
        self.visible = filter.visible(&self.projects, rules);
        // In Chinese, the wider: 人 takes two columns. Measured, not
        // written: a province shows tens of thousands of projects.
        self.counts_width = (self.visible.iter())
            .map(|&i| self.counts_width(&self.projects[i], Lang::Zh))
            .max()
            .unwrap_or(0) as u16;
        self.rank_width = (self.visible.iter())
            .map(|&i| self.standings[i].band_width())
            .max()
            .unwrap_or(0)
            .clamp(4, 9) as u16;
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// The chart of the selection and filters: the selected project's
    /// village, or the villages at each phase of the category in view
    /// (the filter's, else the selected project's) in the township
    /// filtered or the county.
    fn chart(&self, lang: Lang) -> Chart {
        let selected = self.visible.get(self.selected).map(|&i| &self.projects[i]);
        let areas = &self.input.areas;
        match self.chart_view {
            View::Village => {
                let Some(p) = selected else {
                    return Chart::default();
                };
                let Ok(at) = areas.binary_search_by(|a| a.area.cmp(&p.area)) else {
                    return Chart::default();
                };
                let place = self.places.name(&p.area.township, &p.area.village);
                phase_chart::village(&areas[at], &place, &self.categories, lang)
            }
            View::County => {
                let rules = &self.input.rules;
                let category = match self.category {
                    Some(i) => self.categories[i].as_str(),
                    None => match selected {
                        Some(p) => rules[p.rule].category.as_str(),
                        None => return Chart::default(),
                    },
                };
                let township = self.township.map(|i| self.townships[i].as_str());
                let place = township.unwrap_or(T::County.get(lang));
                let shown = areas
                    .iter()
                    .filter(|a| township.is_none_or(|t| a.area.township == t));
                phase_chart::county(shown, (category, place), lang)
            }
        }
    }

    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        // Moving keeps to the rows shown: nothing to filter again (a
        // province's 75,000 projects at every key).
        if navigate(&mut self.selected, self.visible.len(), k.code, ctx.page()) {
            return Outcome::default();
        }
        match k.code {
            KeyCode::Char('c') => cycle(&mut self.category, self.categories.len()),
            KeyCode::Char('t') => cycle(&mut self.township, self.townships.len()),
            KeyCode::Char('g') => self.chart_view = self.chart_view.other(),
            KeyCode::Esc => {
                self.category = None;
                self.township = None;
            }
            KeyCode::Enter => return self.explain(ctx),
            KeyCode::Char('s') => return self.follow_up(),
            KeyCode::Tab => return Outcome::go(Go::Tab(Tab::Surveys)),
            KeyCode::BackTab => return Outcome::go(Go::Tab(Tab::Villages)),
            _ => return Outcome::default(),
        }
        self.refilter();
        Outcome::default()
    }

    /// Opens the explanation of the selected project.
    fn explain(&self, ctx: &Ctx<'_>) -> Outcome {
        let Some(&i) = self.visible.get(self.selected) else {
            return Outcome::default();
        };
        let project = self.projects[i].clone();
        let read = ctx.store.explain(&self.input, &project).and_then(|e| {
            let said = ctx
                .store
                .perceived(&self.input, std::slice::from_ref(&project))?;
            Ok((e, said.first().copied().unwrap_or_default()))
        });
        match read {
            Ok((explanation, perceived)) => {
                Outcome::go(Go::Push(Screen::Explain(Box::new(Explain {
                    rank: i + 1,
                    rule: self.input.rules[project.rule].clone(),
                    also: project
                        .also
                        .iter()
                        .map(|&r| self.input.rules[r].name.clone())
                        .collect(),
                    perceived,
                    project,
                    explanation,
                    selected: 0,
                }))))
            }
            Err(e) => Outcome::failed(&e),
        }
    }

    pub fn click(&mut self, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
        let table = areas(body).table;
        let target = row_at(
            table,
            true,
            (self.selected, self.visible.len()),
            column,
            row,
        );
        pick(&mut self.selected, target)
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let areas = areas(body);
        self.render_table(frame, areas.table, lang);
        phase_chart::render(frame, areas.chart, &self.chart(lang));
        let round = self.input.round.as_ref().map_or("", |r| r.name.as_str());
        let filters = format!(
            "{}: {round} · c {}: {} · t {}: {}",
            T::Round.get(lang),
            T::Category.get(lang),
            self.category.map_or(T::All.get(lang), |i| {
                category_name(&self.categories[i], lang)
            }),
            T::Township.get(lang),
            self.township
                .map_or(T::All.get(lang), |i| self.townships[i].as_str()),
        );
        let width = usize::from(body.width);
        frame.render_widget(
            Line::styled(fit(T::PrioritiesLegend.get(lang), width), DIM),
            areas.legend,
        );
        frame.render_widget(Line::styled(fit(&filters, width), DIM), areas.filters);
        frame.render_widget(KeyBar(T::ShortPriorities.get(lang)), areas.keys);
    }

    /// The ranked projects: rank (in the whole county), township, village,
    /// project, severity, phase, k/n/N, share, cost and reliability, the
    /// names wider when the terminal is.
    fn render_table(&self, frame: &mut Frame<'_>, area: Rect, lang: Lang) {
        let wide = area.width >= 100;
        let (tw, vw, counts, cw, rw) = if wide {
            (10, 12, 11, 10, 7)
        } else {
            (6, 8, 9, 7, 4)
        };
        // Wider when a project shows households that cannot be told or
        // persons (`1/2/3 ?1 2人`), from the project column.
        let counts = counts.max(self.counts_width.min(20));
        // A rank band (`12–15`) takes more than a rank.
        let rank_width = self.rank_width;
        let mut cols = vec![
            Col::right(rank_width),
            Col::left(tw),
            Col::left(vw),
            Col::REST,
            Col::right(4),
            Col::right(5),
            Col::right(counts),
            Col::right(5),
            Col::right(cw),
            Col::left(rw),
        ];
        let mut header = table_header(wide, lang);
        // The follow-up, once a project of the round has one.
        let follow = !self.follow.is_empty();
        if follow {
            cols.push(Col::left(5));
            header.push(T::FollowColumn.get(lang).to_string());
        }
        let row = |n: usize| -> RowText {
            let i = self.visible[n];
            let project = &self.projects[i];
            let row = PriorityRow {
                rank: i + 1,
                project,
                rule: &self.input.rules[project.rule],
                rules: &self.input.rules,
                standing: self.standings[i],
                funded: None,
                urgency: None,
            };
            let text = |c: Column| row.text(c, lang).into_owned();
            let texts = [
                Column::Band,
                Column::Township,
                Column::Village,
                Column::Project,
                Column::Severity,
                Column::Phase,
            ]
            .into_iter()
            .map(text)
            .chain([self.counts_text(project, lang)])
            .chain([Column::Share, Column::Cost, Column::Reliability].map(text))
            .chain(follow.then(|| self.follow_text(project, lang)))
            .collect();
            (texts, Style::new())
        };
        frame.render_widget(
            ListTable {
                cols: &cols,
                header: Some(header),
                len: self.visible.len(),
                selected: self.selected,
                row: &row,
                empty: T::NoProjects.get(lang),
            },
            area,
        );
    }
}

/// The table's titles: short ones when the terminal is narrow.
fn table_header(wide: bool, lang: Lang) -> Vec<String> {
    let (township, cost, reliability) = if wide {
        (T::Township, T::Cost, T::Reliability)
    } else {
        (T::TownshipShort, T::CostShort, T::ReliabilityShort)
    };
    [
        T::Rank,
        township,
        T::Village,
        T::Project,
        T::Severity,
        T::Phase,
    ]
    .iter()
    .map(|t| t.get(lang).to_string())
    .chain(["k/n/N".to_string()])
    .chain(
        [T::Share, cost, reliability]
            .iter()
            .map(|t| t.get(lang).to_string()),
    )
    .collect()
}

impl Priorities {
    /// [`counts_text`], then the change since the round before (`↑2`).
    fn counts_text(&self, project: &Project, lang: Lang) -> String {
        let mut text = String::new();
        write_counts(&mut text, project, lang);
        if let Some(change) = self.before.change(project, &self.input.rules) {
            text.push(' ');
            text.push_str(&change);
        }
        text
    }

    /// The width of [`Priorities::counts_text`], without writing it.
    fn counts_width(&self, project: &Project, lang: Lang) -> usize {
        let change = self.before.then(project, &self.input.rules);
        counts_width(project, lang)
            + change.map_or(0, |then| 1 + change_width(project.affected, then))
    }
}
