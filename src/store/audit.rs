//! The audit trail's one insert: every change of an answer or a status,
//! made here or merged from another laptop, is written by [`insert`].
//! The trail is append-only (the schema's triggers refuse the rest).

use rusqlite::{Connection, params};

/// One change of one field of one interview, as the audit table holds it.
pub(super) struct Entry<'a> {
    /// The interview's UUID, as bytes.
    pub interview: &'a [u8],
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    /// Wall-clock time of the change, in milliseconds.
    pub at: i64,
    pub interviewer: &'a str,
    pub device: &'a str,
    pub stamp: i64,
}

/// Whether an entry the trail already holds is an error (a change made
/// here) or is skipped (a change merged in again).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Again {
    Refuse,
    Skip,
}

/// The columns of the audit table and their parameters, for [`concat!`].
macro_rules! entry_into {
    () => {
        "audit (interview, field, old, new, at, interviewer, device, stamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    };
}

/// Appends `entry`; returns whether it was added (with [`Again::Skip`], an
/// entry already held is not).
pub(super) fn insert(conn: &Connection, entry: &Entry<'_>, again: Again) -> rusqlite::Result<bool> {
    let sql = match again {
        Again::Refuse => concat!("INSERT INTO ", entry_into!()),
        Again::Skip => concat!("INSERT OR IGNORE INTO ", entry_into!()),
    };
    // Cached: saving an answer, the app's most frequent write, runs it.
    let added = conn.prepare_cached(sql)?.execute(params![
        entry.interview,
        entry.field,
        entry.old,
        entry.new,
        entry.at,
        entry.interviewer,
        entry.device,
        entry.stamp
    ])?;
    Ok(added > 0)
}
