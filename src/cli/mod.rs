//! Command-line interface: argument parsing, wiring the layers together,
//! printing results, and exit codes (0 ok, 1 problems found or a command
//! failed, 2 usage error), chosen in one place: [`error::exit`] from a
//! command's [`CliError`]. It holds no logic of its own.

mod brief;
mod check;
mod commands;
mod coverage;
mod data;
mod doctor;
mod error;
mod export;
mod export_parquet;
mod package;
mod plan;
mod project;
mod round;
mod sensitivity;
mod trend;
mod xlsform;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use check::{SourceFile, load_files, read_sources};
pub use commands::{HouseholdsCommand, ProjectCommand, RoundCommand};
pub use error::CliError;

use crate::i18n::{Lang, Tr};

/// 民情 Minqing: 入户调查与村级项目排序 / household surveys and village project priorities
#[derive(Debug, Parser)]
#[command(name = "minqing", version)]
pub struct Cli {
    /// 界面语言 / interface language [default: from LC_ALL or LANG]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// 从此文件夹读取问卷,代替内置问卷 / load questionnaires from this folder instead of the bundled ones
    #[arg(long, global = true, value_name = "DIR")]
    pub surveys: Option<PathBuf>,

    /// 数据库文件 / database file [default: the per-user data folder]
    #[arg(long, global = true, value_name = "PATH", env = "MINQING_DB")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查问卷并报告所有问题 / check questionnaires and report every problem
    ///
    /// 不给路径时检查内置问卷(或 --surveys 指定的文件夹)。
    /// Without a path, checks the bundled questionnaires (or the --surveys folder).
    /// Exit code: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
    Check {
        /// 问卷文件或文件夹 / questionnaire files or folders
        paths: Vec<PathBuf>,
    },
    /// 输出问卷格式的 JSON Schema,供编辑器补全和检查 / print the questionnaire format's JSON Schema for editors
    ///
    /// 例如 minqing schema > minqing.schema.json,再在问卷第一行写 #:schema ./minqing.schema.json
    /// (Taplo、VS Code 的 Even Better TOML)。
    /// For example minqing schema > minqing.schema.json, then write #:schema ./minqing.schema.json
    /// as a questionnaire's first line (Taplo, Even Better TOML in VS Code).
    Schema,
    /// 把 XLSForm 工作簿转换为民情问卷 / convert an XLSForm workbook to a Minqing questionnaire
    ///
    /// 读 survey、choices、settings 三张表,写出 TOML(默认写到标准输出),并列出没能导入或改写过的每一行。
    /// Reads the survey, choices and settings sheets, writes the TOML (to standard output by
    /// default), and lists every row it left out or rewrote.
    #[command(name = "import-xlsform")]
    ImportXlsform {
        /// XLSForm 文件(.xlsx)/ the XLSForm file (.xlsx)
        form: PathBuf,
        /// 写到这个新文件(不覆盖已有文件)/ write this new file (an existing one is never replaced)
        #[arg(long)]
        out: Option<PathBuf>,
        /// 需求类别(XLSForm 没有)/ the need category (XLSForm has none)
        #[arg(long, default_value = "other")]
        category: String,
    },
    /// 农户名册 / the household registry
    Households {
        #[command(subcommand)]
        action: HouseholdsCommand,
    },
    /// 合并其他电脑的数据库 / merge databases from other laptops
    Merge {
        /// 其他民情数据库 / other Minqing databases
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 备份数据库(程序运行时也安全)/ back up the database (safe while the app runs)
    Backup {
        /// 备份文件(不能已存在)/ backup file (must not exist)
        path: PathBuf,
    },
    /// 检查数据库是否完好,并说明怎么处理 / check the database and say what to do
    ///
    /// 退出码:0 没有问题,1 发现问题。/ Exit code: 0 nothing wrong, 1 something is.
    Doctor {
        /// 重新计算由答案算出的结果(需求结果、计数)/ compute again what is computed from the answers (need hits, counts)
        #[arg(long)]
        repair: bool,
    },
    /// 各村项目排序 / the ranked list of village projects
    Priorities {
        #[command(flatten)]
        args: PriorityArgs,
    },
    /// 说明一个项目:哪些户、哪些答案、哪条规则 / explain a project: which households, answers and rule
    Explain {
        /// 村名,或 乡镇/村 / village, or township/village
        village: String,
        /// 需求规则名,或 问卷.规则 / need rule name, or survey.rule
        need: String,
        /// 把草稿也计算在内 / count drafts too
        #[arg(long)]
        include_drafts: bool,
        /// 这一轮的调查(默认:有完成调查的最近一轮)/ this round's interviews [default: the latest round with complete interviews]
        #[arg(long)]
        round: Option<String>,
    },
    /// 两轮之间的变化:已解决、仍存在、新出现、未复查 / what changed between two rounds: resolved, persisting, new, not resurveyed
    Trend {
        #[command(flatten)]
        rounds: trend::TrendRounds,
        /// 按村或乡镇汇总 / per village or township
        #[arg(long, value_enum, default_value = "village")]
        by: plan::ByArg,
        /// 只看这个类别(如 water)/ only this category (such as water)
        #[arg(long)]
        category: Option<String>,
        /// 只看这个乡镇 / only this township
        #[arg(long)]
        township: Option<String>,
    },
    /// 本轮走访进度:按干部、村或乡镇 / where fieldwork stands in a round, per cadre, village or township
    Coverage {
        /// 按干部、村或乡镇 / per cadre, village or township
        #[arg(long, value_enum, default_value = "cadre")]
        by: crate::report::coverage::Per,
        /// 这一轮(默认:当前轮次)/ this round [default: the current one]
        #[arg(long)]
        round: Option<String>,
    },
    /// 工作包:把一位干部或几个村的农户拷到另一台电脑 / work packages: a cadre's or some villages' households for another laptop
    ///
    /// 新数据库含这些农户、使用中的问卷、所有轮次和这些农户以前的调查;带回后用 minqing merge 合并。
    /// A new database with those households, the questionnaires in use, the rounds and those
    /// households' earlier interviews; back here, merge it with minqing merge.
    Package {
        /// 联户干部的编号(或不重名时的姓名)/ the linked cadre's code (or name, when no namesake has it)
        #[arg(long)]
        cadre: Option<String>,
        /// 村名或 乡镇/村,可重复 / a village, or township/village; repeatable
        #[arg(long)]
        village: Vec<String>,
        /// 每位联户干部一个文件,写到 --out 文件夹 / one file per linked cadre, in the --out folder
        #[arg(long, conflicts_with_all = ["cadre", "village"])]
        all_cadres: bool,
        /// 工作包文件(不覆盖已有文件),或 --all-cadres 的文件夹 / the package file (never replacing one), or the folder for --all-cadres
        #[arg(long, required = true)]
        out: PathBuf,
    },
    /// 项目跟进:批准、拨款、完工、放弃,以及下一轮的核实 / project follow-up: approved, funded, done, dropped, and the next round's check
    Project {
        #[command(subcommand)]
        action: ProjectCommand,
    },
    /// 县里上报的汇总:各轮次按状态的资金、受益户数和人数、核实已解决户数 / the county's summary: funds by status, households and people benefiting, verified resolved
    Summary,
    /// 联席会议简报:Excel 工作簿或可打印的网页 / the joint meeting's brief: an Excel workbook or a printable page
    ///
    /// .xlsx:摘要、项目、图表、覆盖、方法五张表;.html:一页汇总,每个乡镇一页,可在浏览器中打印到 A4。
    /// .xlsx: summary, projects, charts, coverage and method sheets; .html: a summary page and a page
    /// per township, printable on A4 from a browser.
    Report(brief::ReportCommand),
    /// 调查轮次:开始、结束、列出 / rounds of fieldwork: open, close, list
    Round {
        #[command(subcommand)]
        action: RoundCommand,
    },
    /// 导出 CSV / export CSV for Excel or WPS
    Export {
        /// 导出什么 / what to export
        #[arg(value_enum)]
        what: export::ExportKind,
        /// 只导出这份问卷的答案 / responses of this survey only
        #[arg(long)]
        survey: Option<String>,
        /// 输出文件,- 为标准输出;Parquet 为文件夹 / output file, - for standard output; a folder for Parquet [default: WHAT.csv, WHAT for Parquet]
        #[arg(long)]
        out: Option<PathBuf>,
        /// csv,或 parquet:每个乡镇一个文件夹,列有类型,附代码本(答案、优先项目、农户)/ csv, or parquet: a folder per township, typed columns, with the codebook (responses, priorities, households)
        #[arg(long, value_enum, default_value = "csv")]
        format: export::Format,
        /// 替换已存在的文件(数据库文件除外)/ replace an existing file (never a database file)
        #[arg(long)]
        force: bool,
        /// 为 Excel 和 WPS 写(默认):BOM、防公式、编码保持为文字 / for Excel and WPS (the default): byte-order mark, formula guard, codes kept as text
        #[arg(long, conflicts_with = "plain")]
        excel: bool,
        /// 给程序读:没有 BOM,所有值与保存的完全一样 / for scripts: no byte-order mark, every value exactly as stored
        #[arg(long)]
        plain: bool,
        /// 选项写标签而不是名称 / write choice labels instead of names
        #[arg(long, value_enum)]
        labels: Option<Lang>,
        /// 名单的每一行写成答案文件中的 q_1、q_2… 列,不另写名单文件 / put each roster row in the responses as q_1, q_2, … columns instead of a file per roster
        #[arg(long)]
        wide: bool,
        #[command(flatten)]
        trend: trend::TrendRounds,
        /// 走访进度按干部、村或乡镇 / coverage per cadre, village or township
        #[arg(long, value_enum, default_value = "cadre")]
        per: crate::report::coverage::Per,
        #[command(flatten)]
        priorities: PriorityArgs,
    },
    /// 生成演示县的数据 / generate a demonstration county
    Demo {
        /// 农户数 / number of households
        #[arg(long, default_value_t = 20_718)]
        households: usize,
        /// 随机种子,同一种子生成同样的数据 / seed: the same seed gives the same county
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 轮次数(每年一轮,含项目跟进)/ rounds, a year apart, with project follow-up
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=5))]
        rounds: u8,
    },
}

