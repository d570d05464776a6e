//! The planners' commands: `priorities`, `explain` and `export`.

use std::path::Path;

use super::project::Follow;
use super::{CliError, PriorityArgs};
use crate::i18n::{Lang, Tr};
use crate::interview::display_answer;
use crate::priority::budget::{self, Choice, Method};
use crate::priority::uncertainty::{Standing, standings};
use crate::priority::{By, Filter, Project, RankMethod, category_name, why_ranked};
use crate::report::priorities::{Column, PriorityRow, project_label};
use crate::report::table;
use crate::store::priorities::{Asked, Explanation, Perceived, PriorityInput};
use crate::store::{Store, StoreError};
use crate::tr;

pub(super) fn open(db: &Path, lang: Lang) -> Result<Store, Tr> {
    super::open_db(db, lang, super::Open::Existing)
}

/// The filter the arguments ask for.
pub fn filter(args: &PriorityArgs) -> Filter {
    let mut filter = Filter::default();
    if let Some(c) = &args.category {
        filter = filter.category(c.as_str());
    }
    if let Some(t) = &args.township {
        filter = filter.township(t.as_str());
    }
    if let Some(n) = args.top {
        filter = filter.top(n);
    }
    filter
}

/// The ranked projects the arguments ask for, with where each stands in
/// the county, and the budget's choice over them.
pub struct Ranked {
    pub input: PriorityInput,
    /// Filtered, in rank order.
    pub projects: Vec<Project>,
    /// Each project's county rank and band, filters aside.
    pub standings: Vec<Standing>,
    /// What each project's affected households said of its urgency, once
    /// read ([`Ranked::perceive`]); empty before.
    pub perceived: Vec<Perceived>,
    pub choice: Option<Choice>,
}

/// How the arguments ask projects to be ranked.
pub fn method(args: &PriorityArgs) -> RankMethod {
    RankMethod {
        weights: args.weights.clone().map(|w| w.0).unwrap_or_default(),
        ..RankMethod::default()
    }
}

/// The ranked, filtered projects and the budget choice over them, with
/// each area at a glance. A weight for a category no rule has is
/// refused, with those there are.
pub fn ranked(store: &Store, args: &PriorityArgs) -> Result<Ranked, Tr> {
    ranked_with(store, args, true)
}

/// [`ranked`], with each area at a glance only when `areas`.
fn ranked_with(store: &Store, args: &PriorityArgs, areas: bool) -> Result<Ranked, Tr> {
    let said = |e: StoreError| e.at(store.path()).message();
    let round = store.round_or_ranked(args.round.as_deref()).map_err(said)?;
    let method = method(args);
    // Only the first projects shown: the others need not be made (their
    // order is still known, so each one's county rank and band are too);
    // a budget chooses among them all.
    let shown = filter(args);
    let first = shown.only_first().filter(|_| args.budget.is_none());
    let (input, mut all) = store
        .priorities_first(
            round.as_ref(),
            (args.include_drafts, args.by.into()),
            &method,
            Asked { first, areas },
        )
        .map_err(said)?;
    for (category, _) in &method.weights {
        if !input.rules.iter().any(|r| r.category == *category) {
            let mut known: Vec<&str> = input.rules.iter().map(|r| r.category.as_str()).collect();
            known.sort_unstable();
            known.dedup();
            let known = known.join(", ");
            return Err(tr!(
                "没有类别“{category}”;可加权的类别:{known}",
                "there is no category '{category}'; the categories are: {known}"
            ));
        }
    }
    let every = standings(&all, &input.rules);
    // The whole list, as it is most often asked for, kept as it was made.
    let (projects, standings) = if shown.keeps_all() {
        (all, every)
    } else {
        let shown = shown.visible(&all, &input.rules);
        let standings: Vec<Standing> = shown.iter().map(|&i| every[i]).collect();
        let mut keep = vec![false; all.len()];
        for &i in &shown {
            keep[i] = true;
        }
        let mut n = 0;
        all.retain(|_| {
            n += 1;
            keep[n - 1]
        });
        (all, standings)
    };
    let choice = args
        .budget
        .map(|b| budget::choose(&projects, &input.rules, b));
    Ok(Ranked {
        input,
        projects,
        standings,
        perceived: Vec::new(),
        choice,
    })
}

