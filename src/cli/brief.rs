//! `minqing report --out FILE.xlsx|FILE.html`: the brief for the joint
//! meeting, read once from the database and written as a workbook or a
//! printable page, never half written and never over a file unasked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::plan::{ByArg, Ranked, ranked};
use super::{CliError, PriorityArgs, Weights};
use crate::i18n::Lang;
use crate::priority::trend::AffectedThen;
use crate::priority::{By, Project, RankMethod, Rule};
use crate::report::brief::{Brief, Followed, html, xlsx};
use crate::report::coverage::{CoverageRow, Per, Rows};
use crate::report::csv_out::{ExportError, write_file};
use crate::store::Store;
use crate::store::priorities::PriorityInput;
use crate::store::project::{FollowNote, follow_of, notes_of};
use crate::survey::Mode;
use crate::tr;

/// What `minqing report` is asked.
#[derive(Debug, clap::Args)]
pub struct ReportCommand {
    /// 输出文件:.xlsx 或 .html / the output file: .xlsx or .html
    #[arg(long)]
    out: PathBuf,
    /// 这一轮(默认:有完成调查的最近一轮)/ this round [default: the latest round with complete interviews]
    #[arg(long)]
    round: Option<String>,
    /// 只写这个乡镇 / only this township
    #[arg(long)]
    township: Option<String>,
    /// 按类别加权排序,如 water=1.5(默认方法不加权)/ a weighted ranking, such as water=1.5 (the documented method has none)
    #[arg(long, value_name = "CATEGORY=WEIGHT,…", value_parser = super::parse_weights)]
    weights: Option<Weights>,
    /// 替换已存在的文件(数据库文件除外)/ replace an existing file (never a database file)
    #[arg(long)]
    force: bool,
}

/// The two forms of the brief.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Xlsx,
    Html,
}

/// `report`: `surveys` are the questionnaires in use, for coverage.
pub fn report(
    db: &Path,
    surveys: Option<&Path>,
    args: &ReportCommand,
    lang: Lang,
) -> Result<(), CliError> {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let form = match extension.as_deref() {
        Some("xlsx") => Form::Xlsx,
        Some("html" | "htm") => Form::Html,
        _ => {
            let shown = args.out.display();
            return Err(CliError::Failed(tr!(
                "简报写成 .xlsx(Excel 工作簿)或 .html(可打印的网页):{shown}",
                "the brief is written as .xlsx (an Excel workbook) or .html (a printable page): {shown}"
            )));
        }
    };
    let failed = |e: ExportError| CliError::Failed(e.message());
    // Judged before the database is opened: a refused target is left
    // exactly as it was.
    let target = crate::files::export_target(&args.out, db, args.force)
        .map_err(|r| failed(ExportError::Refused(r)))?;
    let replace = target.exists();
    let store = super::plan::open(db, lang)?;
    let brief = gather(&store, (args, surveys), lang).map_err(failed)?;
    super::plan::say_round(&brief.input, lang);
    write_file(&target, replace, |file| match form {
        Form::Xlsx => xlsx::write(&brief, file).map_err(|e| xlsx_error(e, &target)),
        Form::Html => {
            use std::io::Write;
            file.write_all(html::render(&brief).as_bytes())
                .map_err(|source| ExportError::Io {
                    path: target.clone(),
                    source,
                })
        }
    })
    .map_err(failed)?;
    let shown = args.out.display();
    eprintln!("{}", tr!("已写入 {shown}", "written: {shown}").get(lang));
    // The command ends here: the process gives its memory back whole.
    std::mem::forget(brief);
    Ok(())
}

