//! Writing CSV files that planners open in Excel or WPS: by default UTF-8
//! with the byte-order mark those programs need, text cells neutralised
//! against formula injection, codes of digits kept as text, numbers left
//! as numbers; plain for scripts (no mark, every value exactly as stored).
//! Files are written under a temporary name then moved into place, so a
//! failed export never leaves half a file.

use std::borrow::Cow;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::csv_rows::CsvRows;
use super::parquet::{Dataset, Field};
use crate::files::{self, Refusal};
use crate::i18n::Tr;
use crate::store::StoreError;
use crate::tr;

/// A cell: text (neutralised if it could start a formula), a number
/// (written as it is, so spreadsheets read it as a number) or an instant
/// (milliseconds since the epoch, written in Beijing time).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(Cow<'a, str>),
    Time(i64),
}

impl<'a> Cell<'a> {
    /// Text, borrowed where it can be, so exporting copies nothing.
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    pub fn int(n: i64) -> Cell<'a> {
        Cell::Number(Cow::Owned(n.to_string()))
    }

    /// The cell's text, for a terminal table.
    pub fn into_text(self) -> Cow<'a, str> {
        match self {
            Cell::Text(t) | Cell::Number(t) => t,
            Cell::Time(ms) => Cow::Owned(beijing_time(ms)),
        }
    }

    /// The cell's text, borrowed where it can be.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) | Cell::Number(t) => Cow::Borrowed(t.as_ref()),
            Cell::Time(ms) => Cow::Owned(beijing_time(*ms)),
        }
    }

    pub fn num(n: f64) -> Cell<'a> {
        let mut text = String::new();
        crate::text::push_number(&mut text, n);
        Cell::Number(Cow::Owned(text))
    }
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe;
/// so does text that already starts with apostrophes before such a
/// character, so that the registry import, which removes one apostrophe
/// there (`store::import::undo_excel`), reads back exactly what was written.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.trim_start_matches('\'').as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Why an export was not written. `Display` is the English message, for
/// logs; a person is shown [`ExportError::message`] in the language they
/// chose.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message().en)]
pub enum ExportError {
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    Store(#[from] StoreError),
    Usage(Tr),
    /// The target may not be written (see [`crate::files::export_target`]).
    Refused(Refusal),
}

impl ExportError {
    pub fn message(&self) -> Tr {
        match self {
            ExportError::Io { path, source } => {
                let p = path.display();
                tr!(
                    "无法写入 {p}:{source};没有留下不完整的文件",
                    "cannot write {p}: {source}; no partial file was left"
                )
            }
            ExportError::Store(e) => e.message(),
            ExportError::Usage(t) => t.clone(),
            ExportError::Refused(r) => refusal_message(r),
        }
    }
}

/// What a person is told when an export target is refused.
fn refusal_message(r: &Refusal) -> Tr {
    match r {
        Refusal::Exists(path) => {
            let p = path.display();
            tr!(
                "{p} 已存在,没有改动它;换一个文件名(--out),或加 --force 替换它",
                "{p} already exists and was left as it is; choose another name (--out), or add --force to replace it"
            )
        }
        Refusal::Database(path) => {
            let p = path.display();
            tr!(
                "{p} 是正在使用的数据库(或它的日志),导出不会覆盖它;请换一个文件名(--out)",
                "{p} is the database in use (or its journal); an export never overwrites it: choose another name (--out)"
            )
        }
        Refusal::Sqlite(path) => {
            let p = path.display();
            tr!(
                "{p} 是一个数据库文件(可能是另一台电脑的数据),导出不会覆盖它,--force 也不会;请换一个文件名(--out)",
                "{p} is a database file (perhaps another laptop's data); an export never overwrites it, not even with --force: choose another name (--out)"
            )
        }
        Refusal::NotPlain { path, kind } => {
            let p = path.display();
            let (zh, en) = match *kind {
                "folder" => ("文件夹", "a folder"),
                "pipe" => ("管道", "a pipe"),
                "device" => ("设备", "a device"),
                "socket" => ("套接字", "a socket"),
                _ => ("特殊文件", "a special file"),
            };
            tr!(
                "{p} 是{zh},不是普通文件,导出不会写它;请给出一个文件名(--out 文件夹/名称.csv),或用 --out - 写到标准输出",
                "{p} is {en}, not a plain file, and an export does not write it: give a file name (--out folder/name.csv), or --out - for standard output"
            )
        }
        Refusal::DanglingLink(path) => {
            let p = path.display();
            tr!(
                "{p} 是指向不存在文件的链接,导出不会写它;请换一个文件名(--out)",
                "{p} is a link to a file that does not exist, and an export does not write it: choose another name (--out)"
            )
        }
        Refusal::Io { path, source } => {
            let p = path.display();
            tr!("无法查看 {p}:{source}", "cannot look at {p}: {source}")
        }
    }
}

/// Rows going to a CSV writer, or to a Parquet dataset.
pub struct Sink<'w> {
    to: To<'w>,
    /// The number of cells of the first row, which every row has.
    width: Option<usize>,
    /// Where the rows go, named in a failed write.
    out: PathBuf,
    /// For Excel and WPS: codes of digits are kept as text (see
    /// [`excel_code`]) and text that could start a formula neutralised;
    /// otherwise every value is written exactly as stored.
    excel: bool,
}

