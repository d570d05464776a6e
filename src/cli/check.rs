//! `minqing check`: reading questionnaire files and reporting every problem.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::i18n::{Lang, Tr};
use crate::survey::{self, bundled::BUNDLED, diag::Level};
use crate::tr;

/// A questionnaire file as read from disk (or from the binary).
pub struct SourceFile {
    pub path: String,
    /// The text; for a file that is not UTF-8, decoded with replacement
    /// characters, for showing the line that is reported.
    pub text: String,
    pub not_utf8: Option<survey::NotUtf8>,
}

impl SourceFile {
    pub fn source(&self) -> survey::Source<'_> {
        survey::Source {
            path: &self.path,
            text: &self.text,
            not_utf8: self.not_utf8,
        }
    }
}

/// Loads files read by [`read_sources`] as one set: a file that is not
/// UTF-8 is reported and the others load.
pub fn load_files(files: &[SourceFile]) -> Vec<(&str, survey::Loaded)> {
    let sources: Vec<survey::Source<'_>> = files.iter().map(SourceFile::source).collect();
    survey::load_sources(&sources)
}

/// Reads the questionnaires at `paths` (files, or folders whose `*.toml`
/// files are read in name order); no paths means the bundled ones.
pub fn read_sources(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Tr> {
    if paths.is_empty() {
        return Ok(BUNDLED
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                text: text.to_string(),
                not_utf8: None,
            })
            .collect());
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let shown = path.display();
            let entries = std::fs::read_dir(path).map_err(|e| {
                tr!(
                    "无法读取文件夹 {shown}:{e}",
                    "cannot read folder {shown}: {e}"
                )
            })?;
            let mut tomls: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                // Windows and its users write .TOML as often as .toml.
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
                })
                .collect();
            if tomls.is_empty() {
                return Err(tr!(
                    "文件夹 {shown} 中没有问卷(.toml 文件)",
                    "no questionnaire (.toml file) in folder {shown}"
                ));
            }
            tomls.sort();
            for file in tomls {
                files.push(read_one(&file)?);
            }
        } else {
            files.push(read_one(path)?);
        }
    }
    Ok(files)
}

fn read_one(path: &Path) -> Result<SourceFile, Tr> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => tr!("找不到文件 {shown}", "no such file: {shown}"),
        _ => tr!("无法读取 {shown}:{e}", "cannot read {shown}: {e}"),
    })?;
    let (text, not_utf8) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let gbk = encoding_rs::GBK
                .decode_without_bom_handling_and_without_replacement(&bytes)
                .is_some();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (text, Some(survey::NotUtf8 { at, gbk }))
        }
    };
    Ok(SourceFile {
        path: shown.to_string(),
        text,
        not_utf8,
    })
}

pub fn run(paths: &[PathBuf], lang: Lang) -> Result<(), CliError> {
    let files = read_sources(paths).map_err(CliError::Usage)?;
    let loaded = load_files(&files);
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for ((path, result), file) in loaded.iter().zip(&files) {
        for d in &result.diagnostics {
            match d.level {
                Level::Error => errors += 1,
                Level::Warning => warnings += 1,
            }
            out.push_str(&d.render(path, &file.text, lang));
            out.push('\n');
        }
    }
    for (path, result) in &loaded {
        let line = match &result.survey {
            Some(s) => {
                let (id, version) = (&s.id, &s.version);
                let (q, n) = (s.questions().count(), s.needs.len());
                tr!(
                    "通过 {path}:{id} {version},{q} 道题,{n} 条需求规则",
                    "ok    {path}: {id} {version}, {q} questions, {n} need rules"
                )
            }
            None => {
                let e = result.errors();
                tr!("失败 {path}:{e} 个错误", "FAIL  {path}: {e} error(s)")
            }
        };
        out.push_str(line.get(lang));
        out.push('\n');
    }
    let files = loaded.len();
    let summary = tr!(
        "共检查 {files} 个问卷文件:{errors} 个错误,{warnings} 个警告",
        "checked {files} questionnaire file(s): {errors} error(s), {warnings} warning(s)"
    );
    out.push_str(summary.get(lang));
    out.push('\n');
    super::write_stdout(&out)?;
    if errors > 0 {
        Err(CliError::Found)
    } else {
        Ok(())
    }
}
