//! The state of the terminal app: what every screen shares (the store,
//! the questionnaires, the interviewer, the language, the notice) and the
//! navigation stack of screens, so Esc goes back to exactly where the
//! user was. Each screen's own state lives in its module under
//! [`super::screens`]. Nothing here draws or touches the database.

use std::rc::Rc;

use super::screens::Ctx;
use crate::i18n::Lang;
use crate::store::Store;
use crate::survey::Survey;

pub use super::screens::Screen;
pub use super::screens::explain::Explain;
pub use super::screens::form::Form;
pub use super::screens::households::Households;
pub use super::screens::interview::{Interview, Mode};
pub use super::screens::priorities::Priorities;
pub use super::screens::surveys::SurveyFile;
pub use super::screens::villages::Villages;
pub use super::widgets::status_bar::Notice;

pub struct Model {
    pub lang: Lang,
    pub store: Store,
    /// The questionnaires in use, in menu order.
    pub surveys: Vec<Rc<Survey>>,
    /// What the Surveys screen lists, one entry a file.
    pub survey_files: Vec<SurveyFile>,
    /// The database path as shown in the status bar.
    pub db_display: String,
    pub interviewer: String,
    /// The round the app works in, as the status bar shows it; `None`
    /// before any interview.
    pub round: Option<String>,
    /// Screens the user came through; the last one is shown.
    pub stack: Vec<Screen>,
    pub notice: Option<Notice>,
    pub help: bool,
    pub quit: bool,
    /// q was pressed with an answer typed but not saved, and said so: q
    /// again quits.
    pub quit_asked: bool,
    /// Set by an update that waited on the database (a save that failed as
    /// busy, or took long): the keys typed meanwhile must not be applied.
    /// The event loop takes it after each update.
    pub waited: bool,
    /// Terminal size, for mapping mouse clicks to what was drawn.
    pub size: (u16, u16),
}

impl Model {
    pub fn screen(&self) -> Option<&Screen> {
        self.stack.last()
    }

    /// What a screen may read of the model.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            surveys: &self.surveys,
            survey_files: &self.survey_files,
            interviewer: &self.interviewer,
            lang: self.lang,
            size: self.size,
        }
    }

    /// [`Model::ctx`] and the stack, borrowed apart: the screen on top may
    /// change while the context is held.
    pub fn split_mut(&mut self) -> (Ctx<'_>, &mut Vec<Screen>) {
        let ctx = Ctx {
            store: &self.store,
            surveys: &self.surveys,
            survey_files: &self.survey_files,
            interviewer: &self.interviewer,
            lang: self.lang,
            size: self.size,
        };
        (ctx, &mut self.stack)
    }
}