/// A text cell of digits that Excel and WPS would read as a number and
/// damage (a household code with leading zeros, a number of 12 digits or
/// more, which they show in scientific notation, an ID of more than 15
/// digits, whose last digits they drop) is written as `="…"`, a formula
/// whose value is that text: whether `text` is such a code.
pub fn excel_code(text: &str) -> bool {
    let digits = text.len() >= 2 && text.bytes().all(|b| b.is_ascii_digit());
    digits && (text.starts_with('0') || text.len() >= 12)
}

/// Where a sink's rows go.
enum To<'w> {
    Csv(Box<CsvRows<'w>>),
    Parquet(Box<Dataset>),
}

impl<'w> Sink<'w> {
    fn csv(writer: Box<dyn Write + 'w>, out: &Path, excel: bool) -> Sink<'w> {
        Sink {
            to: To::Csv(Box::new(CsvRows::new(writer))),
            out: out.to_path_buf(),
            excel,
            width: None,
        }
    }

    /// A sink filling the Parquet dataset being written at `out`.
    pub fn parquet(dataset: Dataset, out: &Path) -> Sink<'w> {
        Sink {
            to: To::Parquet(Box::new(dataset)),
            out: out.to_path_buf(),
            excel: false,
            width: None,
        }
    }

    /// The dataset a Parquet sink filled, to be finished.
    pub fn into_dataset(self) -> Option<Dataset> {
        match self.to {
            To::Parquet(d) => Some(*d),
            To::Csv(_) => None,
        }
    }
}

