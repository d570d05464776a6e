//! The terminal app through ratatui's `TestBackend`: snapshots of every
//! screen in Chinese and English at 80×24 and 120×40, and key sequences
//! that drive whole interviews against a real database.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

use minqing::i18n::Lang;
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::store::interview::Status;
use minqing::survey::bundled::BUNDLED;
use minqing::tui::model::{Mode, Model, Screen};
use minqing::tui::msg::Msg;
use minqing::tui::{self, update::update, view::view};

/// Schooling as it was before rosters (2026.1): counts of children whose
/// constraints read each other, so that a changed answer makes another
/// fail.
const OLD_SCHOOLING: &str = include_str!("old/schooling-2026.1.toml");

fn household(code: &str, township: &str, village: &str, head: &str, members: i64) -> Household {
    Household {
        code: code.into(),
        township: township.into(),
        village: village.into(),
        group: "一组".into(),
        head: head.into(),
        members,
        cadre: "李强".into(),
        ..Household::default()
    }
}

fn store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    store
        .upsert_households(&[
            household("530001", "勐烈镇", "曼贺村", "李明", 4),
            household("530002", "勐烈镇", "曼贺村", "白玉兰", 6),
            household("530003", "勐烈镇", "曼贺村", "刀岩", 2),
            household("530101", "整董镇", "那洒村", "岩温", 3),
        ])
        .expect("households");
    store
}

fn model_on(store: Store, lang: Lang) -> Model {
    let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
    let mut m = tui::new_model(store, surveys, files, lang, (80, 24)).expect("model");
    m.db_display = "minqing.db".into();
    m
}

fn model(dir: &TempDir, lang: Lang) -> Model {
    let store = store(dir);
    store.set_interviewer("王芳").expect("name");
    model_on(store, lang)
}

fn key(m: &mut Model, code: KeyCode) {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ctrl(m: &mut Model, c: char) {
    update(
        m,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

fn typ(m: &mut Model, text: &str) {
    for c in text.chars() {
        key(m, KeyCode::Char(c));
    }
}

/// The screen as text, one line a row, wide characters counted once.
fn render(m: &mut Model, width: u16, height: u16) -> String {
    m.size = (width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view(m, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = symbol.width().saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Snapshots the screen in both languages at both sizes.
fn snap(name: &str, m: &mut Model) {
    for lang in [Lang::Zh, Lang::En] {
        m.lang = lang;
        for (w, h) in [(80, 24), (120, 40)] {
            let text = render(m, w, h);
            for line in text.lines() {
                assert!(
                    line.width() <= usize::from(w),
                    "{name}: a line is wider than the terminal"
                );
            }
            insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), text);
        }
    }
    m.lang = Lang::Zh;
}

fn open_water(m: &mut Model, code_row: usize) {
    key(m, KeyCode::Enter); // the first village: 勐烈镇 曼贺村
    for _ in 0..code_row {
        key(m, KeyCode::Down);
    }
    key(m, KeyCode::Char('2')); // the second survey: water
}

fn interview(m: &Model) -> &minqing::tui::model::Interview {
    match m.stack.last() {
        Some(Screen::Interview(i)) => i,
        _ => panic!("not on an interview"),
    }
}

fn current_name(m: &Model) -> String {
    let i = interview(m);
    i.record.survey.question_at(i.current.index).name.clone()
}

#[test]
fn snapshots_of_every_screen() {
    let dir = TempDir::new().expect("temp dir");
    let store = store(&dir);
    let mut m = model_on(store, Lang::Zh);
    snap("name", &mut m);
    typ(&mut m, "王芳");
    key(&mut m, KeyCode::Enter);
    snap("villages", &mut m);
    typ(&mut m, "/mh");
    snap("villages_filter_pinyin", &mut m);
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Tab);
    assert!(matches!(m.stack.last(), Some(Screen::Priorities(_))));
    key(&mut m, KeyCode::Tab);
    snap("surveys", &mut m);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Enter);
    snap("households", &mut m);
    key(&mut m, KeyCode::Char('a'));
    typ(&mut m, "530009");
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    typ(&mut m, "岩罕");
    key(&mut m, KeyCode::Tab);
    typ(&mut m, "0");
    ctrl(&mut m, 's');
    snap("household_form_errors", &mut m);
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('2'));
    snap("interview_choice", &mut m);
    key(&mut m, KeyCode::Char('6'));
    typ(&mut m, "700");
    key(&mut m, KeyCode::Enter);
    snap("interview_number_error", &mut m);
    for _ in 0..3 {
        key(&mut m, KeyCode::Backspace);
    }
    assert_eq!(interview(&m).input.value(), "");
    typ(&mut m, "45");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // fetch_climb_m is optional
    typ(&mut m, "40");
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "15");
    assert_eq!(current_name(&m), "quality_problems");
    snap("interview_multiple", &mut m);
    ctrl(&mut m, 'r');
    snap("review_missing", &mut m);
    key(&mut m, KeyCode::Char('?'));
    snap("help_review", &mut m);
}

/// Typical answers of each bundled survey, as the keys an interviewer
/// presses; returns how many keys the whole interview took.
fn run_interview(m: &mut Model, survey_key: char, answers: &[(&str, &str)]) -> usize {
    key(m, KeyCode::Char(survey_key));
    let keys = answer_to_review(m, answers);
    key(m, KeyCode::Char('c'));
    keys + 2
}

