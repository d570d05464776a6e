//! `minqing doctor`: prints, for each check of the database, what was
//! found and what to do. The checks themselves are the store's
//! ([`crate::store::doctor`]); this module only words them.

use std::path::Path;

use super::short_device;
use super::{CliError, Open, open_db};
use crate::i18n::{Lang, Tr};
use crate::store::doctor::Findings;
use crate::tr;

/// One check as a person reads it: ✓ and what holds when nothing was
/// found; else ✗, what is wrong, the first few cases, and what to do.
struct Check {
    found: Vec<String>,
    holds: Tr,
    wrong: Tr,
    todo: Tr,
}

impl Check {
    /// Prints the check; `mark` begins the line of what was found (✗ for
    /// what is wrong, ! for what a person should look at).
    fn print(&self, lang: Lang, mark: &str) -> Result<(), CliError> {
        let mut out = String::new();
        if self.found.is_empty() {
            out.push_str(&format!("✓ {}\n", self.holds.get(lang)));
            return Ok(super::write_stdout(&out)?);
        }
        out.push_str(&format!("{mark} {}\n", self.wrong.get(lang)));
        for item in self.found.iter().take(10) {
            out.push_str(&format!("    {item}\n"));
        }
        if self.found.len() > 10 {
            let more = self.found.len() - 10;
            let text = tr!("……还有 {more} 个", "... and {more} more");
            out.push_str(&format!("    {}\n", text.get(lang)));
        }
        out.push_str(&format!("  → {}\n", self.todo.get(lang)));
        Ok(super::write_stdout(&out)?)
    }
}

/// Checks the database and prints what was found; with `repair`, first
/// computes the derived data again. Ends with [`CliError::Found`] when
/// anything was.
pub fn doctor(db: &Path, repair: bool, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let failed = CliError::store(db);
    let mut findings = store.doctor().map_err(&failed)?;
    if repair && findings.repairable() {
        store.repair().map_err(&failed)?;
        let done = tr!(
            "已重新计算需求结果和计数。",
            "Need hits and counts computed again."
        );
        super::write_stdout(&format!("{}\n", done.get(lang)))?;
        findings = store.doctor().map_err(&failed)?;
    }
    integrity(&findings).print(lang, "✗")?;
    if !findings.integrity.is_empty() {
        return Err(CliError::Found);
    }
    let parts = leftover_parts(db);
    let checks = derived(&findings)
        .into_iter()
        .chain(people(&findings, lang))
        .chain([leftovers(&parts)]);
    for check in checks {
        check.print(lang, "✗")?;
    }
    // Not a fault: two townships may have villages of one name.
    shared_villages(&findings, lang).print(lang, "!")?;
    if findings.is_clean() && parts.is_empty() {
        Ok(())
    } else {
        Err(CliError::Found)
    }
}

fn integrity(findings: &Findings) -> Check {
    Check {
        found: findings.integrity.clone(),
        holds: tr!(
            "文件完好(SQLite 完整性检查)",
            "the file is sound (SQLite integrity check)"
        ),
        wrong: tr!(
            "文件已损坏(SQLite 完整性检查)",
            "the file is damaged (SQLite integrity check)"
        ),
        todo: tr!(
            "不要再往这个文件里录入。用最近的备份(minqing backup 做的)替换它,再把这台电脑之后录入的数据从其他电脑合并回来。",
            "Stop entering data into this file. Replace it with the latest backup (made by minqing backup), then merge back what was entered since from the other laptops."
        ),
    }
}

fn pairs(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .map(|(code, survey)| format!("{code} {survey}"))
        .collect()
}

fn backup() -> Tr {
    tr!(
        "这个文件被其他程序改过。用最近的备份替换它。",
        "The file was changed by another program. Replace it with the latest backup."
    )
}

fn rerun() -> Tr {
    tr!(
        "运行 minqing doctor --repair 重新计算(只改计算结果,不改答案)。",
        "Run minqing doctor --repair to compute them again (only computed data changes, never answers)."
    )
}

