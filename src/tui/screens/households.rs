//! The households of one village with the state of each survey, searched
//! by code, head or cadre. Opens interviews and the household form. For
//! an interviewer who is a linked cadre in the registry, the app opens on
//! their own households, across villages ("my households"); Esc goes to
//! every village.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::form::Form;
use super::interview::Interview;
use super::{Ctx, Go, Outcome, navigate, pick_filtered};
use crate::i18n::Lang;
use crate::store::StoreError;
use crate::store::interview::Status;
use crate::store::overview::HouseholdRow;
use crate::text::normalise_code;
use crate::tui::text::T;
use crate::tui::widgets::filter::{Filter, filtered_areas, matches, search_key};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText};

pub struct Households {
    pub township: String,
    pub village: String,
    /// The cadre whose households these are ("my households"), instead
    /// of a village's.
    pub mine: Option<String>,
    pub rows: Vec<HouseholdRow>,
    /// Positions in `rows` that pass the search.
    pub visible: Vec<usize>,
    /// A position in `visible`.
    pub selected: usize,
    pub filter: Filter,
}

fn status_word(status: Option<Status>, lang: Lang) -> &'static str {
    match status {
        None => T::NotStarted.get(lang),
        Some(Status::Draft) => T::Draft.get(lang),
        Some(Status::Complete) => T::Complete.get(lang),
    }
}

impl Households {
    pub fn load(ctx: &Ctx<'_>, township: &str, village: &str) -> Result<Households, StoreError> {
        let ids: Vec<&str> = ctx.surveys.iter().map(|s| s.id.as_str()).collect();
        let rows = ctx.store.village_households(township, village, &ids)?;
        let mut h = Households {
            township: township.to_string(),
            village: village.to_string(),
            mine: None,
            visible: (0..rows.len()).collect(),
            rows,
            selected: 0,
            filter: Filter::default(),
        };
        h.refilter();
        Ok(h)
    }

    /// The households linked to the cadre the interviewer `cadre` is;
    /// `None` when there are none.
    pub fn mine(ctx: &Ctx<'_>, cadre: &str) -> Result<Option<Households>, StoreError> {
        let ids: Vec<&str> = ctx.surveys.iter().map(|s| s.id.as_str()).collect();
        let rows = ctx.store.my_households(cadre, &ids)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut h = Households {
            township: String::new(),
            village: String::new(),
            mine: Some(cadre.to_string()),
            visible: (0..rows.len()).collect(),
            rows,
            selected: 0,
            filter: Filter::default(),
        };
        h.refilter();
        Ok(Some(h))
    }

    /// Loads the rows again, keeping the search and the selection.
    pub fn refresh(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        let mut fresh = match &self.mine {
            Some(cadre) => match Households::mine(ctx, cadre)? {
                Some(mine) => mine,
                None => Households::load(ctx, &self.township, &self.village)?,
            },
            None => Households::load(ctx, &self.township, &self.village)?,
        };
        fresh.filter = std::mem::take(&mut self.filter);
        fresh.selected = self.selected;
        fresh.refilter();
        *self = fresh;
        Ok(())
    }

    /// Selects, after the household with `code`, the next one of the same
    /// cadre with a survey not complete (wrapping round); else the next
    /// with a survey not complete; else it stays. The search that found
    /// the household is cleared: the next one is another household.
    pub fn select_next_after(&mut self, code: &str) {
        self.filter = Filter::default();
        self.refilter();
        let Some(at) = (self.visible.iter()).position(|&i| self.rows[i].household.code == code)
        else {
            return;
        };
        // On it, should no other be left to go on to.
        self.selected = at;
        let cadre = &self.rows[self.visible[at]].household.cadre;
        let len = self.visible.len();
        let after = || (1..len).map(|d| (at + d) % len);
        let open = |n: usize| {
            let row = &self.rows[self.visible[n]];
            row.surveys.iter().any(|s| *s != Some(Status::Complete))
        };
        let same = |n: usize| &self.rows[self.visible[n]].household.cadre == cadre;
        if let Some(n) = after()
            .find(|&n| same(n) && open(n))
            .or_else(|| after().find(|&n| open(n)))
        {
            self.selected = n;
        }
    }

