//! A cadre's visit as it is lived: notes shown in their place and a
//! progress gauge that reaches the end.

use super::*;

/// A questionnaire that begins with a note and has another between its
/// questions.
const NOTED: &str = r#"
[survey]
id = "noted"
version = "1"
category = "water"
languages = ["zh", "en"]
title = { zh = "带说明的问卷", en = "With notes" }

[[section]]
name = "s"

[[section.question]]
name = "intro"
type = "note"
label = { zh = "先向农户说明来意。", en = "Say why you came first." }

[[section.question]]
name = "people"
type = "integer"
required = true
label = { zh = "家里几口人?", en = "How many people live here?" }

[[section.question]]
name = "mid"
type = "note"
label = { zh = "下面问水。", en = "Now about water." }

[[section.question]]
name = "remark"
type = "text"
label = { zh = "备注", en = "Remarks" }

[[section.question]]
name = "minutes"
type = "integer"
required = true
label = { zh = "取水几分钟?", en = "Minutes to fetch water?" }

[[need]]
name = "far"
severity = 3
when = "${minutes} > 30"
project = { zh = "近处水源", en = "A nearer source" }
"#;

/// The app on the test registry with one questionnaire, `text`, which
/// must load; 王芳 interviewing.
pub(super) fn model_with(dir: &TempDir, text: &str, lang: Lang) -> Model {
    let store = store(dir);
    store.set_interviewer("王芳").expect("name");
    let (surveys, files) = tui::surveys([("questionnaire.toml", text)]);
    assert_eq!(
        surveys.len(),
        1,
        "{:?}",
        files.iter().map(|f| &f.problems).collect::<Vec<_>>()
    );
    let mut m = tui::new_model(store, surveys, files, lang, (80, 24)).expect("model");
    m.db_display = "minqing.db".into();
    m
}

fn noted_model(dir: &TempDir) -> Model {
    model_with(dir, NOTED, Lang::En)
}

#[test]
fn a_note_that_begins_a_questionnaire_is_shown_first_and_the_gauge_reaches_the_end() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = noted_model(&dir);
    key(&mut m, KeyCode::Enter); // 曼贺村
    key(&mut m, KeyCode::Char('1'));
    assert_eq!(current_name(&m), "intro", "the note comes first");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("1 of 5") && screen.contains("0/3"),
        "{screen}"
    );
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "people");
    typ(&mut m, "4");
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "mid", "a note in its place");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // the remark left empty
    assert_eq!(current_name(&m), "minutes");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("5 of 5") && screen.contains("2/3"),
        "passed over counts, notes do not: {screen}"
    );
    // Left before the last answer, then opened again: it resumes at the
    // missing question, not at a note.
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "minutes");
}

/// The screen and where the terminal's cursor is.
fn render_with_cursor(m: &mut Model, width: u16, height: u16) -> (String, (u16, u16)) {
    m.size = (width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view(m, f)).expect("draw");
    let at = terminal.get_cursor_position().expect("cursor");
    (render(m, width, height), (at.x, at.y))
}

#[test]
fn a_long_remark_wraps_and_every_character_stays_in_view_with_the_cursor_at_its_end() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = noted_model(&dir);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    key(&mut m, KeyCode::Enter); // the note
    typ(&mut m, "4");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // the second note
    assert_eq!(current_name(&m), "remark");
    // 100 display columns and more: Chinese, then words.
    let remark = "村口的桥去年被冲坏了,孩子上学要绕远路走两个小时 the bridge at the village entrance was washed away last year end";
    typ(&mut m, remark);
    for (w, h) in [(80, 24), (60, 20)] {
        let (screen, (x, y)) = render_with_cursor(&mut m, w, h);
        let shown: String = screen.split_whitespace().collect();
        assert!(shown.contains("孩子上学要绕远路走两个小时"), "{screen}");
        for word in ["washed", "away", "last", "year", "end"] {
            assert!(shown.contains(word), "{word} at {w}×{h}: {screen}");
        }
        let line = screen
            .lines()
            .nth(usize::from(y))
            .expect("the cursor's line");
        assert!(
            line.trim_end().ends_with("end"),
            "the cursor is after the last word: {line:?} at {x}"
        );
    }
    snap("interview_long_text", &mut m);
    key(&mut m, KeyCode::Enter);
    let stored = m
        .store
        .find_interview("530001", &m.surveys[0])
        .expect("read");
    assert_eq!(
        stored
            .and_then(|i| i.answers.get("remark").cloned())
            .as_deref(),
        Some(remark)
    );
}

