//! `minqing round open|close|list`: the rounds of fieldwork.

use std::path::Path;

use super::{CliError, Open, RoundCommand, open_db};
use crate::i18n::Lang;
use crate::report::table;
use crate::store::Round;
use crate::tr;

pub fn run(action: &RoundCommand, db: &Path, lang: Lang) -> Result<(), CliError> {
    match action {
        RoundCommand::Open { name, from } => {
            let store = open_db(db, lang, Open::MayCreate)?;
            let round = store
                .open_round(name, from.as_deref())
                .map_err(CliError::store(db))?;
            let (name, starts) = (&round.name, &round.starts);
            let said = tr!(
                "已开始轮次“{name}”(从 {starts} 起);此后新的调查都属于这一轮",
                "round '{name}' is open (from {starts}); new interviews belong to it"
            );
            Ok(super::write_stdout(&format!("{}\n", said.get(lang)))?)
        }
        RoundCommand::Close => {
            let store = open_db(db, lang, Open::Existing)?;
            let round = store.close_round().map_err(CliError::store(db))?;
            let name = &round.name;
            let said = tr!(
                "已结束轮次“{name}”:不再开始新的调查,已开始的草稿在下一轮开始前仍可完成;下一轮:minqing round open 名称",
                "round '{name}' is closed: no new interview begins in it, and drafts begun in it can be finished until the next round opens; next: minqing round open NAME"
            );
            Ok(super::write_stdout(&format!("{}\n", said.get(lang)))?)
        }
        RoundCommand::List => list(db, lang),
    }
}

/// Whether a round is open, in words.
pub(super) fn state(round: &Round, lang: Lang) -> &'static str {
    match (round.is_open(), lang) {
        (true, Lang::Zh) => "进行中",
        (true, Lang::En) => "open",
        (false, Lang::Zh) => "已结束",
        (false, Lang::En) => "closed",
    }
}

fn list(db: &Path, lang: Lang) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let rounds = store.rounds_with_counts().map_err(CliError::store(db))?;
    let headers: &[&str] = match lang {
        Lang::Zh => &["轮次", "开始日期", "状态", "完成户数", "完成调查", "草稿"],
        Lang::En => &[
            "round",
            "begins",
            "state",
            "households",
            "complete",
            "drafts",
        ],
    };
    let rows: Vec<Vec<String>> = rounds
        .iter()
        .map(|(round, counts)| {
            vec![
                round.name.clone(),
                round.starts.clone(),
                state(round, lang).to_string(),
                counts.households.to_string(),
                counts.complete.to_string(),
                counts.drafts.to_string(),
            ]
        })
        .collect();
    super::write_stdout(&table::render(headers, &rows, &[3, 4, 5]))?;
    let n = rounds.len();
    eprintln!("{}", tr!("共 {n} 轮", "{n} round(s)").get(lang));
    Ok(())
}
