//! The method a ranking follows: the documented one, or what a meeting
//! chooses instead (another phase threshold, weighted categories).

use super::PHASE_SHARE;

/// How projects are ranked: the documented method (phases at 20%, no
/// weights), or what a meeting chooses instead.
#[derive(Clone, Debug, PartialEq)]
pub struct RankMethod {
    pub phase_share: f64,
    /// Categories and their weights; a category not named weighs 1.
    pub weights: Vec<(String, f64)>,
}

impl Default for RankMethod {
    fn default() -> Self {
        RankMethod {
            phase_share: PHASE_SHARE,
            weights: Vec::new(),
        }
    }
}

impl RankMethod {
    pub fn weight(&self, category: &str) -> f64 {
        self.weights
            .iter()
            .find(|(c, _)| c == category)
            .map_or(1.0, |(_, w)| *w)
    }

    /// The weights as written: `water=1.5,housing=1.2`.
    pub fn weights_text(&self) -> String {
        let parts: Vec<String> = self
            .weights
            .iter()
            .map(|(c, w)| format!("{c}={w}"))
            .collect();
        parts.join(",")
    }
}
