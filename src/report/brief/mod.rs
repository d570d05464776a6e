//! The brief for the joint meeting on people's conditions (民情分析联席会议):
//! what a round found, read once from the database into a [`Brief`], and
//! laid out as an Excel workbook ([`xlsx`]) or a printable page ([`html`]).
//! Layout only: the numbers are those of the ranking, the coverage and
//! the follow-up, summed here per township.

pub mod html;
pub mod xlsx;

use crate::i18n::Lang;
use crate::priority::uncertainty::Standing;
use crate::priority::{AreaSummary, Project, at_each_phase, category_name};
use crate::report::coverage::CoverageRow;
use crate::store::priorities::{Perceived, PriorityInput};
use crate::store::project::Status;

/// Everything the brief shows, read once.
pub struct Brief {
    pub lang: Lang,
    /// The round ranked, and the one before it (for the trend).
    pub round: Option<String>,
    pub before: Option<String>,
    /// The township the brief is limited to, if any.
    pub township: Option<String>,
    /// The database's file name, and when the brief was made (Beijing time).
    pub database: String,
    pub made: String,
    /// The weights of a weighted ranking, as written.
    pub weights: Option<String>,
    pub input: PriorityInput,
    /// The ranked projects (of the township, when limited), with where
    /// each stands in the county and what its households said.
    pub projects: Vec<Project>,
    pub standings: Vec<Standing>,
    pub perceived: Vec<Perceived>,
    /// Per project: households affected now minus in the round before
    /// (a project none then counts from 0; `None`: no round before).
    pub trend: Vec<Option<i64>>,
    /// Per project: its follow-up status in the round, and the amount.
    pub follow: Vec<Option<Followed>>,
    /// Per project: the earlier round in which it was done, when this
    /// round still finds its households in need.
    pub done_earlier: Vec<Option<String>>,
    /// Coverage per cadre and per village, a total last.
    pub cadres: Vec<CoverageRow>,
    pub villages: Vec<CoverageRow>,
    /// (questionnaire, version) of every version stored.
    pub versions: Vec<(String, String)>,
}

/// A project's follow-up status in the round, and the amount (yuan).
pub type Followed = (Status, Option<f64>);

/// One line of the summary: a township, or the county (`place` empty).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryLine {
    pub place: String,
    pub villages: i64,
    pub registered: i64,
    pub surveyed: i64,
    pub urgent: i64,
    /// Projects proposed (ranked), and of them approved (or further),
    /// funded (or done) and done; dropped ones are none of those.
    pub proposed: i64,
    pub approved: i64,
    pub funded: i64,
    pub done: i64,
    /// Estimated cost of the projects proposed, and the amounts of those
    /// approved or further.
    pub estimated: f64,
    pub approved_amount: f64,
}

impl SummaryLine {
    /// surveyed / registered.
    pub fn coverage(&self) -> f64 {
        if self.registered == 0 {
            0.0
        } else {
            self.surveyed as f64 / self.registered as f64
        }
    }
}

/// The phases a village can be at.
pub const PHASES: [u8; 5] = [1, 2, 3, 4, 5];

impl Brief {
    /// The villages shown: the township's, or all.
    pub fn areas(&self) -> impl Iterator<Item = &AreaSummary> {
        self.input
            .areas
            .iter()
            .filter(|a| self.township.as_ref().is_none_or(|t| a.area.township == *t))
    }

    /// The townships shown, in name order.
    pub fn townships(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.areas().map(|a| a.area.township.as_str()).collect();
        out.dedup();
        out
    }

    /// The categories of the rules, in the rules' order.
    pub fn categories(&self) -> Vec<&str> {
        crate::report::villages::categories(&self.input.rules)
    }

