//! The screens of the app, one module each, owning that screen's state,
//! its keys and its drawing. A screen never reaches into another screen or
//! into the app's navigation: a key returns an [`Outcome`] that says where
//! to go next and what to tell the user, and [`super::update`] acts on it.
//! Drawing takes `&self` and never changes anything.
//!
//! The interview is one state ([`interview::Interview`]) shown two ways:
//! one question at a time ([`question`]) or all answers for review
//! ([`review`]); both use the state, neither uses the other.

mod counts;
pub mod explain;
pub mod follow;
pub mod form;
pub mod households;
pub mod interview;
pub mod name;
mod phase_chart;
pub mod priorities;
pub mod question;
pub mod review;
pub mod roster;
pub mod surveys;
pub mod villages;

use std::rc::Rc;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use tui_input::Input;

use super::layout;
use super::text::T;
use super::widgets::filter::{Filter, filtered_areas};
use super::widgets::status_bar::Notice;
use super::widgets::table::row_at;
use crate::i18n::{Lang, Tr};
use crate::store::{Store, StoreError};
use crate::survey::{QuestionKind, Survey};

/// What a screen may read of the app while it handles a key or draws.
pub struct Ctx<'a> {
    pub store: &'a Store,
    /// The questionnaires in use, in menu order.
    pub surveys: &'a [Rc<Survey>],
    pub survey_files: &'a [surveys::SurveyFile],
    pub interviewer: &'a str,
    pub lang: Lang,
    /// The terminal's size: where the screen was drawn, for clicks and pages.
    pub size: (u16, u16),
}

impl Ctx<'_> {
    /// How many rows Page Up and Page Down move.
    pub fn page(&self) -> usize {
        layout::page(layout::Areas::of_size(self.size).body)
    }
}

/// What follows a key on a screen.
#[derive(Default)]
pub struct Outcome {
    pub go: Go,
    pub notice: Option<Notice>,
    /// The key's write waited on the database (busy, or slow): the keys
    /// typed meanwhile must not be applied.
    pub waited: bool,
}

/// Where the app goes after a key.
#[derive(Default)]
pub enum Go {
    #[default]
    Stay,
    Push(Screen),
    /// Back to the screen underneath, reloaded.
    Back,
    /// This screen gives way to another (the next survey of a household).
    Replace(Screen),
    /// Back to the households, reloaded, on the next household of the
    /// cadre of the one with this code.
    BackToNext(String),
    /// To the top of a tab, leaving the screens stacked on this one.
    Tab(Tab),
    /// The interviewer gave their name (stored already).
    Named(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Villages,
    Priorities,
    Surveys,
}

impl Outcome {
    pub fn go(go: Go) -> Outcome {
        Outcome {
            go,
            ..Outcome::default()
        }
    }

    pub fn said(text: Tr, error: bool) -> Outcome {
        Outcome {
            notice: Some(Notice {
                text,
                error,
                press_again: false,
            }),
            ..Outcome::default()
        }
    }

    /// A failed store call, said in the status bar.
    pub fn failed(e: &StoreError) -> Outcome {
        Outcome::said(e.message(), true)
    }

