//! Project follow-up: each village × need rule project of a round goes
//! from proposed (computed) to approved, funded, done (or dropped). Every
//! change is a row appended with who, when, why and its clock stamp; the
//! change stamped last is the project's status. Merging appends the
//! other laptop's changes, and a project both laptops changed unseen is a
//! conflict, listed.

use std::collections::{HashMap, HashSet};

use rusqlite::params;

use super::{Result, Store, StoreError};

/// The follow-up status a person sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Approved,
    Funded,
    Done,
    Dropped,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Approved,
        Status::Funded,
        Status::Done,
        Status::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Funded => "funded",
            Status::Done => "done",
            Status::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status in words.
    pub fn name(self) -> crate::i18n::Tr {
        let (zh, en) = match self {
            Status::Approved => ("已批准", "approved"),
            Status::Funded => ("已拨款", "funded"),
            Status::Done => ("已完工", "done"),
            Status::Dropped => ("已放弃", "dropped"),
        };
        crate::i18n::Tr {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// Which project: a need rule in a village, in a round (by name, as every
/// laptop tells rounds apart).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectKey {
    pub round: String,
    pub township: String,
    pub village: String,
    pub survey: String,
    pub rule: String,
}

/// What a person sets: the status, and what they know of it. An amount or
/// source not given is carried over from the project's last change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewChange {
    pub status: Option<Status>,
    pub amount: Option<f64>,
    pub source: Option<String>,
    /// `YYYY-MM-DD`, or as people write dates; today when not given.
    pub day: Option<String>,
    pub note: String,
}

/// One change of a project's status, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectChange {
    pub key: ProjectKey,
    pub status: Status,
    /// Yuan.
    pub amount: Option<f64>,
    pub source: String,
    pub day: String,
    pub note: String,
    pub who: String,
    /// Wall-clock time of the change (milliseconds), for people to read.
    pub at: i64,
    pub stamp: i64,
    pub device: String,
}

/// A project both laptops changed without seeing the other's change: the
/// change stamped last is kept as its status, both stay in its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectConflict {
    pub key: ProjectKey,
    pub kept: Status,
    pub dropped: Status,
}

const COLUMNS: &str = "round, township, village, survey, rule, status, amount, source, day, note,
    who, at, stamp, device";

fn change_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProjectChange> {
    let status: String = r.get(5)?;
    Ok(ProjectChange {
        key: ProjectKey {
            round: r.get(0)?,
            township: r.get(1)?,
            village: r.get(2)?,
            survey: r.get(3)?,
            rule: r.get(4)?,
        },
        status: Status::parse(&status).unwrap_or(Status::Approved),
        amount: r.get(6)?,
        source: r.get(7)?,
        day: r.get(8)?,
        note: r.get(9)?,
        who: r.get(10)?,
        at: r.get(11)?,
        stamp: r.get(12)?,
        device: r.get(13)?,
    })
}

/// Appends a change; whether it was new.
fn insert(conn: &rusqlite::Connection, c: &ProjectChange) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(&format!(
            "INSERT OR IGNORE INTO project_change ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        ))?
        .execute(params![
            c.key.round,
            c.key.township,
            c.key.village,
            c.key.survey,
            c.key.rule,
            c.status.as_str(),
            c.amount,
            c.source,
            c.day,
            c.note,
            c.who,
            c.at,
            c.stamp,
            c.device
        ])?;
    Ok(added > 0)
}

/// Every change in `conn`, by project, oldest first.
pub(super) fn all_changes(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<ProjectChange>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM project_change
         ORDER BY round, township, village, survey, rule, stamp, device"
    ))?;
    let rows = stmt.query_map([], change_at)?;
    rows.collect()
}

impl ProjectChange {
    /// What orders a project's changes: the stamp, then the device, the
    /// same on every laptop.
    fn order(&self) -> (i64, &str) {
        (self.stamp, &self.device)
    }
}