impl Ranked {
    /// Reads what each project's affected households said of its urgency.
    pub fn perceive(&mut self, store: &Store) -> Result<(), StoreError> {
        self.perceived = store.perceived(&self.input, &self.projects)?;
        Ok(())
    }
}

/// Says which round is ranked, on standard error beside the database's
/// name.
pub(super) fn say_round(input: &PriorityInput, lang: Lang) {
    if let Some(round) = &input.round {
        let name = &round.name;
        eprintln!("{}", tr!("轮次:{name}", "round: {name}").get(lang));
    }
}

pub fn priorities(db: &Path, args: &PriorityArgs, lang: Lang) -> Result<(), CliError> {
    let store = open(db, lang)?;
    // The areas at a glance only for the village list.
    let mut ranked = ranked_with(&store, args, args.villages)?;
    // The households' own view: carried by each project ranked from the
    // kept counts; otherwise read for a list of a few thousand households
    // at most (through the index, household by household), since a longer
    // list would read every interview of the round. The export and the
    // brief always read it.
    let few = store
        .perceived_if_few(&ranked.input, &ranked.projects)
        .map_err(CliError::store(db))?;
    if let Some(perceived) = few {
        ranked.perceived = perceived;
    } else if !args.villages {
        let most = crate::store::priorities::FEW_HOUSEHOLDS;
        eprintln!(
            "{}",
            tr!(
                "“自认为急的比例”只在列表涉及不超过 {most} 户时列出:用 --top、--township 或 --category 缩小,或用 export priorities 导出",
                "'called it urgent' is shown for lists of at most {most} households: narrow it with --top, --township or --category, or export priorities"
            )
            .get(lang)
        );
    }
    let Ranked {
        input,
        projects,
        standings,
        perceived,
        choice,
    } = ranked;
    say_round(&input, lang);
    if args.villages {
        if args.by == ByArg::Group {
            return Err(CliError::Usage(tr!(
                "--villages 每村一行,按乡镇汇总可加 --by township;不能按组",
                "--villages gives a row per village (or per township with --by township), not per group"
            )));
        }
        let areas = crate::report::villages::of_township(&input.areas, args.township.as_deref());
        let table = crate::report::villages::table(areas, &input.rules, lang);
        return Ok(super::write_stdout(&table)?);
    }
    let method = method(args);
    if !method.weights.is_empty() {
        super::write_stdout(&format!("{}\n", weighted_header(&method).get(lang)))?;
    }
    let follow = super::project::follow_texts(&store, &input, lang).map_err(CliError::store(db))?;
    priorities_table(
        (&input, &projects, &standings, &perceived),
        (choice.as_ref(), &follow),
        args.by,
        lang,
    )?;
    let n = projects.len();
    eprintln!("{}", tr!("共 {n} 个项目", "{n} project(s)").get(lang));
    let mut out = choice.map_or_else(String::new, |c| budget_text(&c, lang));
    if args.sensitivity {
        out.push_str(&super::sensitivity::text(&store, args, lang).map_err(CliError::store(db))?);
    }
    // The command ends here: the process gives its memory back whole,
    // rather than freeing every household one by one.
    std::mem::forget((input, projects));
    Ok(super::write_stdout(&out)?)
}

/// What every output made with weights says first.
pub fn weighted_header(method: &RankMethod) -> Tr {
    let weights = method.weights_text();
    tr!(
        "按权重排序(联席会议选择,不是默认方法):{weights}",
        "weighted ranking (chosen by the meeting, not the documented method): {weights}"
    )
}

/// What the affected households said of the urgency themselves.
pub fn perceived_text(said: &Perceived) -> Tr {
    let (u, a) = (said.urgent, said.answered);
    let share = said.share().unwrap_or(0.0) * 100.0;
    tr!(
        "农户自己的看法:受影响户中 {u}/{a} 户认为急(比较急或更急),{share:.0}%\n",
        "the households' own view: {u} of {a} affected households called it urgent (fairly urgent or worse), {share:.0}%\n"
    )
}

