//! The household form's township and village: chosen from the registry's
//! lists, a namesake of another township shown with it, a new place added
//! only once confirmed by a key that names its township.

use super::*;

fn form(m: &Model) -> &minqing::tui::model::Form {
    match m.stack.last() {
        Some(Screen::Form(f)) => f,
        _ => panic!("not on the form"),
    }
}

/// From the Villages page (勐烈镇 曼贺村 highlighted): `a`, a code, and
/// the village field emptied.
fn add_in_village_field(m: &mut Model) {
    key(m, KeyCode::Char('a'));
    typ(m, "530009");
    key(m, KeyCode::Tab);
    key(m, KeyCode::Tab);
    for _ in 0..3 {
        key(m, KeyCode::Backspace);
    }
}

/// Head and members, then Ctrl-S.
fn fill_and_save(m: &mut Model) {
    key(m, KeyCode::Tab);
    key(m, KeyCode::Tab);
    typ(m, "岩罕");
    key(m, KeyCode::Tab);
    typ(m, "3");
    ctrl(m, 's');
}

#[test]
fn a_village_of_another_township_typed_in_pinyin_brings_its_township() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    add_in_village_field(&mut m);
    typ(&mut m, "nsc");
    snap("household_form_village_choices", &mut m);
    key(&mut m, KeyCode::Enter);
    let f = form(&m);
    assert_eq!(
        (f.fields[1].value(), f.fields[2].value(), f.focus),
        ("整董镇", "那洒村", 3),
        "the namesake's township comes with it"
    );
    key(&mut m, KeyCode::BackTab);
    fill_and_save(&mut m);
    assert!(matches!(m.stack.last(), Some(Screen::Villages(_))));
    let h = m.store.household("530009").expect("read").expect("saved");
    assert_eq!(
        (h.township.as_str(), h.village.as_str()),
        ("整董镇", "那洒村")
    );
}

#[test]
fn a_township_is_chosen_with_the_arrows_and_its_villages_listed() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Char('a'));
    key(&mut m, KeyCode::Tab);
    for _ in 0..3 {
        key(&mut m, KeyCode::Backspace);
    }
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("Townships in the registry:")
            && screen.contains("› 勐烈镇")
            && screen.contains("  整董镇"),
        "{screen}"
    );
    key(&mut m, KeyCode::Down);
    key(&mut m, KeyCode::Enter);
    let f = form(&m);
    assert_eq!((f.fields[1].value(), f.focus), ("整董镇", 2));
    // The village field lists that township's villages, not the other's.
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("那洒村") && !screen.contains("曼贺村 ·"),
        "{screen}"
    );
}

#[test]
fn a_new_village_is_added_only_after_y_and_the_question_names_its_township() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::Zh);
    add_in_village_field(&mut m);
    typ(&mut m, "那洒村");
    // Tab keeps what is typed (Enter would take 整董镇's 那洒村).
    fill_and_save(&mut m);
    snap("household_form_new_village", &mut m);
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("登记册中 勐烈镇 没有 那洒村")
            && screen.contains("按 y 在 勐烈镇 新建村 那洒村"),
        "{screen}"
    );
    assert_eq!(m.store.household("530009").expect("read"), None);
    // Any other key goes back to the form, and saving asks again.
    key(&mut m, KeyCode::Char('n'));
    assert!(form(&m).new_place.is_none());
    assert_eq!(form(&m).fields[5].value(), "3", "the key is not typed");
    ctrl(&mut m, 's');
    assert!(form(&m).new_place.is_some(), "asked again");
    key(&mut m, KeyCode::Char('y'));
    assert!(matches!(m.stack.last(), Some(Screen::Villages(_))));
    let h = m.store.household("530009").expect("read").expect("saved");
    assert_eq!(
        (h.township.as_str(), h.village.as_str()),
        ("勐烈镇", "那洒村")
    );
    // Now two townships have a 那洒村: the registry's lists say which.
    key(&mut m, KeyCode::Char('a'));
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    for _ in 0..3 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "那洒");
    let screen = render(&mut m, 80, 24);
    assert!(
        screen.contains("那洒村 · 整董镇") && screen.contains("› 那洒村"),
        "{screen}"
    );
}

#[test]
fn an_edit_that_keeps_the_place_is_not_asked_about() {
    let dir = TempDir::new().expect("temp dir");
    let mut m = model(&dir, Lang::En);
    key(&mut m, KeyCode::Enter); // 勐烈镇 曼贺村
    key(&mut m, KeyCode::Char('e'));
    // From the township field to the notes.
    for _ in 0..9 {
        key(&mut m, KeyCode::Tab);
    }
    typ(&mut m, "水窖");
    ctrl(&mut m, 's');
    assert!(matches!(m.stack.last(), Some(Screen::Households(_))));
    let h = m.store.household("530001").expect("read").expect("exists");
    assert_eq!(h.notes, "水窖");
}

#[test]
fn a_village_name_two_townships_share_is_shown_with_its_township() {
    let dir = TempDir::new().expect("temp dir");
    let store = store(&dir);
    store
        .upsert_households(&[household("530201", "整董镇", "曼贺村", "玉香", 3)])
        .expect("a namesake");
    store.set_interviewer("王芳").expect("name");
    let mut m = model_on(store, Lang::Zh);
    water_for_two_then_priorities(&mut m);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&mut m, w, h);
        assert!(screen.contains("曼贺村(勐烈镇)"), "the chart: {screen}");
        for line in screen.lines().filter(|l| l.contains("曼贺村")) {
            assert!(line.contains("勐烈镇"), "never the name alone: {line}");
        }
    }
}
