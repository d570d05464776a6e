//! Importing the household registry from CSV, as counties keep it in Excel
//! or WPS: Chinese or English headers, UTF-8 (with or without BOM), GBK or
//! GB18030 as Excel on Chinese Windows writes it, and Excel's "Unicode
//! text" (UTF-16 with BOM, tab-separated).
//!
//! Owns header recognition, row checks and undoing what our own Excel
//! export does to protect cells (decoding is in `decode`). Nothing is
//! written unless every row is good, or the caller asked to skip bad rows. A column the file
//! lacks, and unless asked otherwise an empty cell, leaves the stored field
//! as it is: an import never loses what it was not given.

mod decode;
mod headers;

use std::collections::HashMap;

pub use decode::decode;
use decode::delimiter;
use headers::{FIELDS, REQUIRED, column_zh};

use super::household::{Household, Keep, RegistryRow, UpsertCounts};
use super::{Store, StoreError};
use crate::i18n::Tr;
use crate::text::{half_width, normalise_code, trim_cell};
use crate::tr;

/// One rejected row: its line in the file (the header is line 1) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reasons: Vec<Tr>,
}

/// What a file that is not a CSV turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotCsv {
    /// A zip archive: an .xlsx workbook, most likely.
    Workbook,
    /// An OLE compound file: an .xls workbook of Excel 97-2003, most likely.
    OldWorkbook,
    /// Text decoding gave NUL characters: binary data, or UTF-16 without BOM.
    Binary,
}

