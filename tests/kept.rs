//! The counts kept per village as answers arrive: a ranking made from
//! them is the ranking made by counting every household, after any
//! sequence of completes, reopens, merges, registry moves and rule
//! changes; `doctor` finds kept counts that disagree and `--repair`
//! makes them again.

mod common;

use std::path::Path;

use common::{demo_county, minqing};
use minqing::priority::uncertainty::standings;
use minqing::priority::{By, Project, RankMethod, Rule};
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::store::interview::Status;
use minqing::store::priorities::Asked;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::{Survey, load};
use proptest::prelude::*;
use tempfile::TempDir;

/// The ranking from the kept counts and the one counting every
/// household agree on every project and every village, and on what the
/// affected households said of the urgency.
fn agree(store: &Store, by: By, method: &RankMethod) -> Result<usize, String> {
    let round = store.ranked_round().map_err(|e| e.to_string())?;
    let (kept_input, kept) = store
        .priorities_by(round.as_ref(), (false, by), method)
        .map_err(|e| e.to_string())?;
    let (input, counted) = store
        .priorities_counted(round.as_ref(), (false, by), method)
        .map_err(|e| e.to_string())?;
    let said = store
        .perceived(&input, &counted)
        .map_err(|e| e.to_string())?;
    if kept.iter().any(|p| !p.households.is_empty()) {
        return Err("the kept ranking lists households".into());
    }
    let strip = |p: &Project| Project {
        households: Vec::new(),
        perceived: None,
        ..p.clone()
    };
    if kept.len() != counted.len() {
        return Err(format!("{} kept, {} counted", kept.len(), counted.len()));
    }
    for (i, (k, c)) in kept.iter().zip(&counted).enumerate() {
        if strip(k) != strip(c) {
            return Err(format!("project {i}: kept {k:?}\ncounted {c:?}"));
        }
        if c.affected != c.households.len() as i64 {
            return Err(format!("project {i}: {c:?}"));
        }
        if k.perceived != Some(said[i]) {
            return Err(format!(
                "project {i}: said {:?} ≠ {:?}",
                k.perceived, said[i]
            ));
        }
    }
    if kept_input.areas != input.areas {
        return Err(format!(
            "areas: kept {:?}\ncounted {:?}",
            kept_input.areas, input.areas
        ));
    }
    if kept_input.rules != input.rules {
        return Err("rules differ".into());
    }
    first_agree(store, (by, method), (&kept, &input.rules))?;
    Ok(kept.len())
}

/// The first k projects made alone are the first k of the whole ranking,
/// each with the same county rank and band; made without the areas at a
/// glance, they have none and are no different.
fn first_agree(
    store: &Store,
    (by, method): (By, &RankMethod),
    (all, rules): (&[Project], &[Rule]),
) -> Result<(), String> {
    let round = store.ranked_round().map_err(|e| e.to_string())?;
    let every = standings(all, rules);
    for k in [0, 1, 3, 20, all.len() / 2, all.len(), all.len() + 5] {
        let areas = k % 2 == 0;
        let asked = Asked {
            first: Some(k),
            areas,
        };
        let (input, first) = store
            .priorities_first(round.as_ref(), (false, by), method, asked)
            .map_err(|e| e.to_string())?;
        if input.areas.is_empty() == areas {
            return Err(format!("first {k}: areas at a glance asked {areas}"));
        }
        let k = k.min(all.len());
        if first.len() < k || first[..] != all[..first.len()] {
            return Err(format!(
                "first {k}: {} made, not the ranking's first",
                first.len()
            ));
        }
        if standings(&first, rules)[..k] != every[..k] {
            return Err(format!("first {k}: bands differ"));
        }
    }
    let without = Asked {
        first: None,
        areas: false,
    };
    let (input, whole) = store
        .priorities_first(round.as_ref(), (false, by), method, without)
        .map_err(|e| e.to_string())?;
    if whole != all || !input.areas.is_empty() {
        return Err("the whole ranking made without the areas at a glance differs".into());
    }
    Ok(())
}

#[test]
fn a_demo_county_ranks_the_same_from_kept_counts_as_counting_every_household() {
    let dir = TempDir::new().expect("temp dir");
    let db = demo_county(
        dir.path(),
        &["--households", "2000", "--seed", "3", "--rounds", "2"],
    );
    let store = Store::open(&db).expect("open");
    let weighted = RankMethod {
        weights: vec![("water".into(), 2.0)],
        phase_share: 0.15,
    };
    for by in [By::Village, By::Township] {
        for method in [RankMethod::default(), weighted.clone()] {
            let n = agree(&store, by, &method).expect("agree");
            assert!(n > 20, "{n} projects");
        }
    }
    // The round before, too.
    let rounds = store.rounds().expect("rounds");
    assert_eq!(rounds.len(), 2);
    let (input, projects) = store
        .priorities(Some(&rounds[0]), false, By::Village)
        .expect("first round");
    let (_, counted) = store
        .priorities_counted(
            Some(&rounds[0]),
            (false, By::Village),
            &RankMethod::default(),
        )
        .expect("first round counted");
    assert_eq!(projects.len(), counted.len());
    assert!(input.round.is_some());
    assert!(store.stale_kept().expect("check").is_empty());
}

