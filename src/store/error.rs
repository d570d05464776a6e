//! Errors of the store, each with a message for a person in both languages
//! that says what happened, where, and what to do.

use std::path::{Path, PathBuf};

use crate::i18n::{Lang, Tr};
use crate::interview::{AnswerError, Failure};
use crate::tr;

/// `Display` is the English message, for logs and `anyhow`; a person is
/// shown [`StoreError::message`] in the language they chose.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message().en)]
pub enum StoreError {
    /// The file is not a Minqing database (empty, not SQLite, or another
    /// program's SQLite file).
    NotMinqing {
        path: PathBuf,
        detail: String,
    },
    /// The file was written by a newer Minqing.
    Newer {
        path: PathBuf,
        found: i32,
        supported: i32,
    },
    /// SQLite reports the file as damaged.
    Corrupt {
        path: PathBuf,
        detail: String,
    },
    /// Damage found by a query whose file is not known where it failed
    /// (a `?` on an SQLite error, answers that do not parse). The store
    /// names the file with [`StoreError::at`] before the error leaves it;
    /// this variant only says "the database" where that was not done.
    Damaged {
        detail: String,
    },
    /// The file is a Minqing database of an older schema; it is upgraded
    /// when opened, not when merged.
    Older {
        path: PathBuf,
    },
    /// A database cannot be merged into itself.
    SameFile {
        path: PathBuf,
    },
    /// The file system does not allow SQLite's WAL journal.
    NoWal {
        path: PathBuf,
    },
    /// The demo county is written only into an empty database.
    NotEmpty {
        path: PathBuf,
    },
    IsDir {
        path: PathBuf,
    },
    /// A command that only reads found no database: a mistyped path would
    /// otherwise make an empty one and report nothing as if it were data.
    Missing {
        path: PathBuf,
        similar: Option<PathBuf>,
    },
    ReadOnly {
        path: PathBuf,
    },
    /// The file is on a file system mounted read-only.
    ReadOnlyMount {
        path: PathBuf,
    },
    Exists {
        path: PathBuf,
    },
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The disk holding the file has no room left.
    Full {
        path: PathBuf,
    },
    /// The operating system failed to read or write the file.
    Disk {
        path: PathBuf,
        detail: String,
    },
    /// Another program held the database longer than the busy timeout.
    Busy,
    SnapshotChanged {
        survey: String,
        version: String,
    },
    SnapshotUnreadable {
        survey: String,
        version: String,
    },
    UnknownHousehold(String),
    /// A new household's code is already stored.
    HouseholdExists(String),
    UnknownInterview(String),
    UnknownQuestion(String),
    Answer(AnswerError),
    /// Completing was refused: relevant required questions without an
    /// answer, or answers their questions no longer accept, in question
    /// order.
    Incomplete {
        failures: Vec<Failure>,
    },
    /// Answers of a complete interview change only after reopening it.
    Completed,
    /// A round's name that is empty, too long or not one line.
    BadRoundName(String),
    /// A day that is not a calendar date.
    BadDate(String),
    /// A round is opened while this one is open.
    RoundOpen(String),
    RoundExists(String),
    NoOpenRound,
    UnknownRound {
        name: String,
        known: Vec<String>,
    },
    /// Every round is closed, the last being this one: nothing new begins.
    RoundClosed(String),
    /// A round would begin before the last one did.
    RoundBefore {
        name: String,
        starts: String,
    },
    /// An amount of money that is not a number of yuan, zero or more.
    BadAmount(String),
    /// A project's first change gives no status.
    NoStatus,
    Sqlite(#[source] rusqlite::Error),
}

impl StoreError {
    /// Classifies an SQLite error on the file at `path`.
    pub(crate) fn from_sqlite(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode::*;
        let path = path.to_path_buf();
        if misread(&e) {
            return StoreError::Corrupt {
                path,
                detail: e.to_string(),
            };
        }
        match e.sqlite_error_code() {
            Some(NotADatabase) => StoreError::NotMinqing {
                path,
                detail: "not a database".into(),
            },
            Some(DatabaseCorrupt) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ReadOnly) => StoreError::ReadOnly { path },
            Some(DiskFull) => StoreError::Full { path },
            Some(SystemIoFailure) => StoreError::Disk {
                path,
                detail: e.to_string(),
            },
            Some(DatabaseBusy) | Some(DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }

    /// The error with its file named: damage found where the file was not
    /// known becomes [`StoreError::Corrupt`] of `path`. Other errors are
    /// returned as they are, since they already say where they happened.
    pub fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Damaged { detail } => StoreError::Corrupt {
                path: path.to_path_buf(),
                detail,
            },
            other => other,
        }
    }