/// Answers the interview shown with the keys given per question until the
/// review comes; returns how many keys that took.
fn answer_to_review(m: &mut Model, answers: &[(&str, &str)]) -> usize {
    let mut keys = 0;
    let mut guard = 0;
    while let Some(Screen::Interview(i)) = m.stack.last() {
        guard += 1;
        assert!(guard < 60, "the interview does not end");
        if let Mode::Review { .. } = i.mode {
            break;
        }
        let name = match i.mode {
            Mode::Roster { .. } => ROWS.to_string(),
            _ => current_name(m),
        };
        let answer = answers
            .iter()
            .find(|(q, _)| *q == name)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("no typical answer for {name}"));
        // A typed answer ends with Enter; a single choice is one key; a
        // multiple choice is its keys and Enter.
        for c in answer.chars() {
            if c == '⏎' {
                key(m, KeyCode::Enter);
            } else {
                key(m, KeyCode::Char(c));
            }
            keys += 1;
        }
    }
    keys
}

/// What [`answer_to_review`] presses on a roster's rows.
const ROWS: &str = "[rows]";

/// A household of four's typical answers to each bundled survey, by its
/// key in the menu; remarks left empty.
const TYPICAL: [(char, &[(&str, &str)]); 5] = [
    (
        '1',
        &[
            ("appraisal_grade", "1"),
            ("structure", "3"),
            ("built_year", "1998⏎"),
            ("floor_area", "90⏎"),
            ("defects", "2⏎"),
            ("disaster_damage", "n"),
            ("lives_in_safe_house", "n"),
            ("urgency", "3"),
            ("remarks", "⏎"),
        ],
    ),
    (
        '2',
        &[
            ("main_source", "3"),
            ("fetch_minutes", "25⏎"),
            ("fetch_climb_m", "10⏎"),
            ("shortage_days", "40⏎"),
            ("quality_problems", "6⏎"),
            ("toilet", "2"),
            ("handwashing", "1"),
            ("urgency", "3"),
            ("remarks", "⏎"),
        ],
    ),
    (
        '3',
        &[
            ("path_surface", "2"),
            ("road_distance_m", "800⏎"),
            ("months_cut_off", "1⏎"),
            ("bus_within_2km", "y"),
            ("unsafe_crossings", "5⏎"),
            ("urgency", "2"),
            ("remarks", "⏎"),
        ],
    ),
    (
        '4',
        &[
            ("children_6_15", "2⏎"),
            // A roster's rows: Enter opens the first, and after the last
            // goes on.
            (ROWS, "⏎"),
            ("child_name", "⏎"),
            ("in_school", "y"),
            ("school_minutes", "35⏎"),
            ("route_hazards", "4⏎"),
            ("urgency", "2"),
            ("remarks", "⏎"),
        ],
    ),
    (
        '5',
        &[
            ("all_insured", "y"),
            ("any_chronic", "y"),
            ("any_disabled", "n"),
            (ROWS, "⏎"),
            // Each member: how related, then the illness (one has it).
            ("relation", "3"),
            ("chronic", "1"),
            ("clinic_minutes", "20⏎"),
            ("unmet_care", "n"),
            ("medical_debt", "n"),
            ("urgency", "2"),
            ("remarks", "⏎"),
        ],
    ),
];

#[test]
fn whole_interviews_of_every_bundled_survey() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    let mut report = Vec::new();
    for (survey_key, answers) in TYPICAL {
        let keys = run_interview(&mut m, survey_key, answers);
        let i = interview(&m);
        let id = i.record.id;
        let name = i.record.survey.id.clone();
        key(&mut m, KeyCode::Esc);
        let stored = m.store.interview(id).expect("stored");
        assert_eq!(stored.status, Status::Complete, "{name} is complete");
        report.push(format!("{name}: {keys} keys"));
        assert!(keys <= 30, "{name}: {keys} keys");
    }
    let stored = |survey: &str| {
        let s = m
            .surveys
            .iter()
            .find(|s| s.id == survey)
            .expect("survey")
            .clone();
        m.store
            .open_interview("530001", &s, "王芳")
            .expect("interview")
    };
    assert_eq!(
        stored("water")
            .answers
            .get("fetch_minutes")
            .map(String::as_str),
        Some("25")
    );
    assert_eq!(
        m.store.hits(stored("water").id).expect("hits"),
        "water_far:3 water_shortage:3"
    );
    assert_eq!(
        stored("housing").answers.get("defects").map(String::as_str),
        Some("roof_leak")
    );
    println!("keystrokes per complete interview: {}", report.join(", "));
    match m.stack.last() {
        Some(Screen::Households(h)) => assert!(
            h.rows[0]
                .surveys
                .iter()
                .all(|s| *s == Some(Status::Complete))
        ),
        _ => panic!("back on the households"),
    }
}

#[test]
fn skip_logic_hides_and_restores_questions() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('6')); // surface water
    assert_eq!(current_name(&m), "fetch_minutes");
    typ(&mut m, "45");
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_climb_m");
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Up);
    assert_eq!(current_name(&m), "main_source");
    key(&mut m, KeyCode::Char('1')); // piped into the home
    assert_eq!(
        current_name(&m),
        "shortage_days",
        "fetching questions are skipped"
    );
    let path: Vec<String> = {
        let i = interview(&m);
        i.path
            .iter()
            .map(|&p| i.record.survey.question_at(p.index).name.clone())
            .collect()
    };
    assert!(!path.contains(&"fetch_minutes".to_string()));
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Char('6'));
    assert_eq!(current_name(&m), "fetch_minutes", "the question comes back");
    assert_eq!(interview(&m).input.value(), "45", "with its stored answer");
}

#[test]
fn a_constraint_error_keeps_the_question_until_fixed() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('6'));
    typ(&mut m, "700");
    key(&mut m, KeyCode::Enter);
    let i = interview(&m);
    assert_eq!(current_name(&m), "fetch_minutes");
    assert_eq!(
        i.error.as_ref().map(|e| e.en.as_str()),
        Some("must be at most 600")
    );
    assert!(!i.record.answers.contains_key("fetch_minutes"));
    let stored = m.store.interview(i.record.id).expect("stored");
    assert!(
        !stored.answers.contains_key("fetch_minutes"),
        "nothing was saved"
    );
    key(&mut m, KeyCode::Backspace);
    key(&mut m, KeyCode::Backspace);
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "60");
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_climb_m");
}

