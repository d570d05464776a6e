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

/// What drawing reads of one question, learned once.
#[derive(Default)]
struct Drawable {
    /// A choice with its chance, and another choice (see [`LIKELY`]).
    likely: Option<(String, Option<String>, f64)>,
    /// Choice names, in order, that a rule calls hard (outside `none` for
    /// a multiple choice) …
    hard: Vec<String>,
    /// … the other names of a single choice, every name but `none` of a
    /// multiple choice.
    easy: Vec<String>,
    /// Whether a multiple choice offers `none`.
    has_none: bool,
    /// The numbers beyond which a rule fires.
    thresholds: Vec<f64>,
    /// A plausible range (see [`TYPICAL`]).
    typical: Option<(f64, f64)>,
}

/// What drawing reads of one questionnaire, learned once: how each
/// question is drawn, the rules from the most severe, and how far each
/// answer reaches.
pub(super) struct Learned {
    questions: Vec<Drawable>,
    by_severity: Vec<usize>,
    reach: Reach,
}

pub(super) fn learn(survey: &Survey) -> Learned {
    let mut hardness = learn_hardness(survey);
    let questions = (0..survey.question_count())
        .map(|index| {
            let q = survey.question_at(index);
            let rules = hardness.remove(&q.name).unwrap_or_default();
            let names: Vec<&String> = survey.choices_of(q).iter().map(|c| &c.name).collect();
            let likely = LIKELY
                .iter()
                .find(|(n, _, _)| *n == q.name)
                .map(|(_, name, p)| {
                    let other = names.iter().find(|c| c.as_str() != *name);
                    (name.to_string(), other.map(|c| c.to_string()), *p)
                });
            let hard_one = |n: &String| rules.bad_choices.contains(n.as_str());
            let (hard, easy): (Vec<String>, Vec<String>) = match q.kind {
                QuestionKind::SelectMultiple => {
                    let others: Vec<&String> =
                        names.iter().copied().filter(|n| *n != "none").collect();
                    (
                        others
                            .iter()
                            .filter(|n| hard_one(n))
                            .map(|n| n.to_string())
                            .collect(),
                        others.iter().map(|n| n.to_string()).collect(),
                    )
                }
                _ => {
                    let (hard, easy): (Vec<&String>, Vec<&String>) =
                        names.iter().partition(|n| hard_one(n));
                    (
                        hard.into_iter().cloned().collect(),
                        easy.into_iter().cloned().collect(),
                    )
                }
            };
            Drawable {
                likely,
                hard,
                easy,
                has_none: names.iter().any(|n| *n == "none"),
                thresholds: rules.thresholds,
                typical: TYPICAL
                    .iter()
                    .find(|(name, _, _)| *name == q.name)
                    .map(|(_, lo, hi)| (*lo, *hi)),
            }
        })
        .collect();
    let mut by_severity: Vec<usize> = (0..survey.needs.len()).collect();
    by_severity.sort_by_key(|&n| std::cmp::Reverse(survey.needs[n].severity.get()));
    Learned {
        questions,
        by_severity,
        reach: Reach::of(survey),
    }
}

/// Draws a raw answer for the question at `index`; `hard` is the chance of
/// a hard answer.
fn draw(
    survey: &Survey,
    index: usize,
    learned: &Learned,
    hard: f64,
    rng: &mut Rng,
) -> Option<String> {
    let q = survey.question_at(index);
    let drawable = &learned.questions[index];
    let bad = rng.chance(hard);
    if let Some((name, other, p)) = &drawable.likely {
        let other = other.as_ref()?;
        return Some(if rng.chance(*p) { name } else { other }.clone());
    }
    match q.kind {
        QuestionKind::SelectOne | QuestionKind::YesNo => one_choice(drawable, bad, rng),
        QuestionKind::SelectMultiple => {
            if drawable.has_none && !bad {
                return Some("none".into());
            }
            let pool = if bad && !drawable.hard.is_empty() {
                &drawable.hard
            } else {
                &drawable.easy
            };
            let mut picked = rng.pick(pool).clone();
            if rng.chance(0.3) {
                picked.push(' ');
                let second: &String = rng.pick(pool);
                picked.push_str(second);
            }
            Some(picked)
        }
        QuestionKind::Integer | QuestionKind::Decimal => {
            let min = q.min.unwrap_or(0.0);
            let max = q.max.unwrap_or(min + 100.0);
            let thresholds = drawable.thresholds.as_slice();
            let (lo, hi) = match (thresholds.is_empty(), drawable.typical) {
                (true, Some(typical)) => typical,
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
fn one_choice(drawable: &Drawable, bad: bool, rng: &mut Rng) -> Option<String> {
    let (hard, easy) = (&drawable.hard, &drawable.easy);
    let pool = if bad && !hard.is_empty() || easy.is_empty() {
        hard
    } else {
        easy
    };
    // Earlier choices of a list are the more common, easier ones.
    let i = ((rng.unit() * rng.unit()) * pool.len() as f64) as usize;
    pool.get(i).cloned()
}

/// The household's own view of the urgency, drawn on the needs its
/// answers so far show: a household with a severe need mostly calls it
/// urgent, one with none mostly not, and some disagree either way, as
/// households do. Draws as many numbers as any other single choice, so
/// the rest of the county is drawn the same.
fn urgency(
    survey: &Survey,
    q: &crate::survey::Question,
    (state, by_severity): (&State<'_>, &[usize]),
    rng: &mut Rng,
) -> Option<String> {
    // The most severe rule that fires: rules are tried from the most
    // severe, and the rest need not be.
    let worst = by_severity
        .iter()
        .map(|&n| &survey.needs[n])
        .find(|need| {
            matches!(
                state.outcome(need),
                Some(crate::interview::Outcome::Affected { .. })
            )
        })
        .map_or(1, |need| need.severity.get());
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
    // What the states worked out of relevance and rosters' counts,
    // carried from one answer to the next less what that answer reaches.
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
                answered = answer_slot(survey, (&state, slot), (learned, hard), rng)
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
    (learned, hard): (&Learned, f64),
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
            urgency(survey, q, (state, &learned.by_severity), rng)
        } else {
            draw(survey, index, learned, chance, rng)
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
