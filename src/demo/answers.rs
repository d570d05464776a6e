//! Drawing a household's answers: what the need rules say the hard
//! answers are, and answers drawn along the interview's path.

use std::collections::{HashMap, HashSet};

use super::Rng;
use crate::interview::{Answers, HouseholdFacts, Known, Reach, State};
use crate::survey::expr::{BinOp, Expr, ExprKind, Func};
use crate::survey::{QuestionKind, Survey};

/// Plausible ranges for bundled numeric questions that no rule bounds from
/// one side (a year, a floor area, a count of children): without them a
/// generic draw would put every house in 1900 or every family in 12 m².
const TYPICAL: [(&str, f64, f64); 5] = [
    ("built_year", 1965.0, 2024.0),
    ("floor_area", 45.0, 220.0),
    ("children_6_15", 0.0, 3.0),
    ("chronic", 0.0, 2.0),
    ("boarders", 0.0, 1.0),
];
/// How often a household gives a choice to questions no rule reads (the
/// screening questions before a roster): a rural county's rates, roughly.
const LIKELY: [(&str, &str, f64); 3] = [
    ("all_insured", "no", 0.06),
    ("any_chronic", "yes", 0.3),
    ("any_disabled", "yes", 0.07),
];
/// What the need rules say about one question: the choices that make a
/// rule fire, and the numbers beyond which one fires.
#[derive(Default)]
pub(super) struct Hardness {
    bad_choices: HashSet<String>,
    thresholds: Vec<f64>,
}

fn learn_hardness(survey: &Survey) -> HashMap<String, Hardness> {
    let mut map: HashMap<String, Hardness> = HashMap::new();
    for need in &survey.needs {
        need.when.ast.walk(&mut |e: &Expr| match &e.kind {
            ExprKind::Binary(op, a, b) => match (&a.kind, &b.kind) {
                (ExprKind::Question(q), ExprKind::Text(t)) if *op == BinOp::Eq => {
                    map.entry(q.clone())
                        .or_default()
                        .bad_choices
                        .insert(t.clone());
                }
                (ExprKind::Question(q), ExprKind::Number(n))
                    if matches!(op, BinOp::Gt | BinOp::Ge) =>
                {
                    map.entry(q.clone()).or_default().thresholds.push(*n);
                }
                _ => {}
            },
            ExprKind::Call(Func::Selected, args) => {
                if let (ExprKind::Question(q), ExprKind::Text(t)) = (&args[0].kind, &args[1].kind) {
                    map.entry(q.clone())
                        .or_default()
                        .bad_choices
                        .insert(t.clone());
                }
            }
            _ => {}
        });
    }
    map
}

/// What drawing reads of one questionnaire, learned once: the hard
/// answers, and how far each answer reaches.
pub(super) struct Learned {
    hardness: HashMap<String, Hardness>,
    reach: Reach,
}

pub(super) fn learn(survey: &Survey) -> Learned {
    Learned {
        hardness: learn_hardness(survey),
        reach: Reach::of(survey),
    }
}

/// Draws a raw answer for the question at `index`; `hard` is the chance of
/// a hard answer.
fn draw(
    survey: &Survey,
    index: usize,
    hardness: Option<&Hardness>,
    hard: f64,
    rng: &mut Rng,
) -> Option<String> {
    let q = survey.question_at(index);
    let bad = rng.chance(hard);
    if let Some((_, name, p)) = LIKELY.iter().find(|(n, _, _)| *n == q.name) {
        let other = survey.choices_of(q).iter().find(|c| c.name != *name)?;
        return Some(
            if rng.chance(*p) {
                name
            } else {
                other.name.as_str()
            }
            .to_string(),
        );
    }
    match q.kind {
        QuestionKind::SelectOne | QuestionKind::YesNo => one_choice(survey, q, hardness, bad, rng),
        QuestionKind::SelectMultiple => {
            let names: Vec<&str> = survey
                .choices_of(q)
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            let has_none = names.contains(&"none");
            if has_none && !bad {
                return Some("none".into());
            }
            let hard_ones: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| *n != "none" && hardness.is_some_and(|h| h.bad_choices.contains(*n)))
                .collect();
            let others: Vec<&str> = names.iter().copied().filter(|n| *n != "none").collect();
            let pool = if bad && !hard_ones.is_empty() {
                hard_ones
            } else {
                others
            };
            let mut picked = vec![*rng.pick(&pool)];
            if rng.chance(0.3) {
                picked.push(*rng.pick(&pool));
            }
            Some(picked.join(" "))
        }
        QuestionKind::Integer | QuestionKind::Decimal => {
            let min = q.min.unwrap_or(0.0);
            let max = q.max.unwrap_or(min + 100.0);
            let thresholds = hardness.map_or(&[][..], |h| h.thresholds.as_slice());
            let typical = TYPICAL.iter().find(|(name, _, _)| *name == q.name);
            let (lo, hi) = match (thresholds.is_empty(), typical) {
                (true, Some((_, lo, hi))) => (*lo, *hi),
                (true, None) => (min, min + (max - min) * 0.02),
                (false, _) if bad => {
                    let t = *rng.pick(thresholds);
                    (t + 1.0, (t * 3.0).max(t + 2.0).min(max))
                }
                (false, _) => (min, thresholds.iter().copied().fold(max, f64::min)),
            };
            let value = lo + (hi - lo).max(0.0) * rng.unit();
            Some(format!("{}", value.floor() as i64))
        }
        QuestionKind::Text if q.required => Some("无".into()),
        _ => None,
    }
}

