//! Need hits as they are stored, and the one codec that writes and reads
//! them.
//!
//! Owns the text of `interview.hits` (`rule:severity` joined by single
//! spaces, in the questionnaire's order of its rules; empty for none; a
//! rule counted per row as `rule:severity*persons`, and a rule that cannot
//! be told for a special answer as `rule:?severity`) and
//! of a `counted` row (each complete interview as `snapshot,hits`, joined
//! by ';'), which the triggers of migration 4 in [`super::schema`] build
//! from `interview.hits` in SQL. Nothing else in the program splits or
//! joins these strings: it goes through [`encode`], [`read`], [`decode`]
//! and [`counted_entries`]. Never does I/O.
//!
//! The severity stored with a hit is the one of the questionnaire version
//! the household answered. The ranking takes a rule's severity from the
//! newest version (docs/priorities.md); the stored one is read back to
//! check hits against their answers ([`NeedHits`] equality, in doctor) and
//! to give each household of an explanation the severity its hit had
//! (`ExplainRow::severity`, for the faces to show).

use std::fmt;
use std::ops::Range;

use crate::interview::{Answers, HouseholdFacts, Outcome, State};
use crate::survey::{Severity, Survey};

/// One need rule that fired on an interview, with the severity it had in
/// the questionnaire version answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedHit {
    /// The rule's name within its survey (an identifier: no space, no ':').
    pub rule: String,
    pub severity: Severity,
    /// For a rule counted per row: the rows (persons) it fired on.
    pub persons: Option<u32>,
    /// The rule depends on a "don't know" or a refusal: neither affected
    /// nor without the problem.
    pub unknown: bool,
}

/// One hit as read from stored text, its rule name borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub persons: Option<u32>,
    pub unknown: bool,
}

impl NeedHit {
    fn entry(&self) -> Entry<'_> {
        Entry {
            rule: &self.rule,
            severity: self.severity,
            persons: self.persons,
            unknown: self.unknown,
        }
    }
}

/// The hits of one interview, in the order of its questionnaire's rules.
/// Displays as its stored text, and compares equal to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeedHits(pub Vec<NeedHit>);

impl std::ops::Deref for NeedHits {
    type Target = [NeedHit];
    fn deref(&self) -> &[NeedHit] {
        &self.0
    }
}

impl fmt::Display for NeedHits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, hit) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let unknown = if hit.unknown { "?" } else { "" };
            write!(f, "{}:{unknown}{}", hit.rule, hit.severity.get())?;
            if let Some(persons) = hit.persons {
                write!(f, "*{persons}")?;
            }
        }
        Ok(())
    }
}

impl PartialEq<&str> for NeedHits {
    fn eq(&self, text: &&str) -> bool {
        let mut theirs = read(text);
        self.0
            .iter()
            .all(|hit| matches!(theirs.next(), Some(Ok(entry)) if entry == hit.entry()))
            && theirs.next().is_none()
    }
}

impl NeedHits {
    /// The text stored in `interview.hits`.
    pub fn encode(&self) -> String {
        self.to_string()
    }

    /// Reads stored hits back, severity included.
    pub fn decode(text: &str) -> Result<NeedHits, BadHits> {
        read(text)
            .map(|hit| {
                hit.map(|e| NeedHit {
                    rule: e.rule.to_string(),
                    severity: e.severity,
                    persons: e.persons,
                    unknown: e.unknown,
                })
            })
            .collect::<Result<_, _>>()
            .map(NeedHits)
    }

    /// The hits of an interview, computed from its answers under its own
    /// questionnaire version and its household's facts.
    pub fn compute(survey: &Survey, answers: &Answers, facts: &HouseholdFacts) -> NeedHits {
        NeedHits::of_state(&State::new(survey, answers, facts))
    }

    /// The hits of the interview `state` reads.
    pub fn of_state(state: &State<'_>) -> NeedHits {
        NeedHits(
            state
                .need_hits()
                .iter()
                .map(|fired| NeedHit {
                    rule: fired.need.name.clone(),
                    severity: fired.need.severity,
                    persons: match fired.outcome {
                        Outcome::Affected { persons } => persons,
                        Outcome::Unknown => None,
                    },
                    unknown: fired.outcome == Outcome::Unknown,
                })
                .collect(),
        )
    }

    /// The hit of rule `name`, if it fired (or cannot be told).
    pub fn get(&self, name: &str) -> Option<&NeedHit> {
        self.0.iter().find(|h| h.rule == name)
    }

    /// The rules that fired, leaving out those that cannot be told.
    pub fn affected(&self) -> impl Iterator<Item = &NeedHit> {
        self.0.iter().filter(|h| !h.unknown)
    }
}

/// Stored hits that do not read as [`NeedHits`]: the text written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadHits(pub String);

impl fmt::Display for BadHits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "need hits '{}'", self.0)
    }
}

/// The hits of stored text, each rule name borrowed from it, without
/// copying: ranking reads one for every household and survey. An entry
/// that does not read as `rule:severity`, `rule:severity*persons` or
/// `rule:?severity` (severity 1 to 5) is an error, and the last item.
pub fn read(text: &str) -> impl Iterator<Item = Result<Entry<'_>, BadHits>> {
    let mut rest = (!text.is_empty()).then_some(text);
    std::iter::from_fn(move || {
        let now = rest?;
        let (entry, next) = match now.split_once(' ') {
            Some((entry, next)) => (entry, Some(next)),
            None => (now, None),
        };
        rest = next;
        let parsed = parse_entry(entry);
        if parsed.is_none() {
            rest = None;
        }
        Some(parsed.ok_or_else(|| BadHits(text.to_string())))
    })
}