/// The checks of what the file holds and what is computed from it:
/// references, readable answers, need hits, counts.
fn derived(findings: &Findings) -> [Check; 5] {
    let references = findings
        .foreign_keys
        .iter()
        .map(|(table, row, parent)| format!("{table} #{row} → {parent}"))
        .collect();
    let counted = findings
        .stale_counted
        .iter()
        .map(|id| format!("#{id}"))
        .collect();
    let kept = findings
        .stale_kept
        .iter()
        .map(|(round, township, village)| match round {
            0 => format!("{township} {village} (登记/registry)"),
            _ => format!("{township} {village} (轮次/round #{round})"),
        })
        .collect();
    [
        Check {
            found: references,
            holds: tr!("每条引用都成立", "every reference holds"),
            wrong: tr!(
                "有记录指向不存在的记录",
                "some rows point at rows that do not exist"
            ),
            todo: backup(),
        },
        Check {
            found: pairs(&findings.unreadable),
            holds: tr!("所有答案都能读取", "every interview's answers can be read"),
            wrong: tr!(
                "有问卷的答案无法读取",
                "some interviews' answers cannot be read"
            ),
            todo: backup(),
        },
        Check {
            found: pairs(&findings.stale_hits),
            holds: tr!(
                "需求结果与答案和问卷版本一致",
                "need hits agree with the answers and questionnaire versions"
            ),
            wrong: tr!(
                "有完成的问卷的需求结果与答案不符",
                "some complete interviews have need hits that do not match their answers"
            ),
            todo: rerun(),
        },
        Check {
            found: counted,
            holds: tr!(
                "排序用的计数是最新的",
                "the counts ranking reads are up to date"
            ),
            wrong: tr!(
                "排序用的计数已过时(按户的行号)",
                "the counts ranking reads are out of date (household row ids)"
            ),
            todo: rerun(),
        },
        Check {
            found: kept,
            holds: tr!(
                "每个村保存的计数与答案和农户登记一致",
                "the counts kept per village agree with the answers and the registry"
            ),
            wrong: tr!(
                "有村保存的计数与答案或农户登记不符",
                "some villages' kept counts do not agree with the answers or the registry"
            ),
            todo: rerun(),
        },
    ]
}

/// The checks that need a person: duplicates, villages, clocks, complete
/// interviews that are not.
fn people(findings: &Findings, lang: Lang) -> [Check; 4] {
    let duplicates = findings
        .duplicates
        .iter()
        .map(|d| format!("{} {} {} ×{}", d.household, d.round, d.survey, d.interviews))
        .collect();
    [
        Check {
            found: duplicates,
            holds: tr!(
                "没有重复调查的农户",
                "no household was interviewed twice for a survey"
            ),
            wrong: tr!(
                "有农户同一份问卷调查了不止一次",
                "some households were interviewed more than once for a survey"
            ),
            todo: tr!(
                "排序只计最后完成的那一份(minqing explain 列出计入的答案)。请和调查员核对那一份是对的。",
                "Ranking counts only the one completed last (minqing explain lists the answers that count). Check with the interviewers that it is the right one."
            ),
        },
        Check {
            found: findings.no_village.clone(),
            holds: tr!(
                "每户都有乡镇和村",
                "every household has a township and a village"
            ),
            wrong: tr!(
                "有农户没有乡镇或村",
                "some households have no township or village"
            ),
            todo: tr!(
                "在名册 CSV 里补上乡镇和村,再用 minqing households import 导入。",
                "Fill in the township and village in the registry CSV and import it again with minqing households import."
            ),
        },
        clocks(findings, lang),
        failing_complete(findings, lang),
    ]
}

fn shared_villages(findings: &Findings, lang: Lang) -> Check {
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    let found = findings
        .shared_villages
        .iter()
        .map(|(village, townships)| format!("{village}: {}", townships.join(sep)))
        .collect();
    Check {
        found,
        holds: tr!(
            "每个村名只在一个乡镇出现",
            "every village name is found in one township only"
        ),
        wrong: tr!(
            "这些村名在不止一个乡镇出现(不算错误)",
            "these village names are found in more than one township (not a fault)"
        ),
        todo: tr!(
            "若是同一个村,有的户乡镇填错了:在程序中选中这些户按 e 改正乡镇,或改正名册后用 minqing households import 重新导入。若确是不同的村,无需处理:程序和导出都在村名旁写出乡镇。",
            "If they are one village, some households have the wrong township: correct it in the app (e on the household) or in the registry CSV and import it again with minqing households import. If they are different villages, nothing to do: the app and the exports show the township beside the village."
        ),
    }
}