/// How projects are ranked and filtered.
#[derive(Debug, Clone, clap::Args)]
pub struct PriorityArgs {
    /// 按村、组或乡镇汇总 / group projects by village, group or township
    #[arg(long, value_enum, default_value = "village")]
    pub by: plan::ByArg,
    /// 只看这个类别(如 water)/ only this category (such as water)
    #[arg(long)]
    pub category: Option<String>,
    /// 只看这个乡镇 / only this township
    #[arg(long)]
    pub township: Option<String>,
    /// 只列出前 N 个 / only the first N
    #[arg(long)]
    pub top: Option<usize>,
    /// 把草稿也计算在内 / count drafts too
    #[arg(long)]
    pub include_drafts: bool,
    /// 这一轮的调查(默认:有完成调查的最近一轮)/ this round's interviews [default: the latest round with complete interviews]
    #[arg(long)]
    pub round: Option<String>,
    /// 阶段阈值为 15%、20%、25% 时前 20 名怎样变化 / how the top 20 changes with the phase threshold at 15%, 20% and 25%
    #[arg(long)]
    pub sensitivity: bool,
    /// 按类别加权排序,如 water=1.5,housing=1.2(默认方法不加权)/ a weighted ranking, such as water=1.5,housing=1.2 (the documented method has none)
    #[arg(long, value_name = "CATEGORY=WEIGHT,…", value_parser = parse_weights)]
    pub weights: Option<Weights>,
    /// 每村一行:调查户数、有急难需求的户数(每户只计一次)、各类别阶段 / one row per village: households surveyed, households with an urgent need (each once), the phase of each category
    #[arg(long)]
    pub villages: bool,
    /// 在这个预算(元)内选择项目 / choose projects within this budget (yuan)
    #[arg(long, value_name = "YUAN", value_parser = parse_budget)]
    pub budget: Option<f64>,
}

