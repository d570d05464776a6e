//! Parquet datasets for the engines a province or the country runs
//! (DuckDB, Spark, Trino): one folder per township in Hive's layout
//! (`township=NAME/part-0.parquet`), typed columns (integers, decimals as
//! doubles, dates, times as UTC instants, text) and, in each file's
//! key-value metadata, what every column is (`codebook:COLUMN`, the
//! codebook's entry as JSON).
//!
//! Nothing is lost to the types: a cell of a typed column that is not of
//! its type (a special answer such as `[dont_know]` in a number's column,
//! or whatever a file merged from elsewhere holds) is null there and kept,
//! as written, in the companion text column `COLUMN__text`.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{Type, TypePtr};

use super::csv_out::{Cell, ExportError};
use crate::tr;
use value::{Parsed, Value, parse};

mod value;

/// Rows buffered before they are written as a row group.
const ROWS_PER_GROUP: usize = 65_536;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A 64-bit integer.
    Int,
    /// A number that may have decimals, as a double.
    Decimal,
    /// A calendar date (`YYYY-MM-DD` in the answers).
    Date,
    /// An instant, in milliseconds, adjusted to UTC.
    Time,
}

/// A column as a typed export declares it.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    /// Whether a cell not of `kind` is kept in `NAME__text` (answers);
    /// otherwise such a cell fails the export rather than being dropped.
    pub other: bool,
    /// The township, which names the partition's folder rather than being
    /// a column of the files.
    pub township: bool,
    /// The codebook's entry for the column, as JSON.
    pub about: Option<String>,
}

impl Field {
    pub fn new(name: impl Into<String>, kind: Kind) -> Field {
        Field {
            name: name.into(),
            kind,
            other: false,
            township: false,
            about: None,
        }
    }

    pub fn text(name: impl Into<String>) -> Field {
        Field::new(name, Kind::Text)
    }

    /// The township's column, which partitions the dataset.
    pub fn township(name: impl Into<String>) -> Field {
        Field {
            township: true,
            ..Field::text(name)
        }
    }

    /// Cells not of the type kept in a companion text column.
    pub fn keeping_other(self) -> Field {
        Field {
            other: self.kind != Kind::Text,
            ..self
        }
    }

    pub fn about(self, about: serde_json::Value) -> Field {
        Field {
            about: Some(about.to_string()),
            ..self
        }
    }
}

/// The values of one column of the rows buffered.
enum Values {
    /// Every value's bytes one after another, and where each ends.
    Text(Vec<u8>, Vec<usize>),
    Int(Vec<i64>),
    Double(Vec<f64>),
    Date(Vec<i32>),
}

/// One column of the files: a field's values, or (right after them) its
/// companion's.
struct Column {
    field: usize,
    values: Values,
    /// 1 where a value is, 0 for null.
    defs: Vec<i16>,
}

/// The file being written, of one township.
struct Part {
    township: String,
    path: PathBuf,
    writer: SerializedFileWriter<BufWriter<fs::File>>,
    rows: usize,
}

/// A dataset being written into a folder, one file per township at a
/// time (the rows of a township are expected together; a township met
/// again gets a further file, `part-1.parquet`, so nothing depends on it).
pub struct Dataset {
    root: PathBuf,
    fields: Vec<Field>,
    /// The field of the township, which names the files' folders.
    township: Option<usize>,
    columns: Vec<Column>,
    schema: Option<TypePtr>,
    props: Arc<WriterProperties>,
    /// What the dataset holds (`responses`, …), in each file's metadata.
    what: String,
    part: Option<Part>,
    /// Files written per township.
    parts: HashMap<String, u32>,
    /// Every file written, for syncing.
    written: Vec<PathBuf>,
}

impl Dataset {
    /// A dataset written into the folder `root`, which exists and is empty.
    pub fn new(root: &Path, what: &str) -> Dataset {
        Dataset {
            root: root.to_path_buf(),
            fields: Vec::new(),
            township: None,
            columns: Vec::new(),
            schema: None,
            props: Arc::new(WriterProperties::default()),
            what: what.to_string(),
            part: None,
            parts: HashMap::new(),
            written: Vec::new(),
        }
    }

