//! What the app's lists show: coverage per village and the state of each
//! survey per household, read so that a county opens at once.

use std::collections::HashMap;

use super::hits::counted_entries;
use super::household::Household;
use super::interview::Status;
use super::{Result, Store, StoreError};

/// Coverage of one village.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageCoverage {
    pub township: String,
    pub village: String,
    /// Registered households.
    pub registered: i64,
    /// Households with a complete interview of every survey asked about.
    pub complete: i64,
    /// Households with at least one draft.
    pub drafts: i64,
}

/// A household with the state of each survey, in the order asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdRow {
    pub household: Household,
    /// `None`: not started.
    pub surveys: Vec<Option<Status>>,
}

impl Store {
    /// Coverage of every village in the current round, in (township,
    /// village) order, counting the surveys with the given ids: from the
    /// counts kept per village (households registered, and per set of
    /// questionnaires complete and with a draft), so that a province opens
    /// in a moment; counted from the interviews' index when they cannot be
    /// brought up to date ([`Store::village_coverage_counted`]).
    pub fn village_coverage(&self, surveys: &[&str]) -> Result<Vec<VillageCoverage>> {
        self.located(|| match self.village_coverage_kept(surveys) {
            Ok(Some(kept)) => Ok(kept),
            // Counts that cannot be read or brought up to date: the list
            // is counted as before, from the indexes.
            Ok(None) | Err(_) => self.village_coverage_counted(surveys),
        })
    }

    /// [`Store::village_coverage`] counted from the `counted` table, the
    /// index of drafts and the index of the households' places, never the
    /// interviews nor the registry's rows. One read transaction, so another
    /// program's writes count entirely or not at all.
    pub fn village_coverage_counted(&self, surveys: &[&str]) -> Result<Vec<VillageCoverage>> {
        self.located(|| {
            let tx = self.conn.unchecked_transaction()?;
            let round = super::round::current_round(&tx)?.map_or(0, |r| r.id);
            let wanted = wanted_snapshots(&tx, surveys)?;
            let complete = self
                .counted_households(&tx, &wanted, (round, surveys.len()))?
                .complete;
            let drafts = draft_households(&tx, &wanted, round)?;
            // With no survey asked about, every household is complete.
            let all_complete = surveys.is_empty();
            let mut stmt = tx.prepare(
                "SELECT township, village, id FROM household INDEXED BY household_place
             ORDER BY township, village",
            )?;
            let mut rows = stmt.query([])?;
            let mut villages: Vec<VillageCoverage> = Vec::new();
            while let Some(r) = rows.next()? {
                let township = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                let village = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                let id: i64 = r.get(2)?;
                let same = villages
                    .last()
                    .is_some_and(|c| c.township == township && c.village == village);
                if !same {
                    villages.push(VillageCoverage {
                        township: township.to_string(),
                        village: village.to_string(),
                        registered: 0,
                        complete: 0,
                        drafts: 0,
                    });
                }
                if let Some(c) = villages.last_mut() {
                    c.registered += 1;
                    c.complete += i64::from(all_complete || complete.binary_search(&id).is_ok());
                    c.drafts += i64::from(drafts.binary_search(&id).is_ok());
                }
            }
            Ok(villages)
        })
    }