#[test]
fn a_notice_too_long_for_the_status_bar_is_shown_whole_above_it() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('1'));
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Char('3'));
    let text = m.notice.clone().expect("the change is said").text.en;
    assert!(
        text.contains("Piped into the home → Protected well or spring"),
        "{text}"
    );
    for (w, h) in [(80, 24), (60, 20)] {
        let screen = render(&mut m, w, h);
        let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&text), "whole at {w}×{h}: {screen}");
    }
    // The next key takes it away.
    key(&mut m, KeyCode::Up);
    let screen = render(&mut m, 80, 24);
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!flat.contains(&text), "{screen}");
}

#[test]
fn a_complete_interview_says_how_to_change_it_as_the_field_opens_and_o_reopens_it_there() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('6'));
    typ(&mut m, "45");
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
    let id = interview(&m).record.id;
    assert_eq!(
        m.store.interview(id).expect("read").status,
        Status::Complete
    );
    // The second row: how long to fetch water.
    key(&mut m, KeyCode::Home);
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_minutes");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("这份调查已完成,不能直接修改:按 o 重新打开后再改")
            && screen.contains("o 重新打开并修改"),
        "said as the field opens: {screen}"
    );
    // Keys type nothing into it.
    typ(&mut m, "9");
    assert_eq!(interview(&m).input.value(), "45");
    key(&mut m, KeyCode::Char('o'));
    assert_eq!(m.store.interview(id).expect("read").status, Status::Draft);
    assert_eq!(current_name(&m), "fetch_minutes", "still on the question");
    key(&mut m, KeyCode::Backspace);
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "50");
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(interview(&m).mode, Mode::Review { selected: 1 }),
        "after the correction, back in the review"
    );
    key(&mut m, KeyCode::Char('c'));
    let stored = m.store.interview(id).expect("read");
    assert_eq!(stored.status, Status::Complete);
    assert_eq!(
        stored.answers.get("fetch_minutes").map(String::as_str),
        Some("50")
    );
}

const DATED: &str = r#"
[survey]
id = "dated"
version = "1"
category = "health"
languages = ["zh", "en"]
title = { zh = "日期", en = "Dates" }

[[section]]
name = "s"

[[section.question]]
name = "visited"
type = "date"
required = true
label = { zh = "哪天来访?", en = "Date of the visit?" }

[[section.question]]
name = "area"
type = "decimal"
unit = "亩"
label = { zh = "耕地面积", en = "Farmland" }
"#;

#[test]
fn a_date_shows_its_form_and_t_fills_in_today_and_a_plain_unit_reads_as_written() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, DATED, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    assert!(render(&mut m, 80, 24).contains("年-月-日,如 2025-11-28 · t 填今天"));
    m.lang = Lang::En;
    assert!(render(&mut m, 80, 24).contains("year-month-day, as 2025-11-28 · t for today"));
    key(&mut m, KeyCode::Char('t'));
    let today = jiff::ZonedDateTime::now().date().to_string();
    assert_eq!(interview(&m).input.value(), today);
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "area");
    assert_eq!(
        interview(&m).record.answers.get("visited"),
        Some(&today),
        "saved as typed by t"
    );
    // A unit written as one string reads the same in both languages.
    for lang in [Lang::Zh, Lang::En] {
        m.lang = lang;
        let screen = render(&mut m, 80, 24);
        assert!(screen.contains(">  亩"), "{screen}");
    }
}