fn clocks(findings: &Findings, lang: Lang) -> Check {
    let days = |ms: i64| ms / 86_400_000;
    let mut found: Vec<String> = findings
        .future_clocks
        .iter()
        .map(|(device, ahead)| {
            let (device, d) = (short_device(device), days(*ahead));
            tr!(
                "设备 {device} 的时钟快了约 {d} 天",
                "device {device}: its clock was about {d} day(s) ahead"
            )
            .get(lang)
            .to_string()
        })
        .collect();
    if let Some(ahead) = findings.clock_ahead {
        let d = days(ahead);
        found.push(
            tr!(
                "这个文件的时钟(合并来的最晚时间)比这台电脑快约 {d} 天",
                "this file's clock (the latest stamp merged into it) is about {d} day(s) ahead of this laptop"
            )
            .get(lang)
            .to_string(),
        );
    }
    Check {
        found,
        holds: tr!(
            "没有来自未来的时间:每台电脑的时钟都不比这台快一天以上",
            "no time from the future: no laptop's clock was more than a day ahead of this one"
        ),
        wrong: tr!(
            "有电脑的时钟快了一天以上(修改时间来自未来)",
            "some laptop's clock was more than a day ahead (changes stamped in the future)"
        ),
        todo: tr!(
            "把那台电脑的日期和时间改正。合并仍按每台电脑看到过的修改排序,时钟快的电脑不会越过它看到过的修改;但它和别人同时做的修改会被当作更晚的:请用 minqing merge 列出的冲突核对。",
            "Set that laptop's date and time right. Merges still order each change after every change its laptop had seen, so a fast clock cannot jump over those; but against changes made elsewhere meanwhile, its changes count as later: check them against the conflicts minqing merge lists."
        ),
    }
}

fn failing_complete(findings: &Findings, lang: Lang) -> Check {
    let found = findings
        .failing_complete
        .iter()
        .map(|f| {
            let first = f.problems.first().map_or("", |p| p.get(lang));
            let more = f.problems.len().saturating_sub(1);
            let more = match (more, lang) {
                (0, _) => String::new(),
                (n, Lang::Zh) => format!(";还有 {n} 项"),
                (n, Lang::En) => format!("; and {n} more"),
            };
            format!("{} {}: {first}{more}", f.household, f.survey)
        })
        .collect();
    Check {
        found,
        holds: tr!(
            "每份完成的调查都答了必答题,答案都符合要求",
            "every complete interview has its required answers, each meeting its question's rule"
        ),
        wrong: tr!(
            "有标为完成的调查缺少必答题或有答案不符合要求",
            "some interviews marked complete miss a required answer or hold an answer that breaks its rule"
        ),
        todo: tr!(
            "在程序中打开这户的这份调查,按 o 重新打开,补答或改正这一题,再按 c 完成。改好之前它仍按完成计入排序。",
            "Open the household's interview in the app, press o to reopen it, answer or correct the question, then press c to complete it again. Until then it still counts in priorities as complete."
        ),
    }
}

/// Temporary files of an export, a backup or a new database stopped
/// half-way, beside the database and in the current folder.
fn leftover_parts(db: &Path) -> Vec<std::path::PathBuf> {
    let folder = db.parent().filter(|p| !p.as_os_str().is_empty());
    let mut parts = crate::files::leftover_parts_in(folder.unwrap_or(Path::new(".")));
    for here in crate::files::leftover_parts_in(Path::new(".")) {
        if !parts.iter().any(|p| crate::files::same_file(p, &here)) {
            parts.push(here);
        }
    }
    parts
}

fn leftovers(parts: &[std::path::PathBuf]) -> Check {
    Check {
        found: parts.iter().map(|p| p.display().to_string()).collect(),
        holds: tr!(
            "没有中断的导出或备份留下的临时文件",
            "no temporary file left by a stopped export or backup"
        ),
        wrong: tr!(
            "有中断的导出或备份留下的临时文件(.part,可能含有农户资料)",
            "temporary files left by a stopped export or backup (.part, which may hold household data)"
        ),
        todo: tr!(
            "它们不完整,不要使用。再次运行同一个导出或备份会删除它们;也可以直接删除。",
            "They are incomplete: do not use them. Running the same export or backup again removes them; they may also be deleted by hand."
        ),
    }
}
