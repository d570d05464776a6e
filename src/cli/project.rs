//! `minqing project set|list|history`, `export projects` and `minqing
//! summary`: the follow-up of village projects from approval to verified.

use std::path::Path;

use super::{CliError, Open, ProjectCommand, open_db};
use crate::i18n::{Lang, Tr};
use crate::priority::Rule;
use crate::priority::shared::partners;
use crate::report::table;
use crate::store::project::{FollowNote, Followed, NewChange, ProjectKey, Status};
use crate::store::{Store, StoreError};
use crate::tr;

/// What `project set` is given besides the project.
pub struct SetArgs<'a> {
    pub status: Option<Status>,
    pub round: Option<&'a str>,
    pub amount: Option<f64>,
    pub source: Option<&'a str>,
    pub date: Option<&'a str>,
    pub note: Option<&'a str>,
    pub who: Option<&'a str>,
}

/// The rule `need` names (`rule`, `survey.rule`, or a shared project's
/// id `survey.a+b`), with every rule.
fn need_rule(store: &Store, need: &str) -> Result<(Vec<Rule>, Rule), Tr> {
    let said = |e: StoreError| e.at(store.path()).message();
    // A shared project's id (`survey.a+b`) names it by its first rule.
    let need = need.split('+').next().unwrap_or(need);
    let (survey, rule_name) = match need.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, need),
    };
    let rules = store.rules().map_err(said)?;
    let matching: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.name == rule_name && survey.is_none_or(|s| r.survey == s))
        .collect();
    let rule = match matching.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(tr!(
                "没有需求规则 {need};minqing priorities 列出各项目的规则",
                "there is no need rule {need}; minqing priorities lists each project's rule"
            ));
        }
        _ => {
            return Err(tr!(
                "有几份问卷都有规则 {need};请写成 问卷.规则",
                "more than one questionnaire has a rule {need}; write survey.rule"
            ));
        }
    };
    Ok((rules, rule))
}

/// The project `village` × `need` of `round` (else the round ranked): the
/// village as `村` or `乡镇/村` from the registry, the need as `rule` or
/// `survey.rule`.
pub fn project_key(
    store: &Store,
    (village, need): (&str, &str),
    round: Option<&str>,
) -> Result<(ProjectKey, Rule), Tr> {
    let said = |e: StoreError| e.at(store.path()).message();
    let round = store.round_or_ranked(round).map_err(said)?.ok_or_else(|| {
        tr!(
            "还没有任何轮次和调查,没有项目可以跟进",
            "there is no round or interview yet, so no project to follow"
        )
    })?;
    let (township, name) = match village.split_once('/') {
        Some((t, v)) => (Some(t), v),
        None => (None, village),
    };
    let places = store.places().map_err(said)?;
    let found: Vec<_> = places
        .all
        .iter()
        .filter(|p| p.village == name && township.is_none_or(|t| p.township == t))
        .collect();
    let place = match found.as_slice() {
        [one] => *one,
        [] => {
            return Err(tr!(
                "登记册中没有村“{village}”",
                "no village '{village}' in the registry"
            ));
        }
        _ => {
            return Err(tr!(
                "有几个乡镇都有村“{village}”;请写成 乡镇/村",
                "more than one township has a village '{village}'; write township/village"
            ));
        }
    };
    let (rules, rule) = need_rule(store, need)?;
    let key_of = |rule: &Rule| ProjectKey {
        round: round.name.clone(),
        township: place.township.clone(),
        village: place.village.clone(),
        survey: rule.survey.clone(),
        rule: rule.name.clone(),
    };
    // A project that rules share is followed under one of them: the one
    // it already has changes under in the round, if any.
    let at = rules
        .iter()
        .position(|r| r.survey == rule.survey && r.name == rule.name);
    for other in at.map_or_else(Vec::new, |r| partners(&rules, r)) {
        let key = key_of(&rules[other]);
        if !store.project_history(&key).map_err(said)?.is_empty() {
            return Ok((key, rules[other].clone()));
        }
    }
    Ok((key_of(&rule), rule))
}