    /// What was done, then the store call that failed after it: the
    /// person must not read the failure as the action's.
    pub fn done_but(done: T, e: &StoreError) -> Outcome {
        let (done, failed) = (tr(done), e.message());
        Outcome::said(
            Tr {
                zh: format!("{};{}", done.zh, failed.zh),
                en: format!("{}; {}", done.en, failed.en),
            },
            true,
        )
    }
}

/// A fixed string of the app as a message in both languages.
pub fn tr(t: T) -> Tr {
    let (zh, en) = t.pair();
    Tr {
        zh: zh.into(),
        en: en.into(),
    }
}

/// Moves a selection within `len` rows; false when `code` does not move.
pub fn navigate(selected: &mut usize, len: usize, code: KeyCode, page: usize) -> bool {
    let last = len.saturating_sub(1);
    *selected = match code {
        KeyCode::Up => selected.saturating_sub(1),
        KeyCode::Down => (*selected + 1).min(last),
        KeyCode::PageUp => selected.saturating_sub(page),
        KeyCode::PageDown => (*selected + page).min(last),
        KeyCode::Home => 0,
        KeyCode::End => last,
        _ => return false,
    };
    true
}

/// A click on a list: selects the row under it, or opens it (Enter) when
/// it was selected already.
pub fn pick(selected: &mut usize, target: Option<usize>) -> Option<KeyEvent> {
    let target = target?;
    let open = target == *selected;
    *selected = target;
    open.then(|| KeyEvent::from(KeyCode::Enter))
}

/// A click on a list drawn above its filter line (villages, households).
pub fn pick_filtered(
    body: Rect,
    filter: &Filter,
    (selected, len): (&mut usize, usize),
    (column, row): (u16, u16),
) -> Option<KeyEvent> {
    let table = filtered_areas(body, filter).table;
    let target = row_at(table, true, (*selected, len), column, row);
    pick(selected, target)
}

pub enum Screen {
    /// Asks the interviewer's name once.
    Name(name::Name),
    Villages(villages::Villages),
    Surveys(surveys::Surveys),
    Households(households::Households),
    Form(Box<form::Form>),
    Interview(Box<interview::Interview>),
    Priorities(Box<priorities::Priorities>),
    Explain(Box<explain::Explain>),
    /// A project's follow-up status being set.
    FollowUp(Box<follow::FollowUp>),
}

/// A key on the interview: Enter right after completing goes on to what
/// comes next (any other key forgets that); then the list of what keeps
/// it from completing, a question asked on leaving, the question or the
/// review take it.
fn interview_key(i: &mut interview::Interview, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
    if let Some(next) = i.next.take()
        && k.code == KeyCode::Enter
    {
        let outcome = i.go_next(ctx, next.clone());
        // Not gone on (the store failed): Enter may be pressed again.
        if !matches!(outcome.go, Go::Replace(_) | Go::BackToNext(_)) {
            i.next = Some(next);
        }
        return outcome;
    }
    if i.to_fix.is_some() {
        review::fix_key(i, k)
    } else if i.leaving.is_some() {
        review::answer_leave(i, ctx, k)
    } else {
        match i.mode {
            interview::Mode::Question => question::key(i, ctx, k),
            interview::Mode::Roster { section, selected } => roster::key(i, section, selected, k),
            interview::Mode::DropRows { section } => roster::drop_key(i, ctx, section, k),
            interview::Mode::Review { .. } => review::key(i, ctx, k),
        }
    }
}

impl Screen {
    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        match self {
            Screen::Name(s) => s.key(ctx, k),
            Screen::Villages(s) => s.key(ctx, k),
            Screen::Surveys(s) => s.key(ctx, k),
            Screen::Households(s) => s.key(ctx, k),
            Screen::Form(s) => s.key(ctx, k),
            Screen::Interview(i) => interview_key(i, ctx, k),
            Screen::Priorities(s) => s.key(ctx, k),
            Screen::Explain(s) => s.key(ctx, k),
            Screen::FollowUp(s) => s.key(ctx, k),
        }
    }

    /// A click at (`column`, `row`): the screen selects what is there, and
    /// returns the key the click stands for, if any.
    pub fn click(&mut self, ctx: &Ctx<'_>, column: u16, row: u16) -> Option<KeyEvent> {
        let body = layout::Areas::of_size(ctx.size).body;
        match self {
            Screen::Villages(s) => s.click(body, column, row),
            Screen::Households(s) => s.click(body, column, row),
            Screen::Surveys(s) => s.click(ctx, body, column, row),
            Screen::Priorities(s) => s.click(body, column, row),
            Screen::Interview(i) if i.mode == interview::Mode::Question => {
                question::click(i, ctx.lang, body, column, row)
            }
            Screen::Interview(i) if matches!(i.mode, interview::Mode::Review { .. }) => {
                // A click is another action: Enter no longer goes on.
                i.next = None;
                review::click(i, body, column, row)
            }
            _ => None,
        }
    }

    /// The text input that has the keyboard, if any: while one has, plain
    /// letters are typed, not taken as commands.
    pub fn input(&mut self) -> Option<&mut Input> {
        match self {
            Screen::Name(s) => Some(&mut s.input),
            Screen::Villages(s) => s.filter.editing.as_mut(),
            Screen::Households(s) => s.filter.editing.as_mut(),
            Screen::Form(f) => f.input(),
            Screen::FollowUp(f) => f.input(),
            Screen::Interview(i) => question::input(i),
            _ => None,
        }
    }

    /// Whether letters typed here are text (a name, a filter, a form, a
    /// text answer) rather than commands. A number or a date takes no
    /// letter: there q, ? and L keep their meaning (and t fills in today).
    pub fn types_letters(&mut self) -> bool {
        match self {
            Screen::Interview(i) => {
                question::input(i).is_some()
                    && i.record.survey.question_at(i.current.index).kind == QuestionKind::Text
            }
            _ => self.input().is_some(),
        }
    }

    /// Whether an answer is typed or ticked on the screen but not saved.
    pub fn unsaved(&self) -> bool {
        matches!(self, Screen::Interview(i) if i.unsaved())
    }

