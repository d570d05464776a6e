//! Which ranked projects a planner looks at: one category, one township,
//! the first N. The policy lives here so that the command line, the
//! exports and the app filter the same way; they only say what was asked.
//!
//! A filter never re-ranks: projects keep the order of [`super::rank`],
//! and `top` counts the projects that pass the other conditions.
//!
//! ```
//! use minqing::priority::Filter;
//! # use minqing::priority::{rank, By, Household, Observation, Rule};
//! # let (households, rules, observations): (Vec<Household>, Vec<Rule>, Vec<Observation>) =
//! #     (Vec::new(), Vec::new(), Vec::new());
//! let projects = rank(&households, &rules, &observations, By::Village);
//! let filter = Filter::default().category("water").township("勐烈镇").top(10);
//! // A list that keeps every project (the app) shows the places of those
//! // that pass, in rank order…
//! let visible: Vec<usize> = filter.visible(&projects, &rules);
//! // …a command keeps only those.
//! let shown = filter.apply(projects, &rules);
//! assert_eq!(visible.len(), shown.len());
//! ```

use super::{Project, Rule};

/// What to keep of a ranked list. The default keeps everything; each
/// builder method adds a condition. Fields are private so that a condition
/// (a round, say) can be added without breaking any caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    category: Option<String>,
    township: Option<String>,
    top: Option<usize>,
}

impl Filter {
    /// Only projects of rules of `category` (such as `water`).
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// Only projects in `township`.
    pub fn township(mut self, township: impl Into<String>) -> Self {
        self.township = Some(township.into());
        self
    }

    /// Only the first `n` projects that pass the other conditions.
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    /// The number of projects shown when only the first are asked for
    /// (no category, no township): all a list needs of the ranking.
    pub fn only_first(&self) -> Option<usize> {
        match (&self.category, &self.township) {
            (None, None) => self.top,
            _ => None,
        }
    }

    /// Whether every project passes: no condition was asked for.
    pub fn keeps_all(&self) -> bool {
        *self == Filter::default()
    }

    /// The category asked for, if any.
    pub fn category_name(&self) -> Option<&str> {
        self.category.as_deref()
    }

    /// The township asked for, if any.
    pub fn township_name(&self) -> Option<&str> {
        self.township.as_deref()
    }

    /// Whether `project` (whose rule is in `rules`) passes the category
    /// and township conditions; `top` is a matter of the whole list.
    pub fn matches(&self, project: &Project, rules: &[Rule]) -> bool {
        self.category
            .as_ref()
            .is_none_or(|c| rules[project.rule].category == *c)
            && self
                .township
                .as_ref()
                .is_none_or(|t| project.area.township == *t)
    }

    /// The places in `projects` (ranked) of those that pass, in rank order.
    pub fn visible(&self, projects: &[Project], rules: &[Rule]) -> Vec<usize> {
        (0..projects.len())
            .filter(|&i| self.matches(&projects[i], rules))
            .take(self.top.unwrap_or(usize::MAX))
            .collect()
    }

    /// The projects of `projects` (ranked) that pass, in rank order.
    pub fn apply(&self, mut projects: Vec<Project>, rules: &[Rule]) -> Vec<Project> {
        projects.retain(|p| self.matches(p, rules));
        if let Some(top) = self.top {
            projects.truncate(top);
        }
        projects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::priority::Area;

    #[test]
    fn a_list_keeps_all_only_when_nothing_is_asked_for() {
        assert!(Filter::default().keeps_all());
        assert!(!Filter::default().top(20).keeps_all());
        assert!(!Filter::default().category("water").keeps_all());
        assert!(!Filter::default().township("勐烈镇").keeps_all());
    }

    #[test]
    fn only_the_first_are_asked_for_without_a_category_or_a_township() {
        assert_eq!(Filter::default().top(20).only_first(), Some(20));
        assert_eq!(Filter::default().only_first(), None);
        assert_eq!(
            Filter::default().top(20).category("water").only_first(),
            None
        );
        assert_eq!(
            Filter::default().top(20).township("勐烈镇").only_first(),
            None
        );
    }

    fn rule(name: &str, category: &str) -> Rule {
        Rule {
            survey: "s".into(),
            name: name.into(),
            category: category.into(),
            severity: 3,
            project: None,
            unit_cost: None,
            per_person: false,
        }
    }

    fn project(township: &str, rule: usize) -> Project {
        Project {
            area: std::sync::Arc::new(Area {
                township: township.into(),
                village: "v".into(),
                group: String::new(),
            }),
            rule,
            also: Vec::new(),
            affected: 1,
            households: vec![0],
            surveyed: 1,
            registered: 1,
            people: 1,
            phase: 3,
            cost: None,
            persons: None,
            unknown: 0,
            perceived: None,
        }
    }

    #[test]
    fn a_filter_keeps_rank_order_and_counts_top_after_the_conditions() {
        let rules = [rule("far", "water"), rule("cracks", "housing")];
        let projects = vec![
            project("A", 0),
            project("B", 0),
            project("A", 1),
            project("A", 0),
            project("B", 1),
        ];
        assert_eq!(
            Filter::default().visible(&projects, &rules),
            [0, 1, 2, 3, 4]
        );
        let water = Filter::default().category("water");
        assert_eq!(water.visible(&projects, &rules), [0, 1, 3]);
        let water_a = water.clone().township("A");
        assert_eq!(water_a.visible(&projects, &rules), [0, 3]);
        assert_eq!(water_a.clone().top(1).visible(&projects, &rules), [0]);
        let kept = Filter::default()
            .township("B")
            .top(5)
            .apply(projects.clone(), &rules);
        assert_eq!(kept, [projects[1].clone(), projects[4].clone()]);
        assert!(Filter::default().top(0).apply(projects, &rules).is_empty());
        assert_eq!(water_a.category_name(), Some("water"));
        assert_eq!(water_a.township_name(), Some("A"));
        assert!(
            Filter::default()
                .category("roads")
                .visible(&[], &rules)
                .is_empty()
        );
    }
}