#[test]
fn fewer_members_than_the_answers_count_is_saved_with_the_answers_that_now_disagree() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter); // 曼贺村, 李明 (4 members)
    key(&mut m, KeyCode::Char('4')); // schooling
    typ(&mut m, "2");
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(interview(&m).mode, Mode::Roster { .. }),
        "the children's rows"
    );
    key(&mut m, KeyCode::Esc);
    // The household is edited to one member.
    key(&mut m, KeyCode::Char('e'));
    for _ in 0..4 {
        key(&mut m, KeyCode::Tab);
    }
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "1");
    ctrl(&mut m, 's');
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    assert_eq!(
        m.store
            .household("530001")
            .expect("read")
            .map(|h| h.members),
        Some(1),
        "saved: the registry is the cadre's to correct"
    );
    let notice = m.notice.clone().expect("a warning");
    assert!(notice.error);
    assert!(
        notice.text.en.starts_with("Household saved, but these answers disagree with it now")
            && notice.text.en.contains("Schooling: the answer to \"How many children aged 6 to 15 live in the household?\" breaks its rule: Cannot be more than the household's members (household members: 1)"),
        "{}",
        notice.text.en
    );
    let screen = render(&mut m, 80, 24);
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(household members: 1)"),
        "shown whole: {screen}"
    );
    // The interview shows the members, and its check says how many.
    key(&mut m, KeyCode::Char('4'));
    let screen = render(&mut m, 120, 40);
    assert!(screen.contains("李明 (1 person)"), "{screen}");
    // Up, through the children's rows, to the count.
    for _ in 0..4 {
        if interview(&m).mode == Mode::Question && current_name(&m) == "children_6_15" {
            break;
        }
        key(&mut m, KeyCode::Up);
    }
    assert_eq!(current_name(&m), "children_6_15");
    key(&mut m, KeyCode::Enter);
    let error = interview(&m).error.clone().expect("refused");
    assert_eq!(error.zh, "孩子数不能超过家庭人口(家庭人口 1 人)");
}

#[test]
fn q_or_esc_with_a_number_typed_but_not_saved_says_so_first() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('6')); // river water; now minutes to fetch it
    assert_eq!(current_name(&m), "fetch_minutes");
    typ(&mut m, "45");
    key(&mut m, KeyCode::Char('q'));
    assert!(!m.quit, "not at once");
    let notice = m.notice.clone().expect("said");
    assert_eq!(
        notice.text.en,
        "what is typed here is not saved: Enter saves it, q again quits without it"
    );
    assert_eq!(
        interview(&m).input.value(),
        "45",
        "q is not typed into a number"
    );
    // Another key forgets the question; Enter saves and goes on.
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_climb_m");
    // Esc with a number typed: said in the key bar; Enter still saves.
    typ(&mut m, "80");
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Interview(_))));
    let screen = render(&mut m, 100, 30);
    assert!(
        screen.contains(
            "what is typed here is not saved: Enter saves it, Esc again leaves without it"
        ),
        "{screen}"
    );
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        interview(&m)
            .record
            .answers
            .get("fetch_climb_m")
            .map(String::as_str),
        Some("80")
    );
    // Esc twice leaves without what was typed.
    typ(&mut m, "9");
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    // Nothing typed: q quits at once; twice with a value typed quits too.
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('q'));
    assert!(m.quit, "nothing unsaved on the question shown");
}

#[test]
fn q_twice_with_a_value_typed_quits() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('6'));
    typ(&mut m, "45");
    key(&mut m, KeyCode::Char('q'));
    assert!(!m.quit);
    assert!(render(&mut m, 100, 30).contains("这一题输入的还没保存:回车保存,再按 q 不保存退出"));
    key(&mut m, KeyCode::Char('q'));
    assert!(m.quit);
}

#[test]
fn a_search_starts_fresh_and_enter_opens_the_row_it_found() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    key(&mut m, KeyCode::Char('/'));
    typ(&mut m, "nsc");
    key(&mut m, KeyCode::Enter);
    match m.stack.last() {
        Some(Screen::Households(h)) => assert_eq!(h.village, "那洒村", "one Enter opens it"),
        _ => panic!("the village opened"),
    }
    key(&mut m, KeyCode::Esc);
    // A new search is a new query, not the old one with more letters.
    key(&mut m, KeyCode::Char('/'));
    typ(&mut m, "mh");
    key(&mut m, KeyCode::Enter);
    match m.stack.last() {
        Some(Screen::Households(h)) => assert_eq!(h.village, "曼贺村"),
        _ => panic!("曼贺村 opened"),
    }
    // Digits typed in the search are the code searched for: no survey
    // opens until Enter, which opens the household found.
    key(&mut m, KeyCode::Char('/'));
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("搜索中:"), "the mode is shown: {screen}");
    typ(&mut m, "530002");
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    key(&mut m, KeyCode::Enter);
    let i = interview(&m);
    assert_eq!(i.record.household.code, "530002");
    assert_eq!(
        i.record.survey.id, "housing",
        "its first survey not complete"
    );
}

