//! The state of the terminal app. Each screen owns one struct; the
//! navigation stack holds the screens the user came through, so Esc goes
//! back to exactly where they were. Nothing here draws or touches the
//! database; [`super::update`] changes it, [`super::view`] draws it.

use std::rc::Rc;

use tui_input::Input;

use crate::i18n::{Lang, Tr};
use crate::priority::{Area, Project, Rule};
use crate::store::Store;
use crate::store::household::{Conflict, Household};
use crate::store::interview::Interview as Record;
use crate::store::overview::{HouseholdRow, VillageCoverage};
use crate::store::priorities::{Explanation, PriorityInput};
use crate::survey::Survey;

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
    /// Screens the user came through; the last one is shown.
    pub stack: Vec<Screen>,
    pub notice: Option<Notice>,
    pub help: bool,
    pub quit: bool,
    /// Set by an update that waited on the database (a save that failed as
    /// busy, or took long): the keys typed meanwhile must not be applied.
    /// The event loop takes it after each update.
    pub waited: bool,
    /// Terminal size, for mapping mouse clicks to what was drawn.
    pub size: (u16, u16),
}

/// A one-line message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: Tr,
    pub error: bool,
}

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

pub enum Screen {
    /// Asks the interviewer's name once.
    Name(Input),
    Villages(Villages),
    Surveys {
        selected: usize,
    },
    Households(Households),
    Form(Box<Form>),
    Interview(Box<Interview>),
    Priorities(Box<Priorities>),
    Explain(Box<Explain>),
}

/// The ranked projects, with the filters and the chart beside them.
pub struct Priorities {
    pub input: PriorityInput,
    /// Every project, ranked.
    pub projects: Vec<Project>,
    /// Positions in `projects` that pass the filters.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub categories: Vec<String>,
    /// Index into `categories`; `None` is all.
    pub category: Option<usize>,
    pub townships: Vec<String>,
    pub township: Option<usize>,
    /// The chart: the category shown and its villages, most affected first.
    pub chart_category: String,
    pub chart: Vec<(Area, i64)>,
}

/// One project explained: its rank, rule and households.
pub struct Explain {
    pub rank: usize,
    pub project: Project,
    pub rule: Rule,
    pub explanation: Explanation,
    pub selected: usize,
}

/// A list with a filter being typed or applied.
#[derive(Default)]
pub struct Filter {
    /// Some while the user types the filter.
    pub editing: Option<Input>,
    pub query: String,
}

impl Filter {
    /// Whether a filter line is drawn under the list.
    pub fn shown(&self) -> bool {
        self.editing.is_some() || !self.query.is_empty()
    }
}

pub struct Villages {
    pub rows: Vec<VillageCoverage>,
    /// Lowercase name, full pinyin and initials of each row, for filtering.
    pub keys: Vec<String>,
    pub visible: Vec<usize>,
    pub selected: usize,
    pub filter: Filter,
}

pub struct Households {
    pub township: String,
    pub village: String,
    pub rows: Vec<HouseholdRow>,
    pub visible: Vec<usize>,
    pub selected: usize,
    pub filter: Filter,
}

/// The household form: the registry fields in [`FORM_FIELDS`] order.
pub struct Form {
    /// Editing an existing household: its code cannot change.
    pub editing: bool,
    pub fields: Vec<Input>,
    pub focus: usize,
    pub errors: Vec<Tr>,
    /// Editing: the household the person started from (as the form
    /// opened, or as it was when they last chose between conflicting
    /// changes). A field differing from it is one the person changed, and
    /// only such fields are written.
    pub base: Option<Household>,
    /// Fields the person changed that were also changed elsewhere since
    /// `base`; while any is listed the form asks which value to keep.
    pub conflicts: Vec<Conflict>,
    /// The household as it was when the conflicts were found.
    pub theirs: Option<Household>,
}

/// code, township, village, group, head, members, phone, cadre, notes.
pub const FORM_FIELDS: usize = 9;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Question,
    Review { selected: usize },
}

pub struct Interview {
    pub record: Record,
    /// The question shown, as a position in the survey.
    pub current: usize,
    /// Positions of the questions on the path (relevant ones), in order.
    pub path: Vec<usize>,
    /// Positions on the path with an answer.
    pub answered: Vec<bool>,
    /// Relevant required questions without an answer, by position.
    pub missing: Vec<usize>,
    /// Relevant answers their question no longer accepts (an answer they
    /// depend on changed), by position, with the reason.
    pub failing: Vec<(usize, Tr)>,
    pub input: Input,
    /// Toggled choices of a multiple-choice question, in list order.
    pub picks: Vec<String>,
    pub error: Option<Tr>,
    pub mode: Mode,
}

impl Model {
    pub fn screen(&self) -> Option<&Screen> {
        self.stack.last()
    }
}

impl Interview {
    /// Where the current question is on the path.
    pub fn step(&self) -> usize {
        self.path
            .iter()
            .position(|&i| i == self.current)
            .unwrap_or(0)
    }
}