#[test]
fn a_database_held_by_another_program_is_said_and_the_answer_kept_to_save_again() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    m.store
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .expect("timeout");
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('6'));
    // Another program takes the write lock and keeps it.
    let other = rusqlite::Connection::open(dir.path().join("m.db")).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    typ(&mut m, "45");
    key(&mut m, KeyCode::Enter);
    let i = interview(&m);
    assert_eq!(current_name(&m), "fetch_minutes", "stays on the question");
    assert_eq!(
        i.error.as_ref().map(|e| e.en.as_str()),
        Some("the database is busy in another program; try again in a moment")
    );
    assert_eq!(i.input.value(), "45", "the typed answer is kept");
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("the database is busy"), "{screen}");
    // Once the other program is done, Enter saves it.
    other.execute_batch("COMMIT").expect("unlock");
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_climb_m");
    let stored = m.store.interview(interview(&m).record.id).expect("stored");
    assert_eq!(
        stored.answers.get("fetch_minutes").map(String::as_str),
        Some("45")
    );
}

#[test]
fn opening_a_survey_and_leaving_it_writes_nothing_until_the_first_answer() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    open_water(&mut m, 0);
    assert!(!interview(&m).stored);
    key(&mut m, KeyCode::Esc);
    let count = |m: &Model| {
        m.store
            .find_interview("530001", &m.surveys[1])
            .expect("read")
            .is_some()
    };
    assert!(!count(&m), "no empty draft");
    assert!(
        !render(&mut m, 80, 24).contains("草稿"),
        "the households list shows no draft"
    );
    // The first answer writes the interview, and the answer with it.
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('3'));
    assert!(interview(&m).stored);
    let stored = m
        .store
        .find_interview("530001", &m.surveys[1])
        .expect("read")
        .expect("written with its first answer");
    assert_eq!(
        stored.answers.get("main_source").map(String::as_str),
        Some("protected_well")
    );
    assert_eq!(stored.id, interview(&m).record.id);
}

/// The water survey of the first household answered to the review, not
/// completed.
fn answer_water_to_review(m: &mut Model) {
    open_water(m, 0);
    for k in ["3", "25⏎", "10⏎", "40⏎", "6⏎", "2", "1", "3", "⏎"] {
        for c in k.chars() {
            if c == '⏎' {
                key(m, KeyCode::Enter);
            } else {
                key(m, KeyCode::Char(c));
            }
        }
    }
    assert!(matches!(interview(m).mode, Mode::Review { .. }));
}

fn water_status(m: &Model) -> Option<Status> {
    m.store
        .find_interview("530001", &m.surveys[1])
        .expect("read")
        .map(|i| i.status)
}

#[test]
fn leaving_a_survey_that_could_be_complete_asks_complete_now() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    answer_water_to_review(&mut m);
    key(&mut m, KeyCode::Esc);
    assert!(interview(&m).leaving.is_some(), "asked, not left");
    let asked = m.notice.clone().expect("a question").text;
    assert!(asked.zh.contains("现在完成吗"), "{}", asked.zh);
    assert!(asked.en.contains("y completes, n keeps it a draft"));
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("y 完成") && screen.contains("n 留作草稿"),
        "the question fits at 80 columns:\n{screen}"
    );
    // Another key: the question goes, nothing else happens.
    key(&mut m, KeyCode::Char('x'));
    assert!(interview(&m).leaving.is_none());
    assert_eq!(water_status(&m), Some(Status::Draft));
    // Asked again; y completes and leaves.
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('y'));
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    assert_eq!(water_status(&m), Some(Status::Complete));

    // Leaving a complete one asks nothing.
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));

    // n keeps the draft, and says what that means.
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    answer_water_to_review(&mut m);
    key(&mut m, KeyCode::Esc);
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("y completes, n keeps it a draft"),
        "the question fits at 80 columns:\n{screen}"
    );
    key(&mut m, KeyCode::Char('n'));
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    assert_eq!(water_status(&m), Some(Status::Draft));
    let said = m.notice.clone().expect("said").text;
    assert_eq!(said.en, "kept as a draft, not counted in the priorities");
}

#[test]
fn leaving_a_reopened_interview_that_fails_says_it_leaves_the_priorities() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = visit::model_with(&dir, OLD_SCHOOLING, Lang::En);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1')); // schooling as it was before rosters
    for answer in ["3⏎", "2⏎", "2⏎", "30⏎", "0⏎", "4⏎", "2", "⏎"] {
        for c in answer.chars() {
            match c {
                '⏎' => key(&mut m, KeyCode::Enter),
                c => key(&mut m, KeyCode::Char(c)),
            }
        }
    }
    key(&mut m, KeyCode::Char('c'));
    let id = interview(&m).record.id;
    let status = |m: &Model| m.store.interview(id).expect("read").status;
    assert_eq!(status(&m), Status::Complete);
    key(&mut m, KeyCode::Char('o'));
    assert_eq!(status(&m), Status::Draft);
    // The children become one: two of one out of school no longer passes.
    key(&mut m, KeyCode::Home);
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "children_6_15");
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "1");
    key(&mut m, KeyCode::Enter);
    assert!(!interview(&m).failing.is_empty());
    key(&mut m, KeyCode::Esc);
    assert!(interview(&m).leaving.is_some(), "said first, not left");
    let said = m.notice.clone().expect("said").text;
    assert!(
        said.en
            .contains("does not count in the priorities until completed again"),
        "{}",
        said.en
    );
    assert!(said.zh.contains("不计入排序"));
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    assert_eq!(status(&m), Status::Draft);
}

