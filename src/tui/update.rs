//! State transitions of the app: the keys that work on every screen, the
//! mouse and pastes, handed to the screen on top; then what the screen
//! asked for (go back, open a screen, switch tabs, say something) is done
//! here. The screens call the store; nothing here draws.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::time::Duration;

use super::model::{Model, Notice};
use super::msg::Msg;
use super::screens::households::Households;
use super::screens::priorities::Priorities;
use super::screens::surveys::Surveys;
use super::screens::villages::Villages;
use super::screens::{Go, Outcome, Screen, Tab, tr};
use super::text::T;
use crate::i18n::{Lang, Tr};

fn notice(model: &mut Model, text: Tr, error: bool) {
    model.notice = Some(Notice {
        text,
        error,
        press_again: false,
    });
}

pub fn update(model: &mut Model, msg: Msg) {
    if !matches!(msg, Msg::Resize(..)) {
        // A notice speaks of the last action only.
        model.notice = None;
    }
    match msg {
        Msg::Resize(w, h) => model.size = (w, h),
        // The help overlay covers the screen: nothing under it changes.
        Msg::Paste(_) | Msg::Click { .. } | Msg::Scroll { .. } if model.help => {}
        Msg::Paste(text) => {
            if let Some(screen) = model.stack.last_mut() {
                screen.paste(&text);
            }
        }
        Msg::Click { column, row } => {
            let (ctx, stack) = model.split_mut();
            let key = stack.last_mut().and_then(|s| s.click(&ctx, column, row));
            if let Some(k) = key {
                self::key(model, k);
            }
        }
        Msg::Scroll { down } => {
            if model.screen().is_some_and(Screen::wheel_scrolls) {
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                key(model, KeyEvent::new(code, KeyModifiers::NONE));
            }
        }
        Msg::Key(k) => {
            key(model, k);
            // Until there is a round, a save may begin the first one.
            if model.round.is_none() {
                read_round(model);
            }
        }
    }
}

/// The status bar's round, read again: a first interview opens the first
/// round, another program may open or close one. Read when the screen
/// changes, not at every key. A failed read keeps what it showed.
fn read_round(model: &mut Model) {
    if let Ok(round) = model.store.current_round() {
        model.round = round.map(|r| r.name);
    }
}

fn toggle_lang(model: &mut Model) {
    model.lang = match model.lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
}

fn key(model: &mut Model, k: KeyEvent) {
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        model.quit = true;
        return;
    }
    if k.code == KeyCode::F(2) {
        return toggle_lang(model);
    }
    if model.help {
        if matches!(k.code, KeyCode::Esc | KeyCode::Char('?') | KeyCode::F(1)) {
            model.help = false;
        }
        return;
    }
    if k.code == KeyCode::F(1) {
        model.help = true;
        return;
    }
    // q quits at once unless an answer is typed but not saved: then it
    // says so, and q again quits.
    let quit_asked = std::mem::take(&mut model.quit_asked);
    // Letters are commands unless they are typed or answer a question.
    let commands = match model.stack.last_mut() {
        Some(s) => !s.types_letters() && !s.answers_with(k.code),
        None => true,
    };
    if commands {
        match k.code {
            KeyCode::Char('?') => return model.help = true,
            KeyCode::Char('L') => return toggle_lang(model),
            KeyCode::Char('q') if !quit_asked && model.screen().is_some_and(Screen::unsaved) => {
                model.quit_asked = true;
                return notice(model, tr(T::QuitUnsaved), true);
            }
            KeyCode::Char('q') => return model.quit = true,
            _ => {}
        }
    }
    let (ctx, stack) = model.split_mut();
    let started = std::time::Instant::now();
    if let Some(mut outcome) = stack.last_mut().map(|s| s.key(&ctx, k)) {
        // A key whose write waited on the database (an answer, opening an
        // interview, a household, the name): keys typed meanwhile were
        // meant for a screen that had not come, and are dropped.
        outcome.waited |= started.elapsed() >= SLOW_SAVE;
        apply(model, outcome);
    }
}

/// How long a key's handling (a save, opening an interview, adding a
/// household) may take before the keys typed meanwhile are no longer
/// trusted: typed ahead for a screen that did not come, they would answer
/// whatever came instead.
pub const SLOW_SAVE: Duration = Duration::from_millis(500);

/// Does what a screen asked for after a key.
fn apply(model: &mut Model, outcome: Outcome) {
    model.notice = outcome.notice.or(model.notice.take());
    model.waited |= outcome.waited;
    if !matches!(outcome.go, Go::Stay) {
        read_round(model);
    }
    match outcome.go {
        Go::Stay => {}
        Go::Push(screen) => model.stack.push(screen),
        Go::Back => back(model),
        Go::Replace(screen) => {
            model.stack.pop();
            model.stack.push(screen);
        }
        Go::BackToNext(code) => {
            back(model);
            if let Some(Screen::Households(h)) = model.stack.last_mut() {
                h.select_next_after(&code);
            }
        }
        Go::Tab(tab) => to_tab(model, tab),
        Go::Named(name) => {
            model.stack.pop();
            if model.stack.is_empty() {
                model.interviewer.clone_from(&name);
                to_tab(model, Tab::Villages);
                // A linked cadre sees their own households first.
                match Households::mine(&model.ctx(), &name) {
                    Ok(Some(mine)) => model.stack.push(Screen::Households(mine)),
                    Ok(None) => {}
                    Err(e) => notice(model, e.message(), true),
                }
            } else if name != model.interviewer {
                let said = tr(T::NameChanged);
                notice(
                    model,
                    Tr {
                        zh: format!("{} {name}", said.zh),
                        en: format!("{} {name}", said.en),
                    },
                    false,
                );
            }
            model.interviewer = name;
        }
    }
}

/// Back to the screen underneath, reloaded to show what changed.
fn back(model: &mut Model) {
    if model.stack.len() < 2 {
        return;
    }
    model.stack.pop();
    let (ctx, stack) = model.split_mut();
    if let Some(Err(e)) = stack.last_mut().map(|s| s.refresh(&ctx)) {
        notice(model, e.message(), true);
    }
}

/// The first screen of a tab, alone on the stack.
fn to_tab(model: &mut Model, tab: Tab) {
    let ctx = model.ctx();
    let screen = match tab {
        Tab::Villages => Villages::load(&ctx).map(Screen::Villages),
        Tab::Priorities => Priorities::load(&ctx).map(|p| Screen::Priorities(Box::new(p))),
        Tab::Surveys => Ok(Screen::Surveys(Surveys::default())),
    };
    match screen {
        Ok(s) => model.stack = vec![s],
        Err(e) => notice(model, e.message(), true),
    }
}

/// Says that keys typed while a save waited were dropped, after what the
/// save itself said.
pub fn typed_while_waiting(model: &mut Model) {
    let dropped = tr(T::TypedWhileWaiting);
    let text = match model.notice.take() {
        Some(n) if n.press_again => n.text,
        Some(n) => Tr {
            zh: format!("{} · {}", n.text.zh, dropped.zh),
            en: format!("{} · {}", n.text.en, dropped.en),
        },
        None => dropped,
    };
    notice(model, text, true);
}
