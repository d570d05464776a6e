//! How far an answer reaches: for each question, the questions whose
//! relevance or computed value read its answer, directly or through other
//! questions. An interview answered one question after another keeps what
//! its state worked out and forgets only what the new answer reaches
//! (see [`Known`]).

use super::*;

/// For each question (by position in file order), the positions whose
/// relevance (with their section's, and their roster's count) or
/// calculation read its answer, directly or through other questions, in
/// order.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    readers: Vec<Vec<usize>>,
    /// Per question, whether a roster's count reads its answer, directly
    /// or through other questions.
    counted: Vec<bool>,
}

impl Reach {
    pub fn of(survey: &Survey) -> Reach {
        let n = survey.question_count();
        let mut reads: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, read) in reads.iter_mut().enumerate() {
            // A roster's questions are asked in its rows: its count
            // decides them too.
            let count = survey.section_of(k).roster.iter().map(|r| &r.count);
            for expression in survey.deciding(k).chain(count) {
                for (name, _) in expression.ast.question_refs() {
                    positions(survey, name, read);
                }
            }
        }
        let mut readers: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut seen = vec![usize::MAX; n];
        for k in 0..n {
            // Everything k reads, through any number of others.
            let mut stack: Vec<usize> = reads[k].clone();
            while let Some(x) = stack.pop() {
                if seen[x] == k {
                    continue;
                }
                seen[x] = k;
                readers[x].push(k);
                stack.extend(reads[x].iter().copied().filter(|&y| seen[y] != k));
            }
        }
        let mut counted = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        for roster in survey.sections.iter().filter_map(|s| s.roster.as_ref()) {
            for (name, _) in roster.count.ast.question_refs() {
                positions(survey, name, &mut stack);
            }
        }
        while let Some(x) = stack.pop() {
            if !std::mem::replace(&mut counted[x], true) {
                stack.extend(reads[x].iter().copied().filter(|&y| !counted[y]));
            }
        }
        Reach { readers, counted }
    }

    /// Whether the relevance or value of the question at `reader` reads
    /// the answer at `index`.
    pub fn reads(&self, reader: usize, index: usize) -> bool {
        self.readers
            .get(index)
            .is_some_and(|r| r.binary_search(&reader).is_ok())
    }

    /// The positions whose relevance or value read the answer at `index`.
    fn readers(&self, index: usize) -> &[usize] {
        self.readers.get(index).map_or(&[], Vec::as_slice)
    }
}

/// The positions `${name}` reads: a question's own, or every question of
/// a roster named with its count's.
fn positions(survey: &Survey, name: &str, out: &mut Vec<usize>) {
    if let Some(i) = survey.index_of(name) {
        out.push(i);
    } else if let Some(section) = survey.roster(name) {
        out.extend(survey.positions_of(section));
        if let Some(roster) = &section.roster {
            for (count, _) in roster.count.ast.question_refs() {
                out.extend(survey.index_of(count));
            }
        }
    }
}

/// What a state of an interview worked out of its questions' relevance
/// and its rosters' counts, carried to the state of the same interview
/// after one more answer (see
/// [`State::into_known`] and [`State::with_known`]). The default knows
/// nothing.
#[derive(Default)]
pub struct Known {
    relevance: Vec<Option<bool>>,
    row_relevance: Cache<Slot, bool>,
    rows: Cache<usize, Option<u32>>,
}

impl Known {
    /// Forgets the relevance and rosters' counts the answer at `index`
    /// reaches, which the next state works out again.
    pub fn forget(&mut self, reach: &Reach, index: usize) {
        for &k in reach.readers(index) {
            if let Some(known) = self.relevance.get_mut(k) {
                *known = None;
            }
        }
        self.row_relevance
            .retain(|slot, _| !reach.reads(slot.index, index));
        if reach.counted.get(index).is_none_or(|&c| c) {
            self.rows.clear();
        }
    }
}

impl<'a> State<'a> {
    /// What this state worked out of relevance and of its rosters' counts,
    /// for the state of the same interview once an answer changes
    /// ([`Known::forget`] that answer first). Calculations are not
    /// carried: they are worked out again.
    pub fn into_known(self) -> Known {
        Known {
            relevance: self.relevance.into_inner(),
            row_relevance: self.row_relevance.into_inner(),
            rows: self.rows.into_inner(),
        }
    }