const HANDWASHING: &str = r#"
[survey]
id = "hands"
version = "1"
category = "health"
title = { zh = "洗手", en = "Handwashing" }

[choices]
seen = [
  { name = "soap", label = { zh = "肥皂", en = "Soap" } },
  { name = "water", label = { zh = "清水", en = "Water" } },
]

[[section]]
name = "s"

[[section.question]]
name = "handwash_seen"
type = "select_multiple"
choices = "seen"
label = { zh = "洗手处看到了什么?", en = "What was seen at the handwashing place?" }

[[need]]
name = "no_soap"
when = "not(selected(${handwash_seen}, 'soap'))"
severity = 3
project = { zh = "洗手设施", en = "Handwashing place" }
"#;

#[test]
fn enter_with_nothing_ticked_answers_an_optional_multiple_choice_with_none() {
    let dir = TempDir::new().expect("temp dir");
    let store = store(&dir);
    store.set_interviewer("王芳").expect("name");
    let (surveys, files) = tui::surveys([("hands.toml", HANDWASHING)]);
    let mut m = tui::new_model(store, surveys, files, Lang::Zh, (80, 24)).expect("model");
    key(&mut m, KeyCode::Enter); // 勐烈镇 曼贺村
    key(&mut m, KeyCode::Char('1'));
    assert_eq!(current_name(&m), "handwash_seen");
    key(&mut m, KeyCode::Enter); // nothing ticked
    assert!(matches!(interview(&m).mode, Mode::Review { .. }));
    assert_eq!(
        interview(&m)
            .record
            .answers
            .get("handwash_seen")
            .map(String::as_str),
        Some(""),
        "answered: none ticked, not skipped"
    );
    assert!(render(&mut m, 80, 24).contains("一项也没选"));
    key(&mut m, KeyCode::Char('c'));
    let id = interview(&m).record.id;
    assert_eq!(
        m.store.hits(id).expect("hits").to_string(),
        "no_soap:3",
        "no soap seen is a need"
    );
    // Skipped (↓ without an answer), the rule cannot tell: no need.
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Down); // 530002
    key(&mut m, KeyCode::Char('1'));
    key(&mut m, KeyCode::Down);
    assert!(matches!(interview(&m).mode, Mode::Review { .. }));
    assert!(interview(&m).record.answers.is_empty());
    key(&mut m, KeyCode::Char('c'));
    let id = interview(&m).record.id;
    assert_eq!(m.store.hits(id).expect("hits").to_string(), "");
}

#[test]
fn enter_on_a_household_goes_on_with_its_interrupted_draft_before_a_survey_not_begun() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    // Water (the second survey) begun, then the app killed.
    open_water(&mut m, 1);
    key(&mut m, KeyCode::Char('3'));
    ctrl(&mut m, 'c');
    drop(m);
    let store = Store::open(&dir.path().join("m.db")).expect("reopen");
    let mut m = model_on(store, Lang::Zh);
    key(&mut m, KeyCode::Enter); // 勐烈镇 曼贺村
    key(&mut m, KeyCode::Down); // 530002
    key(&mut m, KeyCode::Enter);
    let i = interview(&m);
    assert_eq!(
        i.record.survey.id, "water",
        "the draft, not housing never begun"
    );
    assert_eq!(
        i.record.answers.get("main_source").map(String::as_str),
        Some("protected_well")
    );
    // With no draft, Enter opens the first survey not complete.
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Down); // 530003
    key(&mut m, KeyCode::Enter);
    assert_eq!(interview(&m).record.survey.id, "housing");
}

#[test]
fn quitting_mid_interview_loses_nothing_and_resumes_at_the_first_unanswered() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    open_water(&mut m, 1);
    key(&mut m, KeyCode::Char('3'));
    typ(&mut m, "15");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // optional climb
    typ(&mut m, "3");
    ctrl(&mut m, 'c');
    assert!(m.quit);
    drop(m);
    let store = Store::open(&dir.path().join("m.db")).expect("reopen");
    let mut m = model_on(store, Lang::Zh);
    open_water(&mut m, 1);
    assert_eq!(
        current_name(&m),
        "shortage_days",
        "resumes at the first unanswered required question"
    );
    let i = interview(&m);
    assert_eq!(
        i.record.answers.get("fetch_minutes").map(String::as_str),
        Some("15")
    );
    assert_eq!(i.input.value(), "", "a half-typed answer was never saved");
}

#[test]
fn completing_is_refused_while_a_required_answer_is_missing() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 2);
    key(&mut m, KeyCode::Char('1'));
    ctrl(&mut m, 'r');
    key(&mut m, KeyCode::Char('c'));
    let notice = m.notice.clone().expect("a notice");
    assert!(notice.error);
    let missing = interview(&m)
        .to_fix
        .clone()
        .expect("the list of what to fix");
    assert!(
        missing[0]
            .1
            .en
            .starts_with("In the past year, on how many days"),
        "{:?}",
        missing[0]
    );
    assert!(missing[0].1.en.ends_with("— missing (required)"));
    let screen = render(&mut m, 100, 30);
    let flat = screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        screen.contains("Not complete yet: see to these first")
            && missing
                .iter()
                .enumerate()
                .all(|(n, (_, why))| flat.contains(&format!("{} {}", n + 1, why.en))),
        "the whole list, each one key away, nothing cut: {screen}"
    );
    let id = interview(&m).record.id;
    assert_eq!(m.store.interview(id).expect("read").status, Status::Draft);
    // Esc closes the list; m still finds the first missing.
    key(&mut m, KeyCode::Esc);
    assert!(interview(&m).to_fix.is_none());
    key(&mut m, KeyCode::Char('m'));
    assert_eq!(
        current_name(&m),
        "shortage_days",
        "m jumps to the first missing"
    );
    // From the list, the third question is one key away.
    ctrl(&mut m, 'r');
    key(&mut m, KeyCode::Char('c'));
    key(&mut m, KeyCode::Char('3'));
    let i = interview(&m);
    assert!(i.to_fix.is_none() && i.mode == Mode::Question);
    assert_eq!(i.current, missing[2].0, "3 goes to the third listed");
}