#[test]
fn doctor_finds_kept_counts_changed_behind_its_back_and_repair_makes_them_again() {
    let dir = TempDir::new().expect("temp dir");
    let db = demo_county(dir.path(), &["--households", "300", "--seed", "5"]);
    minqing(&db).args(["doctor"]).assert().success();
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "UPDATE kept SET sums = X'0302' WHERE rowid IN (SELECT rowid FROM kept LIMIT 1);
         UPDATE kept_registry SET registered = registered + 1
             WHERE village = (SELECT min(village) FROM kept_registry);",
    )
    .or_else(|_| {
        conn.execute_batch(
            "UPDATE kept SET sums = X'0302' WHERE slot = (SELECT min(slot) FROM kept);
             UPDATE kept_registry SET registered = registered + 1
                 WHERE village = (SELECT min(village) FROM kept_registry);",
        )
    })
    .expect("tamper");
    drop(conn);
    let store = Store::open(&db).expect("open");
    let stale = store.stale_kept().expect("check");
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(stale.iter().any(|(round, _, _)| *round == 0));
    drop(store);
    minqing(&db)
        .args(["doctor"])
        .assert()
        .failure()
        .stdout(predicates::str::contains(
            "some villages' kept counts do not agree",
        ));
    minqing(&db).args(["doctor", "--repair"]).assert().success();
    minqing(&db).args(["doctor"]).assert().success();
    let store = Store::open(&db).expect("open");
    agree(&store, By::Village, &RankMethod::default()).expect("agree");
}

#[test]
fn hits_damaged_behind_the_store_s_back_never_stop_a_save_nor_the_village_list() {
    let dir = TempDir::new().expect("temp dir");
    let db = demo_county(dir.path(), &["--households", "120", "--seed", "2"]);
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "UPDATE interview SET hits = 'no colon here'
         WHERE id = (SELECT min(id) FROM interview WHERE status = 'complete');",
    )
    .expect("damage one interview's hits");
    drop(conn);
    let store = Store::open(&db).expect("open");
    let surveys = ["water", "housing", "roads", "schooling", "health"];
    // A save elsewhere folds the marked household in, which cannot be
    // done: the save stands, the mark stays.
    let mut new = store.households(None).expect("households")[0].clone();
    new.code = "NEW-1".into();
    store.upsert_households(&[new]).expect("a household added");
    let interview = store.open_interview("NEW-1", &water(), "王").expect("open");
    store
        .save_answer(interview.id, "remarks", Some("照常保存"), "王")
        .expect("the save stands");
    assert_eq!(
        store.interview(interview.id).expect("read").answers["remarks"],
        "照常保存"
    );
    // The village list is counted as before; the ranking names the damage.
    let counted = store.village_coverage_counted(&surveys).expect("counted");
    assert_eq!(store.village_coverage(&surveys).expect("list"), counted);
    let said = store
        .priorities_ranked(false, By::Village)
        .expect_err("damaged hits are named");
    assert!(said.to_string().contains("no colon here"), "{said}");
    let found = store.doctor().expect("doctor reports rather than stops");
    assert!(!found.is_clean());
}

fn water() -> Survey {
    load(BUNDLED[1].1).survey.expect("water loads")
}

/// The water questionnaire with its shortage rule made more severe and
/// costlier: a new version, whose rules the ranking takes.
fn water_v2() -> Survey {
    let text = BUNDLED[1]
        .1
        .replacen(
            "when = \"${shortage_days} > 36\"\nseverity = 3",
            "when = \"${shortage_days} > 36\"\nseverity = 4",
            1,
        )
        .replacen("version = \"", "version = \"2-", 1);
    load(&text).survey.expect("water v2 loads")
}

fn household(code: &str, village: &str, members: i64) -> Household {
    Household {
        code: code.into(),
        township: if village == "曼贺村" {
            "勐烈镇".into()
        } else {
            "勐拉乡".into()
        },
        village: village.into(),
        group: "一组".into(),
        head: "李明".into(),
        members,
        ..Household::default()
    }
}

const VILLAGES: [&str; 3] = ["曼贺村", "新贺村", "勐拉村"];
const SOURCES: [&str; 4] = ["piped_home", "surface", "unprotected", "protected_well"];
const QUALITY: [&str; 4] = ["none", "turbid", "illness", "illness turbid"];
const URGENCY: [&str; 4] = ["none", "low", "high", "critical"];

/// What one interview answers.
#[derive(Clone, Debug)]
struct Said {
    source: usize,
    shortage: u16,
    quality: usize,
    urgency: usize,
    minutes: u16,
}

fn said() -> impl Strategy<Value = Said> {
    (
        0..SOURCES.len(),
        0u16..100,
        0..QUALITY.len(),
        0..URGENCY.len(),
        0u16..40,
    )
        .prop_map(|(source, shortage, quality, urgency, minutes)| Said {
            source,
            shortage,
            quality,
            urgency,
            minutes,
        })
}