    /// The message for a person, in both languages.
    pub fn message(&self) -> Tr {
        match self {
            StoreError::NotMinqing { path, detail } => {
                let p = path.display();
                tr!(
                    "{p} 不是民情数据库({detail});请检查路径,文件没有被改动",
                    "{p} is not a Minqing database ({detail}); check the path. The file was not changed"
                )
            }
            StoreError::Newer {
                path,
                found,
                supported,
            } => {
                let p = path.display();
                tr!(
                    "{p} 由更新版本的民情写入(数据格式 {found},本程序最高支持 {supported});请升级民情,文件没有被改动",
                    "{p} was written by a newer Minqing (schema {found}, this build reads up to {supported}); upgrade Minqing. The file was not changed"
                )
            }
            StoreError::Corrupt { path, detail } => {
                let p = path.display();
                tr!(
                    "{p} 已损坏({detail});请用备份恢复(minqing backup 做的备份,或其他电脑上的数据库)",
                    "{p} is damaged ({detail}); restore it from a backup (one made with minqing backup, or another laptop's database)"
                )
            }
            StoreError::Damaged { detail } => tr!(
                "数据库已损坏({detail});请用备份恢复(minqing backup 做的备份,或其他电脑上的数据库)",
                "the database is damaged ({detail}); restore it from a backup (one made with minqing backup, or another laptop's database)"
            ),
            StoreError::Older { path } => {
                let p = path.display();
                tr!(
                    "{p} 来自旧版本的民情;请先用本程序打开一次(例如 minqing --db {p} households list)升级后再合并",
                    "{p} is from an older Minqing; open it once with this build (for example minqing --db {p} households list) to upgrade it, then merge"
                )
            }
            StoreError::SameFile { path } => {
                let p = path.display();
                tr!(
                    "不能把数据库 {p} 合并到它自己",
                    "cannot merge {p} into itself"
                )
            }
            StoreError::NoWal { path } => {
                let p = path.display();
                tr!(
                    "{p} 所在的位置不支持 WAL 日志,无法保证数据安全;请把数据库放在本机硬盘上",
                    "{p} is on a file system without WAL journal support, so answers cannot be kept safe; put the database on a local disk"
                )
            }
            StoreError::NotEmpty { path } => {
                let p = path.display();
                tr!(
                    "{p} 已有数据;演示县只写入空数据库,请用 --db 指定一个新文件",
                    "{p} already holds data; the demo county is written only into an empty database: choose a new file with --db"
                )
            }
            StoreError::IsDir { path } => {
                let p = path.display();
                tr!(
                    "{p} 是文件夹,不是数据库文件",
                    "{p} is a folder, not a database file"
                )
            }
            StoreError::ReadOnly { path } => {
                let p = path.display();
                tr!(
                    "{p} 或它所在的文件夹是只读的(民情要写这个文件,并在旁边写日志文件);请检查权限,或把文件复制到可以写的位置。文件没有被改动",
                    "{p} or its folder is read-only (Minqing writes the file, and a journal beside it); check the permissions, or copy the file to a place you can write. The file was not changed"
                )
            }
            StoreError::Missing { path, similar } => {
                let p = path.display();
                match similar {
                    Some(s) => {
                        let s = s.display();
                        tr!(
                            "没有数据库文件 {p};是不是 {s}?没有新建任何文件",
                            "there is no database file {p}; did you mean {s}? No file was created"
                        )
                    }
                    None => tr!(
                        "没有数据库文件 {p};请检查 --db 的路径(只有调查程序、导入名册、合并和演示会新建数据库)。没有新建任何文件",
                        "there is no database file {p}; check the --db path (only the app, importing households, merge and demo create a database). No file was created"
                    ),
                }
            }
            StoreError::ReadOnlyMount { path } => {
                let p = path.display();
                tr!(
                    "{p} 在只读挂载的磁盘上(打开了写保护开关的 U 盘、光盘,或以只读方式挂载的磁盘),民情不能在上面保存;请把文件复制到电脑的硬盘上再打开,或把磁盘挂载为可写。文件没有被改动",
                    "{p} is on a disk mounted read-only (a stick with its write-protect switch on, a CD, or a disk mounted read-only), where Minqing cannot save; copy the file to the laptop's own disk and open it there, or mount the disk writable. The file was not changed"
                )
            }
            StoreError::Exists { path } => {
                let p = path.display();
                tr!(
                    "{p} 已经存在,不会覆盖;请换一个文件名",
                    "{p} already exists and is not overwritten; choose another name"
                )
            }
            StoreError::Io { path, source } => {
                let p = path.display();
                tr!("无法访问 {p}:{source}", "cannot access {p}: {source}")
            }
            StoreError::Full { path } => {
                let p = path.display();
                tr!(
                    "{p} 所在的磁盘已满;请腾出空间或换一个位置后再试",
                    "the disk holding {p} is full; free some space or choose another place, then try again"
                )
            }
            StoreError::Disk { path, detail } => {
                let p = path.display();
                tr!(
                    "读写 {p} 失败({detail});请检查磁盘是否已满、被拔出或损坏,然后再试",
                    "reading or writing {p} failed ({detail}); check whether the disk is full, unplugged or failing, then try again"
                )
            }
            StoreError::Busy => tr!(
                "数据库正被另一个程序使用,请稍后再试",
                "the database is busy in another program; try again in a moment"
            ),
            StoreError::SnapshotChanged { survey, version } => tr!(
                "问卷 {survey} 的版本 {version} 已经用过,但内容不同;修改问卷后请更改 [survey] 中的 version",
                "survey {survey} version {version} is already stored with different content; change version in [survey] whenever the questionnaire changes"
            ),
            StoreError::SnapshotUnreadable { survey, version } => tr!(
                "保存的问卷 {survey} {version} 无法读取;请运行 minqing check",
                "the stored questionnaire {survey} {version} cannot be read; run minqing check"
            ),
            StoreError::UnknownHousehold(code) => {
                tr!(
                    "没有户编码为 {code} 的农户",
                    "no household with code {code}"
                )
            }
            StoreError::HouseholdExists(code) => {
                tr!("户编码 {code} 已经存在", "code {code} already exists")
            }
            StoreError::UnknownInterview(id) => tr!("没有调查 {id}", "no interview {id}"),
            StoreError::UnknownQuestion(name) => tr!(
                "问卷中没有问题 {name}",
                "no question {name} in the questionnaire"
            ),
            StoreError::Answer(e) => e.message.clone(),
            StoreError::Incomplete { failures } => {
                let missing: Vec<&str> = failures
                    .iter()
                    .filter(|f| matches!(f, Failure::Missing { .. }))
                    .map(Failure::question)
                    .collect();
                let invalid = |lang: Lang| {
                    failures
                        .iter()
                        .filter_map(|f| match f {
                            Failure::Invalid { question, message } => {
                                Some(format!("{question} ({})", message.get(lang)))
                            }
                            Failure::Missing { .. } => None,
                        })
                        .collect::<Vec<_>>()
                };
                let mut zh = Vec::new();
                let mut en = Vec::new();
                if !missing.is_empty() {
                    let list = missing.join(", ");
                    zh.push(format!("还有必答题没有回答:{list}"));
                    en.push(format!("required questions are still unanswered: {list}"));
                }
                let (bad_zh, bad_en) = (invalid(Lang::Zh), invalid(Lang::En));
                if !bad_zh.is_empty() {
                    zh.push(format!("答案不符合要求:{}", bad_zh.join("; ")));
                    en.push(format!(
                        "answers that break their question's rule: {}",
                        bad_en.join("; ")
                    ));
                }
                Tr {
                    zh: zh.join(";"),
                    en: en.join("; "),
                }
            }
            StoreError::Completed => tr!(
                "这份调查已完成;要修改答案请先重新打开",
                "this interview is complete; reopen it to correct answers"
            ),
            StoreError::BadRoundName(name) => tr!(
                "轮次名称“{name}”不可用:名称不能为空,最多 40 个字,只占一行(例如 2026-秋季)",
                "'{name}' cannot name a round: a name is not empty, at most 40 characters, one line (for example 2026-autumn)"
            ),
            StoreError::BadDate(day) => tr!(
                "“{day}”不是日期;请写成 2026-09-01、2026/9/1 或 2026年9月1日",
                "'{day}' is not a date; write it as 2026-09-01, 2026/9/1 or 2026年9月1日"
            ),
            StoreError::RoundOpen(name) => tr!(
                "轮次“{name}”还没有结束,同一时间只能有一个进行中的轮次;请先结束它:minqing round close",
                "round '{name}' is still open and only one round is open at a time; close it first: minqing round close"
            ),
            StoreError::RoundExists(name) => tr!(
                "已经有名为“{name}”的轮次;请换一个名称",
                "there is already a round named '{name}'; choose another name"
            ),
            StoreError::RoundBefore { name, starts } => tr!(
                "新一轮不能早于上一轮“{name}”开始({starts});请用 --from 给出 {starts} 或以后的日期",
                "a round cannot begin before the last one, '{name}', did ({starts}); give --from {starts} or a later day"
            ),
            StoreError::NoOpenRound => tr!(
                "没有进行中的轮次;开始新一轮:minqing round open 名称",
                "no round is open; open one: minqing round open NAME"
            ),
            StoreError::UnknownRound { name, known } => {
                let list = known.join(", ");
                if known.is_empty() {
                    tr!(
                        "没有轮次“{name}”:数据库里还没有任何轮次",
                        "there is no round '{name}': the database has no round yet"
                    )
                } else {
                    tr!(
                        "没有轮次“{name}”;已有的轮次:{list}",
                        "there is no round '{name}'; the rounds are: {list}"
                    )
                }
            }
            StoreError::RoundClosed(name) => tr!(
                "轮次“{name}”已经结束,不能再开始新的调查(已开始的草稿仍可完成);开始新一轮:minqing round open 名称",
                "round '{name}' is closed, so no new interview begins (drafts begun in it can still be finished); open the next round: minqing round open NAME"
            ),
            StoreError::BadAmount(amount) => tr!(
                "金额“{amount}”不对:应是 0 或更多的元数",
                "'{amount}' is no amount: give 0 yuan or more"
            ),
            StoreError::NoStatus => tr!(
                "这个项目还没有状态:请给出 approved(已批准)、funded(已拨款)、done(已完工)或 dropped(已放弃)",
                "this project has no status yet: give approved, funded, done or dropped"
            ),
            StoreError::Sqlite(e) => tr!("数据库错误:{e}", "database error: {e}"),
        }
    }
}