    /// Whether `code` answers the question shown (a choice's key), and so
    /// is not a command.
    pub fn answers_with(&self, code: KeyCode) -> bool {
        match self {
            // The list of what keeps an interview from being complete: its
            // keys go to a question.
            Screen::Interview(i) if i.to_fix.is_some() => matches!(code, KeyCode::Char(_)),
            Screen::Interview(i) => match i.mode {
                interview::Mode::Question => question::choice_of(i, code).is_some(),
                // Rows are picked by their keys.
                interview::Mode::DropRows { .. } => matches!(code, KeyCode::Char(_)),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the mouse wheel moves in a list here: in a question or a
    /// form it would move away from what is being typed.
    pub fn wheel_scrolls(&self) -> bool {
        match self {
            Screen::Interview(i) => i.mode != interview::Mode::Question,
            Screen::Form(_) | Screen::Name(_) | Screen::FollowUp(_) => false,
            _ => true,
        }
    }

    /// Pasted text, as one line, into the input that has the keyboard.
    pub fn paste(&mut self, text: &str) {
        if matches!(self, Screen::Form(f) if !f.conflicts.is_empty()) {
            return;
        }
        let one_line: String = text
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        if let Some(input) = self.input() {
            for c in one_line.trim_end().chars() {
                input.handle(tui_input::InputRequest::InsertChar(c));
            }
        }
        match self {
            Screen::Villages(v) => v.refilter(),
            Screen::Households(h) => h.refilter(),
            Screen::Interview(i) => i.error = None,
            _ => {}
        }
    }

    /// Reloads what the screen shows, on coming back to it.
    pub fn refresh(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        match self {
            Screen::Villages(v) => v.refresh(ctx),
            Screen::Households(h) => h.refresh(ctx),
            Screen::Priorities(p) => p.refresh(ctx),
            _ => Ok(()),
        }
    }

    /// Draws the screen in `body`, between the title and status bars.
    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, ctx: &Ctx<'_>) {
        match self {
            Screen::Name(s) => s.render(frame, body, ctx.lang),
            Screen::Villages(s) => s.render(frame, body, ctx.lang),
            Screen::Surveys(s) => s.render(frame, body, ctx),
            Screen::Households(s) => s.render(frame, body, ctx),
            Screen::Form(s) => s.render(frame, body, ctx.lang),
            Screen::Interview(i) => match i.mode {
                interview::Mode::Question => question::render(i, frame, body, ctx.lang),
                interview::Mode::Review { selected } => {
                    review::render(i, selected, frame, body, ctx.lang)
                }
                interview::Mode::Roster { section, selected } => {
                    roster::render(i, section, selected, frame, body, ctx.lang)
                }
                interview::Mode::DropRows { section } => {
                    roster::render_drop(i, section, frame, body, ctx.lang)
                }
            },
            Screen::Priorities(s) => s.render(frame, body, ctx.lang),
            Screen::Explain(s) => s.render(frame, body, ctx.lang),
            Screen::FollowUp(s) => s.render(frame, body, ctx.lang),
        }
    }

    /// How the screen is named in the title bar's trail, if it is.
    pub fn crumb(&self, lang: Lang) -> Option<String> {
        match self {
            Screen::Households(h) if h.mine.is_some() => {
                Some(T::MyHouseholds.get(lang).to_string())
            }
            Screen::Households(h) => Some(format!("{} › {}", h.township, h.village)),
            Screen::Interview(i) => {
                // The members, which answers are checked against.
                let (head, n) = (&i.record.household.head, i.record.household.members);
                let who = match lang {
                    Lang::Zh => format!("{head}({n} 人)"),
                    Lang::En if n == 1 => format!("{head} (1 person)"),
                    Lang::En => format!("{head} ({n} people)"),
                };
                Some(format!("{who} · {}", i.record.survey.title.get(lang)))
            }
            Screen::Explain(e) => Some(format!("{} {}", T::Rank.get(lang), e.rank)),
            Screen::Form(f) => Some(f.title().get(lang).to_string()),
            _ => None,
        }
    }

    /// The screen's keys, as the help overlay lists them.
    pub fn help(&self) -> Option<T> {
        Some(match self {
            Screen::Name(_) => return None,
            Screen::Villages(_) => T::KeysVillages,
            Screen::Surveys(_) => T::KeysSurveys,
            Screen::Households(_) => T::KeysHouseholds,
            Screen::Form(_) => T::FormKeys,
            Screen::Interview(i) => match i.mode {
                interview::Mode::Question => T::KeysInterview,
                interview::Mode::Roster { .. } => T::RosterKeys,
                interview::Mode::DropRows { .. } => T::DropRowsKeys,
                interview::Mode::Review { .. } => T::KeysReview,
            },
            Screen::Priorities(_) => T::KeysPriorities,
            Screen::Explain(_) => T::KeysExplain,
            Screen::FollowUp(_) => T::FollowKeys,
        })
    }

    /// The tab the screen belongs to, when it is the first on the stack.
    pub fn tab(&self) -> Tab {
        match self {
            Screen::Surveys(_) => Tab::Surveys,
            Screen::Priorities(_) | Screen::FollowUp(_) => Tab::Priorities,
            _ => Tab::Villages,
        }
    }
}