/// How sure a project's share is, and the ranks it could hold.
fn certainty(project: &Project, band: &str) -> Tr {
    let (low, high) = project.interval();
    let (share, low, high) = (project.share() * 100.0, low * 100.0, high * 100.0);
    tr!(
        "比例 {share:.0}%,90% 区间 {low:.0}%–{high:.0}%;名次带 {band}(区间重叠、可能互换位置的项目名次相同)\n",
        "share {share:.0}%, 90% interval {low:.0}%–{high:.0}%; rank band {band} (projects whose intervals overlap could change places)\n"
    )
}

/// The terminal table of the ranked projects, written to standard output:
/// every column but the rule id, the group only when grouping by group,
/// the village unless grouping by township.
fn priorities_table(
    (input, projects, standings, perceived): (
        &PriorityInput,
        &[Project],
        &[Standing],
        &[Perceived],
    ),
    (choice, follow): (Option<&Choice>, &Follow),
    by: ByArg,
    lang: Lang,
) -> Result<(), Tr> {
    // The county rank when a filter makes it differ; the band when a
    // project shares one; the interval in one column (`Low`).
    let filtered = standings.iter().enumerate().any(|(n, s)| s.rank != n + 1);
    let banded = standings.iter().any(|s| s.band.0 != s.band.1);
    let columns: Vec<Column> = Column::all(choice.is_some())
        .iter()
        .copied()
        .filter(|&c| match c {
            Column::Rule | Column::High => false,
            Column::CountyRank => filtered,
            Column::Band => banded,
            Column::Group => by == ByArg::Group,
            Column::Village => by != ByArg::Township,
            // Shown when a project has them: most questionnaires never do.
            Column::Unknown => projects.iter().any(|p| p.unknown > 0),
            Column::Persons => projects.iter().any(|p| p.persons.is_some()),
            Column::Urgent => (perceived.iter())
                .chain(projects.iter().filter_map(|p| p.perceived.as_ref()))
                .any(|u| u.answered > 0),
            _ => true,
        })
        .collect();
    let mut headers: Vec<&str> = columns
        .iter()
        .map(|&c| match (c, lang) {
            (Column::Low, Lang::Zh) => "90%区间",
            (Column::Low, Lang::En) => "90% interval",
            _ => c.header(lang),
        })
        .collect();
    let right: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i].is_number())
        .collect();
    // The follow-up of a project, when any has one.
    let follow = (!follow.is_empty()).then_some(follow);
    if follow.is_some() {
        headers.push(match lang {
            Lang::Zh => "跟进",
            Lang::En => "follow-up",
        });
    }
    // Every cell written into one text: a province's million cells are
    // not a million strings.
    let rules = &input.rules;
    let grid = table::Grid::in_parts(headers.len(), projects.len(), |rows, grid| {
        let lists = (projects, standings, perceived);
        for row in PriorityRow::some(lists, rules, choice, rows) {
            for &c in &columns {
                match row.integer(c) {
                    Some(n) => grid.push_integer(n),
                    None => grid.push_with(|out| row.write_text(c, lang, out)),
                }
            }
            if let Some(follow) = follow {
                let text =
                    crate::store::project::follow_of(follow, row.project, rules, |(s, _)| *s);
                grid.push(text.map_or("", |(_, t)| t.as_str()));
            }
        }
    });
    super::write_stdout_with(|out| grid.write_to(&headers, &right, out))
}

