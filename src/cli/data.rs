//! The commands that read or write the database: households, merge,
//! backup, demo.

use std::path::Path;
use std::process::ExitCode;

use super::{Command, HouseholdsCommand, print_error, read_sources};
use crate::i18n::{Lang, Tr};
use crate::report::table;
use crate::store::Store;
use crate::store::import::ImportError;
use crate::survey::{self, Survey};
use crate::tr;

/// Opens the database and says which file is in use (on standard error,
/// so that standard output stays clean for tables and exports).
fn open(path: &Path, lang: Lang) -> Result<Store, Tr> {
    let shown = path.display();
    eprintln!("{}", tr!("数据库:{shown}", "database: {shown}").get(lang));
    Store::open(path).map_err(|e| e.message())
}

/// The questionnaires of `--surveys`, or the bundled ones; all must load.
pub fn load_surveys(dir: Option<&Path>) -> Result<Vec<Survey>, Tr> {
    let files = read_sources(&dir.map(Path::to_path_buf).into_iter().collect::<Vec<_>>())?;
    let loaded = survey::load_all(files.iter().map(|f| (f.path.as_str(), f.text.as_str())));
    let mut surveys = Vec::new();
    for (path, result) in loaded {
        match result.survey {
            Some(s) => surveys.push(s),
            None => {
                return Err(tr!(
                    "问卷 {path} 有错误;请运行 minqing check 查看",
                    "questionnaire {path} has errors; run minqing check to see them"
                ));
            }
        }
    }
    Ok(surveys)
}