/// The change stamped last of each project, of `changes` in key order.
pub fn latest(changes: &[ProjectChange]) -> Vec<&ProjectChange> {
    let mut out: Vec<&ProjectChange> = Vec::new();
    for c in changes {
        match out.last_mut() {
            Some(last) if last.key == c.key => {
                if c.order() > last.order() {
                    *last = c;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

impl Store {
    /// Records a change of a project's follow-up, by `who`; the change as
    /// stored. A status not given keeps the project's (a note alone);
    /// a project never set must be given one.
    pub fn set_project(
        &self,
        key: &ProjectKey,
        new: &NewChange,
        who: &str,
    ) -> Result<ProjectChange> {
        self.located(|| {
            let day = match &new.day {
                Some(day) => crate::survey::date_from_written(day)
                    .ok_or_else(|| StoreError::BadDate(day.clone()))?,
                None => crate::survey::date_of(self.now()),
            };
            if new.amount.is_some_and(|a| !a.is_finite() || a < 0.0) {
                return Err(StoreError::BadAmount(
                    new.amount.unwrap_or_default().to_string(),
                ));
            }
            let tx = self.write()?;
            let last = self
                .project_history_in(&tx, key)?
                .into_iter()
                .max_by(|a, b| a.order().cmp(&b.order()));
            let status = new
                .status
                .or(last.as_ref().map(|l| l.status))
                .ok_or(StoreError::NoStatus)?;
            let change = ProjectChange {
                key: key.clone(),
                status,
                amount: new.amount.or(last.as_ref().and_then(|l| l.amount)),
                source: new
                    .source
                    .clone()
                    .or(last.as_ref().map(|l| l.source.clone()))
                    .unwrap_or_default(),
                day,
                note: new.note.clone(),
                who: who.to_string(),
                at: self.tick(),
                stamp: self.stamp(&tx, last.as_ref().map_or(0, |l| l.stamp))?,
                device: self.device.clone(),
            };
            insert(&tx, &change)?;
            self.commit(tx)?;
            Ok(change)
        })
    }

    fn project_history_in(
        &self,
        conn: &rusqlite::Connection,
        key: &ProjectKey,
    ) -> Result<Vec<ProjectChange>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM project_change WHERE round = ?1 AND township = ?2
             AND village = ?3 AND survey = ?4 AND rule = ?5 ORDER BY stamp, device"
        ))?;
        let rows = stmt.query_map(
            params![key.round, key.township, key.village, key.survey, key.rule],
            change_at,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every change of one project, oldest first.
    pub fn project_history(&self, key: &ProjectKey) -> Result<Vec<ProjectChange>> {
        self.located(|| self.project_history_in(&self.conn, key))
    }

    /// Every change of every project, by project, oldest first.
    pub fn project_changes(&self) -> Result<Vec<ProjectChange>> {
        self.located(|| Ok(all_changes(&self.conn)?))
    }

    /// Appends the other file's project changes inside a merge; the number
    /// added and the projects both sides changed unseen.
    pub(super) fn merge_projects(
        &self,
        tx: &rusqlite::Transaction<'_>,
        theirs: &[ProjectChange],
    ) -> Result<(usize, Vec<ProjectConflict>)> {
        if theirs.is_empty() {
            return Ok((0, Vec::new()));
        }
        let ours = all_changes(tx)?;
        let known: HashSet<(&ProjectKey, i64, &str)> = theirs
            .iter()
            .map(|c| (&c.key, c.stamp, c.device.as_str()))
            .collect();
        // The latest change of each project, of those kept.
        fn keep<'c>(latest: &mut HashMap<&'c ProjectKey, &'c ProjectChange>, c: &'c ProjectChange) {
            let slot = latest.entry(&c.key).or_insert(c);
            if c.order() > slot.order() {
                *slot = c;
            }
        }
        // This file's changes the other had not seen, by project.
        let mut unseen: HashMap<&ProjectKey, &ProjectChange> = HashMap::new();
        for c in &ours {
            if !known.contains(&(&c.key, c.stamp, c.device.as_str())) {
                keep(&mut unseen, c);
            }
        }
        let mut added = 0;
        let mut new_here: HashMap<&ProjectKey, &ProjectChange> = HashMap::new();
        for c in theirs {
            if insert(tx, c)? {
                added += 1;
                keep(&mut new_here, c);
            }
        }
        let mut conflicts: Vec<ProjectConflict> = new_here
            .into_iter()
            .filter_map(|(key, theirs)| {
                let ours = unseen.get(key).filter(|o| o.status != theirs.status)?;
                let theirs_wins = theirs.order() > ours.order();
                let (kept, dropped) = if theirs_wins {
                    (theirs.status, ours.status)
                } else {
                    (ours.status, theirs.status)
                };
                Some(ProjectConflict {
                    key: key.clone(),
                    kept,
                    dropped,
                })
            })
            .collect();
        conflicts.sort_by(|a, b| a.key.cmp(&b.key));
        Ok((added, conflicts))
    }
}

/// What a later round says of a project's households.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Later {
    /// The next round after the project's with complete interviews.
    pub round: String,
    /// Affected in the project's round, asked again and no longer affected.
    pub resolved: i64,
    pub persisting: i64,
    /// Not asked again, or the answer cannot tell: never counted resolved.
    pub not_resurveyed: i64,
}

/// A project's status, with the households it is for and, once a later
/// round has interviewed them, how many are verified resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Followed {
    pub change: ProjectChange,
    /// Households affected in the project's round (k), and their people.
    pub households: i64,
    pub people: i64,
    pub later: Option<Later>,
}

impl Followed {
    /// Done, yet a later round finds its households still in need.
    pub fn flagged(&self) -> bool {
        self.change.status == Status::Done && self.later.as_ref().is_some_and(|l| l.persisting > 0)
    }
}

impl Store {
    /// Every project with a status, its latest change, households and
    /// verification, in round, township, village and rule order.
    pub fn followed_projects(&self) -> Result<Vec<Followed>> {
        self.located(|| {
            let changes = all_changes(&self.conn)?;
            let rounds = super::round::rounds_of(&self.conn)?;
            let counted: HashSet<i64> = {
                // Each round looked up in the table's key, not the
                // table read.
                let mut stmt = self.conn.prepare(
                    "SELECT id FROM round r
                     WHERE EXISTS (SELECT 1 FROM counted c WHERE c.round_id = r.id)",
                )?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut out = Vec::new();
            let latest = latest(&changes);
            let mut by_round: Vec<(&str, Vec<&ProjectChange>)> = Vec::new();
            for c in latest {
                match by_round.last_mut() {
                    Some((r, list)) if *r == c.key.round => list.push(c),
                    _ => by_round.push((c.key.round.as_str(), vec![c])),
                }
            }
            for (name, list) in by_round {
                let at = rounds.iter().position(|r| r.name == name);
                let Some(at) = at else {
                    out.extend(list.into_iter().map(|c| Followed {
                        change: c.clone(),
                        households: 0,
                        people: 0,
                        later: None,
                    }));
                    continue;
                };
                // The next round that interviewed anyone checks it.
                let later = rounds[at + 1..].iter().find(|r| counted.contains(&r.id));
                out.extend(self.follow(&rounds[at], later, &list)?);
            }
            Ok(out)
        })
    }

    /// The projects `list` of round `round`, followed into `later`.
    fn follow(
        &self,
        round: &super::Round,
        later: Option<&super::Round>,
        list: &[&ProjectChange],
    ) -> Result<Vec<Followed>> {
        use crate::priority::shared::partners;
        use crate::priority::trend::{Change, combined, trend};
        let input = self.trend_input(round, later.unwrap_or(round))?;
        let rows = trend(
            &input.households,
            &input.rules,
            &input.rounds,
            crate::priority::By::Village,
        );
        let index: HashMap<(&str, &str, &str, &str), usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let rule = &input.rules[r.rule];
                let key = (
                    r.area.township.as_str(),
                    r.area.village.as_str(),
                    rule.survey.as_str(),
                    rule.name.as_str(),
                );
                (key, i)
            })
            .collect();
        Ok(list
            .iter()
            .map(|c| {
                let k = &c.key;
                // The rows of the project's rules: its own, and those of
                // the rules that share its project, each household once.
                let own = input
                    .rules
                    .iter()
                    .position(|r| r.survey == k.survey && r.name == k.rule);
                let rules = own.map_or_else(Vec::new, |r| partners(&input.rules, r));
                let found: Vec<&crate::priority::trend::TrendRow> = rules
                    .iter()
                    .filter_map(|&r| {
                        let rule = &input.rules[r];
                        let key = (
                            k.township.as_str(),
                            k.village.as_str(),
                            rule.survey.as_str(),
                            rule.name.as_str(),
                        );
                        index.get(&key).map(|&i| &rows[i])
                    })
                    .collect();
                let households = combined(&found);
                let count =
                    |change: Change| households.iter().filter(|(_, c)| *c == change).count() as i64;
                let then: Vec<usize> = households
                    .iter()
                    .filter(|(_, change)| *change != Change::New)
                    .map(|&(h, _)| h)
                    .collect();
                Followed {
                    change: (*c).clone(),
                    households: then.len() as i64,
                    people: then.iter().map(|&h| input.households[h].members).sum(),
                    later: later.map(|l| Later {
                        round: l.name.clone(),
                        resolved: count(Change::Resolved),
                        persisting: count(Change::Persisting),
                        not_resurveyed: count(Change::NotResurveyed),
                    }),
                }
            })
            .collect())
    }
}

