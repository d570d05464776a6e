//! `minqing trend` and `export trend`: what changed between two rounds.

use std::path::Path;

use super::plan::ByArg;
use super::{CliError, Open, open_db};
use crate::i18n::Lang;
use crate::priority::Rule;
use crate::priority::trend::{TrendRow, trend};
use crate::report::table;
use crate::store::{Round, Store, StoreError};
use crate::tr;

/// Which two rounds are compared.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TrendRounds {
    /// 趋势:较早的一轮(默认:较晚一轮的前一轮)/ trend: the earlier round [default: the round before the later one]
    #[arg(long, value_name = "ROUND")]
    pub from: Option<String>,
    /// 趋势:较晚的一轮(默认:有完成调查的最近一轮)/ trend: the later round [default: the latest round with complete interviews]
    #[arg(long, value_name = "ROUND")]
    pub to: Option<String>,
}

/// The trend between two rounds, filtered.
pub struct Trend {
    pub then: Round,
    pub now: Round,
    pub rules: Vec<Rule>,
    pub rows: Vec<TrendRow>,
}

/// The rounds compared: `--to`, else the one ranked; `--from`, else the
/// round before it. Fewer than two rounds is said so.
fn rounds(store: &Store, which: &TrendRounds) -> Result<Option<(Round, Round)>, StoreError> {
    let now = match &which.to {
        Some(name) => Some(store.round_named(name)?),
        None => store.ranked_round()?,
    };
    let Some(now) = now else {
        return Ok(None);
    };
    let then = match &which.from {
        Some(name) => Some(store.round_named(name)?),
        None => store.round_before(&now)?,
    };
    Ok(then.map(|then| (then, now)))
}

/// The trend the arguments ask for; `None` when there are not two rounds.
pub fn compute(
    store: &Store,
    which: &TrendRounds,
    (by, category, township): (ByArg, Option<&str>, Option<&str>),
) -> Result<Option<Trend>, StoreError> {
    let Some((then, now)) = rounds(store, which)? else {
        return Ok(None);
    };
    let input = store.trend_input(&then, &now)?;
    let rows = trend(&input.households, &input.rules, &input.rounds, by.into())
        .into_iter()
        .filter(|r| category.is_none_or(|c| input.rules[r.rule].category == c))
        .filter(|r| township.is_none_or(|t| r.area.township == t))
        .collect();
    Ok(Some(Trend {
        then,
        now,
        rules: input.rules,
        rows,
    }))
}

/// The message for fewer than two rounds.
pub fn not_two_rounds() -> crate::i18n::Tr {
    tr!(
        "只有一轮调查,还没有可比较的趋势;下一轮开始后(minqing round open 名称)再看",
        "there is only one round, so nothing to compare yet; look again once the next round has begun (minqing round open NAME)"
    )
}

/// `minqing trend`.
pub fn run(
    db: &Path,
    which: &TrendRounds,
    filters: (ByArg, Option<&str>, Option<&str>),
    lang: Lang,
) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let trend = compute(&store, which, filters)
        .map_err(CliError::store(db))?
        .ok_or_else(not_two_rounds)?;
    let (then, now) = (&trend.then.name, &trend.now.name);
    eprintln!(
        "{}",
        tr!("从轮次“{then}”到“{now}”", "from round '{then}' to '{now}'").get(lang)
    );
    let mut headers = crate::report::trend::headers(lang);
    let by_township = filters.0 == ByArg::Township;
    let keep = |i: usize| i != crate::report::trend::RULE_COLUMN && !(by_township && i == 1);
    headers = headers
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, h)| h)
        .collect();
    let rows: Vec<Vec<String>> = trend
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<String> =
                crate::report::trend::cells(row, &trend.rules[row.rule], lang)
                    .into_iter()
                    .map(|c| c.into_text().into_owned())
                    .collect();
            cells[7] = crate::report::trend::signed(row.now - row.then);
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, c)| c)
                .collect()
        })
        .collect();
    let first = crate::report::trend::FIRST_COUNT - 1 - usize::from(by_township);
    let right: Vec<usize> = (first..headers.len()).collect();
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    super::write_stdout(&table::render(&refs, &rows, &right))?;
    let n = trend.rows.len();
    eprintln!("{}", tr!("共 {n} 行", "{n} row(s)").get(lang));
    Ok(())
}
