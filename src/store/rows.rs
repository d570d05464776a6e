//! Dropping rows of a roster whose count was lowered: the interviewer says
//! which, and the answers of the rows after them move up, in one durable
//! write with an audit entry for every answer that changed, so that the
//! trail keeps what was dropped.

use std::rc::Rc;

use rusqlite::params;

use super::interview::{Status, encode_answers};
use super::{Result, Store, StoreError};
use crate::interview::{State, drop_rows, settle};

impl Store {
    /// Drops `rows` of roster `roster` of a draft interview (see
    /// [`crate::interview::drop_rows`]).
    pub fn drop_rows(&self, id: i64, roster: &str, rows: &[u32], interviewer: &str) -> Result<()> {
        self.located(|| {
            let tx = self.write()?;
            let interview = self.interview(id)?;
            if interview.status == Status::Complete {
                return Err(StoreError::Completed);
            }
            let survey = Rc::clone(&interview.survey);
            let section = survey
                .roster(roster)
                .ok_or_else(|| StoreError::UnknownQuestion(roster.to_string()))?;
            // Each row once, and only rows that have answers.
            let answered =
                State::new(&survey, &interview.answers, &interview.facts()).answered_rows(section);
            let mut rows: Vec<u32> = rows
                .iter()
                .copied()
                .filter(|r| (1..=answered).contains(r))
                .collect();
            rows.sort_unstable();
            rows.dedup();
            let mut answers = drop_rows(&interview.answers, section, &rows);
            let facts = interview.facts();
            settle(&survey, &mut answers, &facts);
            if answers == interview.answers {
                return Ok(());
            }
            let now = self.tick_after(interview.updated_at);
            let stamp = self.stamp(&tx, interview.stamp)?;
            tx.execute(
                "UPDATE interview SET answers = ?2, updated_at = ?3, stamp = ?4 WHERE id = ?1",
                params![id, encode_answers(&answers), now, stamp],
            )?;
            let keys: std::collections::BTreeSet<&String> =
                interview.answers.keys().chain(answers.keys()).collect();
            for key in keys {
                let (old, new) = (interview.answers.get(key), answers.get(key));
                if old == new {
                    continue;
                }
                let entry = super::audit::Entry {
                    interview: interview.uuid.as_bytes().as_slice(),
                    field: key,
                    old: old.map(String::as_str),
                    new: new.map(String::as_str),
                    at: now,
                    interviewer,
                    device: &self.device,
                    stamp,
                };
                super::audit::insert(&tx, &entry, super::audit::Again::Refuse)?;
            }
            self.commit(tx)?;
            Ok(())
        })
    }
}
