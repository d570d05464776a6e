//! The bundled water questionnaire answered whole, for the tests of the
//! yearly cycle: rounds, packages, coverage and projects.

use minqing::store::Store;
use minqing::survey::Survey;

pub fn water() -> Survey {
    minqing::survey::load(minqing::survey::bundled::BUNDLED[1].1)
        .survey
        .expect("water loads")
}

/// Answers the water questionnaire for `code` in the open round, by
/// `who`, with surface water (a need) or piped water at home (none), and
/// completes it.
pub fn complete_water(store: &Store, code: &str, surface: bool, who: &str) -> i64 {
    let id = store
        .open_interview(code, &water(), who)
        .expect("interview")
        .id;
    let source = if surface { "surface" } else { "piped_home" };
    let mut answers = vec![("main_source", source)];
    // Minutes to fetch water are asked only without water at home.
    if surface {
        answers.push(("fetch_minutes", "30"));
    }
    answers.extend([
        ("shortage_days", "0"),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "low"),
    ]);
    for (q, v) in answers {
        store.save_answer(id, q, Some(v), who).expect("save");
    }
    store.complete(id, who).expect("complete");
    id
}
