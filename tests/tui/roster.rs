//! A roster in the app: its rows listed with their labels and whether
//! they are answered, Enter into a row and back to the list after it, `a`
//! for the next row not begun, one key per choice inside rows, "don't
//! know" and "refused" one key each, the review by row, and lowering the
//! count asking which rows to drop.

use super::visit::model_with;
use super::*;

const MEMBERS: &str = include_str!("../rosters/members.toml");

fn mode(m: &Model) -> minqing::tui::screens::interview::Mode {
    interview(m).mode
}

fn answer(m: &Model, key: &str) -> Option<String> {
    interview(m).record.answers.get(key).cloned()
}

#[test]
fn a_roster_lists_its_rows_and_each_row_is_answered_in_turn() {
    use minqing::tui::screens::interview::Mode as I;
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, MEMBERS, Lang::Zh);
    key(&mut m, KeyCode::Enter); // 勐烈镇 曼贺村
    key(&mut m, KeyCode::Char('1')); // 530001, the only survey
    assert_eq!(current_name(&m), "people");
    typ(&mut m, "3");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        mode(&m),
        I::Roster {
            section: 1,
            selected: 0
        }
    );
    snap("roster_rows_not_begun", &mut m);

    // Row 1, one key per choice.
    key(&mut m, KeyCode::Enter);
    assert_eq!(current_name(&m), "member_name");
    typ(&mut m, "甲");
    key(&mut m, KeyCode::Enter);
    assert!(
        render(&mut m, 80, 24).contains("甲几岁?"),
        "{{row}} is the row's label"
    );
    typ(&mut m, "30");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('2')); // not insured
    assert_eq!(answer(&m, "insured[1]").as_deref(), Some("no"));
    // The row is done: the next row, not begun, follows.
    assert_eq!(mode(&m), I::Question);
    assert_eq!(interview(&m).current.row, 2);
    assert_eq!(current_name(&m), "member_name");

    // "Don't know" and "refused", one key each.
    typ(&mut m, "乙");
    key(&mut m, KeyCode::Enter);
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("Ctrl-D 不知道"),
        "the keys are said: {screen}"
    );
    ctrl(&mut m, 'd');
    assert_eq!(answer(&m, "age[2]").as_deref(), Some("[dont_know]"));
    ctrl(&mut m, 'x');
    assert_eq!(answer(&m, "insured[2]").as_deref(), Some("[refused]"));

    // Row 3: a baby is not asked about insurance. After the last row the
    // rows are shown, ready to go on.
    typ(&mut m, "丙");
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "0");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        mode(&m),
        I::Roster {
            section: 1,
            selected: 3
        }
    );
    snap("roster_rows_answered", &mut m);
    key(&mut m, KeyCode::Char('a'));
    assert!(
        render(&mut m, 80, 24).contains("每一行都已开始"),
        "no row left to begin"
    );

    // Going on: nothing more to ask, the review, by row.
    key(&mut m, KeyCode::Enter);
    assert_eq!(mode(&m), I::Review { selected: 0 });
    let review = render(&mut m, 120, 40);
    assert!(review.contains("乙几岁?"), "{review}");
    assert!(
        review.contains("乙 · 第几位成员的名字"),
        "a label without {{row}} is named by its row: {review}"
    );
    assert!(review.contains("不知道"), "{review}");
    assert!(
        review.contains("没有医保的人数"),
        "the labelled calculation: {review}"
    );
    snap("roster_review", &mut m);
}

#[test]
fn lowering_the_count_asks_which_rows_to_drop() {
    use minqing::tui::screens::interview::Mode as I;
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, MEMBERS, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    typ(&mut m, "3");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('a'));
    for (name, age) in [("甲", "30"), ("乙", "31"), ("丙", "0")] {
        typ(&mut m, name);
        key(&mut m, KeyCode::Enter);
        typ(&mut m, age);
        key(&mut m, KeyCode::Enter);
        if age != "0" {
            key(&mut m, KeyCode::Char('1'));
        }
    }
    // Back to the count: from the rows, Up from the first row.
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Up);
    assert_eq!(current_name(&m), "people");
    key(&mut m, KeyCode::Backspace);
    typ(&mut m, "2");
    key(&mut m, KeyCode::Enter);
    assert_eq!(mode(&m), I::DropRows { section: 1 });
    snap("roster_drop_rows", &mut m);
    // Enter before enough rows are picked drops nothing.
    key(&mut m, KeyCode::Enter);
    assert_eq!(mode(&m), I::DropRows { section: 1 });
    key(&mut m, KeyCode::Char('2')); // 乙 moved away
    key(&mut m, KeyCode::Enter);
    assert_eq!(answer(&m, "member_name[2]").as_deref(), Some("丙"));
    assert_eq!(answer(&m, "member_name[3]"), None);
    // Saved: the database says the same.
    let stored = Store::open(&dir.path().join("m.db"))
        .expect("open")
        .interview(interview(&m).record.id)
        .expect("read");
    assert_eq!(
        stored.answers.get("member_name[2]").map(String::as_str),
        Some("丙")
    );
}

