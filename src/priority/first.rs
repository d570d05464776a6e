//! The first projects of a ranking made from counts, without making the
//! others: what a list of the top twenty needs of a province's 75,000.

use super::order::Key;
use super::sums::{Made, Ranking, Sums};
use super::uncertainty::Tie;
use super::{Project, shared::Shared};

/// A project as [`rank_first`] orders it before making it: its key, its
/// slot and what tells its band.
struct Entry {
    key: Key,
    slot: u32,
    tie: Tie,
}

/// The first `k` projects of the ranking of the counts (see
/// [`super::sums::rank_sums`]), and after them those tied with the last,
/// one after the other, so that the rank bands of the first `k` are
/// whole: every project is keyed, but only those listed are made to keep.
/// With what the affected households said of the urgency; no household
/// listed.
pub(super) fn rank_first(
    sums: &Sums,
    ranking: &Ranking<'_>,
    shared: &Shared,
    k: usize,
) -> Vec<Project> {
    let made = Made::new(sums, ranking, shared);
    let mut entries: Vec<Entry> = (made.slots.iter().enumerate())
        .map(|(i, s)| Entry {
            key: made.key(s),
            slot: i as u32,
            tie: made.tie(s),
        })
        .collect();
    let end = order_first(&mut entries, k);
    entries[..end]
        .iter()
        .map(|e| made.project(&made.slots[e.slot as usize], None, true))
        .collect()
}

/// Puts the first `k` of `entries` in order, and after them those that
/// share the band of the last; how many that is. Only the first are
/// ordered, the others left as they fall.
fn order_first(entries: &mut [Entry], k: usize) -> usize {
    let by_key = |a: &Entry, b: &Entry| a.key.cmp(&b.key);
    // The first k (and the next, which ends the band of the last or
    // not) put in order; when the band goes on, every project is ordered
    // and the band followed to its end.
    let mut end = k.min(entries.len());
    if k < entries.len() {
        // Only the projects whose first key (the weighted phase) is at
        // most the (k+1)-th smallest can be among the first k+1: put
        // first, they alone are selected from (a province's 75,000
        // projects, most of a lower phase, are passed over). Those after
        // them all come later, so the band can still be followed into
        // them.
        let mut firsts: Vec<u64> = entries.iter().map(|e| e.key[0]).collect();
        let (_, &mut bound, _) = firsts.select_nth_unstable(k);
        let mut candidates = 0;
        for i in 0..entries.len() {
            if entries[i].key[0] <= bound {
                entries.swap(candidates, i);
                candidates += 1;
            }
        }
        entries[..candidates].select_nth_unstable_by(k, by_key);
        entries[..=k].sort_unstable_by(by_key);
        // Ordered up to `sorted`; the band followed a chunk at a time, each
        // chunk twice the one before, rather than ordering every project.
        let mut sorted = k + 1;
        let mut chunk = k.max(64);
        while end > 0 && end < sorted && entries[end - 1].tie.with(&entries[end].tie) {
            end += 1;
            if end == sorted && sorted < entries.len() {
                // Among the candidates first, which all come before the
                // others.
                let limit = if sorted < candidates {
                    candidates
                } else {
                    entries.len()
                };
                let rest = &mut entries[sorted..limit];
                let take = chunk.min(rest.len());
                if take < rest.len() {
                    rest.select_nth_unstable_by(take, by_key);
                }
                rest[..take].sort_unstable_by(by_key);
                sorted += take;
                chunk *= 2;
            }
        }
    } else {
        entries.sort_unstable_by(by_key);
    }
    end
}