#[test]
fn language_switches_live_and_mouse_clicks_choose() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    key(&mut m, KeyCode::F(2));
    assert_eq!(m.lang, Lang::En);
    key(&mut m, KeyCode::Char('L'));
    assert_eq!(m.lang, Lang::Zh);
    m.size = (80, 24);
    // Clicking the selected village opens it; clicking another row selects it.
    update(&mut m, Msg::Click { column: 5, row: 2 });
    match m.stack.last() {
        Some(Screen::Households(h)) => assert_eq!(h.selected, 0),
        _ => panic!("the village opened"),
    }
    update(&mut m, Msg::Click { column: 5, row: 3 });
    match m.stack.last() {
        Some(Screen::Households(h)) => assert_eq!(h.selected, 1),
        _ => panic!("still on the households"),
    }
    key(&mut m, KeyCode::Char('2'));
    let text = render(&mut m, 80, 24);
    let row = text
        .lines()
        .position(|l| l.contains("江河、塘、沟渠水"))
        .expect("choice drawn") as u16;
    update(&mut m, Msg::Click { column: 30, row });
    assert_eq!(
        current_name(&m),
        "fetch_minutes",
        "clicking a choice answers it"
    );
    let i = interview(&m);
    assert_eq!(
        i.record.answers.get("main_source").map(String::as_str),
        Some("surface")
    );
    update(&mut m, Msg::Paste("３０".into()));
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        interview(&m)
            .record
            .answers
            .get("fetch_minutes")
            .map(String::as_str),
        Some("30")
    );
}

/// Two households of 勐烈镇 曼贺村 answer the water survey, one with
/// surface water; then the Priorities tab.
fn water_for_two_then_priorities(m: &mut Model) {
    water_then_priorities(m, &[(0, '6', "45"), (1, '3', "10")]);
}

/// Answers water for the households at `rows` of 曼贺村, each with a
/// source key and minutes to fetch water, then opens the priorities tab.
fn water_then_priorities(m: &mut Model, rows: &[(usize, char, &str)]) {
    key(m, KeyCode::Enter);
    for &(row, source, minutes) in rows {
        key(m, KeyCode::Home);
        for _ in 0..row {
            key(m, KeyCode::Down);
        }
        key(m, KeyCode::Char('2'));
        key(m, KeyCode::Char(source));
        typ(m, minutes);
        key(m, KeyCode::Enter);
        key(m, KeyCode::Enter);
        typ(m, "40");
        key(m, KeyCode::Enter);
        typ(m, "15");
        key(m, KeyCode::Enter);
        for k in ['1', '1', '3'] {
            key(m, KeyCode::Char(k));
        }
        key(m, KeyCode::Enter);
        key(m, KeyCode::Char('c'));
        key(m, KeyCode::Esc);
    }
    key(m, KeyCode::Esc);
    key(m, KeyCode::Tab);
}

#[test]
fn the_priorities_screen_and_an_explanation() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    water_for_two_then_priorities(&mut m);
    match m.stack.last() {
        Some(Screen::Priorities(p)) => {
            assert!(!p.visible.is_empty(), "completed interviews give projects");
            let first = &p.projects[p.visible[0]];
            assert_eq!(
                p.input.rules[first.rule].name, "water_illness",
                "life-safety first"
            );
        }
        _ => panic!("on the priorities tab"),
    }
    snap("priorities", &mut m);
    key(&mut m, KeyCode::Enter);
    match m.stack.last() {
        Some(Screen::Explain(e)) => {
            assert_eq!(e.explanation.rows.len(), 2);
            assert_eq!(e.explanation.questions, ["quality_problems"]);
        }
        _ => panic!("on the explanation"),
    }
    snap("explanation", &mut m);
    key(&mut m, KeyCode::Esc);
    // `g`: from the village's phase per category to the villages at each
    // phase of the category in view, and back.
    let text = render(&mut m, 80, 24);
    assert!(text.contains("曼贺村 · 各类别的阶段"), "{text}");
    assert!(text.contains("饮水安全 5█"), "{text}");
    key(&mut m, KeyCode::Char('g'));
    let text = render(&mut m, 80, 24);
    assert!(text.contains("全县 · 各阶段的村数 · 饮水安全"), "{text}");
    assert!(text.contains("阶段5 1█"), "one village at phase 5: {text}");
    snap("priorities_county_chart", &mut m);
    key(&mut m, KeyCode::Char('g'));
    assert!(render(&mut m, 80, 24).contains("曼贺村 · 各类别的阶段"));
    key(&mut m, KeyCode::Char('c'));
    match m.stack.last() {
        Some(Screen::Priorities(p)) => {
            let category = p.category.map(|i| p.categories[i].clone());
            assert_eq!(
                category.as_deref(),
                Some("water"),
                "the only category answered so far"
            );
            assert!(
                p.visible
                    .iter()
                    .all(|&i| p.input.rules[p.projects[i].rule].category == "water")
            );
        }
        _ => panic!("still on the priorities"),
    }
}

#[test]
fn the_priorities_tab_shows_the_change_since_the_round_before() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    water_for_two_then_priorities(&mut m);
    m.store.close_round().expect("close");
    m.store
        .open_round("2027-spring", Some("2099-03-01"))
        .expect("open");
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    let mut m = model_on(store, Lang::Zh);
    // The second round: only the first household, with the same answers.
    water_then_priorities(&mut m, &[(0, '6', "45")]);
    match m.stack.last() {
        Some(Screen::Priorities(p)) => {
            assert_eq!(
                p.input.round.as_ref().map(|r| r.name.as_str()),
                Some("2027-spring")
            );
        }
        _ => panic!("on the priorities tab"),
    }
    let text = render(&mut m, 80, 24);
    assert!(text.contains("↓1"), "{text}");
    assert!(text.contains(" ="), "{text}");
    snap("priorities_second_round", &mut m);
}

