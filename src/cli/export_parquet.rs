//! `minqing export … --format parquet`: the responses (with a dataset per
//! roster beside them), the ranked projects or the households as Parquet
//! datasets, a folder per township, for DuckDB, Spark or Trino.

use std::path::{Path, PathBuf};

use super::CliError;
use super::export::{Data, ExportArgs, ExportKind, prepare, round, write_data};
use super::plan::open;
use crate::i18n::Lang;
use crate::report::csv_out::ExportError;
use crate::report::{dataset, export};
use crate::tr;

pub fn export(db: &Path, args: &ExportArgs<'_>, lang: Lang) -> Result<(), CliError> {
    let written = write(db, args, lang).map_err(|e| CliError::Failed(e.message()))?;
    for out in written {
        let shown = out.display();
        eprintln!("{}", tr!("已写入 {shown}", "written: {shown}").get(lang));
    }
    Ok(())
}

/// Writes the datasets; returns their folders.
fn write(db: &Path, args: &ExportArgs<'_>, lang: Lang) -> Result<Vec<PathBuf>, ExportError> {
    let what = match args.what {
        ExportKind::Responses => "responses",
        ExportKind::Priorities => "priorities",
        ExportKind::Households => "households",
        _ => {
            return Err(ExportError::Usage(tr!(
                "Parquet 格式只用于 responses、priorities 和 households;其他导出请用 CSV",
                "the Parquet format is for responses, priorities and households; export the others as CSV"
            )));
        }
    };
    let out = args
        .out
        .map_or_else(|| PathBuf::from(what), Path::to_path_buf);
    if out == Path::new("-") {
        return Err(ExportError::Usage(tr!(
            "Parquet 导出写的是文件夹(每个乡镇一个子文件夹),不能写到标准输出:用 --out 给出文件夹名",
            "a Parquet export writes a folder (one folder per township), not standard output: give a folder name with --out"
        )));
    }
    let out = dataset::folder(&out)?;
    // Judged before the database is opened, so that a refused target is
    // left exactly as it was; an earlier export a stopped replacement set
    // aside is put back first.
    say_cleared(dataset::clear_leftovers(&out), lang);
    let replace = dataset::target(&out, args.force)?;
    let store = open(db, lang).map_err(ExportError::Usage)?;
    let data = prepare(&store, args, lang)?;
    let round = round(&store, args, lang)?;
    let mut outs = vec![(out.clone(), replace, what.to_string())];
    let mut rosters = Vec::new();
    if args.what == ExportKind::Responses && !args.wide {
        let folder = out.parent().unwrap_or(Path::new(""));
        for (survey, roster) in crate::report::rosters::rosters(&store, args.survey)? {
            let target = folder.join(format!("{survey}-{roster}"));
            say_cleared(dataset::clear_leftovers(&target), lang);
            let replace = dataset::target(&target, args.force)?;
            rosters.push(crate::report::rosters::RosterFile::new(
                &store, &survey, &roster,
            )?);
            outs.push((target, replace, format!("{survey}-{roster}")));
        }
    }
    dataset::write_all(&outs, |sinks| match (&data, sinks) {
        (Data::Streamed, sinks) if args.what == ExportKind::Responses => {
            let labels = args.labels;
            let which = (args.survey, round);
            export::responses(sinks, &store, which, (labels, args.wide), &rosters)
        }
        (_, [sink, ..]) => write_data(sink, (&store, &data), (args, round), lang),
        (_, []) => Ok(()),
    })?;
    Ok(outs.into_iter().map(|(out, _, _)| out).collect())
}

fn say_cleared(cleared: Vec<dataset::Leftover>, lang: Lang) {
    for left in cleared {
        let said = match left {
            dataset::Leftover::Removed(part) => {
                let p = part.display();
                tr!(
                    "已删除上次中断的导出留下的临时文件夹 {p}",
                    "removed {p}, a temporary folder left by an export that was stopped"
                )
            }
            dataset::Leftover::Restored(out) => {
                let p = out.display();
                tr!(
                    "上次替换 {p} 的导出中断了:原来的导出已放回 {p}",
                    "an export replacing {p} was stopped: the earlier export is back at {p}"
                )
            }
        };
        eprintln!("{}", said.get(lang));
    }
}
