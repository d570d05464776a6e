//! Coverage of a round per cadre, village or township, as people read it:
//! households linked, interviewed, with drafts, partly interviewed, not
//! visited, and a total. The same rows in the terminal and in CSV.

use std::collections::HashMap;

use super::csv_out::{Cell, ExportError, Sink};
use crate::i18n::Lang;
use crate::store::coverage::{Covered, Visit};

/// What coverage is counted per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Per {
    Cadre,
    Village,
    Township,
}

/// One line of coverage: what it is of, then the counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageRow {
    /// Per cadre: name, code, work unit, villages; per village: township,
    /// village; per township: township.
    pub of: Vec<String>,
    pub linked: i64,
    pub interviewed: i64,
    pub drafts: i64,
    pub partly: i64,
    pub not_visited: i64,
}

impl CoverageRow {
    fn add(&mut self, visit: Visit) {
        self.linked += 1;
        match visit {
            Visit::Interviewed => self.interviewed += 1,
            Visit::Drafts => self.drafts += 1,
            Visit::Partly => self.partly += 1,
            Visit::NotVisited => self.not_visited += 1,
        }
    }

    pub fn counts(&self) -> [i64; 5] {
        [
            self.linked,
            self.interviewed,
            self.drafts,
            self.partly,
            self.not_visited,
        ]
    }
}

/// The rows per `per`, in registry order (cadres by code, then name),
/// then the total, whose first column says so.
pub fn rows(covered: &[Covered], per: Per, lang: Lang) -> Vec<CoverageRow> {
    let mut rows = Rows::new(per);
    for c in covered {
        rows.add(c);
    }
    rows.finish(lang)
}

/// Coverage rows counted household by household, so that a province's
/// registry need not be held at once.
pub struct Rows {
    per: Per,
    rows: Vec<CoverageRow>,
    index: HashMap<Vec<String>, usize>,
    total: CoverageRow,
}

impl Rows {
    pub fn new(per: Per) -> Rows {
        Rows {
            per,
            rows: Vec::new(),
            index: HashMap::new(),
            total: CoverageRow::default(),
        }
    }

    /// Counts one household.
    pub fn add(&mut self, c: &Covered) {
        let (per, rows) = (self.per, &mut self.rows);
        let h = &c.household;
        // A cadre is told by the code, or by name and unit without one:
        // never by the name alone.
        let key = match per {
            Per::Cadre if h.cadre_code.is_empty() => {
                vec![String::new(), h.cadre.clone(), h.unit.clone()]
            }
            Per::Cadre => vec![h.cadre_code.clone()],
            Per::Village => vec![h.township.clone(), h.village.clone()],
            Per::Township => vec![h.township.clone()],
        };
        let at = *self.index.entry(key).or_insert_with(|| {
            let of = match per {
                Per::Cadre => vec![
                    h.cadre.clone(),
                    h.cadre_code.clone(),
                    h.unit.clone(),
                    String::new(),
                ],
                Per::Village => vec![h.township.clone(), h.village.clone()],
                Per::Township => vec![h.township.clone()],
            };
            rows.push(CoverageRow {
                of,
                ..CoverageRow::default()
            });
            rows.len() - 1
        });
        let row = &mut rows[at];
        if per == Per::Cadre {
            let villages = &mut row.of[3];
            if !villages.split('、').any(|v| v == h.village) {
                if !villages.is_empty() {
                    villages.push('、');
                }
                villages.push_str(&h.village);
            }
        }
        row.add(c.visit);
        self.total.add(c.visit);
    }

    /// The rows, sorted, then the total.
    pub fn finish(self, lang: Lang) -> Vec<CoverageRow> {
        let (per, mut rows, mut total) = (self.per, self.rows, self.total);
        if per == Per::Cadre {
            // By code; those without one by name and unit; no cadre last.
            let order = |r: &CoverageRow| {
                let (name, code, unit) = (&r.of[0], &r.of[1], &r.of[2]);
                (
                    code.is_empty(),
                    name.is_empty(),
                    code.clone(),
                    name.clone(),
                    unit.clone(),
                )
            };
            rows.sort_by_cached_key(order);
            for row in &mut rows {
                if row.of[0].is_empty() && row.of[1].is_empty() {
                    row.of[0] = match lang {
                        Lang::Zh => "(未指定干部)",
                        Lang::En => "(no cadre)",
                    }
                    .into();
                }
            }
        }
        total.of = vec![String::new(); columns(per)];
        total.of[0] = match lang {
            Lang::Zh => "合计",
            Lang::En => "total",
        }
        .into();
        rows.push(total);
        rows
    }
}

/// How many columns say what a row is of.
fn columns(per: Per) -> usize {
    match per {
        Per::Cadre => 4,
        Per::Village => 2,
        Per::Township => 1,
    }
}

pub fn headers(per: Per, lang: Lang) -> Vec<String> {
    let of: &[(&str, &str)] = match per {
        Per::Cadre => &[
            ("联户干部", "cadre"),
            ("干部编号", "cadre code"),
            ("工作单位", "work unit"),
            ("村", "villages"),
        ],
        Per::Village => &[("乡镇", "township"), ("村", "village")],
        Per::Township => &[("乡镇", "township")],
    };
    let counts = [
        ("联系户数", "linked"),
        ("已完成", "interviewed"),
        ("有草稿", "with drafts"),
        ("部分完成", "partly"),
        ("未走访", "not visited"),
    ];
    of.iter()
        .chain(counts.iter())
        .map(|(zh, en)| match lang {
            Lang::Zh => (*zh).to_string(),
            Lang::En => (*en).to_string(),
        })
        .collect()
}

/// A row's cells as text, for the terminal.
pub fn texts(row: &CoverageRow) -> Vec<String> {
    row.of
        .iter()
        .cloned()
        .chain(row.counts().iter().map(i64::to_string))
        .collect()
}

/// The coverage as CSV.
pub fn write(
    sink: &mut Sink<'_>,
    rows: &[CoverageRow],
    per: Per,
    lang: Lang,
) -> Result<(), ExportError> {
    sink.header(&headers(per, lang))?;
    for row in rows {
        let cells: Vec<Cell<'_>> = row
            .of
            .iter()
            .map(|s| Cell::text(s.as_str()))
            .chain(row.counts().map(Cell::int))
            .collect();
        sink.row(&cells)?;
    }
    Ok(())
}

/// The first column of counts, for right-aligning them.
pub fn first_count(per: Per) -> usize {
    columns(per)
}
