//! Survey snapshots: the TOML text of every questionnaire version an
//! interview was answered with, stored once and parsed once per store, so
//! old interviews keep reading the questions they were answered with.

use std::rc::Rc;

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store, StoreError, now_ms};
use crate::survey::{self, Survey};

impl Store {
    /// (questionnaire, version) of every version stored, by questionnaire
    /// then as stored.
    pub fn versions_stored(&self) -> Result<Vec<(String, String)>> {
        self.located(|| {
            let mut stmt = self
                .conn
                .prepare("SELECT survey, version FROM snapshot ORDER BY survey, created_at, id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Stores the snapshot of `survey` the first time its version is used
    /// and returns its id. The same id and version with different content
    /// is refused: old interviews must keep reading the text they were
    /// answered with.
    pub fn register_survey(&self, survey: &Survey) -> Result<i64> {
        self.located(|| {
            let hash = content_hash(&survey.source);
            let tx = self.write()?;
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, hash FROM snapshot WHERE survey = ?1 AND version = ?2",
                    params![survey.id, survey.version],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match existing {
                Some((id, stored)) if stored == hash => Ok(id),
                Some(_) => Err(StoreError::SnapshotChanged {
                    survey: survey.id.clone(),
                    version: survey.version.clone(),
                }),
                None => {
                    tx.execute(
                        "INSERT INTO snapshot (survey, version, hash, source, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![survey.id, survey.version, hash, survey.source, now_ms()],
                    )?;
                    let id = tx.last_insert_rowid();
                    self.commit(tx)?;
                    Ok(id)
                }
            }
        })
    }

    /// Forgets the surveys parsed from snapshots, after a rolled-back write
    /// may have left an id that no longer means the same snapshot.
    pub(crate) fn forget_parsed_surveys(&self) {
        self.surveys.borrow_mut().clear();
    }

    /// The survey a snapshot holds, parsed once per store.
    pub fn snapshot_survey(&self, id: i64) -> Result<Rc<Survey>> {
        self.located(|| {
            if let Some(s) = self.surveys.borrow().get(&id) {
                return Ok(Rc::clone(s));
            }
            let (name, version, source): (String, String, String) = self.conn.query_row(
                "SELECT survey, version, source FROM snapshot WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let survey = survey::load(&source)
                .survey
                .ok_or(StoreError::SnapshotUnreadable {
                    survey: name,
                    version,
                })?;
            let survey = Rc::new(survey);
            self.surveys.borrow_mut().insert(id, Rc::clone(&survey));
            Ok(survey)
        })
    }
}

/// The content hash of a survey snapshot (SHA-256 of its TOML text, hex).
pub fn content_hash(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
