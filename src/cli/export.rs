//! `minqing export`: the ranked projects, the responses (with a file per
//! roster beside them), the households and the codebook, as CSV files
//! written whole or not at all.

use std::path::{Path, PathBuf};

use super::plan::{open, ranked};
use super::{CliError, PriorityArgs};
use crate::i18n::Lang;
use crate::report::csv_out::{self, ExportError};
use crate::report::export;
use crate::store::Store;
use crate::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    Priorities,
    Responses,
    Households,
    Codebook,
    Trend,
    Coverage,
    Projects,
    Villages,
}

/// What an export writes: CSV files, or Parquet datasets (a folder with
/// a folder per township).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Parquet,
}

pub struct ExportArgs<'a> {
    pub what: ExportKind,
    pub format: Format,
    pub survey: Option<&'a str>,
    pub out: Option<&'a Path>,
    pub excel: bool,
    pub labels: Option<Lang>,
    pub force: bool,
    /// Roster rows as columns of the responses (`q_1`, `q_2`, …) instead
    /// of a file per roster.
    pub wide: bool,
    /// The rounds `export trend` compares.
    pub trend: &'a super::trend::TrendRounds,
    /// What `export coverage` counts per, and the questionnaires in use.
    pub coverage: (crate::report::coverage::Per, Option<&'a Path>),
    pub priorities: &'a PriorityArgs,
}

pub fn export(db: &Path, args: ExportArgs<'_>, lang: Lang) -> Result<(), CliError> {
    if args.format == Format::Parquet {
        return super::export_parquet::export(db, &args, lang);
    }
    let default = PathBuf::from(match args.what {
        ExportKind::Priorities => "priorities.csv",
        ExportKind::Responses => "responses.csv",
        ExportKind::Households => "households.csv",
        ExportKind::Codebook => "codebook.csv",
        ExportKind::Trend => "trend.csv",
        ExportKind::Coverage => "coverage.csv",
        ExportKind::Projects => "projects.csv",
        ExportKind::Villages => "villages.csv",
    });
    let out = args.out.map_or(default, Path::to_path_buf);
    let to_stdout = out == Path::new("-");
    // Judged before the database is opened, so that a refused target (the
    // database itself, a device) is left exactly as it was.
    let target = if to_stdout {
        Ok(out.clone())
    } else {
        crate::files::export_target(&out, db, args.force).map_err(ExportError::Refused)
    };
    let replace = !to_stdout && target.as_ref().is_ok_and(|t| t.exists());
    let result = target.and_then(|target| {
        if !to_stdout {
            for part in crate::files::remove_leftover_parts(&target) {
                let p = part.display();
                eprintln!(
                    "{}",
                    tr!(
                        "已删除上次中断的导出留下的临时文件 {p}",
                        "removed {p}, a temporary file left by an export that was stopped"
                    )
                    .get(lang)
                );
            }
        }
        open(db, lang)
            .map_err(ExportError::Usage)
            .map(|store| (store, target))
    });
    let result = result.and_then(|(store, out)| {
        let data = prepare(&store, &args, lang)?;
        let round = round(&store, &args, lang)?;
        // Every roster file's target is judged before anything is written.
        let rosters = match args.what {
            ExportKind::Responses if !args.wide => roster_targets(&store, &args, &out, db)?,
            _ => Vec::new(),
        };
        if to_stdout && !rosters.is_empty() {
            say_rosters_left_out(&rosters, lang);
        }
        let rosters: Vec<_> = rosters.into_iter().filter(|_| !to_stdout).collect();
        if rosters.is_empty() {
            csv_out::write(&out, args.excel, replace, |sink| {
                write_data(sink, (&store, &data), (&args, round), lang)
            })?;
        } else {
            write_with_rosters(&store, (&out, replace), (&rosters, round), &args)?;
            for (_, _, target) in &rosters {
                let shown = target.display();
                eprintln!("{}", tr!("已写入 {shown}", "written: {shown}").get(lang));
            }
        }
        Ok(())
    });
    result.map_err(|e| CliError::Failed(e.message()))?;
    if out != Path::new("-") {
        let shown = out.display();
        eprintln!("{}", tr!("已写入 {shown}", "written: {shown}").get(lang));
    }
    Ok(())
}

