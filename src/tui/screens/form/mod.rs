//! The household form: adds a household, or edits one. An edit writes
//! only the fields the person changed, and asks which value to keep when
//! one of them was changed elsewhere meanwhile. The township and the
//! village are chosen from the registry's lists ([`places`]); a place the
//! registry lacks is added only once the person confirms it.

mod places;

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use unicode_width::UnicodeWidthStr;

use self::places::{Choice, NewPlace};
use super::{Ctx, Go, Outcome, Screen, tr};
use crate::i18n::{Lang, Tr};
use crate::store::StoreError;
use crate::store::household::{Conflict, Edit, Field, Household, HouseholdProblem};
use crate::store::places::{Place, Places};
use crate::text::{half_width, normalise_code};
use crate::tui::text::T;
use crate::tui::widgets::fit::{fit, wrap};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::first_shown;
use crate::tui::widgets::{BOLD, DIM, ERROR, SELECTED};

/// The household form: the registry fields in [`LABELS`] order.
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
    /// The registry's townships and villages, to choose from.
    pub places: Places,
    /// Each village's search key, in the order of `places`.
    village_keys: Vec<String>,
    /// The choice highlighted in the township or village list.
    pub pick: usize,
    /// A place the registry lacks, which saving would add: the form asks.
    pub new_place: Option<NewPlace>,
    /// The new place the person confirmed.
    pub agreed: Option<Place>,
}

const TOWNSHIP: usize = 1;
const VILLAGE: usize = 2;

/// code, township, village, group, head, members, phone, cadre, the
/// cadre's code and work unit, notes.
pub const FIELDS: usize = 11;

const LABELS: [T; FIELDS] = [
    T::Code,
    T::Township,
    T::Village,
    T::Group,
    T::Head,
    T::Members,
    T::Phone,
    T::Cadre,
    T::CadreCode,
    T::WorkUnit,
    T::Notes,
];

/// The form's position of a registry field (the code is first).
fn index_of(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0) + 1
}

impl Form {
    /// An empty form for a household of the village given.
    pub fn new(places: Places, township: &str, village: &str) -> Form {
        let mut fields: Vec<Input> = (0..FIELDS).map(|_| Input::default()).collect();
        fields[TOWNSHIP] = Input::new(township.to_string());
        fields[VILLAGE] = Input::new(village.to_string());
        Form {
            editing: false,
            fields,
            focus: 0,
            errors: Vec::new(),
            base: None,
            conflicts: Vec::new(),
            theirs: None,
            village_keys: places::village_keys(&places),
            places,
            pick: 0,
            new_place: None,
            agreed: None,
        }
    }

    /// Opens a form made with the registry's places.
    pub fn open(ctx: &Ctx<'_>, make: impl FnOnce(Places) -> Form) -> Outcome {
        match ctx.store.places() {
            Ok(places) => Outcome::go(Go::Push(Screen::Form(Box::new(make(places))))),
            Err(e) => Outcome::failed(&e),
        }
    }

    pub fn edit(places: Places, h: &Household) -> Form {
        let values = [
            &h.code,
            &h.township,
            &h.village,
            &h.group,
            &h.head,
            &h.members.to_string(),
            &h.phone,
            &h.cadre,
            &h.cadre_code,
            &h.unit,
            &h.notes,
        ];
        Form {
            editing: true,
            fields: values.iter().map(|v| Input::new(v.to_string())).collect(),
            focus: 1,
            errors: Vec::new(),
            base: Some(h.clone()),
            conflicts: Vec::new(),
            theirs: None,
            village_keys: places::village_keys(&places),
            places,
            pick: 0,
            new_place: None,
            agreed: None,
        }
    }

    pub fn title(&self) -> T {
        if self.editing {
            T::EditHousehold
        } else {
            T::AddHousehold
        }
    }