/// What the budget chose, how, and what it could not cost.
fn budget_text(c: &Choice, lang: Lang) -> String {
    let mut out = String::new();
    let funded = c.funded.len();
    let (cost, benefit, left) = (c.cost, c.benefit, c.remaining);
    let method = match (c.method, lang) {
        (Method::Exact, Lang::Zh) => "精确(0-1 背包)",
        (Method::Exact, Lang::En) => "exact (0-1 knapsack)",
        (Method::Greedy, Lang::Zh) => "贪心(按每元效益)",
        (Method::Greedy, Lang::En) => "greedy (benefit per yuan)",
    };
    let ranks: Vec<String> = c.funded.iter().map(|i| (i + 1).to_string()).collect();
    let ranks = ranks.join(", ");
    out.push_str(&format!(
        "{}\n",
        tr!(
            "预算:资助 {funded} 个项目(排序 {ranks}),费用 {cost:.0} 元,效益 {benefit}(受益户 ×(严重程度 − 2)),剩余 {left:.0} 元;方法:{method}",
            "budget: {funded} project(s) funded (ranks {ranks}), cost {cost:.0} yuan, benefit {benefit} (households × (severity − 2)), {left:.0} yuan left; method: {method}"
        )
        .get(lang)
    ));
    if !c.uncosted.is_empty() {
        let u = c.uncosted.len();
        let ranks: Vec<String> = c.uncosted.iter().map(|i| (i + 1).to_string()).collect();
        let ranks = ranks.join(", ");
        out.push_str(&format!(
            "{}\n{}\n",
            tr!(
                "没有费用估算的项目(排序):{ranks}",
                "projects without a cost estimate (ranks): {ranks}"
            )
            .get(lang),
            tr!(
                "{u} 个项目没有费用估算,未参与预算",
                "{u} project(s) have no cost estimate and were not considered"
            )
            .get(lang)
        ));
    }
    out
}

/// `explain VILLAGE NEED`, counting drafts or not, in a round or the
/// one ranked.
pub fn explain(
    db: &Path,
    (village, need): (&str, &str),
    (include_drafts, round): (bool, Option<&str>),
    lang: Lang,
) -> Result<(), CliError> {
    let text = explain_text(db, (village, need), (include_drafts, round), lang)?;
    Ok(super::write_stdout(&text)?)
}

fn explain_text(
    db: &Path,
    (village, need): (&str, &str),
    (include_drafts, round): (bool, Option<&str>),
    lang: Lang,
) -> Result<String, CliError> {
    let store = open(db, lang)?;
    let (input, projects) = store
        .round_or_ranked(round)
        .and_then(|round| store.priorities(round.as_ref(), include_drafts, By::Village))
        .map_err(CliError::store(db))?;
    say_round(&input, lang);
    let (position, project) = find_project(&input, &projects, village, need)?;
    let rule = &input.rules[project.rule];
    let mut out = String::new();
    let label = project_label(rule, lang);
    let (rank, sev, phase, k, n, big_n, people) = (
        position + 1,
        rule.severity,
        project.phase,
        project.affected,
        project.surveyed,
        project.registered,
        project.people,
    );
    let survey = &rule.survey;
    let name = project
        .rules()
        .map(|r| input.rules[r].name.as_str())
        .collect::<Vec<_>>()
        .join("+");
    // The village with its township: names repeat across townships.
    let place = format!("{} {}", project.area.township, project.area.village);
    let category_zh = category_name(&rule.category, Lang::Zh);
    let category_en = category_name(&rule.category, Lang::En);
    out.push_str(
        tr!(
            "排序 {rank}:{place} · {label}\n规则 {survey}.{name}(类别 {category_zh},严重程度 {sev},该村此类别阶段 {phase})\n受影响 {k} 户 / 调查 {n} 户 / 登记 {big_n} 户,受影响人口 {people}\n",
            "rank {rank}: {place} · {label}\nrule {survey}.{name} (category {category_en}, severity {sev}, phase of the category here {phase})\n{k} households affected of {n} surveyed, {big_n} registered; {people} people affected\n"
        )
        .get(lang),
    );
    // How sure the share is, and the ranks the project could hold.
    let band = standings(&projects, &input.rules)[position].band_text();
    out.push_str(certainty(project, &band).get(lang));
    out.push_str(&notes(&store, &input, project, lang).map_err(CliError::store(db))?);
    let explanation = store
        .explain(&input, project)
        .map_err(CliError::store(db))?;
    let (words, w) = (explanation.in_words.get(lang), &explanation.when);
    out.push_str(
        tr!(
            "条件:{words}\n(问卷中写作 {w})\n",
            "when: {words}\n(written in the questionnaire as {w})\n"
        )
        .get(lang),
    );
    let why = why_ranked(&rule.category, project.phase, rule.severity);
    out.push_str(&format!("{}\n\n", why.get(lang)));
    out.push_str(&explanation_table(&explanation, lang));
    Ok(out)
}

