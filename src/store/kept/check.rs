//! The check of the kept counts, for `minqing doctor`: every household's
//! counts made again from its interviews and compared with those kept,
//! and every village's with the sum of its households'.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::OptionalExtension;

use super::super::{Result, Store};
use super::{Counter, Counts, codec};

/// A village's counts in a round, by round id, township and village.
type VillageKey = (i64, String, String);

/// A village's households per set of questionnaires complete and with a
/// draft.
type Sets = HashMap<(VillageKey, i64, i64), i64>;

impl Store {
    /// The villages (round id, township, village; round 0 for the
    /// households registered) whose kept counts are not what the
    /// interviews and the registry give now, counted again from the
    /// start; reads only. Counts waiting to be made again (for new
    /// questionnaire versions, or households marked by another program's
    /// writes) are made before they are next read, and are not reported.
    pub fn stale_kept(&self) -> Result<Vec<VillageKey>> {
        self.located(|| {
            // One read transaction: a fold committed meanwhile by another
            // program is seen entirely or not at all.
            let _tx = self.conn.unchecked_transaction()?;
            let plan = self.kept_plan()?;
            if !self.laid_out(&plan)? {
                return Ok(Vec::new());
            }
            let marked: HashSet<(i64, i64)> = self.marked()?.into_iter().collect();
            let mut counter = Counter::new(&plan);
            let width = counter.layout().width();
            let mut stale: BTreeSet<VillageKey> = BTreeSet::new();
            let mut kept = self.kept_households(width, &mut stale)?;
            // Each village's sums of its households as kept, and their
            // households per set of questionnaires.
            let mut sums: HashMap<VillageKey, Vec<i64>> = HashMap::new();
            let mut sets: Sets = HashMap::new();
            for ((_, round), c) in &kept {
                let key = (*round, c.township.clone(), c.village.clone());
                let sum = sums.entry(key.clone()).or_insert_with(|| vec![0; width]);
                sum.iter_mut().zip(&c.cells).for_each(|(s, c)| *s += c);
                *sets.entry((key, c.surveys, c.drafts)).or_insert(0) += 1;
            }
            let pairs = self.interviewed()?;
            for (id, round) in pairs {
                let was = kept.remove(&(id, round));
                if marked.contains(&(id, round)) {
                    continue;
                }
                let now = match self.counts_of(&mut counter, round, id) {
                    Ok(now) => now,
                    // Hits that do not read (listed by doctor's check of
                    // the hits): the household's village cannot be
                    // vouched for.
                    Err(_) => {
                        stale.insert(self.village_of(round, id)?);
                        continue;
                    }
                };
                if was != now {
                    for c in was.into_iter().chain(now) {
                        stale.insert((round, c.township, c.village));
                    }
                }
            }
            // Kept for a household with no interview now.
            for ((id, round), c) in kept {
                if !marked.contains(&(id, round)) {
                    stale.insert((round, c.township, c.village));
                }
            }
            self.compare_villages(width, (sums, sets), &mut stale)?;
            Ok(stale.into_iter().collect())
        })
    }

    /// The village of household `id`, as a key of `round`.
    fn village_of(&self, round: i64, id: i64) -> Result<VillageKey> {
        let place: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT township, village FROM household WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (township, village) = place.unwrap_or_default();
        Ok((round, township, village))
    }

    /// Every household's counts as kept, by household and round; a
    /// village whose household's counts do not read is `stale`.
    fn kept_households(
        &self,
        width: usize,
        stale: &mut BTreeSet<VillageKey>,
    ) -> Result<HashMap<(i64, i64), Counts>> {
        let mut kept = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT k.household_id, k.round_id, p.township, p.village, k.sums, k.surveys, k.drafts
             FROM kept_household k LEFT JOIN kept_place p ON p.slot = k.slot",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: (i64, i64) = (r.get(0)?, r.get(1)?);
            let township: String = r.get::<_, Option<String>>(2)?.unwrap_or_default();
            let village: String = r.get::<_, Option<String>>(3)?.unwrap_or_default();
            let mut cells = vec![0; width];
            let blob = r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?;
            if codec::add(blob, 1, &mut cells).is_none() {
                stale.insert((key.1, township.clone(), village.clone()));
            }
            let (surveys, drafts) = (r.get(5)?, r.get(6)?);
            kept.insert(
                key,
                Counts {
                    township,
                    village,
                    cells,
                    surveys,
                    drafts,
                },
            );
        }
        Ok(kept)
    }

    /// Compares each village's kept counts and households per set of
    /// questionnaires with the sums of its households' (`sums`, `sets`),
    /// and the households registered per village with the registry.
    fn compare_villages(
        &self,
        width: usize,
        (mut sums, mut sets): (HashMap<VillageKey, Vec<i64>>, Sets),
        stale: &mut BTreeSet<VillageKey>,
    ) -> Result<()> {
        let place = |r: &rusqlite::Row<'_>| -> rusqlite::Result<VillageKey> {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        };
        let mut stmt = self.conn.prepare(
            "SELECT k.round_id, p.township, p.village, k.sums
             FROM kept k LEFT JOIN kept_place p ON p.slot = k.slot",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key = place(r)?;
            let mut cells = vec![0; width];
            let blob = r.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
            let read = codec::add(blob, 1, &mut cells);
            let sum = sums.remove(&key).unwrap_or_else(|| vec![0; width]);
            if read.is_none() || cells != sum {
                stale.insert(key);
            }
        }
        stale.extend(
            sums.into_iter()
                .filter(|(_, sum)| sum.iter().any(|&v| v != 0))
                .map(|(key, _)| key),
        );
        let mut stmt = self.conn.prepare(
            "SELECT k.round_id, p.township, p.village, k.surveys, k.drafts, k.households
             FROM kept_surveys k LEFT JOIN kept_place p ON p.slot = k.slot",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key = place(r)?;
            let n: i64 = r.get(5)?;
            if sets.remove(&(key.clone(), r.get(3)?, r.get(4)?)) != Some(n) {
                stale.insert(key);
            }
        }
        stale.extend(sets.into_keys().map(|(key, _, _)| key));
        // The households registered per village.
        let mut stmt = self.conn.prepare(
            "SELECT 0, township, village FROM (
                 SELECT township, village, registered AS n FROM kept_registry
                 UNION ALL SELECT township, village, -count(*) FROM household
                 GROUP BY township, village)
             GROUP BY township, village HAVING sum(n) != 0",
        )?;
        let rows = stmt.query_map([], place)?;
        for key in rows {
            stale.insert(key?);
        }
        Ok(())
    }
}