    /// The state of an interview with `answers`, knowing what an earlier
    /// state of it knew of the answers they share.
    pub fn with_known(
        survey: &'a Survey,
        answers: &'a Answers,
        household: &'a HouseholdFacts,
        known: Known,
    ) -> Self {
        let state = State::new(survey, answers, household);
        if known.relevance.len() == survey.question_count() {
            *state.relevance.borrow_mut() = known.relevance;
            *state.row_relevance.borrow_mut() = known.row_relevance;
            *state.rows.borrow_mut() = known.rows;
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::bundled::BUNDLED;
    use crate::survey::roster::key;
    use proptest::prelude::*;

    fn facts() -> HouseholdFacts {
        HouseholdFacts {
            members: 4,
            village: "曼贺".into(),
            township: "勐烈镇".into(),
            ..HouseholdFacts::default()
        }
    }

    /// An answer of the question at `index`: one of its choices (or two),
    /// a small number, or a word, chosen by `pick`.
    fn raw(survey: &Survey, index: usize, pick: usize) -> String {
        let q = survey.question_at(index);
        let choices = survey.choices_of(q);
        match q.kind {
            QuestionKind::Integer | QuestionKind::Decimal => format!("{}", pick % 12),
            QuestionKind::SelectMultiple if !choices.is_empty() => {
                let (a, b) = (pick % choices.len(), (pick / 7) % choices.len());
                format!("{} {}", choices[a].name, choices[b].name)
            }
            _ if !choices.is_empty() => choices[pick % choices.len()].name.clone(),
            _ => "无".to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Answered one question after another (some again, some in a
        /// roster's rows), a state that carries what the one before knew,
        /// less what the answer reaches, reads every slot's relevance as a
        /// state worked out from nothing does.
        #[test]
        fn a_carried_state_reads_relevance_as_a_fresh_one(
            which in 0..BUNDLED.len(),
            steps in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..40),
        ) {
            let survey = crate::survey::load(BUNDLED[which].1).survey.expect("bundled loads");
            let reach = Reach::of(&survey);
            let household = facts();
            let mut answers = Answers::new();
            let mut known: Option<Known> = None;
            for (at, pick) in steps {
                let index = at % survey.question_count();
                let row = match survey.roster_of(index) {
                    Some(_) => 1 + (pick % 3) as u32,
                    None => 0,
                };
                let carried = match known.take() {
                    Some(k) => State::with_known(&survey, &answers, &household, k),
                    None => State::new(&survey, &answers, &household),
                };
                let fresh = State::new(&survey, &answers, &household);
                for section in survey.sections.iter().filter(|s| s.roster.is_some()) {
                    prop_assert_eq!(
                        carried.row_count(section),
                        fresh.row_count(section),
                        "{} rows of {} with {:?}", survey.id, section.name, answers
                    );
                }
                for slot in fresh.slots() {
                    prop_assert_eq!(
                        carried.is_relevant_at(slot),
                        fresh.is_relevant_at(slot),
                        "{} at {:?} with {:?}", survey.id, slot, answers
                    );
                }
                drop(fresh);
                let mut k = carried.into_known();
                answers.insert(key(&survey.question_at(index).name, row), raw(&survey, index, pick));
                k.forget(&reach, index);
                known = Some(k);
            }
        }
    }

    #[test]
    fn a_rosters_count_is_reached_through_calculations_and_skips() {
        // The count reads a calculation, which reads a question asked
        // only on one answer: each of them reaches the count; the
        // question after the roster does not.
        let source = r#"
[survey]
id = "t"
version = "1"
category = "health"
title = "T"

[[section]]
name = "s"

[[section.question]]
name = "lives_here"
type = "yes_no"
label = "Lives here?"

[[section.question]]
name = "others"
type = "integer"
label = "Others?"
relevant = "${lives_here} = 'yes'"

[[section.question]]
name = "people"
type = "calculate"
calculation = "${others} + 1"

[[section]]
name = "person"
repeat_count = "${people}"

[[section.question]]
name = "age"
type = "integer"
label = "Age?"

[[section]]
name = "after"

[[section.question]]
name = "note"
type = "text"
label = "Note?"
"#;
        let survey = crate::survey::load(source).survey.expect("loads");
        let reach = Reach::of(&survey);
        let at = |name: &str| survey.index_of(name).expect("question");
        for name in ["lives_here", "others", "people"] {
            assert!(reach.counted[at(name)], "{name} reaches the count");
        }
        for name in ["age", "note"] {
            assert!(!reach.counted[at(name)], "{name} does not reach the count");
        }
    }

    #[test]
    fn an_answer_reaches_the_questions_that_read_it_through_others() {
        let survey = crate::survey::load(BUNDLED[1].1)
            .survey
            .expect("water loads");
        let reach = Reach::of(&survey);
        let read: Vec<(usize, usize)> = (0..survey.question_count())
            .flat_map(|x| (0..survey.question_count()).map(move |k| (k, x)))
            .filter(|&(k, x)| reach.reads(k, x))
            .collect();
        assert!(!read.is_empty(), "the water questionnaire has skips");
        // Reaching is transitive: what reads a reader reads the answer.
        for &(k, x) in &read {
            for &(j, y) in &read {
                if y == k {
                    assert!(reach.reads(j, x), "{j} reads {k}, which reads {x}");
                }
            }
        }
    }
}
