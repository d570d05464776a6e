//! The terminal app: villages, households, interviews, review and the
//! loaded questionnaires, keyboard first, in Chinese and English.
//!
//! The Elm Architecture: [`model::Model`] is the state, [`msg::Msg`] what
//! happens, [`update::update`] turns a message into changes of the state
//! (it hands keys to the screen on top, which may call the store), and
//! [`view::view`] draws the state without changing it. Each screen in
//! [`screens`] owns its state, its keys and its drawing; [`widgets`] holds
//! what they share. This module owns the terminal: it sets it up, runs the
//! loop, and restores it on exit, on error and on panic.

pub mod layout;
pub mod model;
pub mod msg;
pub mod screens;
pub mod text;
pub mod update;
pub mod view;
pub mod widgets;

use std::io;
use std::rc::Rc;
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use crate::i18n::Lang;
use crate::store::{Store, StoreError};
use crate::survey::Survey;
use model::{Model, Screen, SurveyFile};
use screens::households::Households;
use screens::name::Name;
use screens::villages::Villages;
pub use update::SLOW_SAVE;

/// Loads questionnaire files for the app: the surveys that load cleanly
/// are used; every file is listed with its problems for the Surveys screen.
pub fn surveys<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (Vec<Rc<Survey>>, Vec<SurveyFile>) {
    let sources: Vec<crate::survey::Source<'a>> = files
        .into_iter()
        .map(|(path, text)| crate::survey::Source {
            path,
            text,
            not_utf8: None,
        })
        .collect();
    surveys_of(&sources)
}

/// [`surveys`] of files as read, some perhaps not UTF-8: those are listed
/// with their problem and the others are used.
pub fn surveys_of(files: &[crate::survey::Source<'_>]) -> (Vec<Rc<Survey>>, Vec<SurveyFile>) {
    let mut in_use = Vec::new();
    let mut listed = Vec::new();
    for ((path, result), text) in crate::survey::load_sources(files)
        .into_iter()
        .zip(files.iter().map(|f| f.text))
    {
        let problems = result
            .diagnostics
            .iter()
            .map(|d| crate::i18n::Tr {
                zh: d.render(path, text, Lang::Zh),
                en: d.render(path, text, Lang::En),
            })
            .collect();
        let errors = result.errors();
        let (id, version, title, questions, needs) = match &result.survey {
            Some(s) => (
                s.id.clone(),
                s.version.clone(),
                Some(s.title.clone()),
                s.questions().count(),
                s.needs.len(),
            ),
            None => (
                result.id.clone().map(|(id, _)| id).unwrap_or_default(),
                String::new(),
                None,
                0,
                0,
            ),
        };
        listed.push(SurveyFile {
            path: path.to_string(),
            id,
            version,
            title,
            questions,
            needs,
            problems,
            errors,
        });
        if let Some(s) = result.survey {
            in_use.push(Rc::new(s));
        }
    }
    (in_use, listed)
}

/// Builds the starting model: asks the interviewer's name when the
/// database does not know it yet, else shows the villages.
pub fn new_model(
    store: Store,
    surveys: Vec<Rc<Survey>>,
    survey_files: Vec<SurveyFile>,
    lang: Lang,
    size: (u16, u16),
) -> Result<Model, StoreError> {
    let interviewer = store.interviewer()?.unwrap_or_default();
    let db_display = store.path().display().to_string();
    let round = store.current_round()?.map(|r| r.name);
    let mut model = Model {
        lang,
        store,
        surveys,
        survey_files,
        db_display,
        interviewer,
        round,
        stack: Vec::new(),
        notice: None,
        help: false,
        quit: false,
        quit_asked: false,
        waited: false,
        size,
    };
    let first = if model.interviewer.is_empty() {
        Screen::Name(Name::default())
    } else {
        Screen::Villages(Villages::load(&model.ctx())?)
    };
    model.stack.push(first);
    // A linked cadre sees their own households first; Esc shows every
    // village.
    if !model.interviewer.is_empty()
        && let Some(mine) = Households::mine(&model.ctx(), &model.interviewer)?
    {
        model.stack.push(Screen::Households(mine));
    }
    Ok(model)
}

/// The events the terminal has buffered, read without waiting.
fn pending() -> io::Result<Vec<Event>> {
    let mut events = Vec::new();
    while event::poll(Duration::ZERO)? {
        events.push(event::read()?);
    }
    Ok(events)
}

/// Applies one terminal event. When the update waited on the database (a
/// write that failed as busy, or a save that took longer than
/// [`SLOW_SAVE`]), the events that arrived meanwhile, read from `pending`,
/// are dropped but for a resize and Ctrl-C, and the status bar asks to
/// press them again.
pub fn step(
    model: &mut Model,
    event: Event,
    pending: impl FnOnce() -> io::Result<Vec<Event>>,
) -> io::Result<()> {
    let Some(msg) = msg::Msg::from_event(event) else {
        return Ok(());
    };
    update::update(model, msg);
    if !std::mem::take(&mut model.waited) {
        return Ok(());
    }
    let left = msg::after_wait(pending()?);
    if left.discarded > 0 {
        update::typed_while_waiting(model);
    }
    for msg in left.kept {
        update::update(model, msg);
    }
    Ok(())
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Runs the app until the user quits. The terminal is restored however the
/// app ends; a panic's message is printed after the terminal is back.
pub fn run(mut model: Model) -> io::Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    enable_raw_mode()?;
    let setup = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    let result = setup.and_then(|()| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout()))?;
        let size = terminal.size()?;
        model.size = (size.width, size.height);
        loop {
            terminal.draw(|frame| view::view(&model, frame))?;
            if model.quit {
                return Ok(());
            }
            step(&mut model, event::read()?, pending)?;
        }
    });
    restore_terminal();
    result
}