/// `Display` is the English message, for logs; a person is shown
/// [`ImportError::message`] in the language they chose.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message().en)]
pub enum ImportError {
    /// Nothing but whitespace (or a byte-order mark) in the file.
    EmptyFile,
    /// The file is something else than a CSV.
    NotCsv(NotCsv),
    /// The bytes are not text in any encoding we recognise.
    Encoding,
    /// Some lines are UTF-8 and others are not: decoding the file either way
    /// would garble part of it. `first` is the first line with non-ASCII
    /// text (`None`: the file's UTF-8 byte-order mark), `other` the first
    /// line decoding differently; `other_is_utf8` says which way.
    MixedEncoding {
        first: Option<u64>,
        other: u64,
        other_is_utf8: bool,
    },
    /// Required columns are missing from the header.
    MissingColumns(Vec<&'static str>),
    /// No data rows.
    Empty,
    /// Some rows are bad and skipping was not asked for; nothing was imported.
    BadRows(Vec<BadRow>),
    Csv(#[source] csv::Error),
    Store(#[source] StoreError),
}

impl ImportError {
    pub fn message(&self) -> Tr {
        match self {
            ImportError::EmptyFile => tr!(
                "文件是空的,里面没有表头也没有农户;请检查是否选错了文件",
                "the file is empty: no header and no households; check that this is the right file"
            ),
            ImportError::NotCsv(NotCsv::Workbook) => tr!(
                "这是 Excel 工作簿(.xlsx,或其他压缩文件),不是 CSV 文件;请用 Excel 或 WPS 打开,另存为 CSV UTF-8(\"另存为\" → \"CSV UTF-8\"),再导入那个文件",
                "this is an Excel workbook (.xlsx, or another zip file), not a CSV file; open it in Excel or WPS, save it as CSV UTF-8 (Save As → CSV UTF-8) and import that file"
            ),
            ImportError::NotCsv(NotCsv::OldWorkbook) => tr!(
                "这是 Excel 97-2003 工作簿(.xls)或其他 Office 文件,不是 CSV 文件;请用 Excel 或 WPS 打开,另存为 CSV UTF-8,再导入那个文件",
                "this is an Excel 97-2003 workbook (.xls) or another Office file, not a CSV file; open it in Excel or WPS, save it as CSV UTF-8 and import that file"
            ),
            ImportError::NotCsv(NotCsv::Binary) => tr!(
                "文件含有二进制数据(NUL 字节),不是文本:可能是没有 BOM 的 UTF-16,或根本不是表格;请另存为 CSV UTF-8 再导入",
                "the file holds binary data (NUL bytes), not text: perhaps UTF-16 without a byte-order mark, or not a table at all; save it as CSV UTF-8 and import that file"
            ),
            ImportError::Encoding => tr!(
                "无法识别文件的编码;请另存为 UTF-8 或 GBK 编码的 CSV",
                "the file's encoding is not recognised; save it as CSV in UTF-8 or GBK"
            ),
            ImportError::MixedEncoding {
                first,
                other,
                other_is_utf8,
            } => {
                let what = match (first, other_is_utf8) {
                    (Some(first), false) => tr!(
                        "第 {other} 行不是 UTF-8(可能是 GBK),而第 {first} 行是 UTF-8",
                        "line {other} is not UTF-8 (probably GBK) but line {first} is UTF-8"
                    ),
                    (None, false) => tr!(
                        "第 {other} 行不是 UTF-8(可能是 GBK),而文件以 UTF-8 的 BOM 开头",
                        "line {other} is not UTF-8 (probably GBK) though the file starts with UTF-8's byte-order mark"
                    ),
                    (first, true) => {
                        let first = first.unwrap_or(1);
                        tr!(
                            "第 {other} 行是 UTF-8,而第 {first} 行不是(可能是 GBK)",
                            "line {other} is UTF-8 but line {first} is not (probably GBK)"
                        )
                    }
                };
                let (zh, en) = (what.zh, what.en);
                tr!(
                    "{zh}:文件混用了两种编码,没有导入任何农户。请把整个文件另存为同一种编码(在 Excel 或 WPS 中另存为 CSV UTF-8)后重新导入",
                    "{en}: the file mixes two encodings and nothing was imported; save the whole file in one encoding (in Excel or WPS: Save As → CSV UTF-8) and import it again"
                )
            }
            ImportError::MissingColumns(cols) => {
                let zh = cols
                    .iter()
                    .map(|c| column_zh(c))
                    .collect::<Vec<_>>()
                    .join("、");
                let en = cols.join(", ");
                tr!(
                    "表头缺少这些列:{zh}(中文或英文列名均可)",
                    "the header lacks these columns: {en} (Chinese or English names)"
                )
            }
            ImportError::Empty => tr!("文件里没有农户数据", "the file holds no households"),
            ImportError::BadRows(rows) => {
                let n = rows.len();
                tr!(
                    "{n} 行有错误,没有导入任何农户;改正后重新导入,或用 --skip-bad 只导入正确的行",
                    "{n} row(s) have errors and nothing was imported; fix them and import again, or use --skip-bad to import the good rows"
                )
            }
            ImportError::Csv(e) => tr!("CSV 格式错误:{e}", "malformed CSV: {e}"),
            ImportError::Store(e) => e.message(),
        }
    }
}

/// A household code that was written otherwise than it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalisedCode {
    pub line: u64,
    /// As in the file (after undoing our Excel export's protection).
    pub written: String,
    /// As matched and stored ([`normalise_code`]).
    pub code: String,
}

/// How an import treats the rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Import the good rows and list the bad ones, rather than nothing.
    pub skip_bad: bool,
    /// An empty cell of an optional column clears the stored field, rather
    /// than leaving it alone.
    pub clear_empty: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub counts: UpsertCounts,
    /// Rows left out (only with skip-bad).
    pub skipped: Vec<BadRow>,
    /// Header names that are not registry fields, ignored.
    pub ignored_columns: Vec<String>,
    /// Header names of a field an earlier column already gives, ignored.
    pub repeated_columns: Vec<String>,
    /// Codes written with invisible or full-width characters.
    pub normalised_codes: Vec<NormalisedCode>,
}

/// A header name as it is looked up in [`FIELDS`]: full-width letters and
/// brackets made plain (`乡(镇)`), invisible characters and surrounding
/// spaces removed, lowercase.
fn header_key(name: &str) -> String {
    normalise_code(name).to_lowercase()
}

/// A cell as it was before our Excel export protected it
/// (`report::csv_out::{excel_code, neutralise}`): `="0100010001"` is the
/// text `0100010001`; one apostrophe is removed before `=`, `+`, `-`, `@`,
/// tab or CR (or before more apostrophes and then one of those). Other
/// cells are as they are.
pub fn undo_excel(cell: &str) -> &str {
    if let Some(rest) = cell.strip_prefix('\'')
        && rest
            .trim_start_matches('\'')
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
        return rest;
    }
    if let Some(inner) = cell.strip_prefix("=\"").and_then(|c| c.strip_suffix('"'))
        && !inner.contains('"')
    {
        return inner;
    }
    cell
}

/// Parsed rows: the good ones, the bad ones, what the header did not use
/// and which codes were normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<RegistryRow>,
    pub bad: Vec<BadRow>,
    pub ignored_columns: Vec<String>,
    pub repeated_columns: Vec<String>,
    pub normalised_codes: Vec<NormalisedCode>,
}