    /// The field with the focus. It keeps the keyboard while the form asks
    /// about conflicts too, so that q or ? typed there neither quits nor
    /// opens the help; only the conflict's keys act then.
    pub fn input(&mut self) -> Option<&mut Input> {
        self.fields.get_mut(self.focus)
    }

    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        if !self.conflicts.is_empty() {
            return self.conflict_key(ctx, k);
        }
        if let Some(new) = self.new_place.take() {
            // y adds the place; any other key goes back to the form.
            if matches!(k.code, KeyCode::Char('y' | 'Y')) {
                self.agreed = Some(new.place);
                return self.save(ctx);
            }
            return Outcome::default();
        }
        let first = usize::from(self.editing);
        let save = k.code == KeyCode::Char('s') && k.modifiers.contains(KeyModifiers::CONTROL);
        let choices = self.choices();
        let before = self.focus;
        match k.code {
            KeyCode::Esc => return Outcome::go(Go::Back),
            _ if save => {}
            // In the township or village field the arrows move in its list
            // and Enter takes the choice.
            KeyCode::Down if !choices.is_empty() => {
                self.pick = (self.pick + 1).min(choices.len() - 1);
            }
            KeyCode::Up if !choices.is_empty() => self.pick = self.pick.saturating_sub(1),
            KeyCode::Enter if !choices.is_empty() => {
                if let Some(choice) = choices.get(self.pick) {
                    self.take(choice);
                }
                self.focus += 1;
            }
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1).min(FIELDS - 1),
            KeyCode::Enter if self.focus + 1 < FIELDS => self.focus += 1,
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = self.focus.saturating_sub(1).max(first);
            }
            // Enter on the last field saves.
            KeyCode::Enter => return self.save(ctx),
            _ => {
                if let Some(input) = self.fields.get_mut(self.focus) {
                    input.handle_event(&Event::Key(k));
                }
                self.pick = 0;
            }
        }
        if self.focus != before {
            self.pick = 0;
        }
        if save {
            return self.save(ctx);
        }
        Outcome::default()
    }

    /// The choices of the township or village field when it has the focus.
    fn choices(&self) -> Vec<Choice> {
        let typed = self.fields[self.focus].value();
        match self.focus {
            TOWNSHIP => places::townships(&self.places, typed),
            VILLAGE => {
                let township = self.fields[TOWNSHIP].value().trim();
                places::villages(&self.places, &self.village_keys, township, typed)
            }
            _ => Vec::new(),
        }
    }

    /// Fills the field with a choice; a village of another township
    /// brings its township, and a township empties a village it lacks.
    fn take(&mut self, choice: &Choice) {
        match choice {
            Choice::Township(t) => {
                if !self.places.has(t, self.fields[VILLAGE].value().trim()) {
                    self.fields[VILLAGE] = Input::default();
                }
                self.fields[TOWNSHIP] = Input::new(t.clone());
            }
            Choice::Village(p) => {
                self.fields[TOWNSHIP] = Input::new(p.township.clone());
                self.fields[VILLAGE] = Input::new(p.village.clone());
            }
            Choice::New(_) => {}
        }
    }

    /// While the form asks about fields changed elsewhere: `m` keeps what
    /// the person typed, `t` takes the values there now; either then saves
    /// the person's other changes. Esc goes back to editing without saving.
    fn conflict_key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        match k.code {
            KeyCode::Char('m' | 'M') => {}
            KeyCode::Char('t' | 'T') => {
                for c in &self.conflicts {
                    self.fields[index_of(c.field)] = Input::new(c.theirs.clone());
                }
            }
            KeyCode::Esc => {
                self.conflicts.clear();
                self.theirs = None;
                return Outcome::default();
            }
            _ => return Outcome::default(),
        }
        // Either way the person has now seen the household as it is: what
        // differs from it in the form is what they mean to write.
        self.base = self.theirs.take();
        self.conflicts.clear();
        self.save(ctx)
    }

    /// The household as typed, and the members field as typed (half-width).
    fn household(&self) -> (Household, String) {
        let v: Vec<String> = self
            .fields
            .iter()
            .map(|i| i.value().trim().to_string())
            .collect();
        let members = half_width(&v[5]);
        let household = Household {
            // A new code is stored as the import stores codes; an edited
            // household keeps the code it was stored under.
            code: if self.editing {
                v[0].clone()
            } else {
                normalise_code(&v[0]).into_owned()
            },
            township: v[1].clone(),
            village: v[2].clone(),
            group: v[3].clone(),
            head: v[4].clone(),
            members: members.parse().unwrap_or(0),
            phone: v[6].clone(),
            cadre: v[7].clone(),
            cadre_code: v[8].clone(),
            unit: v[9].clone(),
            notes: v[10].clone(),
        };
        (household, members)
    }

    /// Every reason the household as typed cannot be saved.
    fn problems(&self, ctx: &Ctx<'_>, household: &Household, members: &str) -> Vec<Tr> {
        let unreadable = !members.is_empty() && members.parse::<i64>().is_err();
        let mut errors: Vec<Tr> = household
            .problems()
            .iter()
            // Say what was typed, not the 0 it could not be read as.
            .filter(|p| !(unreadable && matches!(p, HouseholdProblem::Members(_))))
            .map(HouseholdProblem::message)
            .collect();
        if unreadable {
            errors.push(crate::tr!(
                "人口 '{members}' 不是整数",
                "members '{members}' is not a whole number"
            ));
        }
        // Said here with the other problems; adding refuses it too, should
        // another program add the code meanwhile.
        if !self.editing && !household.code.is_empty() {
            match ctx.store.household(&household.code) {
                Ok(Some(_)) => {
                    errors.push(StoreError::HouseholdExists(household.code.clone()).message())
                }
                Ok(None) => {}
                Err(e) => errors.push(e.message()),
            }
        }
        errors
    }

    /// Checks the form and saves it: a new household is added; an edit
    /// writes only the fields the person changed, or asks when one of them
    /// was changed elsewhere too.
    fn save(&mut self, ctx: &Ctx<'_>) -> Outcome {
        let (household, members) = self.household();
        self.errors = self.problems(ctx, &household, &members);
        if !self.errors.is_empty() {
            return Outcome::default();
        }
        // A place the registry lacks is added only once confirmed; an
        // edit that keeps the household's place is not asked about.
        let (township, village) = (&household.township, &household.village);
        let kept = self
            .base
            .as_ref()
            .is_some_and(|b| &b.township == township && &b.village == village);
        if let Some(new) = NewPlace::of(&self.places, township, village)
            && !kept
            && self.agreed.as_ref() != Some(&new.place)
        {
            self.new_place = Some(new);
            return Outcome::default();
        }
        let saved = match &self.base {
            Some(base) => match ctx.store.edit_household(base, &household) {
                Ok(Edit::Saved(_)) => Ok(()),
                Ok(Edit::Conflicts { current, conflicts }) => {
                    // The fields the person left alone show the household
                    // as it is now, so that after the choice the form
                    // differs from it only where the person changed
                    // something.
                    for field in Field::ALL {
                        if field.get(&household) == field.get(base) {
                            self.fields[index_of(field)] = Input::new(field.get(&current));
                        }
                    }
                    self.conflicts = conflicts;
                    self.theirs = Some(current);
                    return Outcome::default();
                }
                Err(e) => Err(e),
            },
            None => ctx.store.add_household(&household),
        };
        match saved {
            Ok(()) if self.editing => Outcome {
                go: Go::Back,
                ..saved_edit(ctx, &household.code)
            },
            Ok(()) => Outcome {
                go: Go::Back,
                ..Outcome::said(tr(T::HouseholdSaved), false)
            },
            Err(e @ StoreError::HouseholdExists(_)) => {
                self.errors = vec![e.message()];
                Outcome::default()
            }
            Err(e) => Outcome::failed(&e),
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let [main, keys] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(body);
        let label_width = LABELS
            .iter()
            .map(|t| t.get(lang).width())
            .max()
            .unwrap_or(8)
            + 2;
        let mut lines = vec![Line::styled(self.title().get(lang), BOLD), Line::from("")];
        for (n, (label, input)) in LABELS.iter().zip(&self.fields).enumerate() {
            let marker = if n == self.focus { "›" } else { " " };
            let style = if self.editing && n == 0 {
                DIM
            } else if n == self.focus {
                BOLD
            } else {
                Style::new()
            };
            let label = label.get(lang);
            let pad = " ".repeat(label_width.saturating_sub(label.width()));
            lines.push(Line::styled(
                format!("{marker} {label}{pad}{}", input.value()),
                style,
            ));
        }
        lines.push(Line::from(""));
        lines.extend(
            self.errors
                .iter()
                .map(|e| Line::styled(e.get(lang).to_string(), ERROR)),
        );
        self.conflict_lines(&mut lines, body.width, lang);
        let asking = self.new_place.as_ref().map(|n| n.question(lang));
        let choices = match &asking {
            Some(question) => {
                for line in question.iter().flat_map(|q| wrap(q, main.width)) {
                    lines.push(Line::styled(line, ERROR));
                }
                Vec::new()
            }
            None if self.conflicts.is_empty() => self.choices(),
            None => Vec::new(),
        };
        let room = usize::from(main.height).saturating_sub(lines.len() + 1);
        self.choice_lines(&mut lines, &choices, (room, main.width), lang);
        frame.render_widget(Paragraph::new(lines), main);
        if let Some(input) = self.fields.get(self.focus)
            && self.conflicts.is_empty()
            && asking.is_none()
        {
            let x = main.x + 2 + label_width as u16 + input.visual_cursor() as u16;
            let y = main.y + 2 + self.focus as u16;
            frame.set_cursor_position(Position::new(x.min(main.right().saturating_sub(1)), y));
        }
        let hint = if !self.conflicts.is_empty() {
            T::ConflictKeys
        } else if asking.is_some() {
            T::NewPlaceKeys
        } else if !choices.is_empty() {
            T::PlaceKeys
        } else {
            T::FormKeys
        };
        frame.render_widget(KeyBar(hint.get(lang)), keys);
    }

    /// The township's or village's choices under the form, as many as
    /// `room` lines hold, the highlighted one in view.
    fn choice_lines(
        &self,
        lines: &mut Vec<Line<'_>>,
        choices: &[Choice],
        (room, width): (usize, u16),
        lang: Lang,
    ) {
        if choices.is_empty() || room < 2 {
            return;
        }
        let title = match self.focus {
            TOWNSHIP => T::RegistryTownships,
            _ => T::RegistryVillages,
        };
        lines.push(Line::styled(title.get(lang), DIM));
        let shown = room - 1;
        let first = first_shown(self.pick, shown as u16);
        let township = self.fields[TOWNSHIP].value().trim();
        for (n, choice) in choices.iter().enumerate().skip(first).take(shown) {
            let marker = if n == self.pick { "›" } else { " " };
            let text = format!("  {marker} {}", choice.line(township, lang));
            let style = if n == self.pick {
                SELECTED
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                fit(&text, usize::from(width)).into_owned(),
                style,
            ));
        }
    }

    /// The fields changed here and elsewhere, with both values.
    fn conflict_lines(&self, lines: &mut Vec<Line<'_>>, width: u16, lang: Lang) {
        if self.conflicts.is_empty() {
            return;
        }
        lines.push(Line::styled(T::ConflictTitle.get(lang), ERROR));
        let colon = match lang {
            Lang::Zh => ":",
            Lang::En => ": ",
        };
        for c in &self.conflicts {
            let label = LABELS[index_of(c.field)].get(lang);
            let text = format!(
                "  {label}{colon}{} {} · {} {}",
                T::Yours.get(lang),
                c.mine,
                T::Now.get(lang),
                c.theirs
            );
            lines.push(Line::styled(
                fit(&text, usize::from(width)).into_owned(),
                ERROR,
            ));
        }
    }
}

