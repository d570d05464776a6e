//! What changed between two rounds, per area and need rule: households
//! affected then and now, and per household resolved, persisting, new, or
//! not resurveyed. A household affected then is resolved only when the
//! later round asked it the rule and it is no longer affected: one not
//! interviewed again, or whose answer cannot tell (a "don't know"), is
//! "not resurveyed", never resolved. Pure: the store gives what each
//! round's counted interviews say of each rule.

use std::collections::HashMap;

use super::{Area, By, Household, Rule};

/// What a household's counted interview of a round says of a rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum Told {
    /// No counted interview asked the rule.
    #[default]
    NotAsked = 0,
    /// Asked, and the rule did not fire.
    No = 1,
    Affected = 2,
    /// Asked, but the answer cannot tell (a "don't know", a refusal).
    Unknown = 3,
}

/// What two rounds say of every household and rule:
/// `then[h * rules + r]`, `now[h * rules + r]`.
#[derive(Clone, Debug, Default)]
pub struct Rounds {
    pub then: Vec<Told>,
    pub now: Vec<Told>,
}

/// The change of one rule in one area.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrendRow {
    pub area: Area,
    pub rule: usize,
    /// Households affected in the earlier round.
    pub then: i64,
    /// Households affected in the later round.
    pub now: i64,
    /// Affected then; asked again and not affected now.
    pub resolved: i64,
    /// Affected then and now.
    pub persisting: i64,
    /// Affected now, not then (not affected, or not asked then).
    pub new: i64,
    /// Affected then; not asked again now, or the answer cannot tell.
    pub not_resurveyed: i64,
    /// Affected-then households in each class, by index, in code order,
    /// so that each number can be traced to its households.
    pub households: Vec<(usize, Change)>,
}

/// What became of one household's difficulty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Resolved,
    Persisting,
    New,
    NotResurveyed,
}