/// Reads and checks every row of a households CSV. An optional column
/// absent from the file leaves the stored field alone; so does an empty
/// cell, unless `clear_empty`.
pub fn parse(bytes: &[u8], clear_empty: bool) -> Result<Parsed, ImportError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(ImportError::Csv)?.clone();
    let mut parsed = Parsed::default();
    let index = columns(&headers, &mut parsed);
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|f| !index.contains_key(f))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(ImportError::Csv)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| trim_cell(c).is_empty()) {
            continue;
        }
        let (written, row, mut reasons) = read_row(&record, &index, clear_empty);
        let code = &row.household.code;
        if *code != written {
            parsed.normalised_codes.push(NormalisedCode {
                line,
                written: written.clone(),
                code: code.clone(),
            });
        }
        reasons.extend(
            row.household
                .problems()
                .iter()
                .map(super::household::HouseholdProblem::message),
        );
        if !code.is_empty() {
            match seen.get(code) {
                Some(&first) => reasons.push(repeated_code(code, &written, first)),
                None => {
                    seen.insert(code.clone(), line);
                }
            }
        }
        if reasons.is_empty() {
            parsed.rows.push(row);
        } else {
            parsed.bad.push(BadRow { line, reasons });
        }
    }
    if parsed.rows.is_empty() && parsed.bad.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(parsed)
}

/// The column of each registry field the header names; columns that name
/// no field, or a field an earlier column names, are noted in `parsed`.
fn columns(headers: &csv::StringRecord, parsed: &mut Parsed) -> HashMap<&'static str, usize> {
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        let key = header_key(name);
        match FIELDS
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
        {
            Some((field, _)) if index.contains_key(field) => {
                parsed.repeated_columns.push(name.to_string());
            }
            Some((field, _)) => {
                index.insert(field, i);
            }
            None if !key.is_empty() => parsed.ignored_columns.push(name.to_string()),
            None => {}
        }
    }
    index
}

/// One row of the registry: the code as written, the row as read, and
/// why the members cell cannot be read, if it cannot.
fn read_row(
    record: &csv::StringRecord,
    index: &HashMap<&'static str, usize>,
    clear_empty: bool,
) -> (String, RegistryRow, Vec<crate::i18n::Tr>) {
    // The cell of a field: None when the file has no such column.
    let cell = |field: &str| index.get(field).map(|&i| record.get(i).unwrap_or(""));
    let text = |field: &str| undo_excel(trim_cell(cell(field).unwrap_or(""))).to_string();
    // An optional field: its text, and whether the stored one is kept.
    let optional = |field: &str| match cell(field) {
        None => (String::new(), true),
        Some(raw) => {
            let value = undo_excel(trim_cell(raw)).to_string();
            let keep = value.is_empty() && !clear_empty;
            (value, keep)
        }
    };
    let written = undo_excel(cell("code").unwrap_or("")).to_string();
    let code = normalise_code(&written).into_owned();
    let members_text = half_width(&text("members"));
    let mut reasons = Vec::new();
    let members = match members_text.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            reasons.push(tr!(
                "人口 '{members_text}' 不是整数",
                "members '{members_text}' is not a whole number"
            ));
            1
        }
    };
    let (group, keep_group) = optional("group");
    let (phone, keep_phone) = optional("phone");
    let (cadre, keep_cadre) = optional("cadre");
    let (cadre_code, keep_cadre_code) = optional("cadre_code");
    let (unit, keep_unit) = optional("unit");
    let (notes, keep_notes) = optional("notes");
    let household = Household {
        code,
        township: text("township"),
        village: text("village"),
        group,
        head: text("head"),
        members,
        phone,
        cadre,
        notes,
        cadre_code,
        unit,
    };
    let keep = Keep {
        group: keep_group,
        phone: keep_phone,
        cadre: keep_cadre,
        cadre_code: keep_cadre_code,
        unit: keep_unit,
        notes: keep_notes,
    };
    (written, RegistryRow { household, keep }, reasons)
}

/// Why a row is refused whose code an earlier line has; the code as it
/// was written too, when it was written otherwise.
fn repeated_code(code: &str, written: &str, first: u64) -> crate::i18n::Tr {
    if written == code {
        tr!(
            "户编码 {code} 与第 {first} 行重复",
            "code {code} is also on line {first}"
        )
    } else {
        let shown = format!("\"{}\"", written.escape_debug());
        tr!(
            "户编码 {code}(写作 {shown})与第 {first} 行重复",
            "code {code} (written {shown}) is also on line {first}"
        )
    }
}