impl Sink<'_> {
    /// Writes one row, field by field, without copying the cells; a
    /// failed write names this sink's file.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let excel = self.excel;
        match &mut self.to {
            To::Csv(rows) => {
                if let Some(width) = self.width
                    && width != cells.len()
                {
                    let (n, m) = (cells.len(), width);
                    return Err(ExportError::Usage(tr!(
                        "一行有 {n} 个值,而导出有 {m} 列:这是民情的缺陷,请报告;导出停止,没有留下不完整的文件",
                        "a row of {n} values for {m} columns: a defect of Minqing's, please report it; the export stopped and left no partial file"
                    )));
                }
                self.width = Some(cells.len());
                write_row(rows.as_mut(), cells, excel).map_err(|source| ExportError::Io {
                    path: self.out.clone(),
                    source,
                })
            }
            To::Parquet(dataset) => dataset.row(cells),
        }
    }

    pub fn header(&mut self, names: &[String]) -> Result<(), ExportError> {
        let fields: Vec<Field> = names.iter().map(Field::text).collect();
        self.fields(&fields)
    }

    /// The columns with their types: a CSV file's header, a Parquet
    /// dataset's schema.
    pub fn fields(&mut self, fields: &[Field]) -> Result<(), ExportError> {
        match &mut self.to {
            To::Csv(_) => {
                let cells: Vec<Cell<'_>> =
                    fields.iter().map(|f| Cell::text(f.name.as_str())).collect();
                self.row(&cells)
            }
            To::Parquet(dataset) => dataset.fields(fields),
        }
    }

    /// Whether rows are best given township by township (a Parquet
    /// dataset writes a file per township).
    pub fn by_township(&self) -> bool {
        matches!(self.to, To::Parquet(_))
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        match &mut self.to {
            To::Csv(writer) => writer.flush().map_err(|source| ExportError::Io {
                path: self.out.clone(),
                source,
            }),
            To::Parquet(_) => Ok(()),
        }
    }
}

fn write_row(rows: &mut CsvRows<'_>, cells: &[Cell], excel: bool) -> io::Result<()> {
    for c in cells {
        match c {
            // Most cells of a file of every survey: written as they are.
            Cell::Text(t) if !excel || t.is_empty() => rows.field(t.as_bytes()),
            Cell::Text(t) if excel_code(t) => rows.formula_text(t),
            Cell::Text(t) => rows.field(neutralise(t).as_bytes()),
            Cell::Number(n) => rows.field(n.as_bytes()),
            Cell::Time(ms) => {
                let mut buf = [0u8; 19];
                match beijing_into(*ms, &mut buf) {
                    Some(text) => rows.field(text.as_bytes()),
                    None => rows.field(beijing_time(*ms).as_bytes()),
                }
            }
        }
    }
    rows.end()
}

