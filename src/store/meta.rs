//! The `meta` table: this file's device id, the interviewer's name, and
//! the settings the store keeps about itself. Nothing else is stored here.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

impl Store {
    pub(super) fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let tx = self.write()?;
        self.put_meta(key, value)?;
        self.commit(tx)?;
        Ok(())
    }

    /// [`Store::set_meta`] inside the write transaction open.
    pub(super) fn put_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub(super) fn device_id(&self) -> Result<String> {
        if let Some(id) = self.meta("device")? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.set_meta("device", &id)?;
        Ok(id)
    }

    /// The interviewer's name, asked once and remembered in the database.
    pub fn interviewer(&self) -> Result<Option<String>> {
        self.located(|| self.meta("interviewer"))
    }

    pub fn set_interviewer(&self, name: &str) -> Result<()> {
        self.located(|| self.set_meta("interviewer", name.trim()))
    }
}