/// `project set`.
pub fn set(
    db: &Path,
    project: (&str, &str),
    args: &SetArgs<'_>,
    lang: Lang,
) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let (key, rule) = project_key(&store, project, args.round)?;
    let who = match args.who {
        Some(who) => who.trim().to_string(),
        None => store
            .interviewer()
            .map_err(CliError::store(db))?
            .unwrap_or_default(),
    };
    if who.is_empty() {
        return Err(CliError::Usage(tr!(
            "请用 --who 写明是谁做的修改(或先在调查程序里填写调查员姓名)",
            "say who makes the change with --who (or give the interviewer's name in the app first)"
        )));
    }
    let change = store
        .set_project(
            &key,
            &NewChange {
                status: args.status,
                amount: args.amount,
                source: args.source.map(str::to_string),
                day: args.date.map(str::to_string),
                note: args.note.unwrap_or_default().to_string(),
            },
            &who,
        )
        .map_err(CliError::store(db))?;
    let label = crate::report::priorities::project_label(&rule, lang);
    let (v, status, round) = (&key.village, change.status.name(), &key.round);
    let status = status.get(lang);
    let said = tr!(
        "{v} {label}(轮次 {round}):{status}",
        "{v} {label} (round {round}): {status}"
    );
    Ok(super::write_stdout(&format!("{}\n", said.get(lang)))?)
}

/// A project's label, from the rules stored.
fn label(rules: &[Rule], key: &ProjectKey, lang: Lang) -> String {
    rules
        .iter()
        .find(|r| r.survey == key.survey && r.name == key.rule)
        .map_or_else(
            || key.rule.clone(),
            |r| crate::report::priorities::project_label(r, lang),
        )
}

/// The columns of the project list.
pub fn headers(lang: Lang) -> Vec<String> {
    let all: [(&str, &str); 15] = [
        ("轮次", "round"),
        ("乡镇", "township"),
        ("村", "village"),
        ("项目", "project"),
        ("规则", "rule"),
        ("状态", "status"),
        ("金额(元)", "amount (yuan)"),
        ("资金来源", "source"),
        ("日期", "date"),
        ("受益户数", "households"),
        ("受益人数", "people"),
        ("复查轮次", "checked in"),
        ("已解决", "resolved"),
        ("仍存在", "persisting"),
        ("提示", "flag"),
    ];
    all.iter()
        .map(|(zh, en)| match lang {
            Lang::Zh => (*zh).to_string(),
            Lang::En => (*en).to_string(),
        })
        .collect()
}

/// A done project whose households still show the need, in words.
pub fn flag_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "已完工但仍存在",
        Lang::En => "done, need persists",
    }
}

/// One project's cells as text.
pub fn texts(f: &Followed, rules: &[Rule], lang: Lang) -> Vec<String> {
    let c = &f.change;
    let later = f.later.as_ref();
    vec![
        c.key.round.clone(),
        c.key.township.clone(),
        c.key.village.clone(),
        label(rules, &c.key, lang),
        format!("{}.{}", c.key.survey, c.key.rule),
        c.status.name().get(lang).to_string(),
        c.amount.map_or_else(String::new, |a| format!("{a:.0}")),
        c.source.clone(),
        c.day.clone(),
        f.households.to_string(),
        f.people.to_string(),
        later.map_or_else(String::new, |l| l.round.clone()),
        later.map_or_else(String::new, |l| l.resolved.to_string()),
        later.map_or_else(String::new, |l| l.persisting.to_string()),
        if f.flagged() {
            flag_text(lang).to_string()
        } else {
            String::new()
        },
    ]
}

/// The projects with a status, filtered.
pub fn followed(
    store: &Store,
    status: Option<Status>,
    round: Option<&str>,
) -> Result<(Vec<Followed>, Vec<Rule>), StoreError> {
    let list = store
        .followed_projects()?
        .into_iter()
        .filter(|f| status.is_none_or(|s| f.change.status == s))
        .filter(|f| round.is_none_or(|r| f.change.key.round == r))
        .collect();
    Ok((list, store.rules()?))
}

/// `project list`.
pub fn list(
    db: &Path,
    (status, round): (Option<Status>, Option<&str>),
    lang: Lang,
) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let (list, rules) = followed(&store, status, round).map_err(CliError::store(db))?;
    let headers = headers(lang);
    // The rule's id is for scripts: the terminal leaves it out.
    let keep = |i: &usize| *i != 4;
    let refs: Vec<&str> = (0..headers.len())
        .filter(keep)
        .map(|i| headers[i].as_str())
        .collect();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|f| {
            texts(f, &rules, lang)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(i))
                .map(|(_, t)| t)
                .collect()
        })
        .collect();
    super::write_stdout(&table::render(&refs, &rows, &[5, 8, 9, 11, 12]))?;
    let n = list.len();
    let flagged = list.iter().filter(|f| f.flagged()).count();
    eprintln!(
        "{}",
        tr!(
            "共 {n} 个项目;{flagged} 个已完工但复查时仍存在",
            "{n} project(s); {flagged} done but still found when checked again"
        )
        .get(lang)
    );
    Ok(())
}

