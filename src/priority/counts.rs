//! What the tally counts, read back: households surveyed per area and
//! rule, and the phase of each category in each area.

use std::collections::HashMap;

use super::{Area, NOT_ASKED, Tally, UNTOLD};

impl Tally<'_> {
    /// surveyed[area * rules + rule]: households whose counted interview
    /// was answered with a questionnaire version that has the rule (n).
    pub(super) fn surveyed(&self) -> Vec<i64> {
        let rules = self.rules.len();
        let mut surveyed = vec![0; self.areas.len() * rules];
        for ((asked, _), counts) in self.versions.iter().zip(&self.by_version) {
            for (area, &n) in counts.iter().enumerate() {
                if n > 0 {
                    for &r in asked {
                        surveyed[area * rules + r] += n;
                    }
                }
            }
        }
        surveyed
    }

    /// Households of `area` whose counted interview was answered with a
    /// version that has any of `rules`.
    pub(super) fn surveyed_with(&self, area: usize, rules: &[usize]) -> i64 {
        self.versions
            .iter()
            .zip(&self.by_version)
            .filter(|((asked, _), _)| asked.iter().any(|r| rules.contains(r)))
            .map(|(_, counts)| counts[area])
            .sum()
    }

    /// Phase by `area * categories + category`, and whether anyone in the
    /// area was surveyed for the category.
    pub(super) fn phases(&self) -> (Vec<u8>, Vec<bool>) {
        let cats = self.categories.len();
        let mut counts = vec![[0i64; 6]; self.areas.len() * cats];
        for (slot, &severity) in self.worst.iter().enumerate() {
            if severity == NOT_ASKED || severity == UNTOLD {
                continue;
            }
            let (household, category) = (slot / cats, slot % cats);
            let cell = &mut counts[self.area_of[household] as usize * cats + category];
            cell[0] += 1;
            if severity > 0 {
                cell[usize::from(severity.min(5))] += 1;
            }
        }
        let surveyed = counts.iter().map(|cell| cell[0] > 0).collect();
        let phases = counts
            .iter()
            .map(|cell| {
                let total = cell[0] as f64;
                let mut at_or_above = 0;
                for level in (1..=5).rev() {
                    at_or_above += cell[level];
                    if total > 0.0 && at_or_above as f64 >= self.phase_share * total {
                        return level as u8;
                    }
                }
                1
            })
            .collect();
        (phases, surveyed)
    }

    /// The phase of each category in each area with surveyed households.
    pub fn phase_map(&self) -> HashMap<(Area, String), u8> {
        let (phases, surveyed) = self.phases();
        let cats = self.categories.len();
        let mut out = HashMap::new();
        for (a, area) in self.areas.iter().enumerate() {
            for (c, category) in self.categories.iter().enumerate() {
                if surveyed[a * cats + c] {
                    out.insert((area.clone(), category.to_string()), phases[a * cats + c]);
                }
            }
        }
        out
    }
}
