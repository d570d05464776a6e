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

fn household(code: &str, township: &str, village: &str, head: &str, members: i64) -> Household {
    Household {
        code: code.into(),
        township: township.into(),
        village: village.into(),
        group: "一组".into(),
        head: head.into(),
        members,
        cadre: "王芳".into(),
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
    i.record.survey.question_at(i.current).name.clone()
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
    let mut keys = 1;
    key(m, KeyCode::Char(survey_key));
    let mut guard = 0;
    while let Some(Screen::Interview(i)) = m.stack.last() {
        guard += 1;
        assert!(guard < 60, "the interview does not end");
        if let Mode::Review { .. } = i.mode {
            key(m, KeyCode::Char('c'));
            keys += 1;
            break;
        }
        let name = current_name(m);
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

#[test]
fn whole_interviews_of_every_bundled_survey() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    let typical: [(char, &[(&str, &str)]); 5] = [
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
                ("not_attending", "0⏎"),
                ("school_minutes", "35⏎"),
                ("boarders", "0⏎"),
                ("route_hazards", "4⏎"),
                ("urgency", "2"),
                ("remarks", "⏎"),
            ],
        ),
        (
            '5',
            &[
                ("all_insured", "y"),
                ("clinic_minutes", "20⏎"),
                ("unmet_care", "n"),
                ("chronic", "1⏎"),
                ("chronic_unsigned", "0⏎"),
                ("medical_debt", "n"),
                ("urgency", "2"),
                ("remarks", "⏎"),
            ],
        ),
    ];
    let mut report = Vec::new();
    for (survey_key, answers) in typical {
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
            .map(|&p| i.record.survey.question_at(p).name.clone())
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
    assert!(
        notice
            .text
            .en
            .starts_with("required questions unanswered: In the past year, on how many days"),
        "{}",
        notice.text.en
    );
    let id = interview(&m).record.id;
    assert_eq!(m.store.interview(id).expect("read").status, Status::Draft);
    key(&mut m, KeyCode::Char('m'));
    assert_eq!(
        current_name(&m),
        "shortage_days",
        "m jumps to the first missing"
    );
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

#[test]
fn the_priorities_screen_and_an_explanation() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    // Two households of 曼贺村 answer the water survey, one with surface water.
    key(&mut m, KeyCode::Enter);
    for (row, source, minutes) in [(0usize, '6', "45"), (1, '3', "10")] {
        key(&mut m, KeyCode::Home);
        for _ in 0..row {
            key(&mut m, KeyCode::Down);
        }
        key(&mut m, KeyCode::Char('2'));
        key(&mut m, KeyCode::Char(source));
        typ(&mut m, minutes);
        key(&mut m, KeyCode::Enter);
        key(&mut m, KeyCode::Enter);
        typ(&mut m, "40");
        key(&mut m, KeyCode::Enter);
        typ(&mut m, "15");
        key(&mut m, KeyCode::Enter);
        for k in ['1', '1', '3'] {
            key(&mut m, KeyCode::Char(k));
        }
        key(&mut m, KeyCode::Enter);
        key(&mut m, KeyCode::Char('c'));
        key(&mut m, KeyCode::Esc);
    }
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Tab);
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
