//! `minqing package`: work packages for other laptops, one cadre's or some
//! villages' households, or one file per cadre.

use std::path::{Path, PathBuf};

use super::{CliError, Open, open_db};
use crate::i18n::{Lang, Tr};
use crate::store::Store;
use crate::store::household::Household;
use crate::store::package::{CadreLink, Packager, cadres_of};
use crate::tr;

/// What a package holds.
pub struct Which<'a> {
    pub cadre: Option<&'a str>,
    pub villages: &'a [String],
    pub all_cadres: bool,
}

/// The cadre named `wanted`: by code, by `name/unit`, else by name when
/// one cadre has it; namesakes are listed for a person to choose by code
/// (or by name and unit, for those without one).
fn find_cadre(cadres: &[CadreLink], wanted: &str) -> Result<CadreLink, Tr> {
    let wanted = wanted.trim();
    if let Some(c) = cadres
        .iter()
        .find(|c| !c.code.is_empty() && c.code == wanted)
    {
        return Ok(c.clone());
    }
    let named: Vec<&CadreLink> = match wanted.split_once('/') {
        Some((name, unit)) => cadres
            .iter()
            .filter(|c| c.name == name.trim() && c.unit == unit.trim())
            .collect(),
        None => cadres.iter().filter(|c| c.name == wanted).collect(),
    };
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(tr!(
            "登记册中没有联户干部“{wanted}”(按干部编号或姓名查找)",
            "no linked cadre '{wanted}' in the registry (looked up by cadre code or name)"
        )),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|c| {
                    let code = if c.code.is_empty() { "-" } else { &c.code };
                    format!("{code} {} ({}户/households)", c.unit, c.households.len())
                })
                .collect();
            let list = list.join("; ");
            // How to name the first: its code, or its name and unit.
            let first = match many[0] {
                c if c.code.is_empty() => format!("{}/{}", c.name, c.unit),
                c => c.code.clone(),
            };
            Err(tr!(
                "有 {n} 位联户干部叫“{wanted}”:{list};请用干部编号(没有编号的用 姓名/单位)指定,例如 --cadre {first}",
                "{n} linked cadres are called '{wanted}': {list}; name one by cadre code (or name/unit for one without a code), for example --cadre {first}",
                n = many.len()
            ))
        }
    }
}

/// The households of the villages named (`村` or `乡镇/村`).
fn village_households(households: &[Household], villages: &[String]) -> Result<Vec<String>, Tr> {
    let mut codes = Vec::new();
    for wanted in villages {
        let before = codes.len();
        for h in households {
            let full = format!("{}/{}", h.township, h.village);
            if (h.village == *wanted || full == *wanted) && !codes.contains(&h.code) {
                codes.push(h.code.clone());
            }
        }
        if codes.len() == before {
            return Err(tr!(
                "登记册中没有村“{wanted}”",
                "no village '{wanted}' in the registry"
            ));
        }
    }
    Ok(codes)
}

fn said(packaged: &Path, households: usize, interviews: usize) -> Tr {
    let p = packaged.display();
    tr!(
        "已写入 {p}:{households} 户,{interviews} 份调查。在那台电脑上用 minqing --db {p} 打开;带回后用 minqing merge {p} 合并",
        "written {p}: {households} household(s), {interviews} interview(s). On the other laptop open it with minqing --db {p}; back here, merge it with minqing merge {p}"
    )
}

pub fn run(
    db: &Path,
    surveys: Option<&Path>,
    which: &Which<'_>,
    out: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    let in_use = super::data::load_surveys(surveys)?;
    let store = open_db(db, lang, Open::Existing)?;
    let failed = CliError::store(db);
    let households = store.households(None).map_err(&failed)?;
    let cadres = cadres_of(&households);
    if which.all_cadres {
        return all_cadres(&store, &in_use, &cadres, out, lang);
    }
    let mut codes = Vec::new();
    let mut for_cadre = None;
    if let Some(wanted) = which.cadre {
        let cadre = find_cadre(&cadres, wanted)?;
        codes.extend(cadre.households.iter().cloned());
        for_cadre = Some(cadre);
    }
    for code in village_households(&households, which.villages)? {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return Err(CliError::Usage(tr!(
            "请说明打包哪些农户:--cadre 干部、--village 村(可重复)或 --all-cadres",
            "say which households to package: --cadre CADRE, --village VILLAGE (repeatable) or --all-cadres"
        )));
    }
    let packager = store.packager(&in_use, out).map_err(&failed)?;
    let n = packager
        .write(out, &codes, for_cadre.as_ref())
        .map_err(|e| CliError::Failed(e.at(out).message()))?;
    Ok(super::write_stdout(&format!(
        "{}\n",
        said(out, codes.len(), n).get(lang)
    ))?)
}

/// One package per cadre in the folder `dir`; a file already there is
/// left as it is and said.
fn all_cadres(
    store: &Store,
    in_use: &[crate::survey::Survey],
    cadres: &[CadreLink],
    dir: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    if dir.is_file() {
        let d = dir.display();
        return Err(CliError::Usage(tr!(
            "--all-cadres 的 --out 应是文件夹,{d} 是文件",
            "with --all-cadres, --out is a folder; {d} is a file"
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        let d = dir.display();
        CliError::Failed(tr!(
            "无法建立文件夹 {d}:{e}",
            "cannot make the folder {d}: {e}"
        ))
    })?;
    let packager: Packager<'_> = store
        .packager(in_use, &dir.join("template.db"))
        .map_err(CliError::store(store.path()))?;
    let mut problems = false;
    let mut written = 0;
    for cadre in cadres {
        let path: PathBuf = dir.join(cadre.file_name());
        match packager.write(&path, &cadre.households, Some(cadre)) {
            Ok(_) => written += 1,
            Err(e) => {
                problems = true;
                super::print_error(&e.at(&path).message(), lang);
            }
        }
    }
    let d = dir.display();
    super::write_stdout(&format!(
        "{}\n",
        tr!(
            "已在 {d} 写入 {written} 个工作包(每位联户干部一个)",
            "written {written} work package(s) in {d}, one per linked cadre"
        )
        .get(lang)
    ))?;
    if problems {
        Err(CliError::Found)
    } else {
        Ok(())
    }
}
