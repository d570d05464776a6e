//! State transitions of the app, and the only place that calls the store.
//! Every answer goes through [`Store::save_answer`] (one durable
//! transaction) before the next question is shown.

use std::rc::Rc;

use pinyin::ToPinyin;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::layout;
use super::model::{
    Explain, FORM_FIELDS, Filter, Form, Households, Interview, Mode, Model, Notice, Priorities,
    Screen, Villages,
};
use super::msg::Msg;
use super::text::T;
use crate::i18n::{Lang, Tr};
use crate::interview::{Failure, State};
use crate::priority::{By, category_areas};
use crate::store::household::{Edit, Field, Household, HouseholdProblem};
use crate::store::interview::Status;
use crate::store::{Store, StoreError};
use crate::survey::{QuestionKind, Survey};
use crate::text::{half_width, normalise_code};
use crate::tr;

fn notice(model: &mut Model, text: Tr, error: bool) {
    model.notice = Some(Notice { text, error });
}

fn t(t: T) -> Tr {
    let (zh, en) = t.pair();
    Tr {
        zh: zh.into(),
        en: en.into(),
    }
}

/// Lowercase text, full pinyin and pinyin initials, for filtering by
/// whatever the user types.
pub fn search_key(text: &str) -> String {
    let mut full = String::new();
    let mut initials = String::new();
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => {
                full.extend(c.to_lowercase());
                initials.extend(c.to_lowercase());
            }
        }
    }
    format!("{}\u{1f}{full}\u{1f}{initials}", text.to_lowercase())
}

fn matches(key: &str, query: &str) -> bool {
    query.is_empty() || key.contains(&query.to_lowercase())
}

pub fn villages(store: &Store, surveys: &[Rc<Survey>]) -> Result<Villages, StoreError> {
    let ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
    let rows = store.village_coverage(&ids)?;
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
    refilter_villages(&mut v);
    Ok(v)
}

fn refilter_villages(v: &mut Villages) {
    let query = v
        .filter
        .editing
        .as_ref()
        .map_or(v.filter.query.clone(), |i| i.value().to_string());
    v.visible = (0..v.rows.len())
        .filter(|&i| matches(&v.keys[i], &query))
        .collect();
    v.selected = v.selected.min(v.visible.len().saturating_sub(1));
}

pub fn households(
    store: &Store,
    surveys: &[Rc<Survey>],
    township: &str,
    village: &str,
) -> Result<Households, StoreError> {
    let ids: Vec<&str> = surveys.iter().map(|s| s.id.as_str()).collect();
    let rows = store.village_households(township, village, &ids)?;
    let mut h = Households {
        township: township.to_string(),
        village: village.to_string(),
        visible: (0..rows.len()).collect(),
        rows,
        selected: 0,
        filter: Filter::default(),
    };
    refilter_households(&mut h);
    Ok(h)
}