fn parse_entry(entry: &str) -> Option<Entry<'_>> {
    let (rule, after) = entry.split_once(':')?;
    let (unknown, after) = match after.strip_prefix('?') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let (severity, persons) = match after.split_once('*') {
        Some((severity, persons)) => {
            let digits = !persons.is_empty()
                && persons.len() <= 9
                && persons.bytes().all(|b| b.is_ascii_digit())
                && !persons.starts_with('0');
            (
                severity,
                Some(persons.parse::<u32>().ok().filter(|_| digits)?),
            )
        }
        None => (after, None),
    };
    let severity = match severity.as_bytes() {
        [d @ b'1'..=b'5'] => Severity::new(i64::from(d - b'0'))?,
        _ => return None,
    };
    let untold_persons = unknown && persons.is_some();
    (!rule.is_empty() && !untold_persons).then_some(Entry {
        rule,
        severity,
        persons,
        unknown,
    })
}

/// Adds `snapshot` and its `hits` to the entries of a `counted` row as
/// the schema's triggers write them (read back by [`counted_entries`]).
pub fn push_counted_entry(entries: &mut String, snapshot: i64, hits: &str) {
    if !entries.is_empty() {
        entries.push(';');
    }
    crate::text::push_integer(entries, snapshot);
    entries.push(',');
    entries.push_str(hits);
}

/// The entries of a `counted` row, `snapshot,hits` joined by ';': each
/// snapshot id with where its hits are in the row (read them with
/// [`read`]); `None` for an entry that does not read so, and the last item.
/// One pass over the bytes.
pub fn counted_entries(text: &str) -> impl Iterator<Item = Option<(i64, Range<usize>)>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let mut snapshot = 0i64;
        while let Some(d) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
            if at - start == 18 {
                at = bytes.len();
                return Some(None);
            }
            snapshot = snapshot * 10 + i64::from(d - b'0');
            at += 1;
        }
        if at == start || bytes.get(at) != Some(&b',') {
            at = bytes.len();
            return Some(None);
        }
        at += 1;
        let hits = at;
        while at < bytes.len() && bytes[at] != b';' {
            at += 1;
        }
        let hits = hits..at;
        at += 1;
        Some(Some((snapshot, hits)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(rule: &str, severity: i64) -> NeedHit {
        NeedHit {
            rule: rule.into(),
            severity: Severity::new(severity).expect("1..=5"),
            persons: None,
            unknown: false,
        }
    }

    #[test]
    fn persons_and_unknowns_round_trip() {
        let mut per_child = hit("out_of_school", 4);
        per_child.persons = Some(2);
        let mut untold = hit("water_far", 3);
        untold.unknown = true;
        let hits = NeedHits(vec![per_child, untold, hit("no_tap", 2)]);
        let text = hits.encode();
        assert_eq!(text, "out_of_school:4*2 water_far:?3 no_tap:2");
        assert_eq!(NeedHits::decode(&text).expect("reads"), hits);
        assert_eq!(hits.affected().count(), 2);
        for bad in [
            "a:4*", "a:4*0", "a:4*x", "a:?4*2", "a:??4", "a:*2", "a:4*01",
        ] {
            assert!(NeedHits::decode(bad).is_err(), "'{bad}' should not read");
        }
    }

    #[test]
    fn hits_round_trip_with_their_severity() {
        let hits = NeedHits(vec![hit("water_far", 3), hit("surface_water", 5)]);
        let text = hits.encode();
        assert_eq!(text, "water_far:3 surface_water:5");
        let back = NeedHits::decode(&text).expect("reads");
        assert_eq!(back, hits);
        assert_eq!(back.get("surface_water").map(|h| h.severity.get()), Some(5));
        assert_eq!(back, "water_far:3 surface_water:5");
        assert_eq!(NeedHits::decode("").expect("none"), NeedHits::default());
        assert_eq!(NeedHits::default().encode(), "");
    }

    #[test]
    fn hits_that_do_not_read_are_refused() {
        for bad in [
            "no_tap", "no_tap:", "no_tap:6", "no_tap:0", ":3", "a:3  b:2", "a:3 ", "a:33",
        ] {
            assert!(NeedHits::decode(bad).is_err(), "'{bad}' should not read");
            assert!(read(bad).last().is_some_and(|h| h.is_err()), "{bad}");
        }
        let read: Vec<_> = read("a:3 b:1").collect::<Result<_, _>>().expect("reads");
        assert_eq!(read.len(), 2);
        assert_eq!((read[1].rule, read[1].severity.get()), ("b", 1));
    }

    #[test]
    fn counted_entries_give_each_snapshot_and_its_hits() {
        let text = "1,;12,water_far:3 no_tap:2;3,cut_off:4";
        let entries: Vec<_> = counted_entries(text)
            .map(|e| e.map(|(id, r)| (id, &text[r])))
            .collect();
        assert_eq!(
            entries,
            [
                Some((1, "")),
                Some((12, "water_far:3 no_tap:2")),
                Some((3, "cut_off:4"))
            ]
        );
        assert_eq!(counted_entries("").count(), 0);
        let mut written = String::new();
        for (snapshot, hits) in [(1, ""), (12, "water_far:3 no_tap:2"), (3, "cut_off:4")] {
            push_counted_entry(&mut written, snapshot, hits);
        }
        assert_eq!(written, text);
        for bad in ["x,", "1", ",a", "12345678901234567890,a", "1,a;;"] {
            assert!(
                counted_entries(bad).any(|e| e.is_none()),
                "'{bad}' should not read"
            );
        }
    }
}