/// The round an export is of, said when it is one of a round's.
pub(super) fn round(
    store: &Store,
    args: &ExportArgs<'_>,
    lang: Lang,
) -> Result<Option<i64>, ExportError> {
    let round = store.round_or_ranked(args.priorities.round.as_deref())?;
    if let Some(name) = round.as_ref().map(|r| &r.name)
        && matches!(
            args.what,
            ExportKind::Priorities | ExportKind::Responses | ExportKind::Villages
        )
    {
        eprintln!("{}", tr!("轮次:{name}", "round: {name}").get(lang));
    }
    Ok(round.map(|r| r.id))
}

/// What an export writes, read from the database before anything is.
pub(super) enum Data {
    Priorities(super::plan::Ranked),
    Trend(super::trend::Trend),
    Coverage(Vec<crate::report::coverage::CoverageRow>),
    Projects(
        Vec<crate::store::project::Followed>,
        Vec<crate::priority::Rule>,
    ),
    /// Read while it is written: responses, households, the codebook.
    Streamed,
}

/// Reads what the export writes, saying which rounds it is of.
pub(super) fn prepare(
    store: &Store,
    args: &ExportArgs<'_>,
    lang: Lang,
) -> Result<Data, ExportError> {
    let round = args.priorities.round.as_deref();
    Ok(match args.what {
        ExportKind::Villages if args.priorities.by == super::plan::ByArg::Group => {
            return Err(ExportError::Usage(tr!(
                "export villages 每村一行,按乡镇汇总可加 --by township;不能按组",
                "export villages gives a row per village (or per township with --by township), not per group"
            )));
        }
        ExportKind::Priorities | ExportKind::Villages => {
            let mut ranked = ranked(store, args.priorities).map_err(ExportError::Usage)?;
            if args.what == ExportKind::Priorities {
                ranked.perceive(store)?;
            }
            Data::Priorities(ranked)
        }
        ExportKind::Trend => {
            let p = args.priorities;
            let filters = (p.by, p.category.as_deref(), p.township.as_deref());
            let trend = super::trend::compute(store, args.trend, filters)?
                .ok_or_else(|| ExportError::Usage(super::trend::not_two_rounds()))?;
            let (then, now) = (&trend.then.name, &trend.now.name);
            eprintln!(
                "{}",
                tr!("从轮次“{then}”到“{now}”", "from round '{then}' to '{now}'").get(lang)
            );
            Data::Trend(trend)
        }
        ExportKind::Coverage => {
            let (per, surveys) = args.coverage;
            let (round, rows) = super::coverage::compute(store, surveys, (round, per), lang)
                .map_err(ExportError::Usage)?;
            super::coverage::say_round(round.as_ref(), lang);
            Data::Coverage(rows)
        }
        ExportKind::Projects => {
            let (list, rules) = super::project::followed(store, None, round)?;
            Data::Projects(list, rules)
        }
        ExportKind::Responses | ExportKind::Households | ExportKind::Codebook => Data::Streamed,
    })
}