/// Whether a value read back is not what Minqing writes: text that is not
/// UTF-8, or a type its strict tables do not allow. Minqing writes only
/// valid UTF-8 text into typed columns, so such a value is damage, not data.
fn misread(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
    )
}

/// A `?` on an SQLite error inside the store: the file is named later,
/// with [`StoreError::at`], where it is known.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        if misread(&e) {
            return StoreError::Damaged {
                detail: e.to_string(),
            };
        }
        match e.sqlite_error_code() {
            Some(DatabaseBusy) | Some(DatabaseLocked) => StoreError::Busy,
            Some(DatabaseCorrupt) | Some(NotADatabase) => StoreError::Damaged {
                detail: e.to_string(),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// Written by hand: `AnswerError` (in `interview`) is a message, not a
/// `std::error::Error`, so it cannot be a `#[from]` source.
impl From<AnswerError> for StoreError {
    fn from(e: AnswerError) -> Self {
        StoreError::Answer(e)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::StoreError;

    #[test]
    fn damage_found_by_a_query_is_named_as_the_file_it_is_in() {
        let e = rusqlite::Error::InvalidColumnType(0, "x".into(), rusqlite::types::Type::Blob);
        let unnamed = StoreError::from(e);
        assert!(matches!(unnamed, StoreError::Damaged { .. }));
        let named = unnamed.at(Path::new("county.db"));
        assert!(
            matches!(&named, StoreError::Corrupt { path, .. } if path == Path::new("county.db"))
        );
        let message = named.message();
        assert!(
            message.en.starts_with("county.db is damaged"),
            "{}",
            message.en
        );
        assert!(message.zh.starts_with("county.db 已损坏"), "{}", message.zh);
    }

    #[test]
    fn an_error_that_says_where_it_happened_keeps_its_place() {
        let busy = StoreError::Busy.at(Path::new("other.db"));
        assert!(matches!(busy, StoreError::Busy));
        let exists = StoreError::Exists {
            path: "backup.db".into(),
        };
        assert_eq!(exists.to_string(), exists.message().en);
    }
}