    pub fn refilter(&mut self) {
        // A code typed with a Chinese input method (full-width) finds the
        // code as stored.
        let query = normalise_code(self.filter.text()).into_owned();
        self.visible = (0..self.rows.len())
            .filter(|&i| {
                let hh = &self.rows[i].household;
                matches(
                    &format!(
                        "{}\u{1f}{}\u{1f}{}",
                        hh.code.to_lowercase(),
                        search_key(&hh.head),
                        search_key(&hh.cadre)
                    ),
                    &query,
                )
            })
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
        let row = self.visible.get(self.selected).map(|&i| &self.rows[i]);
        match (k.code, row) {
            (KeyCode::Esc, _) => Outcome::go(Go::Back),
            // Households are added in a village.
            (KeyCode::Char('a'), _) if self.mine.is_some() => Outcome::default(),
            (KeyCode::Char('a'), _) => Form::open(ctx, |places| {
                Form::new(places, &self.township, &self.village)
            }),
            (KeyCode::Char('e'), Some(row)) => {
                Form::open(ctx, |places| Form::edit(places, &row.household))
            }
            (KeyCode::Enter, Some(row)) => {
                // An interrupted draft first (after a crash the cadre goes
                // on where the work stopped), then the first survey not
                // complete yet.
                let next = row
                    .surveys
                    .iter()
                    .position(|s| *s == Some(Status::Draft))
                    .or_else(|| {
                        row.surveys
                            .iter()
                            .position(|s| *s != Some(Status::Complete))
                    })
                    .unwrap_or(0);
                Interview::open(ctx, &row.household.code, next)
            }
            (KeyCode::Char(c @ '1'..='9'), Some(row)) => {
                let n = c as usize - '1' as usize;
                if n < ctx.surveys.len() {
                    Interview::open(ctx, &row.household.code, n)
                } else {
                    Outcome::default()
                }
            }
            _ => Outcome::default(),
        }
    }

    pub fn click(&mut self, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
        let len = self.visible.len();
        pick_filtered(body, &self.filter, (&mut self.selected, len), (column, row))
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, ctx: &Ctx<'_>) {
        let lang = ctx.lang;
        let areas = filtered_areas(body, &self.filter);
        let wide = body.width >= 100;
        let (cw, hw, kw) = if wide { (12, 10, 10) } else { (11, 8, 8) };
        let sw = if wide { 10 } else { 6 };
        let mut cols = vec![Col::left(cw), Col::left(hw), Col::right(7), Col::left(kw)];
        cols.extend(ctx.surveys.iter().map(|_| Col::left(sw)));
        // A cadre's own households are in several villages: which one
        // says more than the cadre's name.
        let fourth = if self.mine.is_some() {
            T::Village
        } else {
            T::Cadre
        };
        let mut header: Vec<String> = [T::Code, T::Head, T::Members, fourth]
            .iter()
            .map(|t| t.get(lang).to_string())
            .collect();
        header.extend(
            (ctx.surveys.iter().enumerate())
                .map(|(n, s)| format!("{}{}", n + 1, s.title.get(lang))),
        );
        let row = |n: usize| -> RowText {
            let r = &self.rows[self.visible[n]];
            let h = &r.household;
            let mut texts = vec![
                h.code.clone(),
                h.head.clone(),
                h.members.to_string(),
                if self.mine.is_some() {
                    h.village.clone()
                } else {
                    h.cadre.clone()
                },
            ];
            texts.extend(r.surveys.iter().map(|s| status_word(*s, lang).to_string()));
            (texts, Style::new())
        };
        frame.render_widget(
            ListTable {
                cols: &cols,
                header: Some(header),
                len: self.visible.len(),
                selected: self.selected,
                row: &row,
                empty: T::NoHouseholds.get(lang),
            },
            areas.table,
        );
        self.filter.render(frame, areas.filter, T::Search.get(lang));
        let keys = if self.filter.editing.is_some() {
            T::SearchingKeys
        } else {
            T::ShortHouseholds
        };
        frame.render_widget(KeyBar(keys.get(lang)), areas.keys);
    }
}
