//! Importing the household registry from CSV, as counties keep it in Excel
//! or WPS: Chinese or English headers, UTF-8 (with or without BOM), UTF-16
//! with BOM, or GBK/GB18030 as Excel on Chinese Windows writes it.
//!
//! Owns decoding, header recognition and row checks. Nothing is written
//! unless every row is good, or the caller asked to skip bad rows.

use std::collections::HashMap;

use super::household::{Household, UpsertCounts};
use super::{Store, StoreError};
use crate::i18n::Tr;
use crate::tr;

/// One rejected row: its line in the file (the header is line 1) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reasons: Vec<Tr>,
}

#[derive(Debug)]
pub enum ImportError {
    /// The bytes are not text in any encoding we recognise.
    Encoding,
    /// Required columns are missing from the header.
    MissingColumns(Vec<&'static str>),
    /// No data rows.
    Empty,
    /// Some rows are bad and skipping was not asked for; nothing was imported.
    BadRows(Vec<BadRow>),
    Csv(csv::Error),
    Store(StoreError),
}

impl ImportError {
    pub fn message(&self) -> Tr {
        match self {
            ImportError::Encoding => tr!(
                "无法识别文件的编码;请另存为 UTF-8 或 GBK 编码的 CSV",
                "the file's encoding is not recognised; save it as CSV in UTF-8 or GBK"
            ),
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

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub counts: UpsertCounts,
    /// Rows left out (only with skip-bad).
    pub skipped: Vec<BadRow>,
    /// Header names that are not registry fields, ignored.
    pub ignored_columns: Vec<String>,
}

/// Registry fields and the header names that mean them.
const FIELDS: [(&str, &[&str]); 9] = [
    ("code", &["code", "户编码", "户码", "户编号", "编码"]),
    ("township", &["township", "乡镇", "乡(镇)", "乡"]),
    ("village", &["village", "村", "行政村", "村委会"]),
    ("group", &["group", "组", "村民小组", "小组"]),
    ("head", &["head", "户主", "户主姓名"]),
    ("members", &["members", "人口", "家庭人口", "人数"]),
    ("phone", &["phone", "电话", "联系电话"]),
    ("cadre", &["cadre", "联户干部", "干部"]),
    ("notes", &["notes", "备注"]),
];

const REQUIRED: [&str; 5] = ["code", "township", "village", "head", "members"];

fn column_zh(field: &str) -> &'static str {
    match field {
        "code" => "户编码",
        "township" => "乡镇",
        "village" => "村",
        "group" => "组",
        "head" => "户主",
        "members" => "人口",
        "phone" => "电话",
        "cadre" => "联户干部",
        _ => "备注",
    }
}

/// Decodes the bytes of a CSV file to text.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return if had_errors {
            Err(ImportError::Encoding)
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or(ImportError::Encoding)
}

/// Full-width digits as ASCII, for the members column.
fn digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Parsed rows: the good households (with their line) and the bad rows.
pub type Parsed = (Vec<Household>, Vec<BadRow>, Vec<String>);

/// Reads and checks every row of a households CSV.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ImportError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(ImportError::Csv)?.clone();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let lower = name.to_lowercase();
        match FIELDS
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
        {
            Some((field, _)) => {
                index.entry(field).or_insert(i);
            }
            None if !name.is_empty() => ignored.push(name.to_string()),
            None => {}
        }
    }
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|f| !index.contains_key(f))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(ImportError::Csv)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |field: &str| {
            index
                .get(field)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let members_text = digits(&get("members"));
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
        let household = Household {
            code: get("code"),
            township: get("township"),
            village: get("village"),
            group: get("group"),
            head: get("head"),
            members,
            phone: get("phone"),
            cadre: get("cadre"),
            notes: get("notes"),
        };
        reasons.extend(household.problems());
        if !household.code.is_empty() {
            if let Some(first) = seen.get(&household.code) {
                let code = &household.code;
                reasons.push(tr!(
                    "户编码 {code} 与第 {first} 行重复",
                    "code {code} is also on line {first}"
                ));
            } else {
                seen.insert(household.code.clone(), line);
            }
        }
        if reasons.is_empty() {
            good.push(household);
        } else {
            bad.push(BadRow { line, reasons });
        }
    }
    if good.is_empty() && bad.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok((good, bad, ignored))
}

impl Store {
    /// Imports a households CSV. With any bad row nothing is written,
    /// unless `skip_bad`, which imports the good rows and lists the rest.
    pub fn import_households(
        &self,
        bytes: &[u8],
        skip_bad: bool,
    ) -> Result<ImportReport, ImportError> {
        let (good, bad, ignored_columns) = parse(bytes)?;
        if !bad.is_empty() && !skip_bad {
            return Err(ImportError::BadRows(bad));
        }
        self.check_before_writing().map_err(ImportError::Store)?;
        let counts = self.upsert_households(&good).map_err(ImportError::Store)?;
        Ok(ImportReport {
            counts,
            skipped: bad,
            ignored_columns,
        })
    }
}