/// Categories and their weights, as `--weights` gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(pub Vec<(String, f64)>);

/// Weights as `category=weight` pairs joined by commas, each weight a
/// number above 0.
fn parse_weights(text: &str) -> Result<Weights, String> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for part in text
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let parsed = part.split_once('=').and_then(|(c, w)| {
            let w: f64 = w.trim().parse().ok()?;
            (w.is_finite() && w > 0.0).then(|| (c.trim().to_string(), w))
        });
        match parsed {
            Some((c, w)) if !c.is_empty() && !out.iter().any(|(o, _)| *o == c) => out.push((c, w)),
            _ => {
                return Err(format!(
                    "权重写成 类别=数值(大于 0),用逗号隔开,每个类别一次,如 water=1.5,housing=1.2 / weights are category=number (above 0) joined by commas, each category once, such as water=1.5,housing=1.2: {part}"
                ));
            }
        }
    }
    Ok(Weights(out))
}

/// A budget is a finite amount of yuan, zero or more: `NaN`, `inf` and
/// negative amounts are refused rather than read as no money at all.
fn parse_budget(text: &str) -> Result<f64, String> {
    let amount: f64 = text.trim().parse().map_err(|_| {
        format!("预算应是元数,如 5000000 / a budget is a number of yuan, such as 5000000: {text}")
    })?;
    if !amount.is_finite() || amount < 0.0 {
        return Err(format!(
            "预算应是 0 或更多的元数 / a budget is 0 yuan or more: {text}"
        ));
    }
    // `-0` is no money, written 0.
    Ok(if amount == 0.0 { 0.0 } else { amount })
}