#[derive(Clone, Debug)]
enum Step {
    /// Household h answers (reopening its interview if complete) and
    /// completes, with the newer version when `v2`.
    Complete(usize, Said, bool),
    /// Household h's latest interview is reopened.
    Reopen(usize),
    /// Household h begins an interview (of the housing questionnaire,
    /// when `housing`) and leaves it a draft.
    Begin(usize, bool),
    /// Household h moves to another village.
    Move(usize, usize),
    /// Household h's members change.
    Members(usize, i64),
    /// Another laptop's file, with household h's interview, is merged.
    Merge(usize, Said),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..6, said(), any::<bool>()).prop_map(|(h, s, v2)| Step::Complete(h, s, v2)),
        1 => (0usize..6).prop_map(Step::Reopen),
        1 => (0usize..6, any::<bool>()).prop_map(|(h, housing)| Step::Begin(h, housing)),
        1 => (0usize..6, 0..VILLAGES.len()).prop_map(|(h, v)| Step::Move(h, v)),
        1 => (0usize..6, 1i64..9).prop_map(|(h, m)| Step::Members(h, m)),
        1 => (0usize..6, said()).prop_map(|(h, s)| Step::Merge(h, s)),
    ]
}

fn answer(store: &Store, id: i64, s: &Said) {
    let minutes = s.minutes.to_string();
    let shortage = s.shortage.to_string();
    for (q, a) in [
        ("main_source", SOURCES[s.source]),
        ("fetch_minutes", minutes.as_str()),
        ("shortage_days", shortage.as_str()),
        ("quality_problems", QUALITY[s.quality]),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", URGENCY[s.urgency]),
    ] {
        store.save_answer(id, q, Some(a), "王").expect("saved");
    }
}

fn complete(store: &Store, code: &str, s: &Said, survey: &Survey) {
    let interview = store.open_interview(code, survey, "王").expect("open");
    if interview.status == Status::Complete {
        store.reopen(interview.id, "王").expect("reopen");
    }
    answer(store, interview.id, s);
    store.complete(interview.id, "王").expect("complete");
}

fn registry(store: &Store, places: &[(usize, i64)]) {
    let list: Vec<Household> = places
        .iter()
        .enumerate()
        .map(|(h, &(v, m))| household(&format!("H{h}"), VILLAGES[v], m))
        .collect();
    store.upsert_households(&list).expect("households");
}

fn run(steps: &[Step], dir: &Path) -> Result<(), String> {
    let path = dir.join("county.db");
    let store = Store::open(&path).map_err(|e| e.to_string())?;
    let mut places: Vec<(usize, i64)> = (0..6).map(|h| (h % 3, 4)).collect();
    registry(&store, &places);
    let (v1, v2) = (water(), water_v2());
    let housing_survey = load(BUNDLED[0].1).survey.expect("housing loads");
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Complete(h, s, newer) => {
                complete(&store, &format!("H{h}"), s, if *newer { &v2 } else { &v1 })
            }
            Step::Reopen(h) => {
                let interview = store
                    .open_interview(&format!("H{h}"), &v1, "王")
                    .expect("open");
                if interview.status == Status::Complete {
                    store.reopen(interview.id, "王").expect("reopen");
                }
            }
            Step::Begin(h, housing) => {
                let survey = if *housing { &housing_survey } else { &v1 };
                store
                    .open_interview(&format!("H{h}"), survey, "王")
                    .expect("open");
            }
            Step::Move(h, v) => {
                places[*h].0 = *v;
                registry(&store, &places);
            }
            Step::Members(h, m) => {
                places[*h].1 = *m;
                registry(&store, &places);
            }
            Step::Merge(h, s) => {
                let other = dir.join(format!("laptop-{n}.db"));
                let theirs = Store::open(&other).map_err(|e| e.to_string())?;
                registry(&theirs, &places);
                complete(&theirs, &format!("H{h}"), s, &v1);
                drop(theirs);
                store.merge(&other).map_err(|e| e.to_string())?;
            }
        }
    }
    for by in [By::Village, By::Township] {
        agree(&store, by, &RankMethod::default()).map_err(|e| format!("{by:?}: {e}"))?;
    }
    for surveys in [
        &[][..],
        &["water"],
        &["water", "housing"],
        &["housing", "roads"],
    ] {
        let kept = store.village_coverage(surveys).map_err(|e| e.to_string())?;
        let counted = store
            .village_coverage_counted(surveys)
            .map_err(|e| e.to_string())?;
        if kept != counted {
            return Err(format!("coverage of {surveys:?}: {kept:?}\n≠ {counted:?}"));
        }
    }
    let stale = store.stale_kept().map_err(|e| e.to_string())?;
    if !stale.is_empty() {
        return Err(format!("stale: {stale:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn kept_counts_equal_a_full_recount_after_any_sequence_of_changes(
        steps in prop::collection::vec(step(), 1..14)
    ) {
        let dir = TempDir::new().expect("temp dir");
        if let Err(e) = run(&steps, dir.path()) {
            prop_assert!(false, "{e}");
        }
    }
}
