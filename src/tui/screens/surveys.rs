//! The questionnaire files loaded, with their problems as `minqing check`
//! prints them. Read only.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Ctx, Go, Outcome, Tab, navigate, pick};
use crate::i18n::Tr;
use crate::tui::text::T;
use crate::tui::widgets::DIM;
use crate::tui::widgets::fit::fit;
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText, row_at};

/// One questionnaire file as the Surveys screen lists it.
#[derive(Clone, Debug)]
pub struct SurveyFile {
    pub path: String,
    pub id: String,
    pub version: String,
    pub title: Option<crate::survey::Label>,
    pub questions: usize,
    pub needs: usize,
    /// Problems as `minqing check` prints them, in both languages.
    pub problems: Vec<Tr>,
    pub errors: usize,
}

#[derive(Default)]
pub struct Surveys {
    /// A position in the list of files.
    pub selected: usize,
}

/// The list takes the upper half, the selected file's details the rest.
struct Areas {
    list: Rect,
    detail: Rect,
    keys: Rect,
}

fn areas(body: Rect) -> Areas {
    let [list, detail, keys] = Layout::vertical([
        Constraint::Length(body.height - body.height / 2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(body);
    Areas { list, detail, keys }
}

impl Surveys {
    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        if navigate(
            &mut self.selected,
            ctx.survey_files.len(),
            k.code,
            ctx.page(),
        ) {
            return Outcome::default();
        }
        match k.code {
            KeyCode::Tab | KeyCode::Esc => Outcome::go(Go::Tab(Tab::Villages)),
            KeyCode::BackTab => Outcome::go(Go::Tab(Tab::Priorities)),
            _ => Outcome::default(),
        }
    }

    /// Selects the file clicked; there is nothing to open.
    pub fn click(&mut self, ctx: &Ctx<'_>, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
        let len = ctx.survey_files.len();
        let target = row_at(areas(body).list, true, (self.selected, len), column, row);
        pick(&mut self.selected, target);
        None
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, ctx: &Ctx<'_>) {
        let lang = ctx.lang;
        let areas = areas(body);
        let files = ctx.survey_files;
        let cols = [
            Col::left(22),
            Col::left(8),
            Col::right(6),
            Col::right(8),
            Col::REST,
        ];
        let header = [
            T::SurveyFile,
            T::Version,
            T::Questions,
            T::Needs,
            T::Problems,
        ]
        .map(|t| t.get(lang).to_string());
        let row = |n: usize| -> RowText {
            let f = &files[n];
            let title = f
                .title
                .as_ref()
                .map_or(f.id.clone(), |t| t.get(lang).to_string());
            let problems = if f.problems.is_empty() {
                T::NoProblems.get(lang).to_string()
            } else {
                format!("{} ({})", f.problems.len(), f.errors)
            };
            let texts = vec![
                title,
                f.version.clone(),
                f.questions.to_string(),
                f.needs.to_string(),
                problems,
            ];
            (texts, Style::new())
        };
        frame.render_widget(
            ListTable {
                cols: &cols,
                header: Some(header.to_vec()),
                len: files.len(),
                selected: self.selected,
                row: &row,
                empty: T::NoProblems.get(lang),
            },
            areas.list,
        );
        if let Some(f) = files.get(self.selected) {
            let mut lines = vec![Line::styled(fit(&f.path, usize::from(body.width)), DIM)];
            for p in &f.problems {
                lines.extend(p.get(lang).lines().map(|l| Line::raw(l.to_string())));
            }
            frame.render_widget(Paragraph::new(lines), areas.detail);
        }
        frame.render_widget(KeyBar(T::ShortSurveys.get(lang)), areas.keys);
    }
}
