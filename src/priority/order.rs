//! The order of ranked projects.

use std::sync::Arc;

use super::{Area, Project, Rule};

/// `x` as an integer in the order of [`f64::total_cmp`].
fn ordered(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// `n` as an integer in the order of `i64`.
fn ordered_int(n: i64) -> u64 {
    (n as u64) ^ (1 << 63)
}

/// What orders projects, made once for a ranking: areas and rules ranked
/// by name, and each rule's weight (the weight of its category; all 1, as
/// documented, unless a meeting chose otherwise).
pub(super) struct Order<'a> {
    area_rank: Vec<u64>,
    rule_rank: Vec<u64>,
    rules: &'a [Rule],
    rule_weights: &'a [f64],
}

impl<'a> Order<'a> {
    pub(super) fn new(areas: &[Arc<Area>], (rules, rule_weights): (&'a [Rule], &'a [f64])) -> Self {
        let mut area_order: Vec<usize> = (0..areas.len()).collect();
        area_order.sort_by(|&a, &b| areas[a].cmp(&areas[b]));
        let mut area_rank = vec![0u64; areas.len()];
        for (place, &a) in area_order.iter().enumerate() {
            area_rank[a] = place as u64;
        }
        let mut rule_order: Vec<usize> = (0..rules.len()).collect();
        rule_order.sort_by(|&a, &b| {
            (&rules[a].survey, &rules[a].name).cmp(&(&rules[b].survey, &rules[b].name))
        });
        let mut rule_rank = vec![0u64; rules.len()];
        for (place, &r) in rule_order.iter().enumerate() {
            rule_rank[r] = place as u64;
        }
        Order {
            area_rank,
            rule_rank,
            rules,
            rule_weights,
        }
    }

    /// Project `p` of area number `area` as integers compared in order
    /// (those ranked high first turned over), made once rather than at
    /// every comparison: weighted phase and severity, households affected,
    /// share, unit cost (the highest of the rules sharing it), area, rule.
    /// The share is compared only between projects of as many households
    /// affected: there the higher share is the one of fewer households
    /// that could tell ([`share_place`]).
    pub(super) fn key(&self, p: &Project, area: usize) -> Key {
        self.key_of((p.rule, &p.also), p.phase, (p.affected, p.known()), area)
    }

    /// [`Order::key`] of a project of `area` told by its rule and the
    /// other rules that share it, its phase, its households affected and
    /// those that could tell, without making it.
    pub(super) fn key_of(
        &self,
        (rule, also): (usize, &[usize]),
        phase: u8,
        (affected, known): (i64, i64),
        area: usize,
    ) -> Key {
        let rules = self.rules;
        let w = self.rule_weights[rule];
        let unit = std::iter::once(rule)
            .chain(also.iter().copied())
            .filter_map(|r| rules[r].unit_cost)
            .max_by(f64::total_cmp)
            .unwrap_or(f64::INFINITY);
        [
            !ordered(f64::from(phase) * w),
            !ordered(f64::from(rules[rule].severity) * w),
            !ordered_int(affected),
            share_place(affected, known),
            ordered(unit),
            self.area_rank[area],
            self.rule_rank[rule],
        ]
    }
}

/// The place of share `affected / known` ([`Project::share`]) among the
/// shares of projects of as many households affected, high first: for
/// households affected, the households that could tell, fewest first
/// (an integer, where the share is a fraction of any size); a share of
/// nothing (no household affected, none that could tell) last. Exact
/// while the households that could tell are fewer than 2^26 (then no
/// two such fractions round to one number).
fn share_place(affected: i64, known: i64) -> u64 {
    if affected > 0 && known > 0 {
        known as u64
    } else {
        u64::MAX
    }
}

/// A key's place in the order: integers compared in turn.
pub(super) type Key = [u64; 7];

/// How one place of the keys is written into a short prefix: as the rank
/// of its value among the few the keys have there (a weighted phase or
/// severity: a handful of numbers far apart), or as its value less the
/// smallest, in as many bits as the widest needs.
enum Packing {
    Ranks(Vec<u64>),
    Offset { least: u64, bits: u32 },
}