/// Opens the terminal app on the database with the questionnaires in use.
fn app(
    db: &std::path::Path,
    surveys: Option<&std::path::Path>,
    lang: Lang,
) -> Result<(), CliError> {
    let files = read_sources(
        &surveys
            .map(std::path::Path::to_path_buf)
            .into_iter()
            .collect::<Vec<_>>(),
    )
    .map_err(CliError::Usage)?;
    let (in_use, listed) =
        crate::tui::surveys_of(&files.iter().map(SourceFile::source).collect::<Vec<_>>());
    let store = crate::store::Store::open(db).map_err(CliError::store(db))?;
    let model = crate::tui::new_model(store, in_use, listed, lang, (80, 24))
        .map_err(CliError::store(db))?;
    crate::tui::run(model)
        .map_err(|e| CliError::Failed(crate::tr!("终端错误:{e}", "terminal error: {e}")))
}

/// Whether a command may create the database it is given.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    /// Commands that write new data: importing households, merge, demo.
    MayCreate,
    /// Commands that only read: a missing file is refused, never made empty.
    Existing,
}

/// Opens the database and says which file is in use (on standard error,
/// so that standard output stays clean for tables and exports).
pub(crate) fn open_db(
    path: &std::path::Path,
    lang: Lang,
    how: Open,
) -> Result<crate::store::Store, Tr> {
    let shown = path.display();
    eprintln!(
        "{}",
        crate::tr!("数据库:{shown}", "database: {shown}").get(lang)
    );
    match how {
        Open::MayCreate => crate::store::Store::open(path),
        Open::Existing => crate::store::Store::open_existing(path),
    }
    .map_err(|e| e.at(path).message())
}

/// Writes a command's output to standard output. A write that fails (a
/// full disk behind `> file`) is an error the command reports and ends
/// with; a reader that went away (`| head`) ends the process quietly, as
/// for any Unix tool (see [`restore_sigpipe`]).
pub(crate) fn write_stdout(text: &str) -> Result<(), Tr> {
    write_stdout_with(|out| std::io::Write::write_all(out, text.as_bytes()))
}

/// Standard output written by `write`, then flushed, with what a failed
/// write says (see [`write_stdout`]).
pub(crate) fn write_stdout_with(
    write: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<(), Tr> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    write(&mut out).and_then(|()| out.flush()).map_err(|e| {
        crate::tr!(
            "无法写到标准输出:{e}",
            "cannot write to standard output: {e}"
        )
    })
}

/// Lets a closed pipe end the process, as it ends `cat` or `sort`: the
/// reader (`head`, a pager closed early) has all it wanted, so nothing is
/// said and the shell sees the usual status of a closed pipe. Never for
/// the app, whose output is the terminal.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any thread is started; setting
    // a signal's disposition back to its default has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Prints an error for a person on standard error.
pub(crate) fn print_error(message: &Tr, lang: Lang) {
    let label = match lang {
        Lang::Zh => "错误",
        Lang::En => "error",
    };
    eprintln!("{label}: {}", message.get(lang));
}

/// Where the database is when neither `--db` nor `MINQING_DB` says:
/// `$XDG_DATA_HOME/minqing/minqing.db` (usually `~/.local/share/minqing/`)
/// on Linux, the platform's data folder elsewhere.
pub fn default_db() -> PathBuf {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .map(|s| s.data_dir())
        .unwrap_or_else(|_| PathBuf::from("."))
        .join("minqing")
        .join("minqing.db")
}

