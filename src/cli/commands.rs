//! The subcommands of the commands that have them: rounds, projects and
//! the household registry.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// 开始新一轮调查,新的调查都属于这一轮 / open a round: new interviews belong to it
    Open {
        /// 轮次名称,如 2026-秋季 / the round's name, such as 2026-autumn
        name: String,
        /// 开始日期(默认今天)/ the day it begins [default: today]
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
    },
    /// 结束进行中的轮次 / close the open round
    Close,
    /// 列出所有轮次 / list the rounds
    List,
}

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// 设置一个村的项目状态 / set the status of a village's project
    Set {
        /// 村名,或 乡镇/村 / village, or township/village
        village: String,
        /// 需求规则名,或 问卷.规则 / need rule name, or survey.rule
        need: String,
        /// approved 已批准 · funded 已拨款 · done 已完工 · dropped 已放弃
        #[arg(value_enum)]
        status: StatusArg,
        /// 项目所属轮次(默认:有完成调查的最近一轮)/ the project's round [default: the latest round with complete interviews]
        #[arg(long)]
        round: Option<String>,
        /// 金额(元)/ amount (yuan)
        #[arg(long, value_name = "YUAN", value_parser = super::parse_budget)]
        amount: Option<f64>,
        /// 资金来源 / source of the funds
        #[arg(long)]
        source: Option<String>,
        /// 日期(默认今天)/ date [default: today]
        #[arg(long)]
        date: Option<String>,
        /// 说明 / a note
        #[arg(long)]
        note: Option<String>,
        /// 谁做的修改(默认:本机调查员姓名)/ who makes the change [default: this laptop's interviewer]
        #[arg(long)]
        who: Option<String>,
    },
    /// 列出有状态的项目和核实情况 / list the projects with a status and their check
    List {
        /// 只列出这个状态 / only this status
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// 只列出这一轮的项目 / only this round's projects
        #[arg(long)]
        round: Option<String>,
    },
    /// 一个项目的全部修改记录 / every change of one project
    History {
        /// 村名,或 乡镇/村 / village, or township/village
        village: String,
        /// 需求规则名,或 问卷.规则 / need rule name, or survey.rule
        need: String,
        /// 项目所属轮次 / the project's round
        #[arg(long)]
        round: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum HouseholdsCommand {
    /// 从 CSV 导入农户(UTF-8、GBK 或 UTF-16,中英文表头)/ import households from CSV (UTF-8, GBK or UTF-16, Chinese or English headers)
    ///
    /// 文件里没有的列、空单元格都不改动已有的资料(除非用 --clear-empty)。
    /// A column the file lacks, or an empty cell, leaves the stored value alone (unless --clear-empty).
    Import {
        /// CSV 文件 / CSV file
        file: PathBuf,
        /// 跳过有错误的行,只导入正确的行 / import the good rows and list the bad ones
        #[arg(long)]
        skip_bad: bool,
        /// 空单元格清空已有的组、电话、干部、备注(默认保留原值)/ let an empty cell clear the stored group, phone, cadre or notes (by default it leaves them alone)
        #[arg(long)]
        clear_empty: bool,
    },
    /// 列出农户 / list households
    List {
        /// 只列出这个村 / only this village
        #[arg(long)]
        village: Option<String>,
    },
}

/// A project's status as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    Approved,
    Funded,
    Done,
    Dropped,
}

impl From<StatusArg> for crate::store::project::Status {
    fn from(s: StatusArg) -> Self {
        use crate::store::project::Status;
        match s {
            StatusArg::Approved => Status::Approved,
            StatusArg::Funded => Status::Funded,
            StatusArg::Done => Status::Done,
            StatusArg::Dropped => Status::Dropped,
        }
    }
}