    /// Declares the columns; rows follow.
    pub fn fields(&mut self, fields: &[Field]) -> Result<(), ExportError> {
        let mut types: Vec<TypePtr> = Vec::new();
        let mut columns = Vec::new();
        let mut metadata = vec![KeyValue::new(
            "minqing:export".to_string(),
            self.what.clone(),
        )];
        for (i, f) in fields.iter().enumerate() {
            if f.township {
                continue;
            }
            types.push(column_type(&f.name, f.kind)?);
            columns.push(Column::new(i, f.kind));
            if let Some(about) = &f.about {
                metadata.push(KeyValue::new(format!("codebook:{}", f.name), about.clone()));
            }
            if f.other {
                let name = format!("{}__text", f.name);
                types.push(column_type(&name, Kind::Text)?);
                columns.push(Column::new(i, Kind::Text));
            }
        }
        let mut names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        if fields.iter().any(|f| f.township) {
            names.push("township");
        }
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            let name = w[0];
            return Err(ExportError::Usage(tr!(
                "列名 {name} 出现了两次(有题目与导出的固定列或乡镇同名);请导出所有问卷(列名前加问卷编号),或导出 CSV",
                "the column name {name} appears twice (a question is named like a column every export has, or the township); export every survey (names then start with the survey's id), or export CSV"
            )));
        }
        let schema = Type::group_type_builder("schema")
            .with_fields(types)
            .build()
            .map_err(|e| parquet_error(&self.root, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("minqing {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(metadata))
            .build();
        self.props = Arc::new(props);
        self.schema = Some(Arc::new(schema));
        self.fields = fields.to_vec();
        self.township = fields.iter().position(|f| f.township);
        self.columns = columns;
        Ok(())
    }

    /// Adds one row, `cells` in the order of the fields.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        if cells.len() != self.fields.len() {
            let (n, m) = (cells.len(), self.fields.len());
            return Err(defect(tr!(
                "一行有 {n} 个值,而导出有 {m} 列",
                "a row of {n} values for {m} columns"
            )));
        }
        let township = (self.township.and_then(|i| cells.get(i)))
            .map(Cell::as_text)
            .unwrap_or_default();
        if self.part.as_ref().is_none_or(|p| p.township != township) {
            self.close_part()?;
            self.open_part(township.into_owned())?;
        }
        // Each field read once: its column, then its companion's, if any.
        let mut j = 0;
        while let Some(column) = self.columns.get(j) {
            let f = column.field;
            let field = &self.fields[f];
            let cell = cells.get(f);
            // The cell's text, made only where it is written as text.
            let text = || cell.map(Cell::as_text).unwrap_or_default();
            let (value, beside) = match parse(field.kind, cell) {
                Parsed::Value(v, exact) => (Some(v), !exact),
                Parsed::Null => (None, false),
                Parsed::Other if field.other => (None, true),
                Parsed::Other => {
                    let (name, text) = (&field.name, text());
                    let first = cells.first().map(Cell::as_text).unwrap_or_default();
                    return Err(defect(tr!(
                        "列 {name} 的值“{text}”(第一列为“{first}”的行)不是它的类型",
                        "the value '{text}' of column {name} (in the row starting '{first}') is not of its type"
                    )));
                }
            };
            self.columns[j].push(value);
            if field.other {
                self.columns[j + 1].push(beside.then(|| Value::Text(text())));
                j += 1;
            }
            j += 1;
        }
        let full = match &mut self.part {
            Some(part) => {
                part.rows += 1;
                part.rows % ROWS_PER_GROUP == 0
            }
            None => false,
        };
        if full {
            self.write_group()?;
        }
        Ok(())
    }

    /// Writes what is buffered and closes the last file; returns the
    /// files written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, ExportError> {
        self.close_part()?;
        let mut folders: Vec<&Path> = self.written.iter().filter_map(|p| p.parent()).collect();
        folders.dedup();
        for path in self.written.iter().map(PathBuf::as_path).chain(folders) {
            fs::File::open(path)
                .and_then(|f| f.sync_all())
                .map_err(|source| ExportError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        Ok(self.written)
    }

    fn open_part(&mut self, township: String) -> Result<(), ExportError> {
        let schema = match &self.schema {
            Some(s) => Arc::clone(s),
            None => {
                return Err(ExportError::Usage(tr!(
                    "导出在写表头之前写了行",
                    "the export wrote a row before its columns"
                )));
            }
        };
        let n = self.parts.entry(township.clone()).or_insert(0);
        let folder = self
            .root
            .join(format!("township={}", partition_name(&township)));
        let path = folder.join(format!("part-{n}.parquet"));
        *n += 1;
        let io_error = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&folder).map_err(io_error)?;
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error)?;
        let mut writer = SerializedFileWriter::new(
            BufWriter::with_capacity(1 << 20, file),
            schema,
            Arc::clone(&self.props),
        )
        .map_err(|e| parquet_error(&path, e))?;
        writer.append_key_value_metadata(KeyValue::new(
            "minqing:township".to_string(),
            township.clone(),
        ));
        self.written.push(path.clone());
        self.part = Some(Part {
            township,
            path,
            writer,
            rows: 0,
        });
        Ok(())
    }

    /// Writes the buffered rows as a row group of the open file.
    fn write_group(&mut self) -> Result<(), ExportError> {
        let Some(part) = &mut self.part else {
            return Ok(());
        };
        if self.columns.first().is_none_or(|c| c.defs.is_empty()) {
            return Ok(());
        }
        let path = part.path.clone();
        let fail = |e: ParquetError| parquet_error(&path, e);
        let mut group = part.writer.next_row_group().map_err(fail)?;
        for column in &mut self.columns {
            let Some(mut writer) = group.next_column().map_err(fail)? else {
                break;
            };
            let defs = Some(column.defs.as_slice());
            match &mut column.values {
                Values::Text(bytes, ends) => {
                    // Each value a slice of one buffer: no copy per value.
                    let all = bytes::Bytes::from(std::mem::take(bytes));
                    let values: Vec<ByteArray> = (ends.iter())
                        .scan(0, |start, &end| {
                            let value = ByteArray::from(all.slice(*start..end));
                            *start = end;
                            Some(value)
                        })
                        .collect();
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(&values, defs, None)
                }
                Values::Int(v) => writer.typed::<Int64Type>().write_batch(v, defs, None),
                Values::Double(v) => writer.typed::<DoubleType>().write_batch(v, defs, None),
                Values::Date(v) => writer.typed::<Int32Type>().write_batch(v, defs, None),
            }
            .map_err(fail)?;
            writer.close().map_err(fail)?;
            column.clear();
        }
        group.close().map_err(fail)?;
        Ok(())
    }

    fn close_part(&mut self) -> Result<(), ExportError> {
        self.write_group()?;
        if let Some(part) = self.part.take() {
            let path = part.path;
            let file = part
                .writer
                .into_inner()
                .map_err(|e| parquet_error(&path, e))?;
            file.into_inner().map_err(|e| ExportError::Io {
                path: path.clone(),
                source: e.into_error(),
            })?;
        }
        Ok(())
    }
}

