//! What two rounds' counted interviews say of every household and rule,
//! for [`crate::priority::trend`], read from the `counted` table as the
//! ranking reads it.

use super::super::{Result, Round, Store};
use super::Names;
use super::counted::{Chunk, read_counted};
use super::versions::Versions;
use crate::priority::trend::{Rounds, Told};
use crate::priority::{Household, Rule};

/// The households (in row order), the rules, and what each round says.
#[derive(Clone, Debug, Default)]
pub struct TrendInput {
    pub households: Vec<Household>,
    pub rules: Vec<Rule>,
    pub rounds: Rounds,
}

impl Store {
    /// What rounds `then` and `now` say of every household and rule.
    pub fn trend_input(&self, then: &Round, now: &Round) -> Result<TrendInput> {
        self.located(|| {
            let mut input = TrendInput::default();
            let versions = self.versions(&mut input.rules)?;
            let mut ids: Vec<i64> = Vec::new();
            {
                let mut stmt = self.conn.prepare(
                    "SELECT id, code, township, village, grp, members FROM household ORDER BY id",
                )?;
                let mut rows = stmt.query([])?;
                let mut names = Names::default();
                while let Some(r) = rows.next()? {
                    let bytes =
                        |i: usize| -> rusqlite::Result<&[u8]> { Ok(r.get_ref(i)?.as_bytes()?) };
                    ids.push(r.get(0)?);
                    input.households.push(Household {
                        code: r.get::<_, String>(1)?.into(),
                        township: names.get(0, bytes(2)?)?,
                        village: names.get(1, bytes(3)?)?,
                        group: names.get(2, bytes(4)?)?,
                        members: r.get(5)?,
                    });
                }
            }
            let cells = ids.len() * input.rules.len();
            input.rounds.then = self.told(then.id, &versions, &ids, cells)?;
            input.rounds.now = self.told(now.id, &versions, &ids, cells)?;
            Ok(input)
        })
    }

    /// What round `round` says of each household (by its place in `ids`)
    /// and rule.
    fn told(
        &self,
        round: i64,
        versions: &Versions,
        ids: &[i64],
        cells: usize,
    ) -> Result<Vec<Told>> {
        let rules = if ids.is_empty() { 0 } else { cells / ids.len() };
        let mut told = vec![Told::NotAsked; cells];
        let path = &self.path;
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel(8);
            scope.spawn(move || read_counted(path, (versions, round), &send));
            for chunk in receive.iter() {
                let chunk: Chunk = chunk?;
                for (id, range) in &chunk.rows {
                    let Ok(h) = ids.binary_search(id) else {
                        continue;
                    };
                    let row = &mut told[h * rules..(h + 1) * rules];
                    let mut entries = &chunk.entries[range.clone()];
                    while let [at, n, rest @ ..] = entries {
                        for &rule in &versions.snapshots[*at].2 {
                            row[rule] = Told::No;
                        }
                        let (fired, next) = rest.split_at((*n).min(rest.len()));
                        for &rule in fired {
                            row[rule] = Told::Affected;
                        }
                        let Some((&m, details)) = next.split_first() else {
                            break;
                        };
                        let (details, next) = details.split_at((m * 3).min(details.len()));
                        for d in details.chunks_exact(3) {
                            if d[2] == 1 {
                                row[d[0]] = Told::Unknown;
                            }
                        }
                        entries = next;
                    }
                }
            }
            Ok(told)
        })
    }
}
