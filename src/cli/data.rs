//! The commands that read or write the database: households, merge,
//! backup, demo (doctor is in [`super::doctor`]).

use std::path::Path;

use super::{
    CliError, Command, HouseholdsCommand, Open, open_db, print_error, read_sources, short_device,
};
use crate::i18n::{Lang, Tr};
use crate::report::table;
use crate::store::import::{ImportError, ImportOptions, ImportReport};
use crate::survey::Survey;
use crate::text::escape_controls;
use crate::tr;

/// Prints a line on standard output, or returns from the command with the
/// reason it could not (a full disk).
macro_rules! say {
    ($($arg:tt)*) => {
        super::write_stdout(&format!("{}\n", format_args!($($arg)*)))?
    };
}

/// The questionnaires of `--surveys`, or the bundled ones; all must load.
pub fn load_surveys(dir: Option<&Path>) -> Result<Vec<Survey>, Tr> {
    let files = read_sources(&dir.map(Path::to_path_buf).into_iter().collect::<Vec<_>>())?;
    let loaded = super::load_files(&files);
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

pub fn run(
    command: &Command,
    db: &Path,
    surveys: Option<&Path>,
    lang: Lang,
) -> Result<(), CliError> {
    match command {
        Command::Households {
            action:
                HouseholdsCommand::Import {
                    file,
                    skip_bad,
                    clear_empty,
                },
        } => {
            let options = ImportOptions {
                skip_bad: *skip_bad,
                clear_empty: *clear_empty,
            };
            import(file, options, db, lang)
        }
        Command::Households {
            action: HouseholdsCommand::List { village },
        } => list(village.as_deref(), db, lang),
        Command::Merge { files } => merge(files, db, lang),
        Command::Backup { path } => backup(path, db, lang),
        Command::Demo {
            households,
            seed,
            rounds,
        } => demo(
            db,
            surveys,
            (*households, *seed, usize::from(*rounds)),
            lang,
        ),
        Command::Doctor { repair } => super::doctor::doctor(db, *repair, lang),
        _ => Ok(()),
    }
}

fn backup(path: &Path, db: &Path, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    for part in crate::files::remove_leftover_parts(path) {
        let p = part.display();
        eprintln!(
            "{}",
            tr!(
                "已删除上次中断的备份留下的临时文件 {p}",
                "removed {p}, a temporary file left by a backup that was stopped"
            )
            .get(lang)
        );
    }
    store.backup_to(path).map_err(CliError::store(db))?;
    let shown = path.display();
    say!(
        "{}",
        tr!("已备份到 {shown}", "backed up to {shown}").get(lang)
    );
    Ok(())
}

fn import(file: &Path, options: ImportOptions, db: &Path, lang: Lang) -> Result<(), CliError> {
    let shown = file.display();
    let bytes =
        std::fs::read(file).map_err(|e| tr!("无法读取 {shown}:{e}", "cannot read {shown}: {e}"))?;
    let store = open_db(db, lang, Open::MayCreate)?;
    let report = match store.import_households(&bytes, options) {
        Ok(report) => report,
        Err(ImportError::BadRows(rows)) => {
            for row in &rows {
                print_bad_row(row, lang);
            }
            return Err(ImportError::BadRows(rows).message().into());
        }
        Err(ImportError::Store(e)) => return Err(CliError::store(db)(e)),
        Err(e) => return Err(e.message().into()),
    };
    for row in &report.skipped {
        print_bad_row(row, lang);
    }
    for note in import_notes(&report) {
        eprintln!("{}", note.get(lang));
    }
    let c = report.counts;
    let (added, updated, unchanged, skipped) =
        (c.added, c.updated, c.unchanged, report.skipped.len());
    say!(
        "{}",
        tr!(
            "新增 {added} 户,更新 {updated} 户,未变 {unchanged} 户,跳过 {skipped} 行",
            "added {added}, updated {updated}, unchanged {unchanged}, skipped {skipped} row(s)"
        )
        .get(lang)
    );
    Ok(())
}

fn list(village: Option<&str>, db: &Path, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let list = store.households(village).map_err(CliError::store(db))?;
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
            "干部编号",
        ],
        Lang::En => vec![
            "code",
            "township",
            "village",
            "group",
            "head",
            "members",
            "phone",
            "cadre",
            "cadre code",
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
                h.cadre_code.clone(),
            ]
        })
        .collect();
    super::write_stdout(&table::render(&headers, &rows, &[5]))?;
    let n = list.len();
    eprintln!("{}", tr!("共 {n} 户", "{n} household(s)").get(lang));
    Ok(())
}