/// What is printed when Minqing stops on a bug: where, and that saved
/// answers are safe. A message made at run time may hold household data
/// (a name, an answer), so only a message fixed in the program is shown.
pub fn panic_report(location: Option<String>, payload: &(dyn std::any::Any + Send)) -> Tr {
    let place = location.unwrap_or_else(|| "?".into());
    let what = payload
        .downcast_ref::<&'static str>()
        .map_or_else(|| "…".to_string(), |s| (*s).to_string());
    crate::tr!(
        "民情因程序错误停止({place}:{what})。已保存的答案都在;请把这一行报告给管理员。",
        "Minqing stopped on a program error ({place}: {what}). Every saved answer is safe; please report this line to your administrator."
    )
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    std::panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        print_error(&panic_report(location, info.payload()), lang);
    }));
    let db = || cli.db.clone().unwrap_or_else(default_db);
    if cli.command.is_some() {
        restore_sigpipe();
    }
    let result = match &cli.command {
        None => app(&db(), cli.surveys.as_deref(), lang),
        Some(Command::Check { paths }) => {
            let paths = if paths.is_empty() {
                cli.surveys.iter().cloned().collect()
            } else {
                paths.clone()
            };
            check::run(&paths, lang)
        }
        Some(Command::ImportXlsform {
            form,
            out,
            category,
        }) => xlsform::run(form, out.as_deref(), category, lang),
        Some(Command::Schema) => {
            write_stdout(&format!("{}\n", crate::survey::schema())).map_err(CliError::from)
        }
        Some(Command::Priorities { args }) => plan::priorities(&db(), args, lang),
        Some(Command::Explain {
            village,
            need,
            include_drafts,
            round,
        }) => plan::explain(
            &db(),
            (village, need),
            (*include_drafts, round.as_deref()),
            lang,
        ),
        Some(command) => cycle(command, &db(), cli.surveys.as_deref(), lang),
    };
    error::exit(result, lang)
}

/// The commands of the yearly cycle (rounds, projects, packages,
/// coverage, trends) and exports; the rest go to [`data::run`].
fn cycle(
    command: &Command,
    db: &std::path::Path,
    surveys: Option<&std::path::Path>,
    lang: Lang,
) -> Result<(), CliError> {
    match command {
        Command::Round { action } => round::run(action, db, lang),
        Command::Project { action } => project::run(action, db, lang),
        Command::Summary => project::summary(db, lang),
        Command::Report(report) => brief::report(db, surveys, report, lang),
        Command::Package {
            cadre,
            village,
            all_cadres,
            out,
        } => package::run(
            db,
            surveys,
            &package::Which {
                cadre: cadre.as_deref(),
                villages: village,
                all_cadres: *all_cadres,
            },
            out,
            lang,
        ),
        Command::Coverage { by, round } => {
            coverage::run(db, surveys, (round.as_deref(), *by), lang)
        }
        Command::Trend {
            rounds,
            by,
            category,
            township,
        } => trend::run(
            db,
            rounds,
            (*by, category.as_deref(), township.as_deref()),
            lang,
        ),
        Command::Export {
            what,
            format,
            survey,
            out,
            excel: _,
            plain,
            labels,
            force,
            wide,
            trend,
            per,
            priorities,
        } => export::export(
            db,
            export::ExportArgs {
                what: *what,
                format: *format,
                survey: survey.as_deref(),
                out: out.as_deref(),
                excel: !*plain,
                labels: *labels,
                force: *force,
                wide: *wide,
                trend,
                coverage: (*per, surveys),
                priorities,
            },
            lang,
        ),
        command => data::run(command, db, surveys, lang),
    }
}

/// A device id as people can compare it: its first eight characters.
pub(super) fn short_device(device: &str) -> &str {
    device.get(..8).unwrap_or(device)
}

#[cfg(test)]
mod tests {
    use super::panic_report;

    #[test]
    fn a_panic_report_shows_where_but_never_a_message_made_at_run_time() {
        let name = "王秀英";
        let made: Box<dyn std::any::Any + Send> = Box::new(format!("no answer for {name}"));
        let report = panic_report(Some("src/store/mod.rs:3".into()), made.as_ref());
        assert!(!report.zh.contains(name) && !report.en.contains(name));
        assert!(report.en.contains("src/store/mod.rs:3"));
        assert!(report.en.contains("Every saved answer is safe"));
        let fixed: Box<dyn std::any::Any + Send> = Box::new("index out of range");
        assert!(
            panic_report(None, fixed.as_ref())
                .en
                .contains("index out of range")
        );
    }
}