fn refilter_households(h: &mut Households) {
    let query = h
        .filter
        .editing
        .as_ref()
        .map_or(h.filter.query.clone(), |i| i.value().to_string());
    // A code typed with a Chinese input method (full-width) finds the
    // code as stored.
    let query = normalise_code(&query).into_owned();
    h.visible = (0..h.rows.len())
        .filter(|&i| {
            let hh = &h.rows[i].household;
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
    h.selected = h.selected.min(h.visible.len().saturating_sub(1));
}

/// The ranked projects of every village from the interviews completed so far.
pub fn priorities(store: &Store) -> Result<Priorities, StoreError> {
    let (input, projects) = store.priorities(false, By::Village)?;
    let mut categories: Vec<String> = Vec::new();
    for r in &input.rules {
        if !categories.contains(&r.category) {
            categories.push(r.category.clone());
        }
    }
    let mut townships: Vec<String> = input
        .households
        .iter()
        .map(|h| h.township.to_string())
        .collect();
    townships.sort();
    townships.dedup();
    let mut p = Priorities {
        input,
        visible: (0..projects.len()).collect(),
        projects,
        selected: 0,
        categories,
        category: None,
        townships,
        township: None,
        chart_category: String::new(),
        chart: Vec::new(),
    };
    refilter_priorities(&mut p);
    Ok(p)
}

/// Applies the filters and redraws the chart for the category in view.
fn refilter_priorities(p: &mut Priorities) {
    let category = p.category.map(|i| p.categories[i].clone());
    let township = p.township.map(|i| p.townships[i].clone());
    p.visible = (0..p.projects.len())
        .filter(|&i| {
            let project = &p.projects[i];
            category
                .as_ref()
                .is_none_or(|c| p.input.rules[project.rule].category == *c)
                && township
                    .as_ref()
                    .is_none_or(|t| project.area.township == *t)
        })
        .collect();
    p.selected = p.selected.min(p.visible.len().saturating_sub(1));
    let shown = category.or_else(|| {
        p.visible
            .get(p.selected)
            .map(|&i| p.input.rules[p.projects[i].rule].category.clone())
    });
    if let Some(c) = shown
        && c != p.chart_category
    {
        p.chart = category_areas(&p.projects, &p.input.rules, &c);
        p.chart_category = c;
    }
}

/// Steps a filter through all, then each value.
fn cycle(filter: &mut Option<usize>, len: usize) {
    *filter = match *filter {
        None if len > 0 => Some(0),
        Some(i) if i + 1 < len => Some(i + 1),
        _ => None,
    };
}

fn priorities_key(model: &mut Model, k: KeyEvent) {
    let page = page(model);
    let Model { store, stack, .. } = model;
    let Some(Screen::Priorities(p)) = stack.last_mut() else {
        return;
    };
    if navigate(&mut p.selected, p.visible.len(), k.code, page) {
        refilter_priorities(p);
        return;
    }
    match k.code {
        KeyCode::Char('c') => {
            cycle(&mut p.category, p.categories.len());
            refilter_priorities(p);
        }
        KeyCode::Char('t') => {
            cycle(&mut p.township, p.townships.len());
            refilter_priorities(p);
        }
        KeyCode::Esc => {
            p.category = None;
            p.township = None;
            refilter_priorities(p);
        }
        KeyCode::Enter => {
            let Some(&i) = p.visible.get(p.selected) else {
                return;
            };
            let project = p.projects[i].clone();
            match store.explain(&p.input, &project) {
                Ok(explanation) => {
                    let explain = Explain {
                        rank: i + 1,
                        rule: p.input.rules[project.rule].clone(),
                        project,
                        explanation,
                        selected: 0,
                    };
                    stack.push(Screen::Explain(Box::new(explain)));
                }
                Err(e) => notice(model, e.message(), true),
            }
        }
        KeyCode::Tab => model.stack = vec![Screen::Surveys { selected: 0 }],
        KeyCode::BackTab => to_villages(model),
        _ => {}
    }
}

fn explain_key(model: &mut Model, k: KeyEvent) {
    let page = page(model);
    let Some(Screen::Explain(e)) = model.stack.last_mut() else {
        return;
    };
    if navigate(&mut e.selected, e.explanation.rows.len(), k.code, page) {
        return;
    }
    if k.code == KeyCode::Esc {
        pop(model);
    }
}

fn to_villages(model: &mut Model) {
    match villages(&model.store, &model.surveys) {
        Ok(v) => model.stack = vec![Screen::Villages(v)],
        Err(e) => notice(model, e.message(), true),
    }
}

fn to_priorities(model: &mut Model) {
    match priorities(&model.store) {
        Ok(p) => model.stack = vec![Screen::Priorities(Box::new(p))],
        Err(e) => notice(model, e.message(), true),
    }
}

/// Reloads what the screen on top shows, after coming back to it.
fn refresh_top(model: &mut Model) {
    let Model {
        store,
        surveys,
        stack,
        ..
    } = model;
    let result = match stack.last_mut() {
        Some(Screen::Villages(v)) => villages(store, surveys).map(|mut fresh| {
            fresh.filter = std::mem::take(&mut v.filter);
            fresh.selected = v.selected;
            refilter_villages(&mut fresh);
            *v = fresh;
        }),
        Some(Screen::Households(h)) => {
            households(store, surveys, &h.township, &h.village).map(|mut fresh| {
                fresh.filter = std::mem::take(&mut h.filter);
                fresh.selected = h.selected;
                refilter_households(&mut fresh);
                *h = fresh;
            })
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        notice(model, e.message(), true);
    }
}

fn pop(model: &mut Model) {
    if model.stack.len() > 1 {
        model.stack.pop();
        refresh_top(model);
    }
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
        Msg::Paste(text) => paste(model, &text),
        Msg::Click { column, row } => click(model, column, row),
        Msg::Scroll { down } => {
            // The wheel scrolls lists; in a question or a form it would
            // move away from what is being typed.
            let in_list = match model.stack.last() {
                Some(Screen::Interview(i)) => i.mode != Mode::Question,
                Some(Screen::Form(_)) | Some(Screen::Name(_)) => false,
                _ => true,
            };
            if in_list {
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                key(model, KeyEvent::new(code, KeyModifiers::NONE));
            }
        }
        Msg::Key(k) => key(model, k),
    }
}

/// The text input that has the keyboard, if any.
fn active_input(model: &mut Model) -> Option<&mut Input> {
    match model.stack.last_mut()? {
        Screen::Name(input) => Some(input),
        Screen::Villages(v) => v.filter.editing.as_mut(),
        Screen::Households(h) => h.filter.editing.as_mut(),
        Screen::Form(f) => f.fields.get_mut(f.focus),
        Screen::Interview(i) if i.mode == Mode::Question && typed(&i.record.survey, i.current) => {
            Some(&mut i.input)
        }
        _ => None,
    }
}

fn typed(survey: &Survey, index: usize) -> bool {
    matches!(
        survey.question_at(index).kind,
        QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Text | QuestionKind::Date
    )
}

fn paste(model: &mut Model, text: &str) {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if matches!(model.stack.last(), Some(Screen::Form(f)) if !f.conflicts.is_empty()) {
        return;
    }
    if let Some(input) = active_input(model) {
        for c in one_line.trim_end().chars() {
            input.handle(tui_input::InputRequest::InsertChar(c));
        }
    }
    match model.stack.last_mut() {
        Some(Screen::Villages(v)) => refilter_villages(v),
        Some(Screen::Households(h)) => refilter_households(h),
        Some(Screen::Interview(i)) => i.error = None,
        _ => {}
    }
}

fn toggle_lang(model: &mut Model) {
    model.lang = match model.lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
}

fn key(model: &mut Model, k: KeyEvent) {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        model.quit = true;
        return;
    }
    if k.code == KeyCode::F(2) {
        toggle_lang(model);
        return;
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
    let typing = active_input(model).is_some();
    let choice_key = matches!(model.stack.last(), Some(Screen::Interview(i)) if i.mode == Mode::Question
        && choice_index(&i.record.survey, i.current, k.code).is_some());
    if !typing && !choice_key {
        match k.code {
            KeyCode::Char('?') => {
                model.help = true;
                return;
            }
            KeyCode::Char('L') => {
                toggle_lang(model);
                return;
            }
            KeyCode::Char('q') => {
                model.quit = true;
                return;
            }
            _ => {}
        }
    }
    match model.stack.last() {
        Some(Screen::Name(_)) => name_key(model, k),
        Some(Screen::Villages(_)) => villages_key(model, k),
        Some(Screen::Surveys { .. }) => surveys_key(model, k),
        Some(Screen::Households(_)) => households_key(model, k),
        Some(Screen::Form(_)) => form_key(model, k),
        Some(Screen::Interview(_)) => interview_key(model, k),
        Some(Screen::Priorities(_)) => priorities_key(model, k),
        Some(Screen::Explain(_)) => explain_key(model, k),
        None => {}
    }
}

fn name_key(model: &mut Model, k: KeyEvent) {
    let Some(Screen::Name(input)) = model.stack.last_mut() else {
        return;
    };
    if k.code != KeyCode::Enter {
        input.handle_event(&Event::Key(k));
        return;
    }
    let name = input.value().trim().to_string();
    if name.is_empty() {
        return;
    }
    match model.store.set_interviewer(&name) {
        Ok(()) => {
            model.interviewer = name;
            model.stack.pop();
            if model.stack.is_empty() {
                match villages(&model.store, &model.surveys) {
                    Ok(v) => model.stack.push(Screen::Villages(v)),
                    Err(e) => notice(model, e.message(), true),
                }
            }
        }
        Err(e) => notice(model, e.message(), true),
    }
}

/// Moves a selection within `len` rows.
fn navigate(selected: &mut usize, len: usize, code: KeyCode, page: usize) -> bool {
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

fn page(model: &Model) -> usize {
    let (_, body, _) = layout::frame(ratatui::layout::Rect::new(0, 0, model.size.0, model.size.1));
    usize::from(layout::list_rows(body).height.max(1))
}

/// Handles a key while a filter is typed; true when it was consumed.
fn filter_key(filter: &mut Filter, k: KeyEvent) -> bool {
    let Some(input) = filter.editing.as_mut() else {
        if k.code == KeyCode::Char('/') {
            filter.editing = Some(Input::new(filter.query.clone()));
            return true;
        }
        if k.code == KeyCode::Esc && !filter.query.is_empty() {
            filter.query.clear();
            return true;
        }
        return false;
    };
    match k.code {
        KeyCode::Enter => {
            filter.query = input.value().to_string();
            filter.editing = None;
        }
        KeyCode::Esc => {
            filter.query.clear();
            filter.editing = None;
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => return false,
        _ => {
            input.handle_event(&Event::Key(k));
        }
    }
    true
}

fn villages_key(model: &mut Model, k: KeyEvent) {
    let page = page(model);
    let Some(Screen::Villages(v)) = model.stack.last_mut() else {
        return;
    };
    if filter_key(&mut v.filter, k) {
        refilter_villages(v);
        return;
    }
    if navigate(&mut v.selected, v.visible.len(), k.code, page) {
        return;
    }
    let chosen = v
        .visible
        .get(v.selected)
        .map(|&i| (v.rows[i].township.clone(), v.rows[i].village.clone()));
    match k.code {
        KeyCode::Enter => {
            if let Some((township, village)) = chosen {
                match households(&model.store, &model.surveys, &township, &village) {
                    Ok(h) => model.stack.push(Screen::Households(h)),
                    Err(e) => notice(model, e.message(), true),
                }
            }
        }
        KeyCode::Char('a') => {
            let (township, village) = chosen.unwrap_or_default();
            model
                .stack
                .push(Screen::Form(Box::new(new_form(&township, &village))));
        }
        KeyCode::Tab => to_priorities(model),
        KeyCode::BackTab => model.stack = vec![Screen::Surveys { selected: 0 }],
        _ => {}
    }
}

fn surveys_key(model: &mut Model, k: KeyEvent) {
    let len = model.survey_files.len();
    let page = page(model);
    let Some(Screen::Surveys { selected }) = model.stack.last_mut() else {
        return;
    };
    if navigate(selected, len, k.code, page) {
        return;
    }
    match k.code {
        KeyCode::Tab | KeyCode::Esc => to_villages(model),
        KeyCode::BackTab => to_priorities(model),
        _ => {}
    }
}

fn households_key(model: &mut Model, k: KeyEvent) {
    let page = page(model);
    let Some(Screen::Households(h)) = model.stack.last_mut() else {
        return;
    };
    if filter_key(&mut h.filter, k) {
        refilter_households(h);
        return;
    }
    if navigate(&mut h.selected, h.visible.len(), k.code, page) {
        return;
    }
    let row = h.visible.get(h.selected).map(|&i| h.rows[i].clone());
    let (township, village) = (h.township.clone(), h.village.clone());
    match k.code {
        KeyCode::Esc => pop(model),
        KeyCode::Char('a') => model
            .stack
            .push(Screen::Form(Box::new(new_form(&township, &village)))),
        KeyCode::Char('e') => {
            if let Some(row) = row {
                model
                    .stack
                    .push(Screen::Form(Box::new(edit_form(&row.household))));
            }
        }
        KeyCode::Enter => {
            if let Some(row) = row {
                let next = row
                    .surveys
                    .iter()
                    .position(|s| *s != Some(Status::Complete))
                    .unwrap_or(0);
                open_interview(model, &row.household.code, next);
            }
        }
        KeyCode::Char(c @ '1'..='9') => {
            let n = c as usize - '1' as usize;
            if let (Some(row), true) = (row, n < model.surveys.len()) {
                open_interview(model, &row.household.code, n);
            }
        }
        _ => {}
    }
}

fn new_form(township: &str, village: &str) -> Form {
    let mut fields: Vec<Input> = (0..FORM_FIELDS).map(|_| Input::default()).collect();
    fields[1] = Input::new(township.to_string());
    fields[2] = Input::new(village.to_string());
    Form {
        editing: false,
        fields,
        focus: 0,
        errors: Vec::new(),
        base: None,
        conflicts: Vec::new(),
        theirs: None,
    }
}

fn edit_form(h: &Household) -> Form {
    let values = [
        &h.code,
        &h.township,
        &h.village,
        &h.group,
        &h.head,
        &h.members.to_string(),
        &h.phone,
        &h.cadre,
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
    }
}

/// The form's position of a registry field (the code is first).
fn form_index(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0) + 1
}

/// While the form asks about fields changed elsewhere: `m` keeps what the
/// person typed, `t` takes the values there now; either then saves the
/// person's other changes. Esc goes back to editing without saving.
fn conflict_key(model: &mut Model, k: KeyEvent) {
    let Some(Screen::Form(form)) = model.stack.last_mut() else {
        return;
    };
    match k.code {
        KeyCode::Char('m' | 'M') => {}
        KeyCode::Char('t' | 'T') => {
            for c in &form.conflicts {
                form.fields[form_index(c.field)] = Input::new(c.theirs.clone());
            }
        }
        KeyCode::Esc => {
            form.conflicts.clear();
            form.theirs = None;
            return;
        }
        _ => return,
    }
    // Either way the person has now seen the household as it is: what
    // differs from it in the form is what they mean to write.
    form.base = form.theirs.take();
    form.conflicts.clear();
    save_form(model);
}

fn form_key(model: &mut Model, k: KeyEvent) {
    let Some(Screen::Form(form)) = model.stack.last_mut() else {
        return;
    };
    if !form.conflicts.is_empty() {
        return conflict_key(model, k);
    }
    let first = usize::from(form.editing);
    let save = k.code == KeyCode::Char('s') && k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Esc => {
            pop(model);
            return;
        }
        _ if save => {}
        KeyCode::Tab | KeyCode::Down => {
            form.focus = (form.focus + 1).min(FORM_FIELDS - 1);
            return;
        }
        KeyCode::Enter if form.focus + 1 < FORM_FIELDS => {
            form.focus += 1;
            return;
        }
        KeyCode::BackTab | KeyCode::Up => {
            form.focus = form.focus.saturating_sub(1).max(first);
            return;
        }
        KeyCode::Enter => {}
        _ => {
            if let Some(input) = form.fields.get_mut(form.focus) {
                input.handle_event(&Event::Key(k));
            }
            return;
        }
    }
    save_form(model);
}

/// Checks the form and saves it: a new household is added; an edit writes
/// only the fields the person changed, or asks when one of them was
/// changed elsewhere too.
fn save_form(model: &mut Model) {
    let Some(Screen::Form(form)) = model.stack.last_mut() else {
        return;
    };
    let v: Vec<String> = form
        .fields
        .iter()
        .map(|i| i.value().trim().to_string())
        .collect();
    let members_text = half_width(&v[5]);
    let household = Household {
        // A new code is stored as the import stores codes; an edited
        // household keeps the code it was stored under.
        code: if form.editing {
            v[0].clone()
        } else {
            normalise_code(&v[0]).into_owned()
        },
        township: v[1].clone(),
        village: v[2].clone(),
        group: v[3].clone(),
        head: v[4].clone(),
        members: members_text.parse().unwrap_or(0),
        phone: v[6].clone(),
        cadre: v[7].clone(),
        notes: v[8].clone(),
    };
    let unreadable = !members_text.is_empty() && members_text.parse::<i64>().is_err();
    let mut errors: Vec<Tr> = household
        .problems()
        .iter()
        // Say what was typed, not the 0 it could not be read as.
        .filter(|p| !(unreadable && matches!(p, HouseholdProblem::Members(_))))
        .map(HouseholdProblem::message)
        .collect();
    if unreadable {
        errors.push(tr!(
            "人口 '{members_text}' 不是整数",
            "members '{members_text}' is not a whole number"
        ));
    }
    // Said here with the other problems; adding refuses it too, should
    // another program add the code meanwhile.
    if !form.editing && !household.code.is_empty() {
        match model.store.household(&household.code) {
            Ok(Some(_)) => {
                errors.push(StoreError::HouseholdExists(household.code.clone()).message())
            }
            Ok(None) => {}
            Err(e) => errors.push(e.message()),
        }
    }
    let Some(Screen::Form(form)) = model.stack.last_mut() else {
        return;
    };
    form.errors = errors;
    if !form.errors.is_empty() {
        return;
    }
    let saved = match &form.base {
        Some(base) => match model.store.edit_household(base, &household) {
            Ok(Edit::Saved(_)) => Ok(()),
            Ok(Edit::Conflicts { current, conflicts }) => {
                // The fields the person left alone show the household as
                // it is now, so that after the choice the form differs from
                // it only where the person changed something.
                for field in Field::ALL {
                    if field.get(&household) == field.get(base) {
                        form.fields[form_index(field)] = Input::new(field.get(&current));
                    }
                }
                form.conflicts = conflicts;
                form.theirs = Some(current);
                return;
            }
            Err(e) => Err(e),
        },
        None => model.store.add_household(&household),
    };
    match saved {
        Ok(()) => {
            notice(model, t(T::HouseholdSaved), false);
            pop(model);
        }
        Err(e @ StoreError::HouseholdExists(_)) => {
            if let Some(Screen::Form(form)) = model.stack.last_mut() {
                form.errors = vec![e.message()];
            }
        }
        Err(e) => notice(model, e.message(), true),
    }
}

/// Opens (or resumes) the interview of a household for the n-th survey, at
/// its first unanswered question, or its review when nothing is missing.
fn open_interview(model: &mut Model, code: &str, n: usize) {
    let Some(survey) = model.surveys.get(n).cloned() else {
        return;
    };
    match model
        .store
        .open_interview(code, &survey, &model.interviewer)
    {
        Ok(record) => {
            let mut i = Interview {
                current: 0,
                path: Vec::new(),
                answered: Vec::new(),
                missing: Vec::new(),
                failing: Vec::new(),
                input: Input::default(),
                picks: Vec::new(),
                error: None,
                mode: Mode::Question,
                record,
            };
            recompute(&mut i);
            match resume_at(&i) {
                Some(idx) if i.record.status == Status::Draft => go_to(&mut i, idx),
                _ => i.mode = Mode::Review { selected: 0 },
            }
            if i.mode != Mode::Question {
                i.current = i.path.first().copied().unwrap_or(0);
            }
            model.stack.push(Screen::Interview(Box::new(i)));
        }
        Err(e) => notice(model, e.message(), true),
    }
}

/// Where an interview resumes: its first relevant required question
/// without an answer; when none, the first unanswered question after the
/// last answered one (optional questions skipped earlier stay skipped);
/// when none, nothing (the review).
fn resume_at(i: &Interview) -> Option<usize> {
    if let Some(&first) = i.missing.first() {
        return Some(first);
    }
    let last = i.answered.iter().rposition(|a| *a).map_or(0, |s| s + 1);
    i.path[last.min(i.path.len())..]
        .iter()
        .zip(&i.answered[last.min(i.answered.len())..])
        .find(|(idx, answered)| {
            !**answered && i.record.survey.question_at(**idx).kind != QuestionKind::Note
        })
        .map(|(idx, _)| *idx)
}

/// Recomputes the path, answered marks and missing list from the answers.
fn recompute(i: &mut Interview) {
    let facts = i.record.facts();
    let state = State::new(&i.record.survey, &i.record.answers, &facts);
    i.path = state.path();
    i.answered = i
        .path
        .iter()
        .map(|&idx| {
            i.record
                .answers
                .contains_key(&i.record.survey.question_at(idx).name)
        })
        .collect();
    i.missing = state
        .missing()
        .iter()
        .filter_map(|q| i.record.survey.index_of(&q.name))
        .collect();
    i.failing = state
        .failures()
        .into_iter()
        .filter_map(|f| match f {
            Failure::Invalid { question, message } => i
                .record
                .survey
                .index_of(&question)
                .map(|idx| (idx, message)),
            Failure::Missing { .. } => None,
        })
        .collect();
}

/// Shows the question at `index` with its stored answer in the input.
fn go_to(i: &mut Interview, index: usize) {
    i.current = index;
    i.mode = Mode::Question;
    i.error = None;
    let q = i.record.survey.question_at(index);
    let stored = i.record.answers.get(&q.name).cloned().unwrap_or_default();
    i.picks = stored.split_whitespace().map(str::to_string).collect();
    i.input = Input::new(if typed(&i.record.survey, index) {
        stored
    } else {
        String::new()
    });
}

/// The choice a key selects on a choice question: 1-9, then a-z; y/n on yes/no.
pub fn choice_index(survey: &Survey, index: usize, code: KeyCode) -> Option<usize> {
    let q = survey.question_at(index);
    let KeyCode::Char(c) = code else { return None };
    let n = survey.choices_of(q).len();
    let i = match (q.kind, c) {
        (QuestionKind::YesNo, 'y' | 'Y') => 0,
        (QuestionKind::YesNo, 'n' | 'N') => 1,
        (
            QuestionKind::SelectOne | QuestionKind::SelectMultiple | QuestionKind::YesNo,
            '1'..='9',
        ) => c as usize - '1' as usize,
        (QuestionKind::SelectOne | QuestionKind::SelectMultiple, 'a'..='z') => {
            9 + (c as usize - 'a' as usize)
        }
        _ => return None,
    };
    (i < n).then_some(i)
}

/// The key shown before the n-th choice.
pub fn choice_key(n: usize) -> char {
    match n {
        0..=8 => char::from(b'1' + n as u8),
        _ => char::from(b'a' + (n - 9).min(25) as u8),
    }
}

fn next_on_path(i: &Interview) -> Option<usize> {
    let step = i.path.iter().position(|&p| p == i.current);
    match step {
        Some(s) => i.path.get(s + 1).copied(),
        None => i.path.iter().copied().find(|&p| p > i.current),
    }
}

fn previous_on_path(i: &Interview) -> Option<usize> {
    i.path.iter().rev().copied().find(|&p| p < i.current)
}

fn advance(i: &mut Interview) {
    match next_on_path(i) {
        Some(next) => go_to(i, next),
        None => i.mode = Mode::Review { selected: 0 },
    }
}

/// Saves an answer (None clears it) through the store, then moves on.
fn save(model: &mut Model, raw: Option<String>) {
    let Model {
        store,
        stack,
        interviewer,
        ..
    } = model;
    let Some(Screen::Interview(i)) = stack.last_mut() else {
        return;
    };
    let name = i.record.survey.question_at(i.current).name.clone();
    let old = i.record.answers.get(&name).cloned();
    let started = std::time::Instant::now();
    let result = store.save_answer(i.record.id, &name, raw.as_deref(), interviewer);
    // Keys typed while this save waited were meant for the next question,
    // which had not come: the event loop drops them.
    if started.elapsed() >= super::SLOW_SAVE {
        model.waited = true;
    }
    match result {
        Ok(stored) => {
            let said = match &old {
                Some(before) if old != stored => {
                    changed(&i.record.survey, &name, before, stored.as_deref())
                }
                _ => t(T::Saved),
            };
            match stored {
                Some(v) => i.record.answers.insert(name, v),
                None => i.record.answers.remove(&name),
            };
            recompute(i);
            advance(i);
            notice(model, said, false);
        }
        Err(e) => {
            i.error = Some(e.message());
            if matches!(e, StoreError::Busy) {
                model.waited = true;
                notice(model, t(T::NotSaved), true);
            }
        }
    }
}

/// Says that keys typed while a save waited were dropped, after what the
/// save itself said.
pub fn typed_while_waiting(model: &mut Model) {
    let dropped = t(T::TypedWhileWaiting);
    let text = match model.notice.take() {
        Some(n) if n.text == t(T::NotSaved) => n.text,
        Some(n) => Tr {
            zh: format!("{} · {}", n.text.zh, dropped.zh),
            en: format!("{} · {}", n.text.en, dropped.en),
        },
        None => dropped,
    };
    notice(model, text, true);
}

/// The notice for an answer that replaced an earlier one: the question,
/// the old answer and the new one, so a change nobody meant is seen.
fn changed(survey: &Survey, name: &str, old: &str, new: Option<&str>) -> Tr {
    let say = |lang: Lang| {
        let label = survey
            .question(name)
            .map_or(name, |q| q.label.get(lang))
            .to_string();
        let shown = |v: &str| crate::interview::display_answer(survey, name, v, lang, "、");
        let prefix = T::Changed.get(lang);
        let new = new.map_or_else(|| "—".to_string(), shown);
        format!("{prefix}{label} {} → {new}", shown(old))
    };
    Tr {
        zh: say(Lang::Zh),
        en: say(Lang::En),
    }
}

fn interview_key(model: &mut Model, k: KeyEvent) {
    let Some(Screen::Interview(i)) = model.stack.last_mut() else {
        return;
    };
    if let Mode::Review { selected } = i.mode {
        review_key(model, k, selected);
        return;
    }
    let survey = Rc::clone(&i.record.survey);
    let q = survey.question_at(i.current);
    let answered = i.record.answers.contains_key(&q.name);
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        KeyCode::Esc => return pop(model),
        KeyCode::Char('r') if ctrl => {
            i.mode = Mode::Review {
                selected: i.path.iter().position(|&p| p == i.current).unwrap_or(0),
            };
            return;
        }
        KeyCode::Up | KeyCode::PageUp => {
            if let Some(prev) = previous_on_path(i) {
                go_to(i, prev);
            }
            return;
        }
        KeyCode::Down | KeyCode::PageDown => {
            if answered || !q.required || q.kind == QuestionKind::Note {
                advance(i);
            } else {
                i.error = Some(t(T::AnswerFirst));
            }
            return;
        }
        _ => {}
    }
    let confirm = matches!(k.code, KeyCode::Enter | KeyCode::Tab);
    match q.kind {
        QuestionKind::Note => {
            if confirm {
                advance(i);
            }
        }
        QuestionKind::SelectOne | QuestionKind::YesNo => {
            if let Some(n) = choice_index(&survey, i.current, k.code) {
                let name = survey.choices_of(q)[n].name.clone();
                save(model, Some(name));
            } else if confirm {
                if answered || !q.required {
                    advance(i);
                } else {
                    i.error = Some(t(T::AnswerFirst));
                }
            }
        }
        QuestionKind::SelectMultiple => {
            if let Some(n) = choice_index(&survey, i.current, k.code) {
                let name = survey.choices_of(q)[n].name.clone();
                if let Some(pos) = i.picks.iter().position(|p| *p == name) {
                    i.picks.remove(pos);
                } else {
                    i.picks.push(name);
                }
                i.error = None;
            } else if confirm {
                if !i.picks.is_empty() {
                    let joined = i.picks.join(" ");
                    save(model, Some(joined));
                } else if q.required {
                    i.error = Some(t(T::AnswerFirst));
                } else {
                    save(model, None);
                }
            }
        }
        _ => {
            if confirm {
                let value = i.input.value().trim().to_string();
                if !value.is_empty() {
                    save(model, Some(value));
                } else if q.required {
                    i.error = Some(t(T::AnswerFirst));
                } else {
                    save(model, None);
                }
            } else {
                // Backspace in an empty input stays here: a key meant to
                // clear this answer must never reach an earlier question.
                i.input.handle_event(&Event::Key(k));
                i.error = None;
            }
        }
    }
}

fn review_key(model: &mut Model, k: KeyEvent, mut selected: usize) {
    let page = page(model);
    let Model {
        store,
        stack,
        interviewer,
        ..
    } = model;
    let Some(Screen::Interview(i)) = stack.last_mut() else {
        return;
    };
    if navigate(&mut selected, i.path.len(), k.code, page) {
        i.mode = Mode::Review { selected };
        return;
    }
    let mut message = None;
    // A write that waited on another program: keys typed meanwhile are dropped.
    let mut busy = false;
    match k.code {
        KeyCode::Esc => return pop(model),
        KeyCode::Enter => {
            if let Some(&idx) = i.path.get(selected) {
                go_to(i, idx);
            }
        }
        KeyCode::Char('m') => {
            let first = i
                .path
                .iter()
                .copied()
                .find(|idx| i.missing.contains(idx) || i.failing.iter().any(|(f, _)| f == idx));
            if let Some(idx) = first {
                go_to(i, idx);
            }
        }
        KeyCode::Char('r') if k.modifiers.contains(KeyModifiers::CONTROL) => go_to(i, i.current),
        KeyCode::Char('c') => match store.complete(i.record.id, interviewer) {
            Ok(_) => {
                i.record.status = Status::Complete;
                message = Some((t(T::CompleteDone), false));
            }
            Err(StoreError::Incomplete { failures }) => {
                message = Some((refusal(&i.record.survey, &failures), true));
            }
            Err(e) => {
                busy = matches!(e, StoreError::Busy);
                message = Some((e.message(), true));
            }
        },
        KeyCode::Char('o') if i.record.status == Status::Complete => {
            match store.reopen(i.record.id, interviewer) {
                Ok(()) => {
                    i.record.status = Status::Draft;
                    message = Some((t(T::Reopened), false));
                }
                Err(e) => {
                    busy = matches!(e, StoreError::Busy);
                    message = Some((e.message(), true));
                }
            }
        }
        _ => {}
    }
    if let Some((text, error)) = message {
        notice(model, text, error);
    }
    model.waited |= busy;
}

/// Why completing was refused, with the questions' labels: the required
/// ones unanswered, then the answers that break their question's rule.
fn refusal(survey: &Survey, failures: &[Failure]) -> Tr {
    let say = |lang: Lang, list_sep: &str, part_sep: &str, space: &str| {
        let label = |name: &str| {
            survey
                .question(name)
                .map_or(name, |q| q.label.get(lang))
                .to_string()
        };
        let mut missing = Vec::new();
        let mut invalid = Vec::new();
        for f in failures {
            match f {
                Failure::Missing { question } => missing.push(label(question)),
                Failure::Invalid { question, message } => {
                    let (open, close) = match lang {
                        Lang::Zh => ("(", ")"),
                        Lang::En => (" (", ")"),
                    };
                    invalid.push(format!(
                        "{}{open}{}{close}",
                        label(question),
                        message.get(lang)
                    ))
                }
            }
        }
        let mut parts = Vec::new();
        for (t, list) in [(T::MissingList, missing), (T::FailingList, invalid)] {
            if !list.is_empty() {
                parts.push(format!("{}{space}{}", t.get(lang), list.join(list_sep)));
            }
        }
        parts.join(part_sep)
    };
    Tr {
        zh: say(Lang::Zh, "、", ";", ""),
        en: say(Lang::En, "; ", ". ", " "),
    }
}

/// A click on a list drawn in `rows`: selects the row, or opens it when it
/// was already selected (returns true then).
fn pick(
    selected: &mut usize,
    len: usize,
    rows: ratatui::layout::Rect,
    column: u16,
    row: u16,
) -> bool {
    if row < rows.y || row >= rows.bottom() || column >= rows.right() {
        return false;
    }
    let target = layout::scroll(*selected, rows.height) + usize::from(row - rows.y);
    if target >= len {
        return false;
    }
    let open = target == *selected;
    *selected = target;
    open
}

fn click(model: &mut Model, column: u16, row: u16) {
    let area = ratatui::layout::Rect::new(0, 0, model.size.0, model.size.1);
    let (_, body, _) = layout::frame(area);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let open = match model.stack.last_mut() {
        Some(Screen::Villages(v)) => {
            let rows = layout::list_rows(layout::with_filter(body, v.filter.shown()));
            pick(&mut v.selected, v.visible.len(), rows, column, row)
        }
        Some(Screen::Households(h)) => {
            let rows = layout::list_rows(layout::with_filter(body, h.filter.shown()));
            pick(&mut h.selected, h.visible.len(), rows, column, row)
        }
        Some(Screen::Priorities(p)) => {
            let rows = layout::list_rows(layout::priorities(body).0);
            let open = pick(&mut p.selected, p.visible.len(), rows, column, row);
            refilter_priorities(p);
            open
        }
        Some(Screen::Surveys { selected }) => {
            let rows = layout::list_rows(layout::surveys_list(body));
            pick(selected, model.survey_files.len(), rows, column, row);
            false
        }
        Some(Screen::Interview(i)) if matches!(i.mode, Mode::Review { .. }) => {
            let Mode::Review { mut selected } = i.mode else {
                return;
            };
            let open = pick(
                &mut selected,
                i.path.len(),
                layout::list_rows(body),
                column,
                row,
            );
            i.mode = Mode::Review { selected };
            open
        }
        _ => false,
    };
    if open {
        key(model, enter);
        return;
    }
    match model.stack.last_mut() {
        Some(Screen::Interview(i)) if i.mode == Mode::Question => {
            let areas = layout::interview(body);
            let (label, hint) = super::view::question_text(i, model.lang, areas.panel.width);
            let parts = layout::panel(areas.panel, label.len(), hint.len());
            let survey = Rc::clone(&i.record.survey);
            let q = survey.question_at(i.current);
            let n = survey.choices_of(q).len();
            if row >= parts.answer.y && row < parts.answer.bottom() && column >= parts.answer.x {
                let choice = usize::from(row - parts.answer.y);
                if choice < n {
                    let code = KeyCode::Char(if q.kind == QuestionKind::YesNo {
                        ['y', 'n'][choice.min(1)]
                    } else {
                        choice_key(choice)
                    });
                    key(model, KeyEvent::new(code, KeyModifiers::NONE));
                }
            }
        }
        _ => {}
    }
}