/// One choice of a single-choice question: a hard one when `bad`.
fn one_choice(
    survey: &Survey,
    q: &crate::survey::Question,
    hardness: Option<&Hardness>,
    bad: bool,
    rng: &mut Rng,
) -> Option<String> {
    let names: Vec<&str> = survey
        .choices_of(q)
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let (hard_ones, easy): (Vec<&str>, Vec<&str>) = names
        .iter()
        .partition(|n| hardness.is_some_and(|h| h.bad_choices.contains(**n)));
    let pool = if bad && !hard_ones.is_empty() || easy.is_empty() {
        hard_ones
    } else {
        easy
    };
    // Earlier choices of a list are the more common, easier ones.
    let i = ((rng.unit() * rng.unit()) * pool.len() as f64) as usize;
    pool.get(i).map(|s| s.to_string())
}

/// The household's own view of the urgency, drawn on the needs its
/// answers so far show: a household with a severe need mostly calls it
/// urgent, one with none mostly not, and some disagree either way, as
/// households do. Draws as many numbers as any other single choice, so
/// the rest of the county is drawn the same.
fn urgency(
    survey: &Survey,
    q: &crate::survey::Question,
    state: &State<'_>,
    rng: &mut Rng,
) -> Option<String> {
    let worst = state
        .need_hits()
        .iter()
        .filter(|f| matches!(f.outcome, crate::interview::Outcome::Affected { .. }))
        .map(|f| f.need.severity.get())
        .max()
        .unwrap_or(1);
    let (_, u, _) = (rng.unit(), rng.unit(), rng.unit());
    // The chance of each answer, none … critical, by the worst severity.
    let odds: [f64; 5] = match worst {
        5 => [0.02, 0.1, 0.23, 0.35, 0.3],
        4 => [0.05, 0.15, 0.3, 0.35, 0.15],
        3 => [0.1, 0.3, 0.4, 0.15, 0.05],
        2 => [0.35, 0.45, 0.15, 0.05, 0.0],
        _ => [0.8, 0.15, 0.04, 0.01, 0.0],
    };
    let names = ["none", "low", "medium", "high", "critical"];
    let mut at = 0.0;
    let pick = names
        .iter()
        .zip(odds)
        .find(|(_, p)| {
            at += p;
            u < at
        })
        .map_or("none", |(n, _)| n);
    // A list of other names: a choice drawn evenly.
    let choices = survey.choices_of(q);
    match choices.iter().find(|c| c.name == pick) {
        Some(c) => Some(c.name.clone()),
        None => choices
            .get((u * choices.len() as f64) as usize)
            .map(|c| c.name.clone()),
    }
}