#[test]
fn a_project_status_is_set_from_the_priorities_with_one_key_and_a_short_form() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    water_for_two_then_priorities(&mut m);
    key(&mut m, KeyCode::Char('s'));
    assert!(matches!(m.stack.last(), Some(Screen::FollowUp(_))));
    key(&mut m, KeyCode::Char('3'));
    typ(&mut m, "300000");
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "衔接资金");
    snap("follow_up", &mut m);
    // A bad amount is said and nothing is saved.
    key(&mut m, KeyCode::BackTab);
    typ(&mut m, "元");
    ctrl(&mut m, 's');
    assert!(matches!(m.stack.last(), Some(Screen::FollowUp(_))));
    let text = render(&mut m, 80, 24);
    assert!(text.contains("金额“300000元”不对"), "{text}");
    key(&mut m, KeyCode::Backspace);
    ctrl(&mut m, 's');
    let Some(Screen::Priorities(p)) = m.stack.last() else {
        panic!("back on the priorities");
    };
    let first = &p.projects[p.visible[0]];
    let rule = &p.input.rules[first.rule];
    let key_of = minqing::store::project::ProjectKey {
        round: "首轮".into(),
        township: first.area.township.clone(),
        village: first.area.village.clone(),
        survey: rule.survey.clone(),
        rule: rule.name.clone(),
    };
    let history = m.store.project_history(&key_of).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].status, minqing::store::project::Status::Done);
    assert_eq!(history[0].amount, Some(300000.0));
    assert_eq!(history[0].source, "衔接资金");
    assert_eq!(history[0].who, "王芳");
    let text = render(&mut m, 80, 24);
    assert!(text.contains("完工"), "{text}");
    assert!(text.contains("已保存:已完工"), "{text}");
    // Esc leaves a project as it was.
    key(&mut m, KeyCode::Char('s'));
    key(&mut m, KeyCode::Char('4'));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.store.project_history(&key_of).expect("history").len(), 1);
}

#[test]
fn a_cadre_sees_their_own_households_first_and_esc_shows_every_village() {
    let dir = TempDir::new().expect("temp dir");
    let store = store(&dir);
    let mut mine = household("530003", "勐烈镇", "曼贺村", "刀岩", 2);
    mine.cadre = "王芳".into();
    mine.cadre_code = "GB001".into();
    let mut other = household("530101", "整董镇", "那洒村", "岩温", 3);
    other.cadre = "王芳".into();
    other.cadre_code = "GB001".into();
    store.upsert_households(&[mine, other]).expect("linked");
    store.set_interviewer("王芳").expect("name");
    let mut m = model_on(store, Lang::Zh);
    match m.stack.last() {
        Some(Screen::Households(h)) => {
            assert_eq!(h.mine.as_deref(), Some("王芳"));
            let codes: Vec<&str> = h.rows.iter().map(|r| r.household.code.as_str()).collect();
            assert_eq!(codes, ["530003", "530101"], "across villages");
        }
        _ => panic!("my households first"),
    }
    snap("my_households", &mut m);
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Villages(_))));
    assert_eq!(m.stack.len(), 1);
}

#[test]
fn backspace_on_an_empty_answer_stays_on_the_question() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('1')); // piped into the home
    assert_eq!(current_name(&m), "shortage_days");
    typ(&mut m, "40");
    // Three Backspaces to clear a two-digit field: the third must not
    // leave the question, or the `3` typed next would answer the source.
    for _ in 0..3 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "30");
    key(&mut m, KeyCode::Enter);
    let id = interview(&m).record.id;
    let stored = m.store.interview(id).expect("stored").answers;
    assert_eq!(
        stored.get("main_source").map(String::as_str),
        Some("piped_home")
    );
    assert_eq!(stored.get("shortage_days").map(String::as_str), Some("30"));
    assert!(!stored.contains_key("fetch_minutes"));
    // On a choice question too, Backspace does not move back.
    assert_eq!(current_name(&m), "quality_problems");
    key(&mut m, KeyCode::Backspace);
    assert_eq!(current_name(&m), "quality_problems");
    key(&mut m, KeyCode::Up);
    assert_eq!(current_name(&m), "shortage_days", "↑ moves back");
}

#[test]
fn changing_an_answered_question_says_old_and_new() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('1')); // piped into the home
    let notice = m.notice.clone().expect("a notice");
    assert_eq!(notice.text.en, "saved", "a first answer is just saved");
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Char('3'));
    let notice = m.notice.clone().expect("a notice");
    assert!(!notice.error);
    assert_eq!(
        notice.text.en,
        "changed: Main drinking-water source in the dry season? Piped into the home → Protected well or spring"
    );
    assert_eq!(
        notice.text.zh,
        "已改:旱季家里主要饮用水来源? 自来水入户 → 有盖水井或受保护的泉水"
    );
    // Saving the same answer again is no change.
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Char('3'));
    assert_eq!(m.notice.clone().expect("a notice").text.en, "saved");
}