/// What saving an edit says: saved, and the answers of the household's
/// interviews that its record as saved now makes wrong (fewer members
/// than children counted, say), each with its survey, to be checked.
fn saved_edit(ctx: &Ctx<'_>, code: &str) -> Outcome {
    let failing = match ctx.store.disagreeing(code) {
        Ok(failing) => failing,
        // Saved all the same: say so before what failed.
        Err(e) => return Outcome::done_but(T::HouseholdSaved, &e),
    };
    if failing.is_empty() {
        return Outcome::said(tr(T::HouseholdSaved), false);
    }
    let say = |lang: Lang| {
        let list: Vec<String> = failing
            .iter()
            .flat_map(|f| {
                let title = ctx
                    .surveys
                    .iter()
                    .find(|s| s.id == f.survey)
                    .map_or(f.survey.as_str(), |s| s.title.get(lang));
                let colon = match lang {
                    Lang::Zh => ":",
                    Lang::En => ": ",
                };
                f.problems
                    .iter()
                    .map(move |p| format!("{title}{colon}{}", p.get(lang)))
            })
            .collect();
        let sep = match lang {
            Lang::Zh => ";",
            Lang::En => "; ",
        };
        format!("{}{}", T::SavedButDisagree.get(lang), list.join(sep))
    };
    Outcome::said(
        Tr {
            zh: say(Lang::Zh),
            en: say(Lang::En),
        },
        true,
    )
}