    /// The households, by row id in order, with complete interviews in
    /// round `round` of the `surveys` surveys, whose snapshots' places are
    /// `wanted`: of each of them, and of any.
    pub(super) fn counted_households(
        &self,
        tx: &rusqlite::Transaction<'_>,
        wanted: &HashMap<i64, usize>,
        (round, surveys): (i64, usize),
    ) -> Result<Counted> {
        let mut counted = Counted::default();
        let mut stmt = tx.prepare(
            "SELECT household_id, interviews FROM counted WHERE round_id = ?1 ORDER BY household_id",
        )?;
        let mut rows = stmt.query([round])?;
        let mut found = vec![false; surveys];
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            found.iter_mut().for_each(|f| *f = false);
            for entry in counted_entries(text) {
                let (snapshot, _) = entry.ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: format!("counted interviews of household row {id}: '{text}'"),
                })?;
                if let Some(&at) = wanted.get(&snapshot) {
                    found[at] = true;
                }
            }
            if found.iter().all(|&f| f) {
                counted.complete.push(id);
            }
            if found.iter().any(|&f| f) {
                counted.any.push(id);
            }
        }
        Ok(counted)
    }

    /// The households of one village with the state of each survey in the
    /// current round: complete when a complete interview exists, draft
    /// when only drafts do.
    pub fn village_households(
        &self,
        township: &str,
        village: &str,
        surveys: &[&str],
    ) -> Result<Vec<HouseholdRow>> {
        self.located(|| {
            let households = self
                .households(Some(village))?
                .into_iter()
                .filter(|h| h.township == township)
                .collect();
            self.household_rows(households, surveys)
        })
    }

    /// The households linked to the cadre the interviewer `name` is, in
    /// registry order, with the state of each survey in the current
    /// round: what a cadre's laptop shows first. The cadre is the one a
    /// work package was made for, when it has this name; else the one
    /// cadre of the registry with this name. Namesakes are never mixed:
    /// when several cadres have the name, none is taken.
    pub fn my_households(&self, name: &str, surveys: &[&str]) -> Result<Vec<HouseholdRow>> {
        self.located(|| {
            let name = name.trim();
            let packaged = self
                .meta("cadre")?
                .and_then(|json| super::package::CadreId::decode(&json))
                .filter(|c| c.name == name);
            let cadre = match packaged {
                Some(c) => Some((c.code, c.unit)),
                None => {
                    let mut stmt = self.conn.prepare_cached(
                        "SELECT DISTINCT cadre_code, unit FROM household WHERE cadre = ?1 LIMIT 2",
                    )?;
                    let found = stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    let found: Vec<(String, String)> = found.collect::<rusqlite::Result<_>>()?;
                    // Two without a code and the same unit are one cadre.
                    match found.as_slice() {
                        [one] => Some(one.clone()),
                        _ => None,
                    }
                }
            };
            let Some((code, unit)) = cadre.filter(|_| !name.is_empty()) else {
                return Ok(Vec::new());
            };
            let households = {
                // Two statements, so that each is found through its index.
                let (which, params): (&str, Vec<&str>) = if code.is_empty() {
                    (
                        "cadre = ?1 AND unit = ?2 AND cadre_code = ''",
                        vec![name, &unit],
                    )
                } else {
                    ("cadre_code = ?1 AND cadre_code <> ''", vec![&code])
                };
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT {} FROM household WHERE {which} ORDER BY township, village, code",
                    super::household::COLUMNS
                ))?;
                let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
                    super::household::household_at(r, 0)
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            self.household_rows(households, surveys)
        })
    }

    /// `households` with the state of each of `surveys` in the current
    /// round.
    fn household_rows(
        &self,
        households: Vec<super::household::Household>,
        surveys: &[&str],
    ) -> Result<Vec<HouseholdRow>> {
        let mut rows: Vec<HouseholdRow> = households
            .into_iter()
            .map(|household| HouseholdRow {
                household,
                surveys: vec![None; surveys.len()],
            })
            .collect();
        let index: HashMap<String, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.household.code.clone(), i))
            .collect();
        let codes: Vec<&str> = rows.iter().map(|r| r.household.code.as_str()).collect();
        let list = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into());
        let round = super::round::current_round(&self.conn)?.map_or(0, |r| r.id);
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.code, s.survey, max(i.status = 'complete') FROM interview i
             JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id
             WHERE h.code IN (SELECT value FROM json_each(?1)) AND i.round_id = ?2
             GROUP BY h.code, s.survey",
        )?;
        let found = stmt.query_map(rusqlite::params![list, round], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        for item in found {
            let (code, survey, complete) = item?;
            if let (Some(&row), Some(col)) =
                (index.get(&code), surveys.iter().position(|s| *s == survey))
            {
                rows[row].surveys[col] = Some(if complete {
                    Status::Complete
                } else {
                    Status::Draft
                });
            }
        }
        Ok(rows)
    }
}