/// What an import leaves a person to check: columns it did not read, and
/// codes it read otherwise than they were written.
fn import_notes(report: &ImportReport) -> Vec<Tr> {
    let mut notes = Vec::new();
    if !report.ignored_columns.is_empty() {
        let cols = escape_controls(&report.ignored_columns.join(", ")).into_owned();
        notes.push(tr!(
            "警告:这些列不是名册的字段,已忽略:{cols}。如果其中有电话、组、干部或备注,请把列名改成 电话、组、联户干部 或 备注 再导入",
            "warning: these columns are not registry fields and were ignored: {cols}. If one holds phones, groups, cadres or notes, rename it phone, group, cadre or notes and import again"
        ));
    }
    if !report.repeated_columns.is_empty() {
        let cols = escape_controls(&report.repeated_columns.join(", ")).into_owned();
        notes.push(tr!(
            "警告:这些列与前面的列是同一个字段,已忽略:{cols}",
            "warning: these columns repeat a field an earlier column gives and were ignored: {cols}"
        ));
    }
    let normalised = &report.normalised_codes;
    if !normalised.is_empty() {
        let n = normalised.len();
        let example = |c: &crate::store::import::NormalisedCode, lang: Lang| {
            let (line, written, code) = (c.line, c.written.escape_debug(), &c.code);
            match lang {
                Lang::Zh => format!("第 {line} 行:\"{written}\" → \"{code}\""),
                Lang::En => format!("line {line}: \"{written}\" → \"{code}\""),
            }
        };
        let examples = |lang: Lang, sep: &str| {
            normalised
                .iter()
                .take(3)
                .map(|c| example(c, lang))
                .collect::<Vec<_>>()
                .join(sep)
        };
        let (zh, en) = (examples(Lang::Zh, ";"), examples(Lang::En, "; "));
        notes.push(tr!(
            "规范了 {n} 个户编码(去掉不可见字符,全角字母和数字改为半角),例如 {zh}",
            "normalised {n} household code(s) (invisible characters removed, full-width letters and digits made plain), e.g. {en}"
        ));
    }
    notes
}

fn print_bad_row(row: &crate::store::import::BadRow, lang: Lang) {
    let line = row.line;
    // A reason may quote a cell; a cell may hold control characters.
    let reasons: Vec<_> = row
        .reasons
        .iter()
        .map(|r| escape_controls(r.get(lang)))
        .collect();
    let reasons = reasons.join(match lang {
        Lang::Zh => ";",
        Lang::En => "; ",
    });
    eprintln!(
        "{}",
        tr!("第 {line} 行:{reasons}", "line {line}: {reasons}").get(lang)
    );
}