/// `project history`.
pub fn history(
    db: &Path,
    project: (&str, &str),
    round: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let (key, _) = project_key(&store, project, round)?;
    let changes = store.project_history(&key).map_err(CliError::store(db))?;
    let headers: &[&str] = match lang {
        Lang::Zh => &["时间", "谁", "状态", "金额(元)", "资金来源", "日期", "说明"],
        Lang::En => &[
            "when",
            "who",
            "status",
            "amount (yuan)",
            "source",
            "date",
            "note",
        ],
    };
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                crate::report::csv_out::beijing_time(c.at),
                c.who.clone(),
                c.status.name().get(lang).to_string(),
                c.amount.map_or_else(String::new, |a| format!("{a:.0}")),
                c.source.clone(),
                c.day.clone(),
                c.note.clone(),
            ]
        })
        .collect();
    Ok(super::write_stdout(&table::render(headers, &rows, &[3]))?)
}

/// `minqing summary`: per round of projects, funds by status, households
/// and people of done projects, and how many were verified resolved.
pub fn summary(db: &Path, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let list = store.followed_projects().map_err(CliError::store(db))?;
    let headers: &[&str] = match lang {
        Lang::Zh => &[
            "轮次",
            "状态",
            "项目数",
            "金额(元)",
            "受益户数",
            "受益人数",
            "核实已解决户数",
        ],
        Lang::En => &[
            "round",
            "status",
            "projects",
            "amount (yuan)",
            "households",
            "people",
            "verified resolved",
        ],
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut rounds: Vec<&str> = list.iter().map(|f| f.change.key.round.as_str()).collect();
    rounds.dedup();
    for round in rounds {
        for status in Status::ALL {
            let of: Vec<&Followed> = list
                .iter()
                .filter(|f| f.change.key.round == round && f.change.status == status)
                .collect();
            if of.is_empty() {
                continue;
            }
            // Summed from zero, not -0: no amount is 0 yuan.
            let amount = of
                .iter()
                .filter_map(|f| f.change.amount)
                .fold(0.0, |a, b| a + b);
            let households: i64 = of.iter().map(|f| f.households).sum();
            let people: i64 = of.iter().map(|f| f.people).sum();
            let verified = if status == Status::Done {
                let resolved: i64 = of
                    .iter()
                    .filter_map(|f| f.later.as_ref())
                    .map(|l| l.resolved)
                    .sum();
                resolved.to_string()
            } else {
                String::new()
            };
            rows.push(vec![
                round.to_string(),
                status.name().get(lang).to_string(),
                of.len().to_string(),
                format!("{amount:.0}"),
                households.to_string(),
                people.to_string(),
                verified,
            ]);
        }
    }
    Ok(super::write_stdout(&table::render(
        headers,
        &rows,
        &[2, 3, 4, 5, 6],
    ))?)
}

/// The follow-up of projects, by (township, village, survey, rule):
/// whether it is a status of the round, and what to show.
pub type Follow = std::collections::HashMap<(String, String, String, String), (bool, String)>;

/// What the follow-up says of each project of the ranking's round, by
/// (township, village, survey, rule): its status there, or that a project
/// done in an earlier round still finds its households in need.
pub fn follow_texts(
    store: &Store,
    input: &crate::store::priorities::PriorityInput,
    lang: Lang,
) -> Result<Follow, StoreError> {
    let Some(round) = &input.round else {
        return Ok(Follow::new());
    };
    Ok(store
        .follow_notes(round)?
        .into_iter()
        .map(|(key, note)| {
            let text = match note {
                FollowNote::Status { status, .. } => (true, status.name().get(lang).to_string()),
                FollowNote::DoneEarlier { round } => {
                    (false, format!("{} ({round})", flag_text(lang)))
                }
            };
            (key, text)
        })
        .collect())
}

/// `project set|list|history`.
pub fn run(action: &ProjectCommand, db: &Path, lang: Lang) -> Result<(), CliError> {
    match action {
        ProjectCommand::Set {
            village,
            need,
            status,
            round,
            amount,
            source,
            date,
            note,
            who,
        } => set(
            db,
            (village, need),
            &SetArgs {
                status: Some((*status).into()),
                round: round.as_deref(),
                amount: *amount,
                source: source.as_deref(),
                date: date.as_deref(),
                note: note.as_deref(),
                who: who.as_deref(),
            },
            lang,
        ),
        ProjectCommand::List { status, round } => {
            list(db, (status.map(Into::into), round.as_deref()), lang)
        }
        ProjectCommand::History {
            village,
            need,
            round,
        } => history(db, (village, need), round.as_deref(), lang),
    }
}