impl Store {
    /// Imports a households CSV. With any bad row nothing is written,
    /// unless `skip_bad`, which imports the good rows and lists the rest.
    pub fn import_households(
        &self,
        bytes: &[u8],
        options: ImportOptions,
    ) -> Result<ImportReport, ImportError> {
        let parsed = parse(bytes, options.clear_empty)?;
        if !parsed.bad.is_empty() && !options.skip_bad {
            return Err(ImportError::BadRows(parsed.bad));
        }
        self.check_before_writing().map_err(ImportError::Store)?;
        let counts = self
            .upsert_registry_rows(&parsed.rows)
            .map_err(ImportError::Store)?;
        Ok(ImportReport {
            counts,
            skipped: parsed.bad,
            ignored_columns: parsed.ignored_columns,
            repeated_columns: parsed.repeated_columns,
            normalised_codes: parsed.normalised_codes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_excel_protections_are_undone_and_nothing_else() {
        assert_eq!(undo_excel("=\"0100010001\""), "0100010001");
        assert_eq!(undo_excel("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(undo_excel("'+86 138"), "+86 138");
        assert_eq!(undo_excel("'-1"), "-1");
        assert_eq!(undo_excel("'@home"), "@home");
        assert_eq!(undo_excel("'\tx"), "\tx");
        assert_eq!(undo_excel("''=x"), "'=x", "only the apostrophe added");
        assert_eq!(undo_excel("'''-x"), "''-x");
        assert_eq!(undo_excel("'刀岩"), "'刀岩", "not one the export adds");
        assert_eq!(undo_excel("=\"a\"\"b\""), "=\"a\"\"b\"");
        assert_eq!(undo_excel("=SUM(A1)"), "=SUM(A1)");
        assert_eq!(undo_excel("'"), "'");
        assert_eq!(undo_excel("=\""), "=\"");
    }

    #[test]
    fn tab_separated_text_is_read_with_tabs_and_commas_stay_in_cells() {
        let parsed = parse(
            "户编码\t乡镇\t村\t户主\t人口\t备注\nA1\t勐烈镇\t曼贺村\t李明\t4\t一, 二\n".as_bytes(),
            false,
        )
        .expect("parsed");
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].household.notes, "一, 二");
    }

    #[test]
    fn full_width_brackets_and_invisible_characters_in_headers_are_recognised() {
        let parsed = parse(
            "\u{200B}户编码,乡（镇）,村,户主,人口\u{3000},手机号码\nA1,勐烈镇,曼贺村,李明,4,138\n"
                .as_bytes(),
            false,
        )
        .expect("parsed");
        assert!(
            parsed.ignored_columns.is_empty(),
            "{:?}",
            parsed.ignored_columns
        );
        assert_eq!(parsed.rows[0].household.phone, "138");
    }

    #[test]
    fn a_second_column_of_the_same_field_is_reported_not_read() {
        let parsed = parse(
            "code,township,village,head,members,phone,手机号码\nA1,勐烈镇,曼贺村,李明,4,138,139\n"
                .as_bytes(),
            false,
        )
        .expect("parsed");
        assert_eq!(parsed.repeated_columns, ["手机号码"]);
        assert_eq!(parsed.rows[0].household.phone, "138");
    }

    #[test]
    fn absent_columns_and_empty_cells_keep_stored_fields_in_the_database() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let store = Store::open(&dir.path().join("m.db")).expect("open");
        let full = "code,township,village,group,head,members,phone,cadre,notes\n\
                    A1,勐烈镇,曼贺村,一组,李明,4,138,王芳,低保户\n";
        let import = |text: &str, clear_empty: bool| {
            store
                .import_households(
                    text.as_bytes(),
                    ImportOptions {
                        skip_bad: false,
                        clear_empty,
                    },
                )
                .expect("imported")
                .counts
        };
        import(full, false);
        let stored = || store.household("A1").expect("read").expect("there");
        let before = stored();
        let counts = import(
            "code,township,village,head,members\nA1,勐烈镇,曼贺村,李明,4\n",
            false,
        );
        assert_eq!((counts.unchanged, counts.updated), (1, 0));
        assert_eq!(stored(), before);
        let blank = "code,township,village,group,head,members,phone,cadre,notes\n\
                     A1,勐烈镇,曼贺村,,李明,4,,,\n";
        assert_eq!(import(blank, false).unchanged, 1);
        assert_eq!(stored(), before);
        assert_eq!(import(blank, true).updated, 1);
        let cleared = stored();
        assert_eq!(
            (
                cleared.group.as_str(),
                cleared.phone.as_str(),
                cleared.cadre.as_str(),
                cleared.notes.as_str()
            ),
            ("", "", "", "")
        );
        // Absent columns stay absent even with --clear-empty.
        import(full, false);
        import(
            "code,township,village,head,members\nA1,勐烈镇,曼贺村,李明,4\n",
            true,
        );
        assert_eq!(stored(), before);
    }
}