/// The most values a place can have to be written as ranks.
const FEW: usize = 64;

impl Packing {
    /// Each place written as its offset from the smallest when that takes
    /// at most 16 bits (households, areas, rules), else as ranks when the
    /// keys have few values there, else shortened: the smallest and
    /// largest of every place found in one pass over the keys, the few
    /// values of the wide places in one more.
    fn all(keys: &[Key]) -> [Packing; 7] {
        let (mut least, mut most) = ([u64::MAX; 7], [0u64; 7]);
        for k in keys {
            for place in 0..7 {
                least[place] = least[place].min(k[place]);
                most[place] = most[place].max(k[place]);
            }
        }
        let bits: [u32; 7] =
            std::array::from_fn(|p| u64::BITS - most[p].saturating_sub(least[p]).leading_zeros());
        let mut few: [Option<Vec<u64>>; 7] = std::array::from_fn(|p| (bits[p] > 16).then(Vec::new));
        // The value last found among the few, looked up again only when
        // the next key's differs.
        let mut last: [Option<u64>; 7] = [None; 7];
        for k in keys {
            for place in 0..7 {
                let Some(values) = &mut few[place] else {
                    continue;
                };
                if last[place] == Some(k[place]) {
                    continue;
                }
                if let Err(at) = values.binary_search(&k[place]) {
                    if values.len() == FEW {
                        few[place] = None;
                        continue;
                    }
                    values.insert(at, k[place]);
                }
                last[place] = Some(k[place]);
            }
        }
        std::array::from_fn(|p| match few[p].take() {
            Some(values) => Packing::Ranks(values),
            None => Packing::Offset {
                least: least[p],
                bits: bits[p],
            },
        })
    }

    fn bits(&self) -> u32 {
        match self {
            // Ranks 0 to len − 1.
            Packing::Ranks(few) => u64::BITS - (few.len().saturating_sub(1) as u64).leading_zeros(),
            Packing::Offset { bits, .. } => *bits,
        }
    }

    /// `value` written in [`Packing::bits`] bits, in the same order.
    fn write(&self, value: u64) -> u64 {
        match self {
            Packing::Ranks(few) => few.partition_point(|&v| v < value) as u64,
            Packing::Offset { least, .. } => value - least,
        }
    }
}