    /// A category by name in the brief's language.
    pub fn category_name<'a>(&self, category: &'a str) -> &'a str {
        category_name(category, self.lang)
    }

    /// One line per township, then the county's (or the township's own
    /// total when limited to one).
    pub fn summary(&self) -> Vec<SummaryLine> {
        let mut lines: Vec<SummaryLine> = self
            .townships()
            .into_iter()
            .map(|t| SummaryLine {
                place: t.to_string(),
                ..SummaryLine::default()
            })
            .collect();
        let mut total = SummaryLine::default();
        for a in self.areas() {
            for line in lines
                .iter_mut()
                .filter(|l| l.place == a.area.township)
                .chain([&mut total])
            {
                line.villages += 1;
                line.registered += a.registered;
                line.surveyed += a.surveyed;
                line.urgent += a.urgent;
            }
        }
        for (i, p) in self.projects.iter().enumerate() {
            let status = self.follow[i];
            for line in lines
                .iter_mut()
                .filter(|l| l.place == p.area.township)
                .chain([&mut total])
            {
                line.proposed += 1;
                line.estimated += p.cost.unwrap_or(0.0);
                if let Some((s, amount)) = status {
                    let (approved, funded, done) = match s {
                        Status::Approved => (1, 0, 0),
                        Status::Funded => (1, 1, 0),
                        Status::Done => (1, 1, 1),
                        Status::Dropped => (0, 0, 0),
                    };
                    line.approved += approved;
                    line.funded += funded;
                    line.done += done;
                    if approved > 0 {
                        line.approved_amount += amount.unwrap_or(0.0);
                    }
                }
            }
        }
        lines.push(total);
        lines
    }

    /// For each category, the villages (of `township`, or all shown) at
    /// each phase, 1 to 5.
    pub fn phase_counts(&self, township: Option<&str>) -> Vec<(&str, [i64; 5])> {
        self.categories()
            .into_iter()
            .map(|c| {
                let areas = self
                    .areas()
                    .filter(|a| township.is_none_or(|t| a.area.township == t));
                (c, at_each_phase(areas, c))
            })
            .collect()
    }

    /// The estimated cost of the projects shown, per category, in the
    /// categories' order.
    pub fn cost_by_category(&self) -> Vec<(&str, f64)> {
        let rules = &self.input.rules;
        self.categories()
            .into_iter()
            .map(|c| {
                let cost = self
                    .projects
                    .iter()
                    .filter(|p| rules[p.rule].category == c)
                    .filter_map(|p| p.cost)
                    .sum();
                (c, cost)
            })
            .collect()
    }

    /// The project's label in the brief's language.
    pub fn project_label(&self, p: &Project) -> String {
        crate::report::priorities::project_label(&self.input.rules[p.rule], self.lang)
    }

    /// The low-reliability villages of `township` (all shown for `None`):
    /// few households surveyed, or fewer than half the registered.
    pub fn unreliable(&self, township: Option<&str>) -> Vec<&AreaSummary> {
        self.areas()
            .filter(|a| township.is_none_or(|t| a.area.township == t))
            .filter(|a| a.low_reliability())
            .collect()
    }

    /// `zh` or `en`, in the brief's language.
    pub fn say<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// The follow-up status in words.
    pub fn status_text(&self, i: usize) -> String {
        match (self.follow[i], &self.done_earlier[i]) {
            (Some((s, _)), _) => s.name().get(self.lang).to_string(),
            (None, Some(round)) => format!(
                "{}({round})",
                self.say("已完工但仍存在", "done, need persists ")
            ),
            (None, None) => String::new(),
        }
    }

    /// The titles of the summary's columns, one per field of
    /// [`SummaryLine`] in order.
    pub fn summary_headers(&self) -> Vec<&'static str> {
        [
            ("乡镇", "township"),
            ("村数", "villages"),
            ("登记户数", "registered"),
            ("调查户数", "surveyed"),
            ("覆盖率", "coverage"),
            ("急难户数(每户一次)", "urgent households (each once)"),
            ("提出项目", "proposed"),
            ("已批准", "approved"),
            ("已拨款", "funded"),
            ("已完工", "done"),
            ("估算费用(元)", "estimated cost (yuan)"),
            ("批准金额(元)", "approved amount (yuan)"),
        ]
        .iter()
        .map(|&(zh, en)| self.lang.pick(zh, en))
        .collect()
    }

    /// Where the brief comes from and when it was made.
    pub fn made_line(&self) -> String {
        format!(
            "{} {} · {} {}",
            self.say("数据库", "database"),
            self.database,
            self.say("生成于", "made"),
            self.made
        )
    }

    /// That the ranking is weighted, and how, when it is.
    pub fn weights_line(&self) -> Option<String> {
        let said = self.say(
            "按权重排序(不是默认方法):",
            "weighted ranking (not the documented method): ",
        );
        self.weights.as_ref().map(|w| format!("{said}{w}"))
    }

    /// A title line: what, which round, where.
    pub fn title(&self) -> String {
        let mut title = self
            .say(
                "民情分析联席会议简报",
                "Brief for the joint meeting on people's conditions",
            )
            .to_string();
        if let Some(round) = &self.round {
            title.push_str(&format!(" · {}{round}", self.say("轮次 ", "round ")));
        }
        if let Some(t) = &self.township {
            title.push_str(&format!(" · {t}"));
        }
        title
    }
}
