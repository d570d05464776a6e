//! Checks of rosters once the whole survey is read: a roster's name is
//! not a question's, its count is a number over earlier answers, and its
//! row label names its own questions.

use super::*;

impl Loader<'_> {
    pub(super) fn check_roster_counts(
        &mut self,
        survey: &Survey,
        types: &BTreeMap<&str, Ty<'_>>,
        rosters: &BTreeMap<&str, &str>,
    ) {
        for section in &survey.sections {
            let Some(roster) = &section.roster else {
                continue;
            };
            let name = section.name.as_str();
            if let Some(q) = survey.question(name) {
                let line = self.line_of(&q.span);
                self.error(
                    roster.count.span.clone(),
                    tr!(
                        "名单 '{name}' 与第 {line} 行的问题同名",
                        "roster '{name}' has the name of the question on line {line}"
                    ),
                    Some(tr!(
                        "${{{name}}} 要能分清指的是哪一个:给名单或问题换个名字",
                        "${{{name}}} must say which one it means: rename the roster or the question"
                    )),
                );
            }
            let scope = Scope::new(types, rosters);
            let ty = type_of(&roster.count.ast, &scope);
            if !matches!(ty, Ty::Number | Ty::Any) {
                self.error(
                    roster.count.span.clone(),
                    tr!(
                        "repeat_count 应是一个整数(行数)",
                        "repeat_count must be a whole number (of rows)"
                    ),
                    Some(tr!(
                        "例如 repeat_count = \"${{children_6_15}}\" 或 \"${{household.members}}\"",
                        "for example repeat_count = \"${{children_6_15}}\" or \"${{household.members}}\""
                    )),
                );
            }
            let first = survey.positions_of(section).start;
            for (q, span) in roster.count.ast.question_refs() {
                if reads_late(survey, section, first, q, &mut Vec::new()) {
                    self.error(
                        map_span(self.src, &roster.count.span, span),
                        tr!(
                            "repeat_count 读取的 '{q}' 要等名单开始后才有值(它读名单本身或名单之后的题)",
                            "repeat_count reads '{q}', which has no value until the roster has begun (it reads the roster itself or a question asked later)"
                        ),
                        Some(tr!(
                            "行数要在名单之前问出来",
                            "ask for the number of rows before the roster"
                        )),
                    );
                }
            }
            self.check_row_label(survey, section, roster);
        }
    }

    /// `row_label` shows the row's own answers.
    fn check_row_label(&mut self, survey: &Survey, section: &Section, roster: &Roster) {
        let Some(text) = &roster.row_label else {
            return;
        };
        let name = &section.name;
        for q in crate::survey::template::refs(text) {
            if survey.question(q).is_some() && !section.questions.iter().any(|x| x.name == q) {
                self.error(
                    roster.row_label_span.clone(),
                    tr!(
                        "row_label 中的 ${{{q}}} 不是名单 '{name}' 里的问题",
                        "${{{q}}} in row_label is not a question of roster '{name}'"
                    ),
                    Some(tr!(
                        "行的名字取自本行的回答,例如 \"${{child_name}}\"",
                        "a row is named by its own answers, such as \"${{child_name}}\""
                    )),
                );
            }
        }
    }
}

/// Whether the count of `section` (beginning at position `first`) reading
/// `name` reads the roster itself or a question asked once it has begun,
/// directly or through calculations.
fn reads_late<'s>(
    survey: &'s Survey,
    section: &Section,
    first: usize,
    name: &'s str,
    seen: &mut Vec<&'s str>,
) -> bool {
    if seen.contains(&name) {
        return false;
    }
    seen.push(name);
    if name == section.name {
        return true;
    }
    let Some(j) = survey.index_of(name) else {
        return false;
    };
    match &survey.question_at(j).calculation {
        Some(calc) => calc
            .ast
            .question_refs()
            .into_iter()
            .any(|(q, _)| reads_late(survey, section, first, q, seen)),
        None => j >= first,
    }
}