/// The numbers of `keys` (0 to len − 1) in the order of the keys. Rather
/// than the keys (56 bytes each, a province has 75,000), a prefix of each
/// in one integer is sorted: the first places of the key written in as
/// few bits as their values need, the last that fits shortened, so that
/// the prefixes are in the keys' order; only keys of equal prefix are then
/// compared whole. A ranking's whole key usually fits, with the number
/// beside it, in one integer: then integers alone are sorted.
pub(super) fn sorted(keys: &[Key]) -> Vec<u32> {
    let mut packings: Vec<(Packing, u32)> = Vec::new();
    let mut left = u64::BITS;
    for packing in Packing::all(keys) {
        if left == 0 {
            break;
        }
        let bits = packing.bits();
        // A place written shortened ends the prefix (no bit is left): the
        // next ones would not be in order under it.
        let shift = bits.saturating_sub(left);
        left -= bits - shift;
        packings.push((packing, shift));
    }
    let mut prefixes = prefixes(keys, &packings);
    // The whole key written with room left for the number: numbers
    // sorted, each a single integer.
    let whole = packings.len() == 7 && packings.iter().all(|&(_, shift)| shift == 0);
    let number_bits = u64::BITS - (keys.len() as u64).leading_zeros();
    if whole && number_bits <= left {
        for (i, x) in prefixes.iter_mut().enumerate() {
            *x = *x << number_bits | i as u64;
        }
        prefixes.sort_unstable();
        let number = (1u64 << number_bits) - 1;
        return prefixes.into_iter().map(|x| (x & number) as u32).collect();
    }
    let mut pairs: Vec<(u64, u32)> = prefixes.into_iter().zip(0..).collect();
    pairs.sort_unstable();
    // Runs of one prefix ordered by their whole keys.
    let mut start = 0;
    while start < pairs.len() {
        let end = start + pairs[start..].partition_point(|p| p.0 == pairs[start].0);
        if end - start > 1 {
            // Equal keys by their numbers, as the integers above are.
            pairs[start..end].sort_unstable_by(|a, b| {
                keys[a.1 as usize]
                    .cmp(&keys[b.1 as usize])
                    .then(a.1.cmp(&b.1))
            });
        }
        start = end;
    }
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// The prefix of each key: its places written by `packings` one after
/// the other, each shifted right as far as its packing says. A place
/// written as ranks is looked up again only when its value differs from
/// the key before's.
fn prefixes(keys: &[Key], packings: &[(Packing, u32)]) -> Vec<u64> {
    let mut last: [Option<(u64, u64)>; 7] = [None; 7];
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let mut acc = 0u64;
        for (place, (packing, shift)) in packings.iter().enumerate() {
            let value = k[place];
            let written = match (packing, last[place]) {
                (Packing::Offset { least, .. }, _) => value - least,
                (Packing::Ranks(_), Some((seen, written))) if seen == value => written,
                (Packing::Ranks(_), _) => {
                    let written = packing.write(value);
                    last[place] = Some((value, written));
                    written
                }
            };
            // Shifted by all 64 bits only when nothing is written before.
            let room = acc.checked_shl(packing.bits() - shift).unwrap_or(0);
            acc = room | written >> shift;
        }
        out.push(acc);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Key, ordered, ordered_int, share_place, sorted};
    use proptest::prelude::*;

    /// Each place of a key drawn from one kind of values, as a ranking's
    /// are: a handful far apart (weighted phases), a few hundred (households
    /// affected), any number (shares), one value, two.
    fn keyed(kinds: &[u8], raw: &[[u64; 7]]) -> Vec<Key> {
        raw.iter()
            .map(|r| {
                let mut k = *r;
                for (place, kind) in kinds.iter().enumerate() {
                    let v = r[place];
                    k[place] = match kind % 6 {
                        0 => (v % 3) << 60,
                        1 => u64::MAX - v % 100,
                        2 => (v % 70) * 1_000_003,
                        3 => v,
                        4 => 7,
                        _ => v % 2,
                    };
                }
                k
            })
            .collect()
    }

    proptest! {
        #[test]
        fn keys_sorted_by_their_prefixes_are_in_the_order_of_the_keys(
            kinds in proptest::collection::vec(any::<u8>(), 7),
            raw in proptest::collection::vec(any::<[u64; 7]>(), 0..400),
        ) {
            let keys = keyed(&kinds, &raw);
            let mut expected = keys.clone();
            expected.sort_unstable();
            let got = sorted(&keys);
            // Equal keys by their numbers.
            let mut numbered: Vec<(Key, u32)> = keys.iter().copied().zip(0..).collect();
            numbered.sort_unstable();
            prop_assert_eq!(&got, &numbered.iter().map(|&(_, i)| i).collect::<Vec<u32>>());
            let got: Vec<Key> = got.iter().map(|&i| keys[i as usize]).collect();
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn shares_of_as_many_households_affected_keep_their_order(
            affected in 0i64..5_000,
            a in -3i64..(1 << 26),
            b in -3i64..(1 << 26),
        ) {
            // As `Project::share`: nothing when no household could tell.
            let share = |known: i64| if known <= 0 { 0.0 } else { affected as f64 / known as f64 };
            let by_share = (!ordered(share(a))).cmp(&!ordered(share(b)));
            prop_assert_eq!(share_place(affected, a).cmp(&share_place(affected, b)), by_share);
        }

        #[test]
        fn keys_keep_the_order_of_numbers(a in any::<f64>(), b in any::<f64>(), m in any::<i64>(), n in any::<i64>()) {
            prop_assert_eq!(ordered(a).cmp(&ordered(b)), a.total_cmp(&b));
            prop_assert_eq!(ordered_int(m).cmp(&ordered_int(n)), m.cmp(&n));
        }
    }
}
