//! `minqing import-xlsform`: reads an XLSForm workbook (calamine) and
//! writes the questionnaire it converts to (`crate::survey::xlsform`),
//! then loads what it wrote as `minqing check` would and says what was
//! left out, by sheet and row.

use std::io::Write;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::CliError;
use crate::i18n::Lang;
use crate::survey::xlsform::{Sheet, convert};
use crate::survey::{self, diag::Level};
use crate::tr;

/// A sheet by name, any case; none when the workbook lacks it.
fn sheet(book: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>, name: &str) -> Sheet {
    let Some(found) = book
        .sheet_names()
        .into_iter()
        .find(|n| n.trim().eq_ignore_ascii_case(name))
    else {
        return Vec::new();
    };
    let Ok(range) = book.worksheet_range(&found) else {
        return Vec::new();
    };
    range
        .rows()
        .map(|row| row.iter().map(cell).collect())
        .collect()
}

/// A cell as its text: a whole number without ".0".
fn cell(data: &Data) -> String {
    match data {
        Data::Float(f) => {
            let mut text = String::new();
            crate::text::push_number(&mut text, *f);
            text
        }
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

pub fn run(form: &Path, out: Option<&Path>, category: &str, lang: Lang) -> Result<(), CliError> {
    let shown = form.display();
    let mut book = open_workbook_auto(form).map_err(|e| {
        CliError::Usage(tr!(
            "无法读取 XLSForm 工作簿 {shown}:{e}",
            "cannot read the XLSForm workbook {shown}: {e}"
        ))
    })?;
    let survey = sheet(&mut book, "survey");
    if survey.is_empty() {
        return Err(CliError::Usage(tr!(
            "{shown} 中没有 survey 工作表",
            "{shown} has no survey sheet"
        )));
    }
    let converted = convert(
        &survey,
        &sheet(&mut book, "choices"),
        &sheet(&mut book, "settings"),
        category,
    );
    match out {
        Some(path) => write_new(path, &converted.toml)?,
        None => super::write_stdout(&converted.toml)?,
    }
    // What was left out or rewritten, then the questionnaire checked.
    let mut report = String::new();
    for note in &converted.notes {
        let (sheet, row, what) = (note.sheet, note.row, note.what.get(lang));
        let line = tr!(
            "{sheet} 第 {row} 行:{what}\n",
            "{sheet} row {row}: {what}\n"
        );
        report.push_str(line.get(lang));
    }
    let loaded = survey::load(&converted.toml);
    let name = out.map_or("-".to_string(), |p| p.display().to_string());
    for d in &loaded.diagnostics {
        report.push_str(&d.render(&name, &converted.toml, lang));
        report.push('\n');
    }
    let (left, errors) = (converted.notes.len(), loaded.errors());
    report.push_str(
        tr!(
            "转换完成:{left} 处没有导入或已改写,检查发现 {errors} 个错误\n",
            "converted: {left} row(s) left out or rewritten; the check found {errors} error(s)\n"
        )
        .get(lang),
    );
    eprint!("{report}");
    if loaded.diagnostics.iter().any(|d| d.level == Level::Error) {
        return Err(CliError::Found);
    }
    Ok(())
}

/// Writes a new file: never over one that is there (nor through a link),
/// and nothing left behind when writing fails.
fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    let shown = path.display();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            CliError::Usage(match e.kind() {
                std::io::ErrorKind::AlreadyExists => tr!(
                    "{shown} 已存在,不会覆盖;请换一个文件名",
                    "{shown} exists and is not replaced: choose another name"
                ),
                _ => tr!("无法创建 {shown}:{e}", "cannot create {shown}: {e}"),
            })
        })?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(CliError::Failed(tr!(
            "写入 {shown} 失败,已删除不完整的文件:{e}",
            "writing {shown} failed and the incomplete file was removed: {e}"
        )));
    }
    Ok(())
}