#[test]
fn completing_checks_every_answer_again_and_lists_what_fails() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = visit::model_with(&dir, OLD_SCHOOLING, Lang::En);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1')); // schooling as it was before rosters
    for answer in ["3⏎", "2⏎", "2⏎", "30⏎", "0⏎", "4⏎", "2", "⏎"] {
        for c in answer.chars() {
            match c {
                '⏎' => key(&mut m, KeyCode::Enter),
                c => key(&mut m, KeyCode::Char(c)),
            }
        }
    }
    assert!(matches!(interview(&m).mode, Mode::Review { .. }));
    // In the review, the children become one: two of one are out of school.
    let row = {
        let i = interview(&m);
        i.path
            .iter()
            .position(|&p| i.record.survey.question_at(p.index).name == "children_6_15")
            .expect("on the path")
    };
    key(&mut m, KeyCode::Home);
    for _ in 0..row {
        key(&mut m, KeyCode::Down);
    }
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "children_6_15");
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "1");
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(interview(&m).mode, Mode::Review { selected } if selected == row),
        "after a correction, back in the review on it"
    );
    key(&mut m, KeyCode::Char('c'));
    let id = interview(&m).record.id;
    assert_eq!(
        m.store.interview(id).expect("read").status,
        Status::Draft,
        "an invalid interview is not completed"
    );
    let notice = m.notice.clone().expect("a notice");
    assert!(notice.error);
    let list = interview(&m)
        .to_fix
        .clone()
        .expect("the list of what to fix");
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].1.en,
        "How many of them do not attend school or dropped out? — Cannot be more than the children aged 6 to 15"
    );
    assert_eq!(
        list[0].1.zh,
        "其中有几个没上学或已辍学? — 不能超过 6 到 15 岁孩子的人数"
    );
    key(&mut m, KeyCode::Esc);
    // The review marks the failing answer with the reason, in both languages.
    let screen = render(&mut m, 120, 40);
    assert!(
        screen.contains("Cannot be more than the children aged 6 to 15"),
        "{screen}"
    );
    m.lang = Lang::Zh;
    let screen = render(&mut m, 120, 40);
    assert!(screen.contains("不能超过 6 到 15 岁孩子的人数"), "{screen}");
    key(&mut m, KeyCode::Char('m'));
    assert_eq!(current_name(&m), "not_attending", "m jumps to it");
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "1");
    key(&mut m, KeyCode::Enter);
    ctrl(&mut m, 'r');
    key(&mut m, KeyCode::Char('c'));
    assert_eq!(
        m.store.interview(id).expect("read").status,
        Status::Complete,
        "fixed, it completes"
    );
}

fn press(c: char) -> ratatui::crossterm::event::Event {
    ratatui::crossterm::event::Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn keys_typed_while_a_save_fails_as_busy_are_discarded_and_never_answer() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    m.store
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .expect("timeout");
    open_water(&mut m, 0);
    assert_eq!(current_name(&m), "main_source");
    let other = rusqlite::Connection::open(dir.path().join("m.db")).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    // `3` waits on the lock and fails; `2` was typed while it waited.
    tui::step(&mut m, press('3'), || Ok(vec![press('2')])).expect("step");
    other.execute_batch("COMMIT").expect("unlock");
    assert_eq!(current_name(&m), "main_source", "stays on the question");
    let notice = m.notice.clone().expect("a notice");
    assert!(notice.error);
    assert_eq!(notice.text.en, "not saved, press again");
    assert_eq!(notice.text.zh, "未保存,请再按一次");
    assert!(interview(&m).record.answers.is_empty());
    assert!(
        !interview(&m).stored
            && m.store
                .find_interview("530001", &m.surveys[1])
                .expect("read")
                .is_none(),
        "neither key answered anything, and the interview was not written"
    );
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("not saved, press again"), "{screen}");
    // Pressed again, it is saved.
    key(&mut m, KeyCode::Char('3'));
    assert_eq!(current_name(&m), "fetch_minutes");
}

#[test]
fn a_busy_save_says_not_saved_and_does_not_advance() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    m.store
        .set_busy_timeout(std::time::Duration::from_millis(100))
        .expect("timeout");
    open_water(&mut m, 0);
    let other = rusqlite::Connection::open(dir.path().join("m.db")).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    key(&mut m, KeyCode::Char('3'));
    assert_eq!(current_name(&m), "main_source");
    assert_eq!(
        m.notice.clone().map(|n| (n.text.zh, n.error)),
        Some(("未保存,请再按一次".to_string(), true))
    );
    assert!(
        m.waited,
        "the loop is told to discard what was typed meanwhile"
    );
    other.execute_batch("COMMIT").expect("unlock");
}

#[test]
fn keys_typed_while_a_save_waits_are_discarded_even_when_it_succeeds() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    // Another program holds the write lock a little longer than a save
    // may take without the keys typed meanwhile being distrusted.
    let path = dir.path().join("m.db");
    let (locked, wait) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let other = rusqlite::Connection::open(path).expect("open");
        other.execute_batch("BEGIN IMMEDIATE").expect("lock");
        locked.send(()).expect("told");
        std::thread::sleep(tui::SLOW_SAVE + std::time::Duration::from_millis(300));
        other.execute_batch("COMMIT").expect("unlock");
    });
    wait.recv().expect("locked");
    tui::step(&mut m, press('3'), || Ok(vec![press('2'), press('0')])).expect("step");
    holder.join().expect("holder");
    assert_eq!(current_name(&m), "fetch_minutes", "the `3` was saved");
    assert_eq!(
        interview(&m).input.value(),
        "",
        "nothing typed meanwhile landed"
    );
    let notice = m.notice.clone().expect("a notice");
    assert_eq!(
        notice.text.en,
        "saved · keys pressed while waiting were not saved, press them again"
    );
    let id = interview(&m).record.id;
    let stored = m.store.interview(id).expect("read").answers;
    assert_eq!(
        stored.get("main_source").map(String::as_str),
        Some("protected_well")
    );
    assert_eq!(stored.len(), 1);
}

/// Opens the edit form of the first household of 曼贺村 (530001, 李明).
fn edit_first_household(m: &mut Model) {
    key(m, KeyCode::Enter);
    key(m, KeyCode::Char('e'));
    assert!(matches!(m.stack.last(), Some(Screen::Form(_))));
}