/// The change of every rule in every area (by `by`) where a household was
/// affected in either round, in area order and then the rules' order.
pub fn trend(households: &[Household], rules: &[Rule], rounds: &Rounds, by: By) -> Vec<TrendRow> {
    let n = rules.len();
    let mut rows: Vec<TrendRow> = Vec::new();
    let mut index: HashMap<(Area, usize), usize> = HashMap::new();
    let mut order: Vec<usize> = (0..households.len()).collect();
    order.sort_by(|&a, &b| households[a].code.cmp(&households[b].code));
    for h in order {
        for rule in 0..n {
            let at = h * n + rule;
            let then = rounds.then.get(at).copied().unwrap_or_default();
            let now = rounds.now.get(at).copied().unwrap_or_default();
            let change = match (then, now) {
                (Told::Affected, Told::Affected) => Change::Persisting,
                (Told::Affected, Told::No) => Change::Resolved,
                (Told::Affected, _) => Change::NotResurveyed,
                (_, Told::Affected) => Change::New,
                _ => continue,
            };
            let area = Area::of(&households[h], by);
            let place = *index.entry((area.clone(), rule)).or_insert_with(|| {
                rows.push(TrendRow {
                    area,
                    rule,
                    ..TrendRow::default()
                });
                rows.len() - 1
            });
            let row = &mut rows[place];
            row.then += i64::from(then == Told::Affected);
            row.now += i64::from(now == Told::Affected);
            match change {
                Change::Resolved => row.resolved += 1,
                Change::Persisting => row.persisting += 1,
                Change::New => row.new += 1,
                Change::NotResurveyed => row.not_resurveyed += 1,
            }
            row.households.push((h, change));
        }
    }
    rows.sort_by(|a, b| (&a.area, a.rule).cmp(&(&b.area, b.rule)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(code: &str, village: &str) -> Household {
        Household {
            code: code.into(),
            township: "勐烈镇".into(),
            village: village.into(),
            group: "".into(),
            members: 4,
        }
    }

    fn rule(name: &str) -> Rule {
        Rule {
            survey: "water".into(),
            name: name.into(),
            category: "water".into(),
            severity: 4,
            project: None,
            unit_cost: None,
            per_person: false,
        }
    }

    #[test]
    fn every_household_affected_then_is_resolved_persisting_or_not_resurveyed() {
        use Told::*;
        let households = [
            household("H1", "曼贺村"),
            household("H2", "曼贺村"),
            household("H3", "曼贺村"),
            household("H4", "曼贺村"),
            household("H5", "曼贺村"),
            household("H6", "曼贺村"),
            household("H7", "纳板村"),
        ];
        let rules = [rule("surface_water")];
        let rounds = Rounds {
            then: vec![Affected, Affected, Affected, Affected, No, NotAsked, No],
            now: vec![No, Affected, NotAsked, Unknown, Affected, Affected, No],
        };
        let rows = trend(&households, &rules, &rounds, By::Village);
        assert_eq!(rows.len(), 1, "nothing to say of 纳板村");
        let row = &rows[0];
        assert_eq!(row.area.village, "曼贺村");
        assert_eq!((row.then, row.now), (4, 3));
        assert_eq!(
            (row.resolved, row.persisting, row.new, row.not_resurveyed),
            (1, 1, 2, 2)
        );
        assert_eq!(
            row.households,
            [
                (0, Change::Resolved),
                (1, Change::Persisting),
                (2, Change::NotResurveyed),
                (3, Change::NotResurveyed),
                (4, Change::New),
                (5, Change::New)
            ]
        );
        let by_township = trend(&households, &rules, &rounds, By::Township);
        assert_eq!(by_township.len(), 1);
        assert_eq!(by_township[0].area.village, "");
    }
}

/// Households affected per project of another round's ranking, found by
/// any of a project's rules: a project its rules share is the same
/// project whichever of its rules leads in either round.
#[derive(Clone, Debug, Default)]
pub struct AffectedThen(HashMap<(String, String, String, String), i64>);

impl AffectedThen {
    /// The projects of a round's ranking, with the rules they point into.
    pub fn of(projects: &[super::Project], rules: &[Rule]) -> AffectedThen {
        let mut map = HashMap::new();
        for p in projects {
            for r in p.rules() {
                let key = (
                    p.area.township.clone(),
                    p.area.village.clone(),
                    rules[r].survey.clone(),
                    rules[r].name.clone(),
                );
                map.insert(key, p.affected);
            }
        }
        AffectedThen(map)
    }

    /// Households the same project had then; 0 when it was none.
    pub fn get(&self, project: &super::Project, rules: &[Rule]) -> i64 {
        project
            .rules()
            .find_map(|r| {
                self.0.get(&(
                    project.area.township.clone(),
                    project.area.village.clone(),
                    rules[r].survey.clone(),
                    rules[r].name.clone(),
                ))
            })
            .copied()
            .unwrap_or(0)
    }
}

/// What became of a project's households when rules share it (`rows`:
/// the trend rows of its rules in one area): a household counts once,
/// affected then when any rule was, affected now when any is; resolved
/// only when every rule it was affected by was asked again.
pub fn combined(rows: &[&TrendRow]) -> Vec<(usize, Change)> {
    let mut by_household: HashMap<usize, Vec<Change>> = HashMap::new();
    for row in rows {
        for &(h, change) in &row.households {
            by_household.entry(h).or_default().push(change);
        }
    }
    let mut out: Vec<(usize, Change)> = by_household
        .into_iter()
        .map(|(h, changes)| {
            let then = changes.iter().any(|c| *c != Change::New);
            let now = changes
                .iter()
                .any(|c| matches!(c, Change::Persisting | Change::New));
            let change = match (then, now) {
                (true, true) => Change::Persisting,
                (false, _) => Change::New,
                (true, false) if changes.contains(&Change::NotResurveyed) => Change::NotResurveyed,
                (true, false) => Change::Resolved,
            };
            (h, change)
        })
        .collect();
    out.sort_unstable_by_key(|&(h, _)| h);
    out
}