/// Writes a CSV to `out` (`-` for standard output) with `fill`. A file is
/// written beside its target under a temporary name, readable by its owner
/// only, and put in place when complete: over the file at `out` only when
/// `replace` says so (a target judged by [`crate::files::export_target`]),
/// otherwise never over a file that appeared meanwhile.
pub fn write(
    out: &Path,
    excel: bool,
    replace: bool,
    fill: impl FnOnce(&mut Sink<'_>) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let bom: &[u8] = if excel { b"\xEF\xBB\xBF" } else { b"" };
    if out == Path::new("-") {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        lock.write_all(bom).map_err(|source| ExportError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        let mut sink = Sink::csv(Box::new(lock), out, excel);
        fill(&mut sink)?;
        return sink.flush();
    }
    write_file(out, replace, |file| {
        let io_error = |source| ExportError::Io {
            path: out.to_path_buf(),
            source,
        };
        // Rows come in whole buffers: straight to the file, not copied
        // into another buffer first.
        let file = file.get_mut();
        file.write_all(bom).map_err(io_error)?;
        let mut sink = Sink::csv(Box::new(file), out, excel);
        fill(&mut sink)?;
        sink.flush()
    })
}

/// Writes CSV files at `outs` (each with whether it may replace a file
/// there) with `fill`, given their sinks in the same order, as
/// [`write`] does one: each whole or not at all. When filling fails none
/// is left; when putting one in place fails, those after it in `outs`
/// are in place already (they are put in place last to first).
pub fn write_all(
    outs: &[(PathBuf, bool)],
    excel: bool,
    fill: impl FnOnce(&mut [Sink<'_>]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut fill = Some(fill);
    open_each(outs, excel, Vec::new(), &mut |sinks| match fill.take() {
        Some(f) => f(sinks),
        None => Ok(()),
    })
}

/// Opens the first of `rest` as [`write_file`] does and goes on with the
/// others, `sinks` those opened before; the last fills them all and
/// flushes each.
fn open_each<'w>(
    rest: &[(PathBuf, bool)],
    excel: bool,
    sinks: Vec<Sink<'w>>,
    fill: &mut dyn FnMut(&mut [Sink<'_>]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let Some(((out, replace), rest)) = rest.split_first() else {
        let mut sinks = sinks;
        fill(&mut sinks)?;
        for sink in &mut sinks {
            sink.flush()?;
        }
        return Ok(());
    };
    write_file(out, *replace, |file| {
        let bom: &[u8] = if excel { b"\xEF\xBB\xBF" } else { b"" };
        // As in `write`: straight to the file.
        let file = file.get_mut();
        file.write_all(bom).map_err(|source| ExportError::Io {
            path: out.clone(),
            source,
        })?;
        let mut sinks: Vec<Sink<'_>> = sinks.into_iter().collect();
        sinks.push(Sink::csv(Box::new(file), out, excel));
        open_each(rest, excel, sinks, fill)
    })
}

/// Writes a file at `out` through `fill`: beside it under a temporary
/// name, readable by its owner only, synced, and put in place when
/// complete: over the file at `out` only when `replace` says so,
/// otherwise never over a file that appeared meanwhile. On any error,
/// nothing is left.
pub fn write_file(
    out: &Path,
    replace: bool,
    fill: impl FnOnce(&mut io::BufWriter<fs::File>) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let io_error = |source| ExportError::Io {
        path: out.to_path_buf(),
        source,
    };
    let tmp = files::part_name(out, None);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    // Opened before the guard exists: a file of that name that this run did
    // not create is never removed.
    let opened = options.open(&tmp).map_err(io_error)?;
    let guard = PartFile(tmp);
    let mut file = io::BufWriter::with_capacity(1 << 20, opened);
    fill(&mut file)?;
    let file = file.into_inner().map_err(|e| io_error(e.into_error()))?;
    file.sync_all().map_err(io_error)?;
    if replace {
        fs::rename(&guard.0, out).map_err(io_error)?;
    } else {
        files::place_new(&guard.0, out).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                ExportError::Refused(Refusal::Exists(out.to_path_buf()))
            } else {
                io_error(e)
            }
        })?;
    }
    std::mem::forget(guard);
    Ok(())
}

/// A temporary export file, removed when dropped: on every error, and if
/// filling it panics. Forgotten once it has been renamed into place.
struct PartFile(PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A time as `YYYY-MM-DD hh:mm:ss` in UTC+8 (Beijing time, which the users
/// work in), from milliseconds since the epoch.
pub fn beijing_time(ms: i64) -> String {
    let mut buf = [0u8; 19];
    match beijing_into(ms, &mut buf) {
        Some(text) => text.to_string(),
        None => {
            let ((year, month, day), (hour, minute, second)) = civil(ms);
            format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
        }
    }
}

/// [`beijing_time`] written into `buf`, for years 0 to 9999 (an export
/// writes three times a row); `None` for others.
pub fn beijing_into(ms: i64, buf: &mut [u8; 19]) -> Option<&str> {
    let ((year, month, day), (hour, minute, second)) = civil(ms);
    if !(0..=9999).contains(&year) {
        return None;
    }
    // Two digits at a time, by constant divisors: three times a row.
    let two = |buf: &mut [u8; 19], at: usize, n: i64| {
        buf[at] = b'0' + (n / 10) as u8;
        buf[at + 1] = b'0' + (n % 10) as u8;
    };
    *buf = *b"0000-00-00 00:00:00";
    two(buf, 0, year / 100);
    two(buf, 2, year % 100);
    for (at, n) in [(5, month), (8, day), (11, hour), (14, minute), (17, second)] {
        two(buf, at, n);
    }
    std::str::from_utf8(&buf[..]).ok()
}

/// The civil date and time in UTC+8 of milliseconds since the epoch.
fn civil(ms: i64) -> ((i64, i64, i64), (i64, i64, i64)) {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        (year, month, day),
        (rest / 3600, rest % 3600 / 60, rest % 60),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas_only() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+86 138"), "'+86 138");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise("'x"), "'x");
        assert_eq!(neutralise("饮水"), "饮水");
        assert_eq!(Cell::num(-1.0), Cell::Number("-1".into()));
        assert!(excel_code("0100010001"));
        assert!(excel_code("530102199001011234"));
        assert!(
            !excel_code("530001"),
            "no leading zero, short: a number is fine"
        );
        assert!(!excel_code("05a"));
    }

    #[test]
    fn times_are_beijing_time() {
        assert_eq!(beijing_time(0), "1970-01-01 08:00:00");
        assert_eq!(beijing_time(1_795_644_281_763), "2026-11-26 06:04:41");
        assert_eq!(beijing_time(-62_198_755_200_000), "-001-01-01 08:00:00");
        assert_eq!(beijing_time(1_772_294_400_000), "2026-03-01 00:00:00");
        assert_eq!(
            beijing_time(951_782_400_000 - 8 * 3_600_000),
            "2000-02-29 00:00:00"
        );
        assert_eq!(beijing_time(253_402_271_999_000), "9999-12-31 23:59:59");
    }

    proptest::proptest! {
        #[test]
        fn times_written_in_place_are_the_formatted_times(
            ms in -62_167_248_000_000i64..253_402_271_999_999
        ) {
            let ((year, month, day), (hour, minute, second)) = civil(ms);
            let formatted =
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}");
            let mut buf = [0u8; 19];
            proptest::prop_assert_eq!(beijing_into(ms, &mut buf), Some(formatted.as_str()));
        }
    }
}

#[cfg(test)]
mod write_tests {
    use super::*;

    #[test]
    fn a_failed_export_leaves_no_file() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let out = dir.path().join("half.csv");
        let result = write(&out, true, false, |sink| {
            sink.row(&[Cell::text("户编码"), Cell::int(1)])?;
            Err(ExportError::Usage(crate::tr!("中断", "interrupted")))
        });
        assert!(result.is_err());
        assert!(!out.exists(), "no half file");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert!(left.is_empty(), "no temporary file either");
        let missing = dir.path().join("no/such/dir/out.csv");
        let err = write(&missing, false, false, |_| Ok(())).expect_err("missing folder");
        assert!(err.message().en.contains("no partial file was left"));
        assert_eq!(err.to_string(), err.message().en);
        assert!(std::error::Error::source(&err).is_some(), "the I/O error");
    }

    #[test]
    fn a_row_of_another_width_stops_the_export_and_leaves_no_file() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let out = dir.path().join("rows.csv");
        let err = write(&out, true, false, |sink| {
            sink.row(&[Cell::text("a"), Cell::text("b")])?;
            sink.row(&[Cell::text("1"), Cell::text("2")])?;
            sink.row(&[Cell::text("3")])
        })
        .expect_err("a row of one cell among rows of two");
        assert!(err.message().en.contains("a row of 1 values for 2 columns"));
        assert!(!out.exists());
        let written = write(&out, false, false, |sink| {
            sink.row(&[Cell::text("=1"), Cell::text("0100"), Cell::Time(0)])?;
            sink.row(&[Cell::text(""), Cell::num(-1.0), Cell::text("a,b")])
        });
        assert!(written.is_ok());
        let text = std::fs::read_to_string(&out).expect("written");
        assert_eq!(text, "=1,0100,1970-01-01 08:00:00\n,-1,\"a,b\"\n");
        write(&out, true, true, |sink| {
            sink.row(&[Cell::text("=1"), Cell::text("0100"), Cell::text("")])
        })
        .expect("replaced");
        let text = std::fs::read_to_string(&out).expect("written");
        assert_eq!(text, "\u{feff}'=1,\"=\"\"0100\"\"\",\n");
    }
}