/// One interview as exports read it, borrowed from the row being read.
#[derive(Clone, Copy, Debug)]
pub struct InterviewRow<'r> {
    pub code: &'r str,
    pub township: &'r str,
    pub village: &'r str,
    pub group: &'r str,
    pub head: &'r str,
    pub survey: &'r str,
    pub version: &'r str,
    pub snapshot: i64,
    pub interviewer: &'r str,
    pub status: &'r str,
    pub started_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
    /// The answers as stored: a JSON object, question → canonical text,
    /// left for the caller to read.
    pub answers: &'r str,
    /// The interview's id across laptops, as stored (16 bytes).
    pub uuid: &'r [u8],
    /// The household's members, phone and linked cadre in the registry.
    pub members: i64,
    pub phone: &'r str,
    pub cadre: &'r str,
    /// The name of its round.
    pub round: &'r str,
}

impl InterviewRow<'_> {
    /// What the interview's expressions read of its household and when it
    /// began, as the app reads them.
    pub fn facts(&self) -> crate::interview::HouseholdFacts {
        crate::interview::HouseholdFacts {
            code: self.code.to_string(),
            head: self.head.to_string(),
            members: self.members,
            phone: self.phone.to_string(),
            cadre: self.cadre.to_string(),
            village: self.village.to_string(),
            township: self.township.to_string(),
            group: self.group.to_string(),
            started_at: self.started_at,
        }
    }
}

