//! The villages: coverage of each, filtered by pinyin or characters. The
//! first screen; Enter opens a village's households.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::form::Form;
use super::households::Households;
use super::name::Name;
use super::{Ctx, Go, Outcome, Screen, Tab, navigate, pick_filtered};
use crate::i18n::Lang;
use crate::store::StoreError;
use crate::store::overview::VillageCoverage;
use crate::tui::text::T;
use crate::tui::widgets::filter::{Filter, filtered_areas, matches, search_key};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText};

pub struct Villages {
    pub rows: Vec<VillageCoverage>,
    /// Lowercase name, full pinyin and initials of each row, for filtering.
    pub keys: Vec<String>,
    /// Positions in `rows` that pass the filter.
    pub visible: Vec<usize>,
    /// A position in `visible`.
    pub selected: usize,
    pub filter: Filter,
}

impl Villages {
    pub fn load(ctx: &Ctx<'_>) -> Result<Villages, StoreError> {
        let ids: Vec<&str> = ctx.surveys.iter().map(|s| s.id.as_str()).collect();
        let rows = ctx.store.village_coverage(&ids)?;
        let keys = rows
            .iter()
            .map(|r| {
                format!(
                    "{}\u{1f}{}",
                    search_key(&r.village),
                    search_key(&r.township)
                )
            })
            .collect();
        let mut v = Villages {
            visible: (0..rows.len()).collect(),
            rows,
            keys,
            selected: 0,
            filter: Filter::default(),
        };
        v.refilter();
        Ok(v)
    }

    /// Loads the rows again, keeping the filter and the selection.
    pub fn refresh(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        let mut fresh = Villages::load(ctx)?;
        fresh.filter = std::mem::take(&mut self.filter);
        fresh.selected = self.selected;
        fresh.refilter();
        *self = fresh;
        Ok(())
    }

    pub fn refilter(&mut self) {
        let query = self.filter.text();
        self.visible = (0..self.rows.len())
            .filter(|&i| matches(&self.keys[i], query))
            .collect();
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        // Enter in the search applies it and opens the row chosen (the
        // only one, when one matches).
        let open = self.filter.editing.is_some() && k.code == KeyCode::Enter;
        let before = self.filter.text().to_string();
        if self.filter.key(k) {
            // A new search starts at its first match.
            if self.filter.text() != before {
                self.selected = 0;
            }
            self.refilter();
            if !open {
                return Outcome::default();
            }
        }
        if navigate(&mut self.selected, self.visible.len(), k.code, ctx.page()) {
            return Outcome::default();
        }
        let chosen = self.visible.get(self.selected).map(|&i| &self.rows[i]);
        match k.code {
            KeyCode::Enter => match chosen {
                Some(r) => match Households::load(ctx, &r.township, &r.village) {
                    Ok(h) => Outcome::go(Go::Push(Screen::Households(h))),
                    Err(e) => Outcome::failed(&e),
                },
                None => Outcome::default(),
            },
            KeyCode::Char('a') => {
                let (township, village) =
                    chosen.map_or(("", ""), |r| (r.township.as_str(), r.village.as_str()));
                Form::open(ctx, |places| Form::new(places, township, village))
            }
            KeyCode::Char('n') => {
                Outcome::go(Go::Push(Screen::Name(Name::change(ctx.interviewer))))
            }
            KeyCode::Tab => Outcome::go(Go::Tab(Tab::Priorities)),
            KeyCode::BackTab => Outcome::go(Go::Tab(Tab::Surveys)),
            _ => Outcome::default(),
        }
    }

    pub fn click(&mut self, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
        let len = self.visible.len();
        pick_filtered(body, &self.filter, (&mut self.selected, len), (column, row))
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let areas = filtered_areas(body, &self.filter);
        let wide = body.width >= 100;
        let (tw, vw) = if wide { (14, 18) } else { (10, 12) };
        let bar = if wide { 20 } else { 10 };
        let cols = [
            Col::left(tw),
            Col::left(vw),
            Col::right(10),
            Col::right(10),
            Col::right(8),
            Col::REST,
        ];
        let header = [
            T::Township,
            T::Village,
            T::Registered,
            T::AllComplete,
            T::Drafts,
            T::Coverage,
        ]
        .map(|t| t.get(lang).to_string());
        let row = |n: usize| -> RowText {
            let r = &self.rows[self.visible[n]];
            let share = if r.registered > 0 {
                r.complete as f64 / r.registered as f64
            } else {
                0.0
            };
            let filled = (share * bar as f64).round() as usize;
            let coverage = format!(
                "{}{} {:>3}%",
                "█".repeat(filled),
                "░".repeat(bar - filled),
                (share * 100.0).round() as i64
            );
            let texts = vec![
                r.township.clone(),
                r.village.clone(),
                r.registered.to_string(),
                r.complete.to_string(),
                r.drafts.to_string(),
                coverage,
            ];
            (texts, Style::new())
        };
        frame.render_widget(
            ListTable {
                cols: &cols,
                header: Some(header.to_vec()),
                len: self.visible.len(),
                selected: self.selected,
                row: &row,
                empty: T::NoVillages.get(lang),
            },
            areas.table,
        );
        self.filter.render(frame, areas.filter, T::Filter.get(lang));
        let keys = if self.filter.editing.is_some() {
            T::FilteringKeys
        } else {
            T::ShortVillages
        };
        frame.render_widget(KeyBar(keys.get(lang)), areas.keys);
    }
}
