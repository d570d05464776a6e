//! An XLSForm repeat as a Minqing roster: a section with `repeat_count`.
//! A repeat without a count (ODK lets the interviewer add rows) gets a
//! question before it that asks how many rows; a repeat inside a repeat is
//! left out, as rosters do not nest.

use std::fmt::Write;

use super::cells::{Columns, as_id, label, quoted};
use super::{Note, Place, expression};
use crate::tr;

/// Writes the roster a `begin_repeat` row opens.
pub(super) fn begin(
    (cols, row, at): (&Columns, &[String], usize),
    default: &str,
    place: &mut Place,
    out: &mut String,
    notes: &mut Vec<Note>,
) {
    let name = as_id(cols.get(row, "name"));
    // The repeat's own condition holds for its count question as well.
    place
        .conditions
        .push(expression(cols, row, "relevant", at, notes));
    let count = match expression(cols, row, "repeat_count", at, notes) {
        Some(count) => count,
        None => {
            let question = format!("{name}_count");
            notes.push(Note {
                sheet: "survey",
                row: at,
                what: tr!(
                    "重复组没有 repeat_count:在它前面加了一题 '{question}' 问有几行",
                    "a repeat without repeat_count: a question '{question}' before it asks how many rows"
                ),
            });
            place.sections += 1;
            let _ = writeln!(
                out,
                "\n[[section]]\nname = {}",
                quoted(&format!("{name}_rows"))
            );
            place.write_relevant(out);
            let texts: Vec<(Option<String>, String)> = cols
                .texts(row, "label")
                .into_iter()
                .map(|(lang, text)| {
                    let zh = lang.as_deref().unwrap_or(default).starts_with("zh");
                    let asked = if zh {
                        format!("{text}:有几行?")
                    } else {
                        format!("How many rows of {text}?")
                    };
                    (lang, asked)
                })
                .collect();
            let asked = label(&texts, default).unwrap_or_else(|| quoted("how many rows? / 几行?"));
            let _ = writeln!(
                out,
                "\n[[section.question]]\nname = {}\ntype = \"integer\"\nlabel = {asked}\nrequired = true\nmin = 0\nmax = {}",
                quoted(&question),
                crate::survey::roster::MAX_ROWS
            );
            format!("${{{question}}}")
        }
    };
    place.sections += 1;
    let _ = writeln!(out, "\n[[section]]\nname = {}", quoted(&name));
    if let Some(text) = label(&cols.texts(row, "label"), default) {
        let _ = writeln!(out, "label = {text}");
    }
    place.write_relevant(out);
    let _ = writeln!(out, "repeat_count = {}", quoted(&count));
    place.in_section = true;
    place.repeat_depth = 1;
}

/// A row inside a repeat that Minqing cannot keep there: a repeat inside
/// it, or a group (sections do not nest in a roster).
pub(super) fn left_inside(kind: &str, at: usize, notes: &mut Vec<Note>) {
    let what = if kind.contains("repeat") {
        tr!(
            "重复组里的重复组不能导入(民情的名单不能嵌套):这一组的题目没有导入",
            "a repeat inside a repeat cannot be imported (Minqing's rosters do not nest): its questions were left out"
        )
    } else {
        tr!(
            "重复组里的分组没有保留:它的题目留在名单里,分组的 relevant 没有导入",
            "a group inside a repeat is not kept: its questions stay in the roster, the group's relevant was left out"
        )
    };
    notes.push(Note {
        sheet: "survey",
        row: at,
        what,
    });
}