/// Writes `data` (or, for what is streamed, reads and writes it) into `sink`.
pub(super) fn write_data(
    sink: &mut csv_out::Sink<'_>,
    (store, data): (&Store, &Data),
    (args, round): (&ExportArgs<'_>, Option<i64>),
    lang: Lang,
) -> Result<(), ExportError> {
    // Headers, labels and category names follow `--labels` where given.
    let labelled = args.labels.is_some();
    let lang = args.labels.unwrap_or(lang);
    match (args.what, data) {
        (ExportKind::Villages, Data::Priorities(r)) => {
            let township = args.priorities.township.as_deref();
            let areas = crate::report::villages::of_township(&r.input.areas, township);
            crate::report::villages::write(sink, areas, &r.input.rules, (lang, labelled))
        }
        (_, Data::Priorities(r)) => {
            let method = super::plan::method(args.priorities);
            let weights = (!method.weights.is_empty()).then(|| method.weights_text());
            crate::report::priorities::write(
                sink,
                (&r.input, weights.as_deref()),
                (&r.projects, &r.standings, &r.perceived),
                r.choice.as_ref(),
                (lang, labelled),
            )
        }
        (_, Data::Trend(t)) => crate::report::trend::write(sink, &t.rows, &t.rules, lang),
        (_, Data::Coverage(rows)) => {
            crate::report::coverage::write(sink, rows, args.coverage.0, lang)
        }
        (_, Data::Projects(list, rules)) => {
            sink.header(&super::project::headers(lang))?;
            for f in list {
                let texts = super::project::texts(f, rules, lang);
                let cells: Vec<_> = texts
                    .iter()
                    .map(|t| csv_out::Cell::text(t.as_str()))
                    .collect();
                sink.row(&cells)?;
            }
            Ok(())
        }
        (ExportKind::Responses, _) => {
            let labels = labelled.then_some(lang);
            let sinks = std::slice::from_mut(sink);
            export::responses(sinks, store, (args.survey, round), (labels, args.wide), &[])
        }
        (ExportKind::Households, _) => export::households(sink, store),
        (_, Data::Streamed) => export::codebook(sink, store),
    }
}

/// The file of each roster of the exported surveys, `SURVEY-ROSTER.csv`
/// beside `out`, each judged as a target.
fn roster_targets(
    store: &Store,
    args: &ExportArgs<'_>,
    out: &Path,
    db: &Path,
) -> Result<Vec<(String, String, PathBuf)>, ExportError> {
    let dir = out.parent().unwrap_or(Path::new(""));
    let mut targets = Vec::new();
    for (survey, roster) in crate::report::rosters::rosters(store, args.survey)? {
        let path = dir.join(format!("{survey}-{roster}.csv"));
        let target =
            crate::files::export_target(&path, db, args.force).map_err(ExportError::Refused)?;
        crate::files::remove_leftover_parts(&target);
        targets.push((survey, roster, target));
    }
    Ok(targets)
}

/// On standard output only the responses go: the rosters' files need a
/// folder.
fn say_rosters_left_out(rosters: &[(String, String, PathBuf)], lang: Lang) {
    let names: Vec<String> = rosters.iter().map(|(s, r, _)| format!("{s}-{r}")).collect();
    let names = names.join(", ");
    eprintln!(
        "{}",
        tr!(
            "名单 {names} 的答案没有写出:用 --out 写到文件(每个名单一个文件),或用 --wide",
            "the answers of rosters {names} are not written: give --out for a file per roster, or use --wide"
        )
        .get(lang)
    );
}

/// Writes the responses at `out` and each roster's file, in one pass over
/// the interviews, each file whole or not at all.
fn write_with_rosters(
    store: &Store,
    (out, replace): (&Path, bool),
    (rosters, round): (&[(String, String, PathBuf)], Option<i64>),
    args: &ExportArgs<'_>,
) -> Result<(), ExportError> {
    let files = rosters
        .iter()
        .map(|(survey, roster, _)| crate::report::rosters::RosterFile::new(store, survey, roster))
        .collect::<Result<Vec<_>, _>>()?;
    let mut outs = vec![(out.to_path_buf(), replace)];
    outs.extend(rosters.iter().map(|(_, _, t)| (t.clone(), t.exists())));
    let labels = args.labels;
    csv_out::write_all(&outs, args.excel, |sinks| {
        export::responses(
            sinks,
            store,
            (args.survey, round),
            (labels, args.wide),
            &files,
        )
    })
}
