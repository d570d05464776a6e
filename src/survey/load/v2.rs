//! Reading what format version 2 adds: a section's `repeat_count` and
//! `row_label` (a roster), a question's `special` answers, a need's
//! `repeat`, and the survey's `mode`.

use super::*;
use crate::survey::{Mode, Roster, Special};

impl Loader<'_> {
    /// A section's roster, when it has `repeat_count`.
    pub(super) fn roster(&mut self, table: &DeTable<'_>) -> Option<Roster> {
        let row_label = self.string(table, "row_label");
        let Some(count) = self.expression(table, "repeat_count") else {
            if let (Some((_, span)), None) = (&row_label, get(table, "repeat_count")) {
                self.error(
                    span.clone(),
                    tr!(
                        "row_label 只用于名单(有 repeat_count 的分节)",
                        "row_label is only for a roster (a section with repeat_count)"
                    ),
                    Some(tr!(
                        "加上 repeat_count = \"${{...}}\" 说明有几行",
                        "add repeat_count = \"${{...}}\" to say how many rows"
                    )),
                );
            }
            return None;
        };
        if let Some((text, span)) = &row_label {
            self.note_refs(text, span.clone());
        }
        let (row_label, row_label_span) = match row_label {
            Some((text, span)) => (Some(text), span),
            None => (None, 0..0),
        };
        Some(Roster {
            count,
            row_label,
            row_label_span,
        })
    }

    /// A question's `special = ["dont_know", "refused"]`.
    pub(super) fn special(
        &mut self,
        table: &DeTable<'_>,
        kind: Option<QuestionKind>,
    ) -> Vec<Special> {
        let Some(v) = get(table, "special") else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                v,
                "special",
                tr!(
                    "列表,例如 [\"dont_know\", \"refused\"]",
                    "a list such as [\"dont_know\", \"refused\"]"
                ),
            );
            return Vec::new();
        };
        if let Some(kind) = kind
            && !kind.is_answered()
        {
            let name = kind.name();
            self.error(
                v.span(),
                tr!(
                    "{name} 题不用回答,不能有 special",
                    "a {name} is not answered and takes no special"
                ),
                None,
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in items.iter() {
            let found = match item.get_ref() {
                DeValue::String(s) => Special::ALL.into_iter().find(|sp| sp.name() == s.as_ref()),
                _ => None,
            };
            match found {
                Some(special) if !out.contains(&special) => out.push(special),
                Some(special) => {
                    let name = special.name();
                    self.error(
                        item.span(),
                        tr!("'{name}' 写了两次", "'{name}' is written twice"),
                        None,
                    );
                }
                None => self.error(
                    item.span(),
                    tr!("未知的特殊回答", "unknown special answer"),
                    Some(tr!(
                        "可用的有:\"dont_know\"(不知道)、\"refused\"(拒绝回答)",
                        "the special answers are \"dont_know\" and \"refused\""
                    )),
                ),
            }
        }
        out
    }

    /// The `mode` of `[survey]`: "once" (the default) or "visit".
    pub(super) fn mode(&mut self, head: &DeTable<'_>) -> Mode {
        let Some((text, span)) = self.string(head, "mode") else {
            return Mode::Once;
        };
        match [Mode::Once, Mode::Visit]
            .into_iter()
            .find(|m| m.name() == text)
        {
            Some(mode) => mode,
            None => {
                self.error(
                    span,
                    tr!("未知的 mode '{text}'", "unknown mode '{text}'"),
                    Some(tr!(
                        "mode 是 \"once\"(每户一次)或 \"visit\"(每次走访填一份)",
                        "mode is \"once\" (once per household) or \"visit\" (one per visit)"
                    )),
                );
                Mode::Once
            }
        }
    }

    /// A need's `repeat`: the roster it is counted on, which must be one.
    pub(super) fn need_repeat(&mut self, table: &DeTable<'_>) -> Option<String> {
        let (name, span) = self.string(table, "repeat")?;
        if self.rosters.contains(&name) {
            return Some(name);
        }
        let help = match nearest(&name, self.rosters.iter().map(String::as_str)) {
            Some(s) => Some(tr!("是不是 '{s}'?", "did you mean '{s}'?")),
            None if self.rosters.is_empty() => Some(tr!(
                "这份问卷没有名单(有 repeat_count 的分节)",
                "this questionnaire has no roster (a section with repeat_count)"
            )),
            None => None,
        };
        self.error(
            span,
            tr!(
                "repeat 要写一个名单的名称,'{name}' 不是",
                "repeat must name a roster; '{name}' is not one"
            ),
            help,
        );
        None
    }
}
