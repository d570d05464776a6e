//! The change between two rounds as people read it: one row per area and
//! need rule, the same columns in the terminal and in CSV. Layout only:
//! the classification is [`crate::priority::trend`].

use super::csv_out::{Cell, ExportError, Sink};
use crate::i18n::Lang;
use crate::priority::trend::TrendRow;
use crate::priority::{Rule, category_name};

/// The columns, in both languages: (zh, en).
const HEADERS: [(&str, &str); 12] = [
    ("乡镇", "township"),
    ("村", "village"),
    ("类别", "category"),
    ("项目", "project"),
    ("规则", "rule"),
    ("上轮户数", "affected then"),
    ("本轮户数", "affected now"),
    ("变化", "change"),
    ("已解决", "resolved"),
    ("仍存在", "persisting"),
    ("新出现", "new"),
    ("未复查", "not resurveyed"),
];

/// The column of the rule's id (`survey.rule`), which the terminal leaves
/// out.
pub const RULE_COLUMN: usize = 4;

/// The first column of counts (right-aligned in the terminal).
pub const FIRST_COUNT: usize = 5;

pub fn headers(lang: Lang) -> Vec<String> {
    HEADERS
        .iter()
        .map(|(zh, en)| match lang {
            Lang::Zh => (*zh).to_string(),
            Lang::En => (*en).to_string(),
        })
        .collect()
}

/// The change in affected households, signed: `+3`, `-2`, `0`.
pub fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// One row's cells, in the columns' order.
pub fn cells<'a>(row: &'a TrendRow, rule: &'a Rule, lang: Lang) -> Vec<Cell<'a>> {
    vec![
        Cell::text(row.area.township.as_str()),
        Cell::text(row.area.village.as_str()),
        Cell::text(category_name(&rule.category, lang)),
        Cell::text(match &rule.project {
            Some(label) => label.get(lang),
            None => rule.name.as_str(),
        }),
        Cell::text(format!("{}.{}", rule.survey, rule.name)),
        Cell::int(row.then),
        Cell::int(row.now),
        Cell::int(row.now - row.then),
        Cell::int(row.resolved),
        Cell::int(row.persisting),
        Cell::int(row.new),
        Cell::int(row.not_resurveyed),
    ]
}

/// The trend as CSV.
pub fn write(
    sink: &mut Sink<'_>,
    rows: &[TrendRow],
    rules: &[Rule],
    lang: Lang,
) -> Result<(), ExportError> {
    sink.header(&headers(lang))?;
    for row in rows {
        sink.row(&cells(row, &rules[row.rule], lang))?;
    }
    Ok(())
}