/// What an explanation says beyond the counts: persons for a rule counted
/// per person, the rules sharing the project, the households' own view,
/// and the households whose answer cannot tell.
fn notes(
    store: &Store,
    input: &PriorityInput,
    project: &Project,
    lang: Lang,
) -> Result<String, StoreError> {
    let mut out = String::new();
    if let Some(persons) = project.persons {
        out.push_str(
            tr!(
                "此规则按人计:受影响 {persons} 人\n",
                "this rule is counted per person: {persons} persons affected\n"
            )
            .get(lang),
        );
    }
    if !project.also.is_empty() {
        out.push_str(
            tr!(
                "这些规则共用一个项目:一户只计一次,费用按其中最高的单价\n",
                "these rules share one project: a household is counted once, the cost at the highest of their unit costs\n"
            )
            .get(lang),
        );
    }
    let perceived = store.perceived(input, std::slice::from_ref(project))?;
    if let Some(said) = perceived.first().filter(|p| p.answered > 0) {
        out.push_str(perceived_text(said).get(lang));
    }
    let unknown = project.unknown;
    if unknown > 0 {
        out.push_str(
            tr!(
                "无法判断 {unknown} 户(回答了“不知道”或拒绝回答),不计入比例\n",
                "{unknown} households cannot be told (they answered \"don't know\" or refused); they are left out of the share\n"
            )
            .get(lang),
        );
    }
    Ok(out)
}

/// The one village project of rule `need` (`rule` or `survey.rule`) in
/// `village` (`village` or `township/village`), with its place in the
/// ranking.
fn find_project<'p>(
    input: &PriorityInput,
    projects: &'p [Project],
    village: &str,
    need: &str,
) -> Result<(usize, &'p Project), Tr> {
    // A shared project's id (`survey.a+b`) names it by its first rule.
    let need = need.split('+').next().unwrap_or(need);
    let (survey_filter, need_name) = match need.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, need),
    };
    let (township_filter, village_name) = match village.split_once('/') {
        Some((t, v)) => (Some(t), v),
        None => (None, village),
    };
    let found: Vec<(usize, &Project)> = projects
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.area.village == village_name
                && township_filter.is_none_or(|t| p.area.township == t)
                && p.rules().any(|r| {
                    let r = &input.rules[r];
                    r.name == need_name && survey_filter.is_none_or(|s| r.survey == s)
                })
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(tr!(
            "{village} 没有规则 {need} 的项目(没有农户触发它,或名称有误)",
            "{village} has no project for rule {need} (no household fired it, or a name is wrong)"
        )),
        _ => Err(tr!(
            "有多个匹配;请写成 乡镇/村 和 问卷.规则",
            "more than one match; write township/village and survey.rule"
        )),
    }
}

/// The households of an explanation with the answers its rule read, a
/// choice shown with its label.
fn explanation_table(explanation: &Explanation, lang: Lang) -> String {
    let mut headers: Vec<String> = match lang {
        Lang::Zh => vec!["户编码".into(), "户主".into(), "人口".into()],
        Lang::En => vec!["code".into(), "head".into(), "members".into()],
    };
    let per_person = explanation.rows.iter().any(|r| r.persons.is_some());
    if per_person {
        headers.push(tr!("受影响人数", "persons").get(lang).to_string());
    }
    headers.extend(explanation.questions.iter().cloned());
    let rows: Vec<Vec<String>> = explanation
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![r.code.clone(), r.head.clone(), r.members.to_string()];
            if per_person {
                row.push(r.persons.map_or(String::new(), |p| p.to_string()));
            }
            row.extend(r.values.iter().map(|(q, v)| {
                match v {
                    Some(v)
                        if r.survey
                            .question(q)
                            .is_some_and(|q| !r.survey.choices_of(q).is_empty()) =>
                    {
                        format!("{v}({})", display_answer(&r.survey, q, v, lang))
                    }
                    Some(v) => v.clone(),
                    None => String::new(),
                }
            }));
            row
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let right: &[usize] = if per_person { &[2, 3] } else { &[2] };
    table::render(&header_refs, &rows, right)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    Village,
    Group,
    Township,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> By {
        match b {
            ByArg::Village => By::Village,
            ByArg::Group => By::Group,
            ByArg::Township => By::Township,
        }
    }
}