/// What cannot happen but for a mistake in Minqing: said so, with what to
/// do meanwhile.
fn defect(what: crate::i18n::Tr) -> ExportError {
    let (zh, en) = (what.zh, what.en);
    ExportError::Usage(crate::i18n::Tr {
        zh: format!("{zh}:这是民情的缺陷,请报告;导出停止,没有留下不完整的文件(可先导出 CSV)"),
        en: format!(
            "{en}: a defect of Minqing's, please report it; the export stopped and left no partial file (export as CSV meanwhile)"
        ),
    })
}

/// A Parquet writer's error, said as a failed write of `path`.
fn parquet_error(path: &Path, e: ParquetError) -> ExportError {
    let source = match e {
        ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other.to_string()),
        },
        other => io::Error::other(other.to_string()),
    };
    ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The schema type of a nullable column.
fn column_type(name: &str, kind: Kind) -> Result<TypePtr, ExportError> {
    let (physical, logical) = match kind {
        Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        Kind::Int => (Physical::INT64, None),
        Kind::Decimal => (Physical::DOUBLE, None),
        Kind::Date => (Physical::INT32, Some(LogicalType::Date)),
        Kind::Time => (
            Physical::INT64,
            Some(LogicalType::timestamp(true, TimeUnit::MILLIS)),
        ),
    };
    Type::primitive_type_builder(name, physical)
        .with_repetition(Repetition::OPTIONAL)
        .with_logical_type(logical)
        .build()
        .map(Arc::new)
        .map_err(|e| parquet_error(Path::new(name), e))
}

impl Column {
    fn new(field: usize, kind: Kind) -> Column {
        let values = match kind {
            Kind::Text => Values::Text(Vec::new(), Vec::new()),
            Kind::Int | Kind::Time => Values::Int(Vec::new()),
            Kind::Decimal => Values::Double(Vec::new()),
            Kind::Date => Values::Date(Vec::new()),
        };
        Column {
            field,
            values,
            defs: Vec::new(),
        }
    }

    fn push(&mut self, value: Option<Value<'_>>) {
        let Some(value) = value else {
            self.defs.push(0);
            return;
        };
        self.defs.push(1);
        match (&mut self.values, value) {
            (Values::Text(bytes, ends), Value::Text(t)) => {
                bytes.extend_from_slice(t.as_bytes());
                ends.push(bytes.len());
            }
            (Values::Int(v), Value::Int(n)) => v.push(n),
            (Values::Double(v), Value::Double(n)) => v.push(n),
            (Values::Date(v), Value::Date(n)) => v.push(n),
            // Values follow the column's kind (see `Column::new`).
            _ => {
                self.defs.pop();
                self.defs.push(0);
            }
        }
    }

    fn clear(&mut self) {
        self.defs.clear();
        match &mut self.values {
            Values::Text(bytes, ends) => {
                bytes.clear();
                ends.clear();
            }
            Values::Int(v) => v.clear(),
            Values::Double(v) => v.clear(),
            Values::Date(v) => v.clear(),
        }
    }
}

/// A township's name as the name of its folder: characters that paths or
/// Hive's layout give a meaning (`/`, `=`, `%`, …) written `%XX`, as Hive
/// and Spark do; no name gives Hive's `__HIVE_DEFAULT_PARTITION__` (null).
pub fn partition_name(township: &str) -> String {
    if township.is_empty() {
        return "__HIVE_DEFAULT_PARTITION__".to_string();
    }
    let mut name = String::with_capacity(township.len());
    for c in township.chars() {
        let escaped = c.is_control()
            || matches!(
                c,
                '"' | '#' | '%' | '\'' | '*' | '/' | ':' | '=' | '?' | '\\' | '{' | '[' | ']' | '^'
            );
        if escaped {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                name.push_str(&format!("%{b:02X}"));
            }
        } else {
            name.push(c);
        }
    }
    if name == "." || name == ".." {
        return name.replace('.', "%2E");
    }
    name
}

#[cfg(test)]
mod tests;
