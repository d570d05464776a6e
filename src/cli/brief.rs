//! `minqing report --out FILE.xlsx|FILE.html`: the brief for the joint
//! meeting, read once from the database and written as a workbook or a
//! printable page, never half written and never over a file unasked.

use std::path::Path;

use super::plan::{ByArg, Ranked, ranked};
use super::{CliError, PriorityArgs, Weights};
use crate::i18n::Lang;
use crate::priority::trend::AffectedThen;
use crate::priority::{By, RankMethod};
use crate::report::brief::{Brief, html, xlsx};
use crate::report::coverage::{Per, rows};
use crate::report::csv_out::{ExportError, write_file};
use crate::store::Store;
use crate::store::project::follow_of;
use crate::survey::Mode;
use crate::tr;

/// What `minqing report` is asked.
pub struct ReportArgs<'a> {
    pub out: &'a Path,
    pub round: Option<&'a str>,
    pub township: Option<&'a str>,
    pub weights: Option<&'a Weights>,
    pub force: bool,
    /// The questionnaires in use, for coverage.
    pub surveys: Option<&'a Path>,
}

/// The two forms of the brief.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Xlsx,
    Html,
}

pub fn report(db: &Path, args: &ReportArgs<'_>, lang: Lang) -> Result<(), CliError> {
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
    let target = crate::files::export_target(args.out, db, args.force)
        .map_err(|r| failed(ExportError::Refused(r)))?;
    let replace = target.exists();
    let store = super::plan::open(db, lang)?;
    let brief = gather(&store, args, lang).map_err(failed)?;
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
fn gather(store: &Store, args: &ReportArgs<'_>, lang: Lang) -> Result<Brief, ExportError> {
    let priority_args = PriorityArgs {
        by: ByArg::Village,
        category: None,
        township: args.township.map(str::to_string),
        top: None,
        include_drafts: false,
        round: args.round.map(str::to_string),
        sensitivity: false,
        weights: args.weights.cloned(),
        villages: false,
        budget: None,
    };
    let Ranked {
        input,
        projects,
        standings,
        perceived,
        choice: _,
    } = ranked(store, &priority_args).map_err(ExportError::Usage)?;
    if let Some(t) = args.township
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
    let trend = match &before {
        Some(b) => {
            let (then, list) = store.priorities(Some(b), false, By::Village)?;
            let then = AffectedThen::of(&list, &then.rules);
            projects
                .iter()
                .map(|p| Some(p.affected() - then.get(p, rules)))
                .collect()
        }
        None => vec![None; projects.len()],
    };
    let statuses = match &input.round {
        Some(round) => {
            let mut map = std::collections::HashMap::new();
            for f in store.followed_projects()? {
                let k = &f.change.key;
                if k.round == round.name {
                    let key = (
                        k.township.clone(),
                        k.village.clone(),
                        k.survey.clone(),
                        k.rule.clone(),
                    );
                    map.insert(key, (f.change.status, f.change.amount));
                }
            }
            map
        }
        None => Default::default(),
    };
    let follow = projects
        .iter()
        .map(|p| follow_of(&statuses, p, rules).copied())
        .collect();
    // Coverage of the ranked round, of the township's households when
    // the brief is limited to one.
    let in_use = super::data::load_surveys(args.surveys).map_err(ExportError::Usage)?;
    let once: Vec<&str> = in_use
        .iter()
        .filter(|s| s.mode == Mode::Once)
        .map(|s| s.id.as_str())
        .collect();
    let mut covered = store.coverage(input.round.as_ref(), &once)?;
    if let Some(t) = args.township {
        covered.retain(|c| c.household.township == t);
    }
    let (cadres, villages) = (
        rows(&covered, Per::Cadre, lang),
        rows(&covered, Per::Village, lang),
    );
    let method = RankMethod {
        weights: args.weights.map(|w| w.0.clone()).unwrap_or_default(),
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
        township: args.township.map(str::to_string),
        database,
        made: crate::report::csv_out::beijing_time(crate::store::now_ms()),
        weights: (!method.weights.is_empty()).then(|| method.weights_text()),
        versions: store.versions_stored()?,
        projects,
        standings,
        perceived,
        trend,
        follow,
        cadres,
        villages,
        input,
    })
}
