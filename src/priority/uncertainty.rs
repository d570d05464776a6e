//! Honest uncertainty: a share computed from 4 households is not as sure
//! as one from 400. Each project's share k / (n − unknown) has a 90%
//! Wilson interval, and projects next to each other in the ranking that
//! the ranking could put either way within their intervals share a rank
//! band (`3–5`). Pure.

use super::{Project, Rule};

/// z for a two-sided 90% interval.
const Z90: f64 = 1.644_853_626_951_472_2;

/// The 90% Wilson score interval of `k` successes in `n` trials; the whole
/// range when nothing is known.
pub fn wilson(k: i64, n: i64) -> (f64, f64) {
    if n <= 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k.clamp(0, n) as f64, n as f64);
    let p = k / n;
    let z2 = Z90 * Z90;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z90 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

impl Project {
    /// n − unknown: the surveyed households whose answers could tell.
    pub fn known(&self) -> i64 {
        self.surveyed - self.unknown
    }

    /// The 90% Wilson interval of [`Project::share`].
    pub fn interval(&self) -> (f64, f64) {
        wilson(self.affected, self.known())
    }
}

/// Where a project stands in the county's ranking: its rank, and the band
/// of ranks it shares with the projects it could change places with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub rank: usize,
    /// First and last rank of its band; both `rank` when it stands alone.
    pub band: (usize, usize),
}

impl Standing {
    /// The display columns of [`Standing::band_text`], without writing
    /// it (`–` takes one).
    pub fn band_width(&self) -> usize {
        let digits = |n: usize| crate::text::decimal_width(n as u64);
        match self.band {
            (a, b) if a == b => digits(a),
            (a, b) => digits(a) + 1 + digits(b),
        }
    }

    /// The band as people read it: `3–5`, or `4` alone.
    pub fn band_text(&self) -> String {
        let mut text = String::new();
        self.write_band(&mut text);
        text
    }

    /// [`Standing::band_text`] written at the end of `out`.
    pub fn write_band(&self, out: &mut String) {
        let (first, last) = self.band;
        crate::text::push_integer(out, first);
        if last != first {
            out.push('–');
            crate::text::push_integer(out, last);
        }
    }
}

/// What tells whether two projects could change places: the phase and
/// the severity, which the ranking compares first, and the households
/// affected of those that could tell (the share's interval).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Tie {
    phase: u8,
    severity: u8,
    interval: (f64, f64),
}

impl Tie {
    pub(super) fn of(p: &Project, rules: &[Rule]) -> Tie {
        Tie::new(p.phase, rules[p.rule].severity, (p.affected, p.known()))
    }

    /// The tie of a project of `phase` and `severity`, of `affected`
    /// households of the `known` that could tell.
    pub(super) fn new(phase: u8, severity: u8, (affected, known): (i64, i64)) -> Tie {
        Tie {
            phase,
            severity,
            interval: wilson(affected, known),
        }
    }

    /// Whether projects next to each other in the ranking could change
    /// places: the same phase and severity, and intervals that overlap.
    pub(super) fn with(&self, b: &Tie) -> bool {
        let (ia, ib) = (self.interval, b.interval);
        self.phase == b.phase && self.severity == b.severity && ia.0 <= ib.1 && ib.0 <= ia.1
    }
}

/// The standing of every project of a ranked list (the whole county's):
/// runs of projects each tied with the next ([`Tie::with`]) share one
/// band. Each project's tie is worked out once.
pub fn standings(projects: &[Project], rules: &[Rule]) -> Vec<Standing> {
    let mut out = Vec::with_capacity(projects.len());
    let mut start = 0;
    let mut ties = (projects.iter().map(|p| Tie::of(p, rules)))
        .enumerate()
        .peekable();
    while let Some((i, tie)) = ties.next() {
        let run_ends = ties.peek().is_none_or(|(_, next)| !tie.with(next));
        if run_ends {
            for rank in start + 1..=i + 1 {
                out.push(Standing {
                    rank,
                    band: (start + 1, i + 1),
                });
            }
            start = i + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_band_is_measured_as_it_is_written() {
        use unicode_width::UnicodeWidthStr;
        for band in [
            (0, 0),
            (1, 1),
            (9, 10),
            (3, 5),
            (99, 100),
            (1, 74_590),
            (12_345, 12_345),
        ] {
            let s = Standing { rank: band.0, band };
            assert_eq!(s.band_width(), s.band_text().width(), "{band:?}");
        }
    }

    #[test]
    fn the_interval_narrows_as_households_are_surveyed() {
        let (low, high) = wilson(2, 4);
        assert!(
            (low - 0.182).abs() < 0.001 && (high - 0.818).abs() < 0.001,
            "{low} {high}"
        );
        let (low, high) = wilson(200, 400);
        assert!(
            (low - 0.459).abs() < 0.001 && (high - 0.541).abs() < 0.001,
            "{low} {high}"
        );
        assert_eq!(wilson(0, 0), (0.0, 1.0));
        let (low, high) = wilson(0, 10);
        assert_eq!(low, 0.0);
        assert!(high > 0.0 && high < 0.25);
        let (low, high) = wilson(10, 10);
        assert_eq!(high, 1.0);
        assert!(low > 0.75);
    }
}
