//! One project explained: its rank, its rule, and the households that
//! make it, with the answers that matched.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ctx, Go, Outcome, navigate};
use crate::i18n::Lang;
use crate::interview::display_answer;
use crate::priority::{Project, Rule, category_name, why_ranked};
use crate::store::priorities::{Explanation, Perceived};
use crate::tui::text::T;
use crate::tui::widgets::BOLD;
use crate::tui::widgets::fit::{fit, wrap};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText};

pub struct Explain {
    pub rank: usize,
    pub project: Project,
    pub rule: Rule,
    /// The names of the other rules sharing the project.
    pub also: Vec<String>,
    /// What the affected households said of the urgency themselves.
    pub perceived: Perceived,
    pub explanation: Explanation,
    /// A position in the explanation's rows.
    pub selected: usize,
}

impl Explain {
    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        let len = self.explanation.rows.len();
        if navigate(&mut self.selected, len, k.code, ctx.page()) || k.code != KeyCode::Esc {
            return Outcome::default();
        }
        Outcome::go(Go::Back)
    }

    /// The rank, the rule, the counts and the condition, one line each.
    fn summary(&self, lang: Lang, width: usize) -> Vec<Line<'static>> {
        let rule = &self.rule;
        let label = rule
            .project
            .as_ref()
            .map_or(rule.name.as_str(), |l| l.get(lang));
        let p = &self.project;
        let title = format!(
            "{} {} · {} {} · {}",
            T::Rank.get(lang),
            self.rank,
            p.area.township,
            p.area.village,
            label
        );
        let about = format!(
            "{} {}.{}{} · {} {} · {} {} · {} {}",
            T::Rule.get(lang),
            rule.survey,
            rule.name,
            self.also
                .iter()
                .map(|n| format!("+{n}"))
                .collect::<String>(),
            T::Category.get(lang),
            category_name(&rule.category, lang),
            T::Severity.get(lang),
            rule.severity,
            T::Phase.get(lang),
            p.phase
        );
        let (low, high) = p.interval();
        let counts = format!(
            "{} {}/{}/{} · {} {} · {} {:.0}% ({:.0}–{:.0}%, 90%)",
            T::Counts.get(lang),
            p.affected,
            p.surveyed,
            p.registered,
            T::People.get(lang),
            p.people,
            T::Share.get(lang),
            p.share() * 100.0,
            low * 100.0,
            high * 100.0
        );
        let when = format!(
            "{}: {}",
            T::When.get(lang),
            self.explanation.in_words.get(lang)
        );
        let why = why_ranked(&rule.category, p.phase, rule.severity);
        let line = |text: &str| fit(text, width).into_owned();
        let mut lines = vec![
            Line::styled(line(&title), BOLD),
            Line::raw(line(&about)),
            Line::raw(line(&counts)),
        ];
        if let Some(share) = self.perceived.share() {
            let said = format!(
                "{} {}/{} ({:.0}%)",
                T::Urgent.get(lang),
                self.perceived.urgent,
                self.perceived.answered,
                share * 100.0
            );
            lines.push(Line::raw(line(&said)));
        }
        // The condition and the reason for the rank whole, wrapped.
        for text in [when.as_str(), why.get(lang)] {
            lines.extend(wrap(text, width as u16).into_iter().map(Line::raw));
        }
        lines
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let summary_lines = self.summary(lang, usize::from(body.width));
        let [summary, _, table, keys] = Layout::vertical([
            Constraint::Length(summary_lines.len() as u16),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(body);
        frame.render_widget(Paragraph::new(summary_lines), summary);
        // Two spaces before each answer column.
        let mut cols = vec![Col::left(12), Col::left(10), Col::right(7)];
        let mut header: Vec<String> = [T::Code, T::Head, T::Members]
            .iter()
            .map(|t| t.get(lang).to_string())
            .collect();
        for q in &self.explanation.questions {
            cols.push(Col::left(19));
            header.push(format!(" {q}"));
        }
        let rows = &self.explanation.rows;
        let row = |n: usize| -> RowText {
            let r = &rows[n];
            let mut texts = vec![r.code.clone(), r.head.clone(), r.members.to_string()];
            for (q, v) in &r.values {
                let shown = v
                    .as_deref()
                    .map_or(String::new(), |v| display_answer(&r.survey, q, v, lang));
                texts.push(format!(" {}", fit(&shown, 18)));
            }
            (texts, Style::new())
        };
        frame.render_widget(
            ListTable {
                cols: &cols,
                header: Some(header),
                len: rows.len(),
                selected: self.selected,
                row: &row,
                empty: "",
            },
            table,
        );
        frame.render_widget(KeyBar(T::KeysExplain.get(lang)), keys);
    }
}