#[test]
fn a_whole_visit_of_the_five_surveys_takes_at_most_102_keys() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    let keys = std::cell::Cell::new(0);
    let press = |m: &mut Model, code: KeyCode| {
        key(m, code);
        keys.set(keys.get() + 1);
    };
    // From the village list to 李明's household (four members): its
    // first survey opens with the Enter that finds it.
    for c in "/mh".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    press(&mut m, KeyCode::Enter);
    for c in "/lm".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    press(&mut m, KeyCode::Enter);
    let found = keys.get();
    let mut answered = 0;
    for (n, (_, answers)) in TYPICAL.iter().enumerate() {
        let i = interview(&m);
        assert_eq!(i.record.household.code, "530001");
        assert_eq!(i.record.survey.id, m.surveys[n].id, "the surveys in order");
        answered += answer_to_review(&mut m, answers);
        press(&mut m, KeyCode::Char('c'));
        let screen = render(&mut m, 80, 24);
        if n + 1 < TYPICAL.len() {
            let next = m.surveys[n + 1].title.get(Lang::Zh);
            assert!(
                screen.contains(&format!("回车 下一份问卷:{next}")),
                "{screen}"
            );
            press(&mut m, KeyCode::Enter);
        } else {
            assert!(screen.contains("这户的问卷都完成了"), "{screen}");
        }
    }
    let total = keys.get() + answered;
    for survey in m.surveys.clone() {
        let stored = m.store.find_interview("530001", &survey).expect("read");
        assert_eq!(
            stored.map(|i| i.status),
            Some(Status::Complete),
            "{}",
            survey.id
        );
    }
    println!(
        "a whole visit: {total} keys ({found} to find the household, {answered} answering, {} between surveys)",
        total - found - answered
    );
    // 79 keys before rosters; the rosters of schooling and health may add
    // at most 30%.
    assert!(total <= 102, "{total} keys");
    // After the last, back to the list on the next household of the
    // same cadre (王芳's 白玉兰).
    key(&mut m, KeyCode::Enter);
    match m.stack.last() {
        Some(Screen::Households(h)) => {
            let row = &h.rows[h.visible[h.selected]];
            assert_eq!(row.household.code, "530002");
        }
        _ => panic!("back on the households"),
    }
}

#[test]
fn after_a_households_last_survey_the_list_goes_on_to_the_next_of_the_same_cadre() {
    let dir = TempDir::new().expect("temp dir");
    let store = store(&dir);
    let mut other = household("530002", "勐烈镇", "曼贺村", "白玉兰", 6);
    other.cadre = "岩香".into();
    store.upsert_households(&[other]).expect("another cadre's");
    store.set_interviewer("王芳").expect("name");
    // Only the water survey: the household is done with one.
    let water: Vec<_> = BUNDLED
        .iter()
        .filter(|(p, _)| p.contains("water"))
        .map(|(p, t)| (*p, *t))
        .collect();
    let (surveys, files) = tui::surveys(water);
    let mut m = tui::new_model(store, surveys, files, Lang::En, (80, 24)).expect("model");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // 530001, 王芳's
    answer_to_review(&mut m, TYPICAL[1].1);
    key(&mut m, KeyCode::Char('c'));
    assert!(render(&mut m, 100, 30).contains("every survey of this household is complete"));
    key(&mut m, KeyCode::Enter);
    match m.stack.last() {
        Some(Screen::Households(h)) => {
            let row = &h.rows[h.visible[h.selected]];
            assert_eq!(
                row.household.code, "530003",
                "王芳's next, not 岩香's 530002"
            );
        }
        _ => panic!("back on the households"),
    }
}

#[test]
fn the_outline_of_questions_widens_with_the_terminal() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    open_water(&mut m, 0);
    let label = "Main drinking-water source in the dry season?";
    let narrow = render(&mut m, 80, 24);
    let wide = render(&mut m, 160, 40);
    let outline = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .filter_map(|l| l.split('│').next())
            .map(str::to_string)
            .collect()
    };
    assert!(
        !outline(&narrow).iter().any(|l| l.contains(label)),
        "{narrow}"
    );
    assert!(outline(&wide).iter().any(|l| l.contains(label)), "{wide}");
}