pub fn run(command: &Command, db: &Path, surveys: Option<&Path>, lang: Lang) -> ExitCode {
    let result = match command {
        Command::Households { action } => households(action, db, lang),
        Command::Merge { files } => merge(files, db, lang),
        Command::Backup { path } => open(db, lang).and_then(|store| {
            store.backup_to(path).map_err(|e| e.message())?;
            let shown = path.display();
            println!(
                "{}",
                tr!("已备份到 {shown}", "backed up to {shown}").get(lang)
            );
            Ok(ExitCode::SUCCESS)
        }),
        Command::Demo { households, seed } => demo(db, surveys, *households, *seed, lang),
        _ => Ok(ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|message| {
        print_error(&message, lang);
        ExitCode::from(1)
    })
}

fn households(action: &HouseholdsCommand, db: &Path, lang: Lang) -> Result<ExitCode, Tr> {
    match action {
        HouseholdsCommand::Import { file, skip_bad } => {
            let shown = file.display();
            let bytes = std::fs::read(file)
                .map_err(|e| tr!("无法读取 {shown}:{e}", "cannot read {shown}: {e}"))?;
            let store = open(db, lang)?;
            let report = match store.import_households(&bytes, *skip_bad) {
                Ok(report) => report,
                Err(ImportError::BadRows(rows)) => {
                    for row in &rows {
                        print_bad_row(row, lang);
                    }
                    return Err(ImportError::BadRows(rows).message());
                }
                Err(e) => return Err(e.message()),
            };
            for row in &report.skipped {
                print_bad_row(row, lang);
            }
            if !report.ignored_columns.is_empty() {
                let cols = report.ignored_columns.join(", ");
                eprintln!(
                    "{}",
                    tr!("忽略的列:{cols}", "ignored columns: {cols}").get(lang)
                );
            }
            let c = report.counts;
            let (added, updated, unchanged, skipped) =
                (c.added, c.updated, c.unchanged, report.skipped.len());
            println!(
                "{}",
                tr!(
                    "新增 {added} 户,更新 {updated} 户,未变 {unchanged} 户,跳过 {skipped} 行",
                    "added {added}, updated {updated}, unchanged {unchanged}, skipped {skipped} row(s)"
                )
                .get(lang)
            );
            Ok(ExitCode::SUCCESS)
        }
        HouseholdsCommand::List { village } => {
            let store = open(db, lang)?;
            let list = store
                .households(village.as_deref())
                .map_err(|e| e.message())?;
            let headers: Vec<&str> = match lang {
                Lang::Zh => vec![
                    "户编码",
                    "乡镇",
                    "村",
                    "组",
                    "户主",
                    "人口",
                    "电话",
                    "联户干部",
                ],
                Lang::En => vec![
                    "code", "township", "village", "group", "head", "members", "phone", "cadre",
                ],
            };
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|h| {
                    vec![
                        h.code.clone(),
                        h.township.clone(),
                        h.village.clone(),
                        h.group.clone(),
                        h.head.clone(),
                        h.members.to_string(),
                        h.phone.clone(),
                        h.cadre.clone(),
                    ]
                })
                .collect();
            print!("{}", table::render(&headers, &rows, &[5]));
            let n = list.len();
            eprintln!("{}", tr!("共 {n} 户", "{n} household(s)").get(lang));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_bad_row(row: &crate::store::import::BadRow, lang: Lang) {
    let line = row.line;
    let reasons: Vec<&str> = row.reasons.iter().map(|r| r.get(lang)).collect();
    let reasons = reasons.join(match lang {
        Lang::Zh => ";",
        Lang::En => "; ",
    });
    eprintln!(
        "{}",
        tr!("第 {line} 行:{reasons}", "line {line}: {reasons}").get(lang)
    );
}

fn merge(files: &[std::path::PathBuf], db: &Path, lang: Lang) -> Result<ExitCode, Tr> {
    let store = open(db, lang)?;
    let mut failed = false;
    for file in files {
        let shown = file.display();
        match store.merge(file) {
            Ok(r) => {
                let h = r.households;
                let (ha, hu, hn) = (h.added, h.updated, h.unchanged);
                let (ia, iu, in_) = (
                    r.interviews_added,
                    r.interviews_updated,
                    r.interviews_unchanged,
                );
                let (au, sn) = (r.audit_added, r.snapshots_added);
                println!(
                    "{}",
                    tr!(
                        "已合并 {shown}:农户 新增 {ha} 更新 {hu} 未变 {hn};调查 新增 {ia} 更新 {iu} 未变 {in_};修改记录 新增 {au};问卷版本 新增 {sn}",
                        "merged {shown}: households +{ha} updated {hu} unchanged {hn}; interviews +{ia} updated {iu} unchanged {in_}; audit entries +{au}; survey versions +{sn}"
                    )
                    .get(lang)
                );
                for code in &r.household_conflicts {
                    println!(
                        "{}",
                        tr!(
                            "  农户 {code} 两边资料不同,保留了较新的一份",
                            "  household {code} differed; the newer record was kept"
                        )
                        .get(lang)
                    );
                }
                for c in &r.conflicts {
                    let (hh, sv, field) = (&c.household, &c.survey, &c.field);
                    let kept = c.kept.as_deref().unwrap_or("∅");
                    let dropped = c.dropped.as_deref().unwrap_or("∅");
                    println!(
                        "{}",
                        tr!(
                            "  冲突:农户 {hh} 的 {sv} 调查,{field}:保留较晚的修改 '{kept}',较早的 '{dropped}' 留在修改记录中",
                            "  conflict: household {hh}, survey {sv}, {field}: kept the later change '{kept}'; the earlier '{dropped}' stays in the audit trail"
                        )
                        .get(lang)
                    );
                }
                for d in &r.duplicates {
                    let (hh, sv, n) = (&d.household, &d.survey, d.interviews);
                    println!(
                        "{}",
                        tr!(
                            "  重复:农户 {hh} 有 {n} 份 {sv} 调查;排序使用最近完成的一份",
                            "  duplicate: household {hh} has {n} {sv} interviews; priorities use the one completed last"
                        )
                        .get(lang)
                    );
                }
            }
            Err(e) => {
                failed = true;
                let message = e.message();
                print_error(
                    &Tr {
                        zh: format!("未合并 {shown}:{}", message.zh),
                        en: format!("not merged {shown}: {}", message.en),
                    },
                    lang,
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn demo(
    db: &Path,
    surveys: Option<&Path>,
    households: usize,
    seed: u64,
    lang: Lang,
) -> Result<ExitCode, Tr> {
    let surveys = load_surveys(surveys)?;
    let store = open(db, lang)?;
    let started = std::time::Instant::now();
    let summary =
        crate::demo::generate(&store, &surveys, households, seed).map_err(|e| e.message())?;
    let secs = started.elapsed().as_secs_f64();
    let (h, v, c, d) = (
        summary.households,
        summary.villages,
        summary.complete,
        summary.drafts,
    );
    println!(
        "{}",
        tr!(
            "演示县已生成:{h} 户,{v} 个村,{c} 份完成的调查,{d} 份草稿,用时 {secs:.1} 秒",
            "demo county written: {h} households in {v} villages, {c} complete interviews, {d} drafts, in {secs:.1} s"
        )
        .get(lang)
    );
    Ok(ExitCode::SUCCESS)
}