impl Store {
    /// Every stored questionnaire version: (snapshot id, survey id), oldest first.
    pub fn snapshots(&self) -> Result<Vec<(i64, String)>> {
        self.located(|| {
            let mut stmt = self
                .conn
                .prepare("SELECT id, survey FROM snapshot ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Calls `f` with every interview (of one survey, or all; of one
    /// round, or all), with its round's name, in survey,
    /// household code and start order, one row at a time; `f`'s error
    /// stops the walk. Generic over `f`'s error, so it names this file in
    /// its own damage itself rather than through `Store::located`.
    pub fn for_each_interview<E: From<StoreError>>(
        &self,
        (survey, round): (Option<&str>, Option<i64>),
        mut f: impl FnMut(InterviewRow<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let located = |e: rusqlite::Error| E::from(StoreError::from(e).at(&self.path));
        let which = (survey, round, false);
        walk_interviews(&self.conn, which, |r| f(interview_row(r).map_err(located)?)).map_err(|e| {
            match e {
                Stopped::By(e) => e,
                Stopped::Sql(e) => located(e),
            }
        })
    }
}

/// A row of [`walk_interviews`] as an [`InterviewRow`], read in place.
pub(super) fn interview_row<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<InterviewRow<'r>> {
    let text = |i: usize| super::row_text(r, i);
    Ok(InterviewRow {
        code: text(0)?,
        township: text(1)?,
        village: text(2)?,
        group: text(3)?,
        head: text(4)?,
        survey: text(5)?,
        version: text(6)?,
        snapshot: r.get(7)?,
        interviewer: text(8)?,
        status: text(9)?,
        started_at: r.get(10)?,
        updated_at: r.get(11)?,
        completed_at: r.get(12)?,
        answers: text(13)?,
        uuid: r.get_ref(14)?.as_blob()?,
        members: r.get(15)?,
        phone: text(16)?,
        cadre: text(17)?,
        round: text(18)?,
    })
}

/// The columns of an [`InterviewRow`], in its order.
const INTERVIEW_COLUMNS: &str = "h.code, h.township, h.village, h.grp, h.head,
    s.survey, s.version, i.snapshot_id, i.interviewer, i.status, i.started_at, i.updated_at,
    i.completed_at, i.answers, i.uuid, h.members, h.phone, h.cadre, r.name";

/// The interviews of a survey (`?1`, or all) and a round (`?2`, or all)
/// by township, survey, household code and start: sorted as a whole.
fn by_township_sql() -> String {
    format!(
        "SELECT {INTERVIEW_COLUMNS}
         FROM interview i JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id
         JOIN round r ON r.id = i.round_id
         WHERE (?1 IS NULL OR s.survey = ?1) AND (?2 IS NULL OR i.round_id = ?2)
         ORDER BY h.township, s.survey, h.code, r.starts, r.opened_at, i.started_at, i.id"
    )
}

/// The interviews of one survey (`?1`) and a round (`?2`, or all) by
/// household code and start. The households are walked in code order by
/// their index and only each one's few interviews are sorted: the first
/// row comes at once, and no sort of the whole (a province's spills
/// gigabytes to disk) holds everything back until it ends.
fn of_survey_sql() -> String {
    format!(
        "SELECT {INTERVIEW_COLUMNS}
         FROM household h CROSS JOIN snapshot s CROSS JOIN interview i CROSS JOIN round r
         WHERE s.survey = ?1 AND i.household_id = h.id AND i.snapshot_id = s.id
           AND r.id = i.round_id AND (?2 IS NULL OR i.round_id = ?2)
         ORDER BY h.code, r.starts, r.opened_at, i.started_at, i.id"
    )
}

/// How a walk of the interviews ended early: `each` stopped it, or the
/// database failed.
pub(super) enum Stopped<E> {
    By(E),
    Sql(rusqlite::Error),
}

impl<E> From<rusqlite::Error> for Stopped<E> {
    fn from(e: rusqlite::Error) -> Self {
        Stopped::Sql(e)
    }
}

/// Walks the interviews of `survey` (or all) and `round` (or all) on
/// `conn`, calling `each` with every row: by survey, household code and
/// start (township first when `by_township`), all read in one
/// transaction (one of their own unless `conn` is in one).
pub(super) fn walk_interviews<E>(
    conn: &rusqlite::Connection,
    (survey, round, by_township): (Option<&str>, Option<i64>, bool),
    mut each: impl FnMut(&rusqlite::Row<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<(), Stopped<E>> {
    let _read = match conn.is_autocommit() {
        true => Some(conn.unchecked_transaction()?),
        false => None,
    };
    let mut walk = |stmt: &mut rusqlite::Statement<'_>, survey: Option<&str>| {
        let mut rows = stmt.query(rusqlite::params![survey, round])?;
        while let Some(r) = rows.next()? {
            each(r).map_err(Stopped::By)?;
        }
        Ok(())
    };
    if by_township {
        return walk(&mut conn.prepare(&by_township_sql())?, survey);
    }
    let surveys: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT survey FROM snapshot WHERE ?1 IS NULL OR survey = ?1 ORDER BY survey",
        )?
        .query_map([survey], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(&of_survey_sql())?;
    for survey in &surveys {
        walk(&mut stmt, Some(survey))?;
    }
    Ok(())
}

/// Households with complete interviews of a round, by row id in order.
#[derive(Default)]
pub(super) struct Counted {
    /// Of every survey asked about.
    pub(super) complete: Vec<i64>,
    /// Of at least one.
    pub(super) any: Vec<i64>,
}

/// The households, by row id in order, with a draft in round `round` of
/// a questionnaire asked about (whose snapshots' places are `wanted`;
/// with `--surveys`, a draft of one not loaded is not this work), read
/// from the draft index alone.
pub(super) fn draft_households(
    tx: &rusqlite::Transaction<'_>,
    wanted: &HashMap<i64, usize>,
    round: i64,
) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare(
        "SELECT household_id, snapshot_id FROM interview INDEXED BY interview_draft
         WHERE status = 'draft' AND round_id = ?1 ORDER BY household_id",
    )?;
    let mut rows = stmt.query([round])?;
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if wanted.contains_key(&r.get(1)?) && ids.last() != Some(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Each snapshot's place among `surveys`, for those of one of them.
pub(super) fn wanted_snapshots(
    tx: &rusqlite::Transaction<'_>,
    surveys: &[&str],
) -> Result<HashMap<i64, usize>> {
    let mut stmt = tx.prepare("SELECT id, survey FROM snapshot")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut wanted = HashMap::new();
    for row in rows {
        let (id, survey) = row?;
        if let Some(at) = surveys.iter().position(|s| *s == survey) {
            wanted.insert(id, at);
        }
    }
    Ok(wanted)
}