#[test]
fn the_interviewers_name_can_be_changed_and_answers_carry_the_new_one() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    // Esc keeps the name.
    key(&mut m, KeyCode::Char('n'));
    assert!(
        render(&mut m, 80, 24).contains("> 王芳"),
        "the name in use, to change"
    );
    typ(&mut m, "x");
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.stack.last(), Some(Screen::Villages(_))));
    assert_eq!(m.interviewer, "王芳");
    // Enter saves another.
    key(&mut m, KeyCode::Char('n'));
    key(&mut m, KeyCode::Backspace);
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "李华");
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.stack.last(), Some(Screen::Villages(_))));
    assert_eq!(m.interviewer, "李华");
    assert_eq!(
        m.notice.clone().map(|n| n.text.zh),
        Some("调查员已改为 李华".into())
    );
    assert!(render(&mut m, 80, 24).contains("调查员: 李华"));
    open_water(&mut m, 0);
    key(&mut m, KeyCode::Char('1'));
    let id = interview(&m).record.id;
    let audit = m.store.audit(id).expect("audit");
    assert!(audit.iter().all(|a| a.interviewer == "李华"), "{audit:?}");
    // Kept for the next start.
    let again = Store::open(&dir.path().join("m.db")).expect("open");
    assert_eq!(again.interviewer().expect("read").as_deref(), Some("李华"));
}

const INCOME: &str = include_str!("../common/income.toml");

#[test]
fn a_calculation_is_never_asked_and_reads_in_the_review_when_it_has_a_label() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, INCOME, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    assert_eq!(current_name(&m), "income_year");
    assert_eq!(
        interview(&m).path.len(),
        2,
        "calculations are not on the path"
    );
    typ(&mut m, "12000");
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "confirm");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("人均 3000 元(4 口人),对吗?"),
        "values in the label: {screen}"
    );
    key(&mut m, KeyCode::Char('y'));
    assert!(
        matches!(interview(&m).mode, Mode::Review { .. }),
        "nothing else to ask"
    );
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("人均纯收入") && screen.contains("3000  (计算得出)"),
        "{screen}"
    );
    assert!(
        !screen.contains("low"),
        "an unlabelled calculation stays out: {screen}"
    );
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Enter);
    assert!(matches!(interview(&m).mode, Mode::Review { selected: 1 }));
    assert_eq!(
        m.notice.clone().map(|n| n.text.zh),
        Some("这一项由答案计算得出,改它读取的答案即可".into())
    );
}

#[test]
fn esc_twice_on_a_typed_answer_still_asks_what_leaving_asks() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('2'));
    answer_to_review(&mut m, TYPICAL[1].1);
    key(&mut m, KeyCode::Char('c'));
    key(&mut m, KeyCode::Char('o')); // reopened: a draft again
    key(&mut m, KeyCode::Home);
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "fetch_minutes");
    typ(&mut m, "9");
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Esc);
    // Not gone: the draft could be complete, and leaving asks.
    let i = interview(&m);
    assert_eq!(i.input.value(), "25", "what was typed is dropped");
    assert!(i.leaving.is_some(), "leaving asks about the draft");
    let screen = render(&mut m, 100, 30);
    assert!(screen.contains("complete now?"), "{screen}");
    key(&mut m, KeyCode::Char('y'));
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
}

#[test]
fn a_new_search_starts_at_its_first_match() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter); // 曼贺村: 530001, 530002, 530003
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Char('/'));
    typ(&mut m, "5300");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        interview(&m).record.household.code,
        "530001",
        "the first of three matches, not the third row selected before"
    );
}

#[test]
fn a_click_after_completing_is_another_action_and_enter_then_acts_on_it() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('2'));
    answer_to_review(&mut m, TYPICAL[1].1);
    key(&mut m, KeyCode::Char('c'));
    assert!(interview(&m).next.is_some());
    m.size = (100, 30);
    update(&mut m, Msg::Click { column: 5, row: 3 });
    assert!(
        interview(&m).next.is_none(),
        "the click takes the offer away"
    );
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        interview(&m).record.survey.id,
        "water",
        "still the water survey"
    );
}

#[test]
fn a_choice_label_shows_the_values_it_names() {
    let text = r#"
[survey]
id = "who"
version = "1"
category = "water"
languages = ["zh", "en"]
title = { zh = "谁", en = "Who" }

[choices]
who = [
  { name = "head", label = { zh = "${household.head}本人", en = "${household.head} himself" } },
  { name = "other", label = { zh = "别人", en = "someone else" } },
]

[[section]]
name = "s"

[[section.question]]
name = "fetcher"
type = "select_one"
choices = "who"
label = { zh = "谁去取水?", en = "Who fetches water?" }
"#;
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, text, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("1 ( ) 李明本人"), "{screen}");
}