/// A workbook that could not be written, said as a failed write.
fn xlsx_error(e: rust_xlsxwriter::XlsxError, path: &Path) -> ExportError {
    let source = match e {
        rust_xlsxwriter::XlsxError::IoError(e) => e,
        e => std::io::Error::other(e.to_string()),
    };
    ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads everything the brief shows.
fn gather(
    store: &Store,
    (args, surveys): (&ReportCommand, Option<&Path>),
    lang: Lang,
) -> Result<Brief, ExportError> {
    let priority_args = priority_args(args);
    // Coverage first: the registry it reads is let go before the ranking
    // reads the households again.
    let (cadres, villages) = coverage(
        store,
        (args.round.as_deref(), args.township.as_deref()),
        surveys,
        lang,
    )?;
    let mut ranked = ranked(store, &priority_args).map_err(ExportError::Usage)?;
    ranked.perceive(store)?;
    let Ranked {
        input,
        projects,
        standings,
        perceived,
        choice: _,
    } = ranked;
    if let Some(t) = args.township.as_deref()
        && !input.areas.iter().any(|a| a.area.township == t)
    {
        return Err(ExportError::Usage(tr!(
            "没有乡镇“{t}”",
            "there is no township '{t}'"
        )));
    }
    let rules = &input.rules;
    let before = match &input.round {
        Some(round) => store.round_before(round)?,
        None => None,
    };
    let trend = since(store, before.as_ref(), (&projects, rules))?;
    let (follow, done_earlier) = followed(store, &input, &projects)?;
    let method = RankMethod {
        weights: args
            .weights
            .as_ref()
            .map(|w| w.0.clone())
            .unwrap_or_default(),
        ..RankMethod::default()
    };
    let database = store.path().file_name().map_or_else(
        || store.path().display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Brief {
        lang,
        round: input.round.as_ref().map(|r| r.name.clone()),
        before: before.map(|b| b.name),
        township: args.township.clone(),
        database,
        made: crate::report::csv_out::beijing_time(crate::store::now_ms()),
        weights: (!method.weights.is_empty()).then(|| method.weights_text()),
        versions: store.versions_stored()?,
        projects,
        standings,
        perceived,
        trend,
        follow,
        done_earlier,
        cadres,
        villages,
        input,
    })
}

/// Per project: households affected now minus in `before` (`None` in
/// the first round).
fn since(
    store: &Store,
    before: Option<&crate::store::Round>,
    (projects, rules): (&[Project], &[Rule]),
) -> Result<Vec<Option<i64>>, ExportError> {
    let Some(before) = before else {
        return Ok(vec![None; projects.len()]);
    };
    let (then, list) = store.priorities(Some(before), false, By::Village)?;
    let then = AffectedThen::of(&list, &then.rules);
    Ok(projects
        .iter()
        .map(|p| Some(p.affected - then.get(p, rules)))
        .collect())
}

/// Per project, its status in the round with the amount, and the
/// earlier round it was done in, when still in need.
type FollowUps = (Vec<Option<Followed>>, Vec<Option<String>>);

/// Per project: its follow-up status in the ranked round with the
/// amount, and the earlier round in which it was done when this round
/// still finds its households in need. The follow-up is read once.
fn followed(
    store: &Store,
    input: &PriorityInput,
    projects: &[Project],
) -> Result<FollowUps, ExportError> {
    let Some(round) = &input.round else {
        return Ok((vec![None; projects.len()], vec![None; projects.len()]));
    };
    let all = store.followed_projects()?;
    let mut statuses = HashMap::new();
    for f in &all {
        let k = &f.change.key;
        if k.round == round.name {
            let key = (
                k.township.clone(),
                k.village.clone(),
                k.survey.clone(),
                k.rule.clone(),
            );
            statuses.insert(key, (f.change.status, f.change.amount));
        }
    }
    let notes = notes_of(&all, round);
    let earlier = |n: &FollowNote| matches!(n, FollowNote::DoneEarlier { .. });
    Ok(projects
        .iter()
        .map(|p| {
            let status = follow_of(&statuses, p, &input.rules, |_| true).copied();
            let done = match follow_of(&notes, p, &input.rules, earlier) {
                Some(FollowNote::DoneEarlier { round }) => Some(round.clone()),
                _ => None,
            };
            (status, done)
        })
        .unzip())
}

/// Coverage of the ranked round per cadre and per village, of the
/// township's households when the brief is limited to one.
fn coverage(
    store: &Store,
    (round, township): (Option<&str>, Option<&str>),
    surveys: Option<&Path>,
    lang: Lang,
) -> Result<(Vec<CoverageRow>, Vec<CoverageRow>), ExportError> {
    let in_use = super::data::load_surveys(surveys).map_err(ExportError::Usage)?;
    let once: Vec<&str> = in_use
        .iter()
        .filter(|s| s.mode == Mode::Once)
        .map(|s| s.id.as_str())
        .collect();
    let round = store.round_or_ranked(round)?;
    let (mut cadres, mut villages) = (Rows::new(Per::Cadre), Rows::new(Per::Village));
    store.coverage_each(round.as_ref(), &once, |c| {
        if township.is_none_or(|t| c.household.township == t) {
            cadres.add(&c);
            villages.add(&c);
        }
    })?;
    Ok((cadres.finish(lang), villages.finish(lang)))
}

/// The ranking the brief shows: every project of the round (of the
/// township, when limited), by village, maybe weighted.
fn priority_args(args: &ReportCommand) -> PriorityArgs {
    PriorityArgs {
        by: ByArg::Village,
        category: None,
        township: args.township.clone(),
        top: None,
        include_drafts: false,
        round: args.round.clone(),
        sensitivity: false,
        weights: args.weights.clone(),
        villages: false,
        budget: None,
    }
}
