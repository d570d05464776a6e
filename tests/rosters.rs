//! Rosters, calculations per row, aggregates, rules counted per person and
//! special answers, through the real loader and interview engine.

use minqing::interview::{Answers, HouseholdFacts, Outcome, Slot, State, failures, settle};
use minqing::survey::expr::eval::Value;
use minqing::survey::{Survey, load};

fn members() -> Survey {
    let text = std::fs::read_to_string("tests/rosters/members.toml").expect("fixture");
    let loaded = load(&text);
    assert_eq!(loaded.errors(), 0, "{:?}", loaded.diagnostics);
    loaded.survey.expect("loads")
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn facts() -> HouseholdFacts {
    HouseholdFacts {
        members: 3,
        started_at: 1_764_000_000_000,
        ..HouseholdFacts::default()
    }
}

const FAMILY: &[(&str, &str)] = &[
    ("people", "3"),
    ("member_name[1]", "李明"),
    ("age[1]", "45"),
    ("insured[1]", "yes"),
    ("member_name[2]", "王芳"),
    ("age[2]", "41"),
    ("insured[2]", "no"),
    ("member_name[3]", "李小"),
    ("age[3]", "0"),
];

#[test]
fn a_roster_has_as_many_rows_as_its_count_and_each_row_its_own_answers() {
    let s = members();
    let a = answers(FAMILY);
    let f = facts();
    let state = State::new(&s, &a, &f);
    let roster = s.roster("members").expect("roster");
    assert_eq!(state.row_count(roster), 3);
    let insured = s.index_of("insured").expect("q");
    // Per-row relevance: a baby is not asked about insurance.
    assert!(state.is_relevant_at(Slot {
        index: insured,
        row: 1
    }));
    assert!(!state.is_relevant_at(Slot {
        index: insured,
        row: 3
    }));
    // No row 4, and no roster question outside its rows.
    assert!(!state.is_relevant_at(Slot {
        index: insured,
        row: 4
    }));
    assert!(!state.is_relevant(insured));
    assert!(state.failures().is_empty(), "{:?}", state.failures());
    // Labels name the row by its row_label.
    let label = s.question_at(insured).label.get(minqing::i18n::Lang::Zh);
    let filled = state.fill_at(
        label,
        minqing::i18n::Lang::Zh,
        Some(Slot {
            index: insured,
            row: 2,
        }),
    );
    assert_eq!(filled, "王芳参加医保了吗?");
    assert_eq!(state.row_label(roster, 2, minqing::i18n::Lang::En), "王芳");
}

#[test]
fn aggregates_read_the_rows_from_outside() {
    let s = members();
    let a = answers(FAMILY);
    let f = facts();
    let state = State::new(&s, &a, &f);
    assert_eq!(state.value("uninsured"), Value::Number(1.0));
    assert_eq!(state.value("oldest"), Value::Number(45.0));
    assert_eq!(state.value("youngest"), Value::Number(0.0));
    assert_eq!(state.value("total_age"), Value::Number(86.0));
    assert_eq!(state.value("rows"), Value::Number(3.0));
    assert_eq!(state.value("second_name"), Value::Text("王芳".into()));
    // A roster question read outside the roster on its own is empty.
    assert_eq!(state.value("age"), Value::Empty);
}

#[test]
fn calculations_are_stored_per_row_and_leave_with_their_rows() {
    let s = members();
    let mut a = answers(FAMILY);
    let f = facts();
    assert!(settle(&s, &mut a, &f));
    assert_eq!(a.get("age_next_year[1]").map(String::as_str), Some("46"));
    assert_eq!(a.get("age_next_year[3]").map(String::as_str), Some("1"));
    assert_eq!(a.get("is_first[1]").map(String::as_str), Some("true"));
    assert_eq!(a.get("is_first[2]").map(String::as_str), Some("false"));
    assert_eq!(a.get("uninsured").map(String::as_str), Some("1"));
    // Fewer people: the third row's calculations go, its answers stay
    // (they are dropped only when the interviewer says which).
    a.insert("people".into(), "2".into());
    assert!(settle(&s, &mut a, &f));
    assert!(!a.contains_key("age_next_year[3]"));
    assert!(a.contains_key("age[3]"));
    assert_eq!(a.get("youngest").map(String::as_str), Some("41"));
    assert!(!settle(&s, &mut a, &f), "settled once is settled");
}

#[test]
fn a_rule_per_person_counts_the_persons_it_fired_on() {
    let s = members();
    let mut a = answers(FAMILY);
    a.insert("insured[1]".into(), "no".into());
    let f = facts();
    let state = State::new(&s, &a, &f);
    let hits = state.need_hits();
    let outcome = |name: &str| hits.iter().find(|h| h.need.name == name).map(|h| h.outcome);
    assert_eq!(
        outcome("uninsured_member"),
        Some(Outcome::Affected { persons: Some(2) })
    );
    assert_eq!(
        outcome("many_uninsured"),
        Some(Outcome::Affected { persons: None })
    );
}

#[test]
fn a_special_answer_satisfies_required_reads_empty_and_makes_a_rule_unknown() {
    let s = members();
    let mut a = answers(FAMILY);
    a.insert("insured[2]".into(), "[dont_know]".into());
    let f = facts();
    let state = State::new(&s, &a, &f);
    assert!(
        failures(&s, &a, &f).is_empty(),
        "a special answer is an answer"
    );
    assert_eq!(state.value("uninsured"), Value::Number(0.0));
    let outcome = |name: &str| {
        state
            .need_hits()
            .iter()
            .find(|h| h.need.name == name)
            .map(|h| h.outcome)
    };
    assert_eq!(outcome("uninsured_member"), Some(Outcome::Unknown));
    // `uninsured >= 2` cannot hold with one member left to tell: count-if
    // counts the rows where the answer is known, so the rule reads a
    // number and says "no problem".
    assert_eq!(outcome("many_uninsured"), None);
    // Another member uninsured: the household is affected, whatever the
    // unknown one.
    a.insert("insured[1]".into(), "no".into());
    let state = State::new(&s, &a, &f);
    let hit = state
        .need_hits()
        .into_iter()
        .find(|h| h.need.name == "uninsured_member")
        .map(|h| h.outcome);
    assert_eq!(hit, Some(Outcome::Affected { persons: Some(1) }));
    // A special answer the question does not offer is refused.
    let age = s.index_of("member_name").expect("q");
    assert!(
        state
            .accept_at(Slot { index: age, row: 1 }, "[refused]")
            .is_err()
    );
    let insured = s.index_of("insured").expect("q");
    assert_eq!(
        state.accept_at(
            Slot {
                index: insured,
                row: 1
            },
            "[refused]"
        ),
        Ok("[refused]".into())
    );
}

#[test]
fn a_required_question_of_a_row_is_missing_by_row() {
    let s = members();
    let mut a = answers(FAMILY);
    a.remove("age[2]");
    a.insert("people".into(), "4".into());
    let f = facts();
    let keys: Vec<String> = failures(&s, &a, &f)
        .iter()
        .map(|f| f.question().to_string())
        .collect();
    assert_eq!(keys, ["age[2]", "member_name[4]", "age[4]", "insured[4]"]);
    let said = failures(&s, &a, &f)[0].describe(&s);
    assert!(said.zh.contains("第 2 行"), "{}", said.zh);
}

mod common;

use minqing::store::Store;
use minqing::store::household::Household;

fn household(code: &str, members: i64) -> Household {
    Household {
        code: code.into(),
        township: "勐烈镇".into(),
        village: "曼贺村".into(),
        head: "李明".into(),
        members,
        ..Household::default()
    }
}

/// Three households interviewed with the members questionnaire in a real
/// database at `dir/m.db`, and a folder holding the questionnaire.
fn three_families(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let db = dir.join("m.db");
    let survey = members();
    let store = Store::open(&db).expect("open");
    let codes = ["H1", "H2", "H3"];
    store
        .upsert_households(&codes.map(|c| household(c, 3)))
        .expect("households");
    let families: [&[(&str, &str)]; 3] = [
        // Two uninsured members.
        &[
            ("people", "2"),
            ("member_name[1]", "甲"),
            ("age[1]", "30"),
            ("insured[1]", "no"),
            ("member_name[2]", "乙"),
            ("age[2]", "31"),
            ("insured[2]", "no"),
        ],
        // One member who does not know.
        &[
            ("people", "1"),
            ("member_name[1]", "丙"),
            ("age[1]", "50"),
            ("insured[1]", "[dont_know]"),
        ],
        // Insured.
        &[
            ("people", "1"),
            ("member_name[1]", "丁"),
            ("age[1]", "[dont_know]"),
            ("insured[1]", "yes"),
        ],
    ];
    for (code, answers) in codes.iter().zip(families) {
        let id = store
            .open_interview(code, &survey, "王芳")
            .expect("begin")
            .id;
        for (key, value) in answers {
            store
                .save_answer(id, key, Some(value), "王芳")
                .unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        store.complete(id, "王芳").expect("complete");
    }
    let folder = dir.join("surveys");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::copy("tests/rosters/members.toml", folder.join("members.toml")).expect("copy");
    (db, folder)
}

/// Interviews of the members questionnaire in a real database: roster
/// answers saved by row, stored hits with persons and unknowns, and the
/// priorities that count them.
#[test]
fn roster_answers_are_saved_by_row_and_priorities_count_persons_and_unknowns() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (db, folder) = three_families(dir.path());
    let survey = members();
    let store = Store::open(&db).expect("open");
    let codes = ["H1", "H2", "H3"];
    // A roster question without its row, or past the roster, is no slot.
    let id = store
        .open_interview("H1", &survey, "王芳")
        .expect("the draft")
        .id;
    assert!(store.save_answer(id, "age", Some("3"), "王芳").is_err());
    let hits: Vec<String> = codes
        .iter()
        .map(|c| {
            let i = store
                .find_interview(c, &std::rc::Rc::new(survey.clone()))
                .expect("read")
                .expect("interview");
            store.hits(i.id).expect("hits").encode()
        })
        .collect();
    assert_eq!(
        hits,
        [
            "uninsured_member:4*2 many_uninsured:3",
            "uninsured_member:?4",
            ""
        ]
    );
    assert!(store.doctor().expect("doctor").is_clean());
    let (input, projects) = store
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("ranked");
    let p = projects
        .iter()
        .find(|p| input.rules[p.rule].name == "uninsured_member")
        .expect("project");
    assert_eq!((p.affected, p.surveyed, p.unknown), (1, 3, 1));
    assert_eq!(p.persons, Some(2));
    assert_eq!(p.cost, Some(760.0), "380 yuan per person");
    assert!(
        (p.share() - 0.5).abs() < 1e-12,
        "1 of the 2 that can be told"
    );
    drop(store);

    // The CSV of the priorities says it too.
    let out = dir.path().join("p.csv");
    common::minqing(&db)
        .arg("--surveys")
        .arg(&folder)
        .args(["export", "priorities", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&out).expect("written");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let row: Vec<&str> = lines
        .find(|l| l.contains("uninsured_member"))
        .expect("row")
        .split(',')
        .collect();
    let explained = common::minqing(&db)
        .arg("--surveys")
        .arg(&folder)
        .args(["explain", "曼贺村", "uninsured_member"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&explained.get_output().stdout).to_string();
    assert!(
        said.contains("counted per person: 2 persons affected"),
        "{said}"
    );
    assert!(said.contains("1 households cannot be told"), "{said}");
    assert!(
        said.contains("no / no(no / no)"),
        "each row's answer: {said}"
    );
    assert_eq!(row[at("households unknown")], "1", "{csv}");
    assert_eq!(row[at("persons affected (rules per person)")], "2");
    assert_eq!(row[at("share")], "0.500");
}

/// Reads a CSV written by the export as rows of fields.
fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn responses_come_with_a_file_per_roster_that_joins_them_or_wide_columns() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (db, folder) = three_families(dir.path());
    let out = dir.path().join("responses.csv");
    let export = |extra: &[&str]| {
        common::minqing(&db)
            .arg("--surveys")
            .arg(&folder)
            .args(["export", "responses", "--survey", "members_check", "--out"])
            .arg(&out)
            .args(extra)
            .assert()
    };
    export(&[]).success();
    let main = read_csv(&out);
    let roster = read_csv(&dir.path().join("members_check-members.csv"));
    let col = |rows: &[Vec<String>], name: &str| {
        rows[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", rows[0]))
    };
    assert!(
        !main[0].iter().any(|h| h == "age"),
        "rows are in the roster file"
    );
    assert_eq!(main.len(), 4);
    assert_eq!(
        roster[0][..4],
        ["interview", "code", "row", "row_label"].map(String::from)
    );
    assert_eq!(roster.len(), 5, "2 + 1 + 1 rows");
    // Every roster row joins its household's row of the responses by the
    // interview's id.
    for row in &roster[1..] {
        let id = &row[col(&roster, "interview")];
        let parent = main[1..]
            .iter()
            .find(|m| &m[col(&main, "interview")] == id)
            .expect("joins");
        assert_eq!(parent[col(&main, "code")], row[col(&roster, "code")]);
    }
    let second = &roster[2];
    assert_eq!(
        (
            second[col(&roster, "code")].as_str(),
            second[col(&roster, "row")].as_str(),
            second[col(&roster, "row_label")].as_str(),
            second[col(&roster, "insured")].as_str(),
            second[col(&roster, "age_next_year")].as_str()
        ),
        ("H1", "2", "乙", "no", "32")
    );
    assert_eq!(roster[3][col(&roster, "insured")], "[dont_know]");

    // Exported again: both files exist, so nothing is written without
    // --force, and the responses are left as they were.
    let before = std::fs::read(&out).expect("read");
    std::fs::remove_file(&out).expect("rm");
    export(&[]).failure();
    assert!(
        !out.exists(),
        "nothing written while a roster file is in the way"
    );
    std::fs::write(&out, &before).expect("put back");
    export(&["--force"]).success();

    // --wide: the rows are columns of the responses.
    let wide = dir.path().join("wide.csv");
    common::minqing(&db)
        .arg("--surveys")
        .arg(&folder)
        .args([
            "export",
            "responses",
            "--survey",
            "members_check",
            "--wide",
            "--out",
        ])
        .arg(&wide)
        .assert()
        .success();
    let rows = read_csv(&wide);
    for name in [
        "member_name_1",
        "member_name_2",
        "insured_2",
        "age_next_year_1",
    ] {
        col(&rows, name);
    }
    assert!(
        !rows[0].iter().any(|h| h == "member_name_3"),
        "two rows at most"
    );
    let h1 = rows
        .iter()
        .find(|r| r[col(&rows, "code")] == "H1")
        .expect("H1");
    assert_eq!(h1[col(&rows, "member_name_2")], "乙");
}

#[test]
fn the_codebook_names_each_roster_question_with_its_roster() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (db, folder) = three_families(dir.path());
    let out = dir.path().join("codebook.csv");
    common::minqing(&db)
        .arg("--surveys")
        .arg(&folder)
        .args(["export", "codebook", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let of = |name: &str| {
        rows.iter()
            .find(|r| r[col("name")] == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(of("insured")[col("roster")], "members");
    assert_eq!(of("insured")[col("special")], "[dont_know] [refused]");
    assert_eq!(of("people")[col("roster")], "");
    assert_eq!(of("uninsured_member")[col("roster")], "members");
}

#[test]
fn lowering_a_count_keeps_the_rows_until_the_interviewer_says_which_to_drop() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let survey = members();
    let store = Store::open(&db).expect("open");
    store
        .upsert_households(&[household("H1", 3)])
        .expect("household");
    let id = store
        .open_interview("H1", &survey, "王芳")
        .expect("begin")
        .id;
    for (key, value) in FAMILY {
        store.save_answer(id, key, Some(value), "王芳").expect(key);
    }
    store
        .save_answer(id, "people", Some("2"), "王芳")
        .expect("fewer");
    let i = store.interview(id).expect("read");
    let f = i.facts();
    let state = State::new(&i.survey, &i.answers, &f);
    let past: Vec<(String, u32)> = state
        .rows_past_count()
        .into_iter()
        .map(|(s, n)| (s.name.clone(), n))
        .collect();
    assert_eq!(past, [("members".to_string(), 3)]);
    assert_eq!(
        i.answers.get("member_name[3]").map(String::as_str),
        Some("李小")
    );
    // 王芳 (row 2) moved away: 李小 becomes row 2.
    store
        .drop_rows(id, "members", &[2], "王芳")
        .expect("dropped");
    let i = store.interview(id).expect("read");
    assert_eq!(
        i.answers.get("member_name[2]").map(String::as_str),
        Some("李小")
    );
    assert_eq!(i.answers.get("age[2]").map(String::as_str), Some("0"));
    assert!(
        !i.answers.keys().any(|k| k.ends_with("[3]")),
        "{:?}",
        i.answers
    );
    assert_eq!(
        i.answers.get("age_next_year[2]").map(String::as_str),
        Some("1")
    );
    let f = i.facts();
    assert!(
        State::new(&i.survey, &i.answers, &f)
            .rows_past_count()
            .is_empty()
    );
    // The trail keeps what was dropped.
    let trail = store.audit(id).expect("audit");
    assert!(
        trail
            .iter()
            .any(|e| e.field == "member_name[2]" && e.old.as_deref() == Some("王芳")),
        "{trail:?}"
    );
    store.complete(id, "王芳").expect("complete");
    assert!(
        store.drop_rows(id, "members", &[1], "王芳").is_err(),
        "complete: reopen first"
    );
}

/// Interviews answered before rosters (schooling 2026.1, counts of
/// children) and after (2027.1, a row per child) rank together and export
/// together.
#[test]
fn interviews_of_the_version_before_rosters_still_rank_and_export() {
    use minqing::survey::bundled::BUNDLED;
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let old = minqing::survey::load(include_str!("old/schooling-2026.1.toml"))
        .survey
        .expect("2026.1 loads");
    let new = minqing::survey::load(BUNDLED[3].1)
        .survey
        .expect("2027.1 loads");
    assert_eq!(
        (old.version.as_str(), new.version.as_str()),
        ("2026.1", "2027.1")
    );
    let store = Store::open(&db).expect("open");
    store
        .upsert_households(&[household("H1", 4), household("H2", 4)])
        .expect("households");
    let interview = |code: &str, survey: &Survey, answers: &[(&str, &str)]| {
        let id = store
            .open_interview(code, survey, "王芳")
            .expect("begin")
            .id;
        for (key, value) in answers {
            store
                .save_answer(id, key, Some(value), "王芳")
                .unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        store.complete(id, "王芳").expect("complete");
    };
    interview(
        "H1",
        &old,
        &[
            ("children_6_15", "2"),
            ("not_attending", "1"),
            ("dropout_reasons", "cost"),
            ("school_minutes", "30"),
            ("boarders", "0"),
            ("route_hazards", "none"),
            ("urgency", "low"),
        ],
    );
    interview(
        "H2",
        &new,
        &[
            ("children_6_15", "2"),
            ("child_name[1]", "小明"),
            ("in_school[1]", "no"),
            ("dropout_reason[1]", "work"),
            ("child_name[2]", "小红"),
            ("in_school[2]", "no"),
            ("dropout_reason[2]", "cost"),
            ("urgency", "high"),
        ],
    );
    let (input, projects) = store
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("ranked");
    let p = projects
        .iter()
        .find(|p| input.rules[p.rule].name == "out_of_school")
        .expect("project");
    assert_eq!((p.affected, p.surveyed), (2, 2), "both versions count");
    // H2's two children; H1, counted per household then, as one.
    assert_eq!(p.persons, Some(3));
    assert_eq!(p.cost, Some(3.0 * 2000.0));
    assert!(store.doctor().expect("doctor").is_clean());
    drop(store);

    let out = dir.path().join("responses.csv");
    common::minqing(&db)
        .args(["export", "responses", "--survey", "schooling", "--out"])
        .arg(&out)
        .assert()
        .success();
    let main = read_csv(&out);
    let col = |rows: &[Vec<String>], name: &str| {
        rows[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let row = |code: &str| {
        main.iter()
            .find(|r| r[col(&main, "code")] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    // The old answer and the new calculation share their column.
    assert_eq!(row("H1")[col(&main, "not_attending")], "1");
    assert_eq!(row("H2")[col(&main, "not_attending")], "2");
    assert_eq!(row("H1")[col(&main, "version")], "2026.1");
    assert_eq!(
        row("H1")[col(&main, "boarders")],
        "0",
        "a question only 2026.1 had"
    );
    let children = read_csv(&dir.path().join("schooling-child.csv"));
    let codes: Vec<&str> = children[1..]
        .iter()
        .map(|r| r[col(&children, "code")].as_str())
        .collect();
    assert_eq!(codes, ["H2", "H2"], "rows come from the version with rows");
    assert_eq!(children[2][col(&children, "row_label")], "小红");
}

#[test]
fn rows_answered_on_another_laptop_merge_with_their_persons() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let laptop = dir.path().join("laptop");
    std::fs::create_dir(&laptop).expect("folder");
    let (theirs, _) = three_families(&laptop);
    let county = Store::open(&dir.path().join("county.db")).expect("open");
    let report = county.merge(&theirs).expect("merge");
    assert_eq!(report.duplicates.len(), 0);
    let survey = std::rc::Rc::new(members());
    let h1 = county
        .find_interview("H1", &survey)
        .expect("read")
        .expect("merged");
    assert_eq!(
        h1.answers.get("member_name[2]").map(String::as_str),
        Some("乙")
    );
    assert_eq!(
        county.hits(h1.id).expect("hits").encode(),
        "uninsured_member:4*2 many_uninsured:3"
    );
    let (input, projects) = county
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("ranked");
    let p = projects
        .iter()
        .find(|p| input.rules[p.rule].name == "uninsured_member")
        .expect("project");
    assert_eq!((p.persons, p.unknown), (Some(2), 1));
    assert!(county.doctor().expect("doctor").is_clean());
}

#[test]
fn a_count_not_known_asks_nothing_and_rows_past_a_known_count_keep_an_interview_from_completing() {
    let s = members();
    let f = facts();
    let mut a = answers(FAMILY);
    a.remove("people");
    assert!(
        State::new(&s, &a, &f).rows_past_count().is_empty(),
        "a count cleared says nothing of which rows to drop"
    );
    a.insert("people".into(), "2".into());
    let keys: Vec<String> = failures(&s, &a, &f)
        .iter()
        .map(|f| f.question().to_string())
        .collect();
    assert_eq!(keys, ["member_name[3]"], "the first row past the count");
    let said = failures(&s, &a, &f)[0].describe(&s);
    assert!(
        said.en.contains("choose the rows to drop first"),
        "{}",
        said.en
    );

    // In the store: completing is refused; rows given twice, 0 or past
    // those answered drop only what they name once.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    store
        .upsert_households(&[household("H1", 3)])
        .expect("household");
    let id = store.open_interview("H1", &s, "王芳").expect("begin").id;
    for (key, value) in FAMILY {
        store.save_answer(id, key, Some(value), "王芳").expect(key);
    }
    store
        .save_answer(id, "people", Some("2"), "王芳")
        .expect("fewer");
    assert!(store.complete(id, "王芳").is_err(), "rows past the count");
    store
        .drop_rows(id, "members", &[2, 2, 0, 9], "王芳")
        .expect("dropped");
    let i = store.interview(id).expect("read");
    assert_eq!(
        i.answers.get("member_name[1]").map(String::as_str),
        Some("李明")
    );
    assert_eq!(
        i.answers.get("member_name[2]").map(String::as_str),
        Some("李小")
    );
    store.complete(id, "王芳").expect("complete now");
    // A row key past any roster is no slot.
    assert!(store.save_answer(id, "age[36]", Some("3"), "王芳").is_err());
}

#[test]
fn rows_past_a_lowered_count_are_exported_nowhere() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (db, folder) = three_families(dir.path());
    {
        let store = Store::open(&db).expect("open");
        store
            .upsert_households(&[household("H4", 3)])
            .expect("household");
        let id = store
            .open_interview("H4", &members(), "王芳")
            .expect("begin")
            .id;
        for (key, value) in FAMILY {
            store.save_answer(id, key, Some(value), "王芳").expect(key);
        }
        // Fewer people, the rows not chosen yet: a draft.
        store
            .save_answer(id, "people", Some("1"), "王芳")
            .expect("fewer");
    }
    let export = |wide: bool| {
        let out = dir.path().join(format!("wide-{wide}.csv"));
        let mut cmd = common::minqing(&db);
        cmd.arg("--surveys")
            .arg(&folder)
            .args([
                "export",
                "responses",
                "--survey",
                "members_check",
                "--force",
                "--out",
            ])
            .arg(&out);
        if wide {
            cmd.arg("--wide");
        }
        cmd.assert().success();
        read_csv(&out)
    };
    let wide = export(true);
    let col = |name: &str| wide[0].iter().position(|h| h == name);
    let h4 = wide
        .iter()
        .find(|r| col("code").is_some_and(|c| r[c] == "H4"))
        .expect("H4");
    let name_2 = col("member_name_2").expect("two rows elsewhere");
    assert_eq!(h4[name_2], "", "王芳 is past H4's count of one");
    export(false);
    let roster = read_csv(&dir.path().join("members_check-members.csv"));
    let h4_rows = roster.iter().filter(|r| r[1] == "H4").count();
    assert_eq!(h4_rows, 1);
}

/// In a Parquet dataset a roster's number column is typed, and a special
/// answer there is not lost: it is kept, as stored, beside it.
#[test]
fn a_special_answer_in_a_typed_parquet_column_is_kept_beside_it() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (db, folder) = three_families(dir.path());
    let out = dir.path().join("responses");
    common::minqing(&db)
        .arg("--surveys")
        .arg(&folder)
        .args(["export", "responses", "--survey", "members_check"])
        .args(["--format", "parquet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let file = dir
        .path()
        .join("members_check-members/township=勐烈镇/part-0.parquet");
    let reader = SerializedFileReader::new(std::fs::File::open(&file).expect("roster's file"))
        .expect("Parquet");
    let rows: Vec<Vec<(String, Field)>> = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|r| {
            r.expect("row")
                .get_column_iter()
                .map(|(n, f)| (n.clone(), f.clone()))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 4, "2 + 1 + 1 rows");
    let of = |row: &[(String, Field)], name: &str| {
        row.iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .unwrap_or_else(|| panic!("{name}"))
    };
    let ages: Vec<(Field, Field)> = rows
        .iter()
        .map(|r| (of(r, "age"), of(r, "age__text")))
        .collect();
    assert!(ages.contains(&(Field::Long(30), Field::Null)));
    assert!(
        ages.contains(&(Field::Null, Field::Str("[dont_know]".into()))),
        "{ages:?}"
    );
    let insured: Vec<Field> = rows.iter().map(|r| of(r, "insured")).collect();
    assert!(insured.contains(&Field::Str("[dont_know]".into())));
    assert!(out.join("township=勐烈镇/part-0.parquet").exists());
}