/// What the follow-up says of a project of a round, for the ranking of
/// that round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowNote {
    /// The project has this status in the round.
    Status { status: Status },
    /// The project was done in an earlier round, and this round still
    /// finds its households in need.
    DoneEarlier { round: String },
}

/// (township, village, survey, rule).
pub type PlaceRule = (String, String, String, String);

/// What `follow` holds for `project`: under its rule, or under another
/// rule that shares the project; of several, the first that `first`
/// prefers (a status of the round before a flag of an earlier round),
/// else the first found.
pub fn follow_of<'f, V>(
    follow: &'f HashMap<PlaceRule, V>,
    project: &crate::priority::Project,
    rules: &[crate::priority::Rule],
    first: impl Fn(&V) -> bool,
) -> Option<&'f V> {
    let found: Vec<&V> = project
        .rules()
        .filter_map(|r| {
            let rule = &rules[r];
            follow.get(&(
                project.area.township.clone(),
                project.area.village.clone(),
                rule.survey.clone(),
                rule.name.clone(),
            ))
        })
        .collect();
    found.iter().find(|v| first(v)).or(found.first()).copied()
}

impl Store {
    /// The follow-up of each project of `round`'s ranking that has one.
    pub fn follow_notes(&self, round: &super::Round) -> Result<HashMap<PlaceRule, FollowNote>> {
        Ok(notes_of(&self.followed_projects()?, round))
    }
}

/// What `followed` (every followed project) says of each project of
/// `round`'s ranking: its status there, or that it was done in an earlier
/// round and this one still finds its households in need.
pub fn notes_of(followed: &[Followed], round: &super::Round) -> HashMap<PlaceRule, FollowNote> {
    let mut out = HashMap::new();
    for f in followed {
        let k = &f.change.key;
        let key = (
            k.township.clone(),
            k.village.clone(),
            k.survey.clone(),
            k.rule.clone(),
        );
        if k.round == round.name {
            out.insert(
                key,
                FollowNote::Status {
                    status: f.change.status,
                },
            );
        } else if f.flagged() && f.later.as_ref().is_some_and(|l| l.round == round.name) {
            out.entry(key).or_insert(FollowNote::DoneEarlier {
                round: k.round.clone(),
            });
        }
    }
    out
}
