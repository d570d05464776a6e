//! The hybrid logical clock that orders changes between laptops.
//!
//! A stamp is the wall-clock time in milliseconds shifted left
//! [`COUNTER_BITS`] bits, plus a counter. Every stamp this file hands out is
//! past every stamp it has seen: its own, and every one in a file merged
//! into it. So a change made after seeing another (on this laptop, or on a
//! laptop whose file was merged here) is ordered after it, whatever the
//! laptops' clocks said; a clock years ahead or behind cannot put an edit
//! before one it had already seen. Between changes neither side had seen
//! (concurrent ones) the larger stamp wins, then the larger device id, the
//! same on every laptop, and the other is kept in the history and listed.
//!
//! The highest stamp seen is kept in `meta` under `clock`, read and written
//! inside the write transaction that uses it, so two programs on one file
//! share one clock. Never decides what wins: merge does, with these stamps.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store};

/// Bits of a stamp that count changes within one millisecond.
pub const COUNTER_BITS: u32 = 16;

/// How far ahead of this laptop's clock a stamp may be before it is
/// reported as a clock problem: one day.
pub const AHEAD_LIMIT_MS: i64 = 24 * 3_600_000;

/// The stamp of a wall-clock time with a zero counter.
pub fn from_ms(ms: i64) -> i64 {
    ms.saturating_mul(1 << COUNTER_BITS)
}

/// The wall-clock part of a stamp, in milliseconds since the epoch.
pub fn to_ms(stamp: i64) -> i64 {
    stamp >> COUNTER_BITS
}

/// The next stamp after `last` at wall-clock time `now` (milliseconds):
/// the time itself when it is past `last`, else one more than `last`.
pub fn next(last: i64, now: i64) -> i64 {
    from_ms(now).max(last.saturating_add(1))
}

/// Whether a stamp's time is more than [`AHEAD_LIMIT_MS`] past `now`.
pub fn ahead(stamp_ms: i64, now: i64) -> bool {
    stamp_ms > now.saturating_add(AHEAD_LIMIT_MS)
}

fn read(tx: &Transaction<'_>) -> Result<i64> {
    // Cached statements: the clock is read and written with every save.
    let text: Option<String> = tx
        .prepare_cached("SELECT value FROM meta WHERE key = 'clock'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| t.parse().ok()).unwrap_or(0))
}

fn write(tx: &Transaction<'_>, stamp: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('clock', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![stamp.to_string()])?;
    Ok(())
}

impl Store {
    /// A new stamp, past every stamp this file has seen and past `after`
    /// (the stamp of the change it follows), inside the write transaction
    /// `tx` that records the change.
    pub(super) fn stamp(&self, tx: &Transaction<'_>, after: i64) -> Result<i64> {
        let last = read(tx)?.max(after);
        let stamp = next(last, self.now());
        write(tx, stamp)?;
        Ok(stamp)
    }

    /// Advances this file's clock past `seen`, the highest stamp of a file
    /// being merged, so that every later change here is ordered after
    /// everything merged.
    pub(super) fn observe(&self, tx: &Transaction<'_>, seen: i64) -> Result<()> {
        if seen > read(tx)? {
            write(tx, seen)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_follow_the_wall_clock_and_never_go_back() {
        let t = 1_795_644_281_763;
        assert_eq!(next(0, t), from_ms(t));
        assert_eq!(to_ms(next(0, t)), t);
        // A stamp from a clock three years ahead: the next one follows it.
        let ahead_stamp = from_ms(t + 3 * 365 * 86_400_000);
        let after = next(ahead_stamp, t);
        assert!(after > ahead_stamp);
        assert_eq!(after - ahead_stamp, 1, "the counter moves, not the time");
        // Many changes in one millisecond stay ordered.
        let mut last = 0;
        let mut seen = Vec::new();
        for _ in 0..70_000 {
            last = next(last, t);
            seen.push(last);
        }
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
        assert!(ahead(t + AHEAD_LIMIT_MS + 1, t) && !ahead(t + AHEAD_LIMIT_MS, t));
    }
}
