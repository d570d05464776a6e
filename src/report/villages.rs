//! Each village at a glance, as people read it: households registered
//! and surveyed, the households with any urgent need (each counted once,
//! however many of its needs are urgent), and the phase of every
//! category. The same rows in the terminal and in CSV.

use std::borrow::Cow;

use super::csv_out::{Cell, ExportError, Sink};
use crate::i18n::Lang;
use crate::priority::{AreaSummary, Rule, category_name};

/// The categories of `rules`, each once, in the rules' order.
pub fn categories(rules: &[Rule]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rules {
        if !out.contains(&r.category.as_str()) {
            out.push(&r.category);
        }
    }
    out
}

/// The column titles: the place, the counts, then a phase per category
/// (by name in `lang` when `named`, by id otherwise).
pub fn headers(categories: &[&str], lang: Lang, named: bool) -> Vec<String> {
    let fixed: [(&str, &str); 6] = [
        ("乡镇", "township"),
        ("村", "village"),
        ("登记户数", "registered"),
        ("调查户数", "surveyed"),
        (
            "急难户数(严重程度≥3,每户计一次)",
            "urgent households (severity ≥ 3, each once)",
        ),
        ("急难户比例", "urgent share"),
    ];
    let mut out: Vec<String> = fixed
        .iter()
        .map(|&(zh, en)| lang.pick(zh, en).to_string())
        .collect();
    for c in categories {
        let name = if named { category_name(c, lang) } else { c };
        out.push(format!("{}{name}", lang.pick("阶段:", "phase: ")));
    }
    out
}

/// The cells of one area: the share as a fraction, the phase empty where
/// no household was surveyed for the category.
pub fn cells<'a>(a: &'a AreaSummary, categories: &[&str]) -> Vec<Cell<'a>> {
    let mut out = vec![
        Cell::text(a.area.township.as_str()),
        Cell::text(a.area.village.as_str()),
        Cell::int(a.registered),
        Cell::int(a.surveyed),
        Cell::int(a.urgent),
        Cell::Number(format!("{:.3}", a.urgent_share()).into()),
    ];
    out.extend(categories.iter().map(|c| {
        a.phase(c)
            .map_or(Cell::text(""), |p| Cell::int(i64::from(p)))
    }));
    out
}

/// The areas of `township` (all without one).
pub fn of_township<'a>(
    areas: &'a [AreaSummary],
    township: Option<&'a str>,
) -> impl Iterator<Item = &'a AreaSummary> {
    areas
        .iter()
        .filter(move |a| township.is_none_or(|t| a.area.township == t))
}

/// Writes the areas as CSV.
pub fn write<'a>(
    sink: &mut Sink<'_>,
    areas: impl Iterator<Item = &'a AreaSummary>,
    rules: &[Rule],
    (lang, named): (Lang, bool),
) -> Result<(), ExportError> {
    let categories = categories(rules);
    sink.header(&headers(&categories, lang, named))?;
    for a in areas {
        sink.row(&cells(a, &categories))?;
    }
    Ok(())
}

/// The areas as a terminal table: categories by name, the share as a
/// percent.
pub fn table<'a>(
    areas: impl Iterator<Item = &'a AreaSummary>,
    rules: &[Rule],
    lang: Lang,
) -> String {
    let categories = categories(rules);
    let headers = headers(&categories, lang, true);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<Cow<'_, str>>> = areas
        .map(|a| {
            let mut row: Vec<Cow<'_, str>> = cells(a, &categories)
                .into_iter()
                .map(Cell::into_text)
                .collect();
            row[5] = Cow::Owned(format!("{:.0}%", a.urgent_share() * 100.0));
            row
        })
        .collect();
    let right: Vec<usize> = (2..headers.len()).collect();
    super::table::render(&headers, &rows, &right)
}