/// Answers the members questionnaire for a household through the store.
fn interviewed(dir: &TempDir, code: &str, answers: &[(&str, &str)], complete: bool) -> i64 {
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    let survey = minqing::survey::load(MEMBERS).survey.expect("loads");
    let id = store
        .open_interview(code, &survey, "王芳")
        .expect("begin")
        .id;
    for (k, v) in answers {
        store.save_answer(id, k, Some(v), "王芳").expect(k);
    }
    if complete {
        store.complete(id, "王芳").expect("complete");
    }
    id
}

#[test]
fn a_count_lowered_elsewhere_asks_which_rows_to_drop_when_the_interview_opens() {
    use minqing::tui::screens::interview::Mode as I;
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, MEMBERS, Lang::En);
    let rows = [
        ("people", "3"),
        ("member_name[1]", "甲"),
        ("age[1]", "30"),
        ("member_name[2]", "乙"),
        ("age[2]", "31"),
        ("member_name[3]", "丙"),
        ("age[3]", "0"),
    ];
    let id = interviewed(&dir, "530001", &rows, false);
    // Another laptop's answer, merged: two people now.
    Store::open(&dir.path().join("m.db"))
        .expect("open")
        .save_answer(id, "people", Some("2"), "李华")
        .expect("fewer");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    assert_eq!(mode(&m), I::DropRows { section: 1 });
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("3 [ ] 丙"), "the rows by name: {screen}");
    // Esc drops nothing.
    key(&mut m, KeyCode::Esc);
    assert_eq!(mode(&m), I::Question);
    assert_eq!(answer(&m, "member_name[3]").as_deref(), Some("丙"));
}

#[test]
fn the_priorities_tab_shows_persons_and_households_that_cannot_be_told() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, MEMBERS, Lang::Zh);
    interviewed(
        &dir,
        "530001",
        &[
            ("people", "2"),
            ("member_name[1]", "甲"),
            ("age[1]", "30"),
            ("insured[1]", "no"),
            ("member_name[2]", "乙"),
            ("age[2]", "31"),
            ("insured[2]", "no"),
        ],
        true,
    );
    interviewed(
        &dir,
        "530002",
        &[
            ("people", "1"),
            ("member_name[1]", "丙"),
            ("age[1]", "50"),
            ("insured[1]", "[dont_know]"),
        ],
        true,
    );
    key(&mut m, KeyCode::Tab);
    let screen = render(&mut m, 120, 40);
    assert!(
        screen.contains("1/2/3 ?1 2人"),
        "k/n/N, one household unknown, two persons: {screen}"
    );
}

#[test]
fn up_moves_within_a_row_and_a_saved_choice_is_marked_in_its_row() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model_with(&dir, MEMBERS, Lang::Zh);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('1'));
    typ(&mut m, "2");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Enter); // row 1
    typ(&mut m, "甲");
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "30");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Char('2')); // not insured: row 2 follows
    typ(&mut m, "乙");
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "31");
    key(&mut m, KeyCode::Enter);
    // On row 2's insurance: Up is its age, then its name, then the rows.
    key(&mut m, KeyCode::Up);
    assert_eq!(
        (current_name(&m), interview(&m).current.row),
        ("age".into(), 2)
    );
    key(&mut m, KeyCode::Up);
    assert_eq!(
        (current_name(&m), interview(&m).current.row),
        ("member_name".into(), 2)
    );
    key(&mut m, KeyCode::Up);
    assert!(matches!(
        mode(&m),
        minqing::tui::screens::interview::Mode::Roster { selected: 1, .. }
    ));
    // Row 1's insurance shows the choice saved.
    key(&mut m, KeyCode::Up);
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Down);
    assert_eq!(
        (current_name(&m), interview(&m).current.row),
        ("insured".into(), 1)
    );
    let screen = render(&mut m, 80, 24);
    assert!(screen.contains("(•) 没有"), "{screen}");
    // Up from a row that is not the last stays in it.
    key(&mut m, KeyCode::Up);
    assert_eq!(
        (current_name(&m), interview(&m).current.row),
        ("age".into(), 1)
    );
}