/// Answers one interview along its path: all of it, or (a draft) its
/// first part; with what its last state worked out of relevance, which
/// holds for these answers.
pub(super) fn answer(
    survey: &Survey,
    facts: &HouseholdFacts,
    learned: &Learned,
    hard: f64,
    draft: bool,
    rng: &mut Rng,
) -> (Answers, Known) {
    let mut answers = Answers::new();
    let count = survey.question_count();
    let stop = if draft {
        rng.below(count.max(2) / 2 + 1)
    } else {
        usize::MAX
    };
    // Slots follow the answers: a count answered makes its roster's rows,
    // so they are listed again after an answer a roster's count reads.
    let counts: Vec<&str> = survey
        .sections
        .iter()
        .filter_map(|s| s.roster.as_ref())
        .flat_map(|r| r.count.ast.question_refs().into_iter().map(|(q, _)| q))
        .collect();
    let mut slots = State::new(survey, &answers, facts).slots();
    let mut at = 0;
    // What the states worked out of relevance, carried from one answer
    // to the next less what that answer reaches.
    let mut known = Known::default();
    while at < stop {
        let state = State::with_known(survey, &answers, facts, known);
        let mut answered = None;
        while at < stop && answered.is_none() {
            let Some(&slot) = slots.get(at) else {
                break;
            };
            at += 1;
            if state.is_relevant_at(slot) {
                answered = answer_slot(survey, (&state, slot), (&learned.hardness, hard), rng)
                    .map(|a| (a, slot.index));
            }
        }
        known = state.into_known();
        let Some(((key, text, name), index)) = answered else {
            break;
        };
        answers.insert(key, text);
        known.forget(&learned.reach, index);
        if counts.contains(&name) {
            slots = State::new(survey, &answers, facts).slots();
        }
    }
    (answers, known)
}

/// An answer drawn for `slot` (relevant) and accepted: its key, its text
/// and the question's name; `None` when none is.
fn answer_slot<'s>(
    survey: &'s Survey,
    (state, slot): (&State<'_>, crate::interview::Slot),
    (hardness, hard): (&HashMap<String, Hardness>, f64),
    rng: &mut Rng,
) -> Option<(String, String, &'s str)> {
    let index = slot.index;
    let q = survey.question_at(index);
    let mut accepted = None;
    for attempt in 0..6 {
        // Later attempts are easier: a constraint that failed (more
        // children than members, say) is met by a smaller answer.
        let chance = if attempt == 0 { hard } else { 0.0 };
        let raw = if q.name == crate::store::priorities::URGENCY_QUESTION {
            urgency(survey, q, state, rng)
        } else {
            draw(survey, index, hardness.get(&q.name), chance, rng)
        };
        let Some(raw) = raw else {
            break;
        };
        if let Ok(text) = state.accept_at(slot, &raw) {
            accepted = Some(text);
            break;
        }
    }
    if accepted.is_none() && q.kind.is_numeric() {
        accepted = q
            .min
            .map(|m| format!("{}", m as i64))
            .and_then(|m| state.accept_at(slot, &m).ok());
    }
    accepted.map(|text| (state.key(slot), text, q.name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::bulk::{Made, NewInterview};

    /// What drawing worked out of relevance, carried into the check of a
    /// complete interview, gives what a check from nothing gives.
    #[test]
    fn the_relevance_drawing_carries_checks_as_a_fresh_state_does() {
        let household = HouseholdFacts {
            code: "0100010001".into(),
            members: 3,
            village: "曼贺村".into(),
            township: "勐烈镇".into(),
            ..HouseholdFacts::default()
        };
        for (_, text) in crate::survey::bundled::BUNDLED {
            let survey = crate::survey::load(text).survey.expect("bundled loads");
            let learned = learn(&survey);
            for seed in 0..60u64 {
                let made = Made {
                    uuid: uuid::Uuid::from_u128(u128::from(seed)),
                    household: household.code.clone(),
                    snapshot: 1,
                    interviewer: "李明".into(),
                    started_at: 1_772_294_400_000,
                    updated_at: 1_772_295_000_000,
                };
                let facts = made.facts(&household);
                let hard = (seed % 5) as f64 / 4.0;
                let (answers, known) =
                    answer(&survey, &facts, &learned, hard, false, &mut Rng(seed));
                let carried = NewInterview::complete(
                    made.clone(),
                    &survey,
                    &household,
                    (answers.clone(), known),
                );
                let fresh =
                    NewInterview::complete(made, &survey, &household, (answers, Known::default()));
                assert_eq!(
                    format!("{carried:?}"),
                    format!("{fresh:?}"),
                    "{} seed {seed}",
                    survey.id
                );
            }
        }
    }
}