/// Moves the form's focus to field `n` (0 code … 8 notes) from the first
/// editable one.
fn form_field(m: &mut Model, n: usize) {
    for _ in 1..n {
        key(m, KeyCode::Tab);
    }
}

/// Another program changes household 530001 while the form is open.
fn changed_elsewhere(dir: &TempDir, members: i64, phone: &str) {
    let other = Store::open(&dir.path().join("m.db")).expect("second program");
    let mut h = other.household("530001").expect("read").expect("exists");
    h.members = members;
    h.phone = phone.into();
    other.upsert_households(&[h]).expect("changed elsewhere");
}

#[test]
fn editing_a_household_saves_only_the_fields_changed() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    edit_first_household(&mut m);
    changed_elsewhere(&dir, 5, "13800000000");
    form_field(&mut m, 10);
    typ(&mut m, "新修了水窖");
    ctrl(&mut m, 's');
    assert!(
        matches!(m.stack.last(), Some(Screen::Households(_))),
        "saved and closed"
    );
    let h = m.store.household("530001").expect("read").expect("exists");
    assert_eq!(h.notes, "新修了水窖", "the field changed is saved");
    assert_eq!(h.members, 5, "members changed elsewhere are kept");
    assert_eq!(
        h.phone, "13800000000",
        "the phone changed elsewhere is kept"
    );
    assert_eq!(h.head, "李明");
}

#[test]
fn editing_a_field_changed_elsewhere_asks_which_to_keep() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    edit_first_household(&mut m);
    changed_elsewhere(&dir, 5, "13800000000");
    form_field(&mut m, 6);
    typ(&mut m, "13900000000");
    for _ in 0..4 {
        key(&mut m, KeyCode::Tab);
    }
    typ(&mut m, "水窖");
    ctrl(&mut m, 's');
    match m.stack.last() {
        Some(Screen::Form(f)) => {
            assert_eq!(f.conflicts.len(), 1, "the phone only");
            assert_eq!(
                f.fields[5].value(),
                "5",
                "a field left alone shows the household as it is now"
            );
        }
        _ => panic!("the form stays open and asks"),
    }
    let h = m.store.household("530001").expect("read").expect("exists");
    assert_eq!(
        (h.phone.as_str(), h.notes.as_str()),
        ("13800000000", ""),
        "nothing is written before the person chooses"
    );
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("Phone: yours 13900000000 · now 13800000000"),
        "{screen}"
    );
    m.lang = Lang::Zh;
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("电话:你填的 13900000000 · 现在的 13800000000"),
        "{screen}"
    );
    // Take theirs: the phone stays, the notes are saved.
    key(&mut m, KeyCode::Char('t'));
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    let h = m.store.household("530001").expect("read").expect("exists");
    assert_eq!(
        (h.phone.as_str(), h.notes.as_str()),
        ("13800000000", "水窖")
    );
    assert_eq!(h.members, 5);

    // Again, keeping mine this time.
    key(&mut m, KeyCode::Char('e'));
    changed_elsewhere(&dir, 6, "13700000000");
    form_field(&mut m, 6);
    for _ in 0..11 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "13900000000");
    ctrl(&mut m, 's');
    assert!(matches!(m.stack.last(), Some(Screen::Form(_))));
    // Esc goes back to the form; saving asks again.
    key(&mut m, KeyCode::Esc);
    match m.stack.last() {
        Some(Screen::Form(f)) => assert!(f.conflicts.is_empty()),
        _ => panic!("back in the form"),
    }
    ctrl(&mut m, 's');
    key(&mut m, KeyCode::Char('m'));
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    let h = m.store.household("530001").expect("read").expect("exists");
    assert_eq!(h.phone, "13900000000", "mine, as chosen");
    assert_eq!(h.members, 6, "the other change is kept");
}

#[test]
fn a_code_typed_full_width_or_with_invisible_characters_is_the_code_as_stored() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter); // 勐烈镇 曼贺村
    key(&mut m, KeyCode::Char('a'));
    typ(&mut m, "５３０００１\u{200B}");
    for _ in 0..4 {
        key(&mut m, KeyCode::Tab);
    }
    typ(&mut m, "岩罕");
    key(&mut m, KeyCode::Tab);
    typ(&mut m, "３");
    ctrl(&mut m, 's');
    assert!(
        render(&mut m, 120, 40).contains("code 530001 already exists"),
        "a look-alike of a stored code is that code"
    );
    for _ in 0..5 {
        key(&mut m, KeyCode::BackTab);
    }
    for _ in 0..8 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "\u{3000}５３０００９");
    ctrl(&mut m, 's');
    let saved = m.store.household("530009").expect("read");
    assert_eq!(saved.map(|h| (h.head, h.members)), Some(("岩罕".into(), 3)));
    key(&mut m, KeyCode::Char('/'));
    typ(&mut m, "５３０００９");
    let shown = render(&mut m, 120, 40);
    assert!(shown.contains("岩罕") && !shown.contains("李明"), "{shown}");
}

#[test]
fn the_help_says_which_key_is_help_and_which_is_language_once() {
    let dir = TempDir::new().expect("temp dir");
    for lang in [Lang::Zh, Lang::En] {
        let mut m = model(&dir, lang);
        key(&mut m, KeyCode::Char('?'));
        let screen = render(&mut m, 120, 40);
        assert_eq!(screen.matches("F2").count(), 1, "{screen}");
        assert!(
            screen.contains("F1 帮助(不在输入时也可按 ?)")
                || screen.contains("F1 help (? too when not typing)"),
            "{screen}"
        );
    }
}

#[path = "tui/places.rs"]
mod places;

#[path = "tui/visit.rs"]
mod visit;

#[path = "tui/roster.rs"]
mod roster;
