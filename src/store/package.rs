//! Work packages: a new database holding some households (a cadre's, a
//! village's), every questionnaire version and round, and those
//! households' interviews with their audit trail, for another laptop.
//! Merging it back is the ordinary merge.
//!
//! A package is made from a template (this build's empty schema, made
//! once per call) copied under a temporary name, filled through `ATTACH`
//! in one transaction, synced, and put at its name only when whole: a
//! package is never half there, and an existing file is never replaced.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::params;

use super::file::{create_private, temporary_name};
use super::household::Household;
use super::{Result, Store, StoreError};
use crate::survey::Survey;

/// A linked cadre as the registry tells them apart: by code, or by name
/// and work unit when there is no code; with their households' codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadreLink {
    pub name: String,
    pub code: String,
    pub unit: String,
    pub households: Vec<String>,
}

impl CadreLink {
    /// A file name for the cadre's package: code and name, or name and
    /// unit; characters file systems refuse made `_`.
    pub fn file_name(&self) -> String {
        let stem = if self.code.is_empty() {
            format!("{}-{}", self.name, self.unit)
        } else {
            format!("{}-{}", self.code, self.name)
        };
        let clean: String = stem
            .chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        format!("{}.db", clean.trim_matches(['.', ' ']))
    }
}

/// The linked cadres of `households` (in registry order), in the order
/// they are first met.
pub fn cadres_of(households: &[Household]) -> Vec<CadreLink> {
    let mut out: Vec<CadreLink> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for h in households
        .iter()
        .filter(|h| !h.cadre.is_empty() || !h.cadre_code.is_empty())
    {
        let key = if h.cadre_code.is_empty() {
            (String::new(), h.cadre.clone(), h.unit.clone())
        } else {
            (h.cadre_code.clone(), String::new(), String::new())
        };
        let at = *index.entry(key).or_insert_with(|| {
            out.push(CadreLink {
                name: h.cadre.clone(),
                code: h.cadre_code.clone(),
                unit: h.unit.clone(),
                households: Vec::new(),
            });
            out.len() - 1
        });
        out[at].households.push(h.code.clone());
    }
    out
}

/// Which cadre a package is for, kept in its `meta` (`cadre`, as a JSON
/// array `[name, code, unit]`), so that the laptop shows that cadre's
/// households and not a namesake's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CadreId {
    pub name: String,
    pub code: String,
    pub unit: String,
}

impl CadreId {
    pub(super) fn encode(&self) -> String {
        serde_json::to_string(&[&self.name, &self.code, &self.unit]).unwrap_or_default()
    }

    pub(super) fn decode(text: &str) -> Option<CadreId> {
        let [name, code, unit]: [String; 3] = serde_json::from_str(text).ok()?;
        Some(CadreId { name, code, unit })
    }
}

/// Makes packages from one store: holds the template until dropped.
pub struct Packager<'s> {
    store: &'s Store,
    template: PathBuf,
}

impl Drop for Packager<'_> {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.template);
    }
}

impl Store {
    /// A packager whose packages carry `surveys` (the questionnaires in
    /// use, registered here first) besides every version stored. Its
    /// template is made beside `near`.
    pub fn packager(&self, surveys: &[Survey], near: &Path) -> Result<Packager<'_>> {
        for survey in surveys {
            self.register_survey(survey)?;
        }
        let template = temporary_name(near);
        Store::create_at_version(&template, super::CURRENT_VERSION)?;
        Ok(Packager {
            store: self,
            template,
        })
    }
}

impl Packager<'_> {
    /// Writes a package of the households `codes` at `out`; for a cadre,
    /// its interviewer is the cadre and it shows the cadre's households
    /// first. Refused when `out` exists. Returns the interviews it holds.
    pub fn write(&self, out: &Path, codes: &[String], cadre: Option<&CadreLink>) -> Result<usize> {
        let store = self.store;
        store.located(|| {
            if out.exists() {
                return Err(StoreError::Exists {
                    path: out.to_path_buf(),
                });
            }
            let io = |source| StoreError::Io {
                path: out.to_path_buf(),
                source,
            };
            let tmp = temporary_name(out);
            create_private(&tmp).map_err(io)?;
            let result = fs::copy(&self.template, &tmp)
                .map_err(io)
                .and_then(|_| store.fill_package(&tmp, codes, cadre))
                .and_then(|n| {
                    fs::File::open(&tmp)
                        .and_then(|f| f.sync_all())
                        .map_err(io)?;
                    Ok(n)
                });
            let placed = result.and_then(|n| match crate::files::place_new(&tmp, out) {
                Ok(()) => Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(StoreError::Exists {
                        path: out.to_path_buf(),
                    })
                }
                Err(e) => Err(io(e)),
            });
            let _ = fs::remove_file(&tmp);
            placed
        })
    }
}

impl Store {
    /// Copies the households `codes` and what goes with them into the
    /// empty database at `package`, in one transaction on this file's
    /// connection; the number of interviews copied.
    fn fill_package(
        &self,
        package: &Path,
        codes: &[String],
        cadre: Option<&CadreLink>,
    ) -> Result<usize> {
        let list = serde_json::to_string(codes).unwrap_or_else(|_| "[]".into());
        self.conn.execute(
            "ATTACH DATABASE ?1 AS pkg",
            [package.to_string_lossy().as_ref()],
        )?;
        let filled = (|| -> Result<usize> {
            // The package is synced whole before it is put in place.
            self.conn.pragma_update(Some("pkg"), "synchronous", "OFF")?;
            let tx = self.conn.unchecked_transaction()?;
            tx.execute(
                "INSERT INTO pkg.household SELECT * FROM main.household
                 WHERE code IN (SELECT value FROM json_each(?1))",
                [&list],
            )?;
            tx.execute(
                "INSERT INTO pkg.household_history SELECT * FROM main.household_history
                 WHERE code IN (SELECT value FROM json_each(?1))",
                [&list],
            )?;
            tx.execute_batch(
                "INSERT INTO pkg.snapshot SELECT * FROM main.snapshot;
                 INSERT INTO pkg.round SELECT * FROM main.round;",
            )?;
            let interviews = tx.execute(
                "INSERT INTO pkg.interview SELECT * FROM main.interview
                 WHERE household_id IN (SELECT id FROM pkg.household)",
                [],
            )?;
            tx.execute_batch(
                "INSERT INTO pkg.audit SELECT * FROM main.audit
                 WHERE interview IN (SELECT uuid FROM pkg.interview);
                 DELETE FROM pkg.meta;
                 INSERT INTO pkg.meta SELECT * FROM main.meta
                 WHERE key NOT IN ('device', 'interviewer');",
            )?;
            if let Some(c) = cadre {
                let id = CadreId {
                    name: c.name.clone(),
                    code: c.code.clone(),
                    unit: c.unit.clone(),
                };
                tx.execute(
                    "INSERT INTO pkg.meta (key, value) VALUES ('interviewer', ?1), ('cadre', ?2)",
                    params![c.name, id.encode()],
                )?;
            }
            self.commit(tx)?;
            Ok(interviews)
        })();
        let detached = self.conn.execute("DETACH DATABASE pkg", []);
        let n = filled?;
        detached?;
        Ok(n)
    }
}