/// A household both laptops changed: which fields differ, and which record
/// was kept.
fn household_conflict(c: &crate::store::merge::HouseholdConflict) -> Tr {
    use crate::store::household::Field;
    let code = &c.kept.household.code;
    let name = |f: Field, lang: Lang| -> &'static str {
        let (zh, en) = match f {
            Field::Township => ("乡镇", "township"),
            Field::Village => ("村", "village"),
            Field::Group => ("组", "group"),
            Field::Head => ("户主", "head"),
            Field::Members => ("人口", "members"),
            Field::Phone => ("电话", "phone"),
            Field::Cadre => ("联户干部", "cadre"),
            Field::CadreCode => ("干部编号", "cadre code"),
            Field::Unit => ("工作单位", "work unit"),
            Field::Notes => ("备注", "notes"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    };
    let fields: Vec<(Field, String, String)> = Field::ALL
        .iter()
        .filter_map(|&f| {
            let (kept, dropped) = (f.get(&c.kept.household), f.get(&c.dropped.household));
            (kept != dropped).then_some((f, kept, dropped))
        })
        .collect();
    let list = |lang: Lang, arrow: &str, sep: &str| {
        fields
            .iter()
            .map(|(f, kept, dropped)| {
                let (kept, dropped) = (escape_controls(kept), escape_controls(dropped));
                format!("{} '{kept}'{arrow}'{dropped}'", name(*f, lang))
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    let (kept_at, dropped_at) = (
        crate::report::csv_out::beijing_time(c.kept.at),
        crate::report::csv_out::beijing_time(c.dropped.at),
    );
    let (kd, dd) = (
        short_device(&c.kept.device),
        short_device(&c.dropped.device),
    );
    let (zh, en) = (
        list(Lang::Zh, ",而不是 ", ";"),
        list(Lang::En, " over ", ", "),
    );
    tr!(
        "  冲突:农户 {code} 的名册资料在两台电脑上都改过;保留按合并后的时钟最后修改的一份({kd},{kept_at}):{zh}({dd},{dropped_at});另一份留在名册历史中",
        "  conflict: household {code} was changed on both laptops; kept the record changed last by the merged clocks ({kd}, {kept_at}): {en} ({dd}, {dropped_at}); the other stays in the registry history"
    )
}

/// A laptop whose clock was ahead, and what that means for the merge.
fn clock_problem(p: &crate::store::merge::ClockProblem) -> Tr {
    let device = short_device(&p.device);
    let who = p.interviewer.as_deref().unwrap_or("?");
    let hours = p.ahead_ms / 3_600_000;
    let days = hours / 24;
    let (zh_ahead, en_ahead) = if days >= 1 {
        (format!("{days} 天"), format!("{days} day(s)"))
    } else {
        (format!("{hours} 小时"), format!("{hours} hour(s)"))
    };
    tr!(
        "  时钟问题:设备 {device}(调查员 {who})的时钟比这台电脑快 {zh_ahead}。它的修改仍排在它已经看到的修改之后,但与它没看到的修改相比会显得更晚:请核对上面的冲突,并把那台电脑的日期和时间改正",
        "  clock problem: device {device} (interviewer {who}) had its clock {en_ahead} ahead of this laptop. Its changes still come after every change it had seen, but against changes it had not seen they look later than they were: check the conflicts above, and set that laptop's date and time right"
    )
}

fn merge(files: &[std::path::PathBuf], db: &Path, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::MayCreate)?;
    let mut failed = false;
    let results = store.merge_all(files).map_err(CliError::store(db))?;
    for (file, result) in files.iter().zip(results) {
        let shown = file.display();
        match result {
            Ok(r) => {
                merged(&shown.to_string(), &r, lang)?;
                to_review(&r, lang)?;
            }
            Err(e) => {
                failed = true;
                let message = e.at(db).message();
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
    if failed { Err(CliError::Found) } else { Ok(()) }
}

/// What a merge brought, and the conflicts it settled.
fn merged(shown: &str, r: &crate::store::merge::MergeReport, lang: Lang) -> Result<(), CliError> {
    let h = r.households;
    let (ha, hu, hn) = (h.added, h.updated, h.unchanged);
    let (ia, iu, in_) = (
        r.interviews_added,
        r.interviews_updated,
        r.interviews_unchanged,
    );
    let (au, sn) = (r.audit_added, r.snapshots_added);
    say!(
        "{}",
        tr!(
            "已合并 {shown}:农户 新增 {ha} 更新 {hu} 未变 {hn};调查 新增 {ia} 更新 {iu} 未变 {in_};修改记录 新增 {au};问卷版本 新增 {sn}",
            "merged {shown}: households +{ha} updated {hu} unchanged {hn}; interviews +{ia} updated {iu} unchanged {in_}; audit entries +{au}; survey versions +{sn}"
        )
        .get(lang)
    );
    if r.rounds_added > 0 {
        let n = r.rounds_added;
        say!("{}", tr!("  轮次 新增 {n}", "  rounds +{n}").get(lang));
    }
    for c in &r.project_conflicts {
        let (v, rule, round) = (&c.key.village, &c.key.rule, &c.key.round);
        let (kept, dropped) = (c.kept.name(), c.dropped.name());
        let (kz, ke, dz, de) = (&kept.zh, &kept.en, &dropped.zh, &dropped.en);
        say!(
            "{}",
            tr!(
                "  项目冲突:{v} 的 {rule}(轮次 {round})在两台电脑上都改过:保留按合并后的时钟最后修改的“{kz}”,“{dz}”留在项目记录中",
                "  project conflict: {v} {rule} (round {round}) was changed on both laptops: kept '{ke}', changed last by the merged clocks; '{de}' stays in the project's history"
            )
            .get(lang)
        );
    }
    for name in &r.rounds_closed {
        say!(
            "{}",
            tr!(
                "  轮次“{name}”已结束:两台电脑上开着不同的轮次,保留开始较晚的一轮",
                "  round '{name}' is closed: the two laptops had different rounds open, and the one begun later stays open"
            )
            .get(lang)
        );
    }
    for c in &r.household_conflicts {
        say!("{}", household_conflict(c).get(lang));
    }
    for c in &r.conflicts {
        let (hh, sv, field) = (&c.household, &c.survey, &c.field);
        let kept = c.kept.as_deref().unwrap_or("∅");
        let dropped = c.dropped.as_deref().unwrap_or("∅");
        say!(
            "{}",
            tr!(
                "  冲突:农户 {hh} 的 {sv} 调查,{field} 在两台电脑上都改过:保留按合并后的时钟最后修改的 '{kept}','{dropped}' 留在修改记录中",
                "  conflict: household {hh}, survey {sv}, {field} was changed on both laptops: kept '{kept}', changed last by the merged clocks; '{dropped}' stays in the audit trail"
            )
            .get(lang)
        );
    }
    for p in &r.clock_problems {
        say!("{}", clock_problem(p).get(lang));
    }
    Ok(())
}

/// What a merge leaves a person to look at: interviews no longer complete,
/// households interviewed twice.
fn to_review(r: &crate::store::merge::MergeReport, lang: Lang) -> Result<(), CliError> {
    for f in &r.reopened {
        let (hh, sv) = (&f.household, &f.survey);
        let problems = |lang: Lang, sep: &str| {
            f.problems
                .iter()
                .map(|p| p.get(lang))
                .collect::<Vec<_>>()
                .join(sep)
        };
        let (zh, en) = (problems(Lang::Zh, ";"), problems(Lang::En, "; "));
        say!(
            "{}",
            tr!(
                "  需要复核:农户 {hh} 的 {sv} 调查合并后不再完整({zh}),已改回草稿,不计入排序。请在程序中打开这户的这份调查,补答或改正后再次完成。",
                "  needs review: household {hh}, survey {sv} is no longer complete once merged ({en}); it is a draft again and not counted in priorities. Open the household's interview in the app, answer or correct the question, and complete it again."
            )
            .get(lang)
        );
    }
    for d in &r.duplicates {
        let (hh, sv, n, round) = (&d.household, &d.survey, d.interviews, &d.round);
        say!(
            "{}",
            tr!(
                "  重复:农户 {hh} 在轮次“{round}”有 {n} 份 {sv} 调查;排序使用最近完成的一份",
                "  duplicate: household {hh} has {n} {sv} interviews in round '{round}'; priorities use the one completed last"
            )
            .get(lang)
        );
    }
    Ok(())
}

fn demo(
    db: &Path,
    surveys: Option<&Path>,
    (households, seed, rounds): (usize, u64, usize),
    lang: Lang,
) -> Result<(), CliError> {
    let surveys = load_surveys(surveys)?;
    let store = open_db(db, lang, Open::MayCreate)?;
    let started = std::time::Instant::now();
    let summary = if rounds > 1 {
        crate::demo::generate_rounds(&store, &surveys, (households, seed), rounds)
    } else {
        crate::demo::generate(&store, &surveys, households, seed)
    }
    .map_err(CliError::store(db))?;
    let secs = started.elapsed().as_secs_f64();
    let (h, v, c, d) = (
        summary.households,
        summary.villages,
        summary.complete,
        summary.drafts,
    );
    say!(
        "{}",
        tr!(
            "演示县已生成:{h} 户,{v} 个村,{c} 份完成的调查,{d} 份草稿,用时 {secs:.1} 秒",
            "demo county written: {h} households in {v} villages, {c} complete interviews, {d} drafts, in {secs:.1} s"
        )
        .get(lang)
    );
    Ok(())
}
