//! `minqing coverage` and `export coverage`: where fieldwork stands in a
//! round, per cadre, village or township.

use std::path::Path;

use super::{CliError, Open, open_db};
use crate::i18n::{Lang, Tr};
use crate::report::coverage::{CoverageRow, Per, first_count, headers, rows, texts};
use crate::report::table;
use crate::store::{Round, Store};
use crate::survey::Mode;
use crate::tr;

/// The coverage rows of a round (`--round`, else the current one), counting
/// the questionnaires in use that are asked once per round.
pub fn compute(
    store: &Store,
    surveys: Option<&Path>,
    (round, per): (Option<&str>, Per),
    lang: Lang,
) -> Result<(Option<Round>, Vec<CoverageRow>), Tr> {
    let in_use = super::data::load_surveys(surveys)?;
    let ids: Vec<&str> = in_use
        .iter()
        .filter(|s| s.mode == Mode::Once)
        .map(|s| s.id.as_str())
        .collect();
    let said = |e: crate::store::StoreError| e.at(store.path()).message();
    let round = match round {
        Some(name) => Some(store.round_named(name).map_err(said)?),
        None => store.current_round().map_err(said)?,
    };
    let covered = store.coverage(round.as_ref(), &ids).map_err(said)?;
    Ok((round, rows(&covered, per, lang)))
}

/// Which round coverage is of, on standard error.
pub fn say_round(round: Option<&Round>, lang: Lang) {
    let said: Tr = match round {
        Some(r) => {
            let name = &r.name;
            tr!("轮次:{name}", "round: {name}")
        }
        None => tr!("还没有任何调查", "no interview yet"),
    };
    eprintln!("{}", said.get(lang));
}

/// `minqing coverage`.
pub fn run(
    db: &Path,
    surveys: Option<&Path>,
    (round, per): (Option<&str>, Per),
    lang: Lang,
) -> Result<(), CliError> {
    let store = open_db(db, lang, Open::Existing)?;
    let (round, rows) = compute(&store, surveys, (round, per), lang)?;
    say_round(round.as_ref(), lang);
    let headers = headers(per, lang);
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let texts: Vec<Vec<String>> = rows.iter().map(texts).collect();
    let right: Vec<usize> = (first_count(per)..headers.len()).collect();
    Ok(super::write_stdout(&table::render(&refs, &texts, &right))?)
}
