//! Reading `[[need]]` rules: the condition, the severity and the project
//! category a need of households leads to.

use super::*;

impl Loader<'_> {
    pub(super) fn need(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        default_category: Option<&str>,
        names: &mut HashMap<String, Range<usize>>,
    ) -> Option<Need> {
        const CTX: &str = "[[need]]";
        self.keys(table, span, NEED_KEYS, CTX);
        let name = self.name(table, CTX, span);
        let unique = match &name {
            Some((n, s)) => self.unique(names, n, s, tr!("需求规则", "need")),
            None => false,
        };
        let category = self.need_category(table, span, default_category);
        if get(table, "when").is_none() {
            self.missing(span.clone(), "when", CTX);
        }
        let when = self.expression(table, "when");
        let severity = self.severity(table, span, CTX);
        let project = self.label_at(table, "project");
        if get(table, "project").is_none() {
            let shown = name.as_ref().map_or("", |(n, _)| n.as_str());
            self.warn(
                span.clone(),
                tr!(
                    "需求规则 '{shown}' 没有 project,规划人员将看到规则名",
                    "need '{shown}' has no project label; planners will see the rule name"
                ),
                None,
            );
        }
        let unit_cost = self.unit_cost(table);
        let repeat = self.need_repeat(table);
        match (name, category, when, severity) {
            (Some((name, _)), Some(category), Some(when), Some(severity)) if unique => Some(Need {
                name,
                category,
                when,
                severity,
                project,
                unit_cost: unit_cost.map(|(c, _)| c),
                repeat,
            }),
            (_, _, when, _) => {
                self.unattached.extend(when.map(|e| (e, false)));
                None
            }
        }
    }

    /// A need's category, or the survey's when it gives none.
    fn need_category(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        default_category: Option<&str>,
    ) -> Option<String> {
        match get(table, "category") {
            Some(_) => self.category(table),
            None => match default_category {
                Some(c) => Some(c.to_string()),
                None => {
                    self.error(
                        span.clone(),
                        tr!("需求规则没有类别", "the need has no category"),
                        Some(tr!(
                            "在这里或 [survey] 中设置 category",
                            "set category here or in [survey]"
                        )),
                    );
                    None
                }
            },
        }
    }

    /// A need's `severity`, an integer from 1 to 5.
    fn severity(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        context: &str,
    ) -> Option<Severity> {
        match get(table, "severity") {
            None => {
                self.missing(span.clone(), "severity", context);
                None
            }
            Some(v) => {
                let parsed = match v.get_ref() {
                    DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                        .ok()
                        .and_then(Severity::new),
                    _ => None,
                };
                if parsed.is_none() {
                    let raw = &self.src[v.span()];
                    self.error(
                    v.span(),
                    tr!(
                        "severity 应为 1 到 5 的整数,这里是 {raw}",
                        "severity must be an integer from 1 to 5, found {raw}"
                    ),
                    Some(tr!(
                        "1 没有问题,2 有压力,3 急难(纳入当年计划),4 严重,5 危及生命",
                        "1 no problem, 2 stressed, 3 urgent (this year's plan), 4 acute, 5 life-safety"
                    )),
                );
                }
                parsed
            }
        }
    }

    /// A need's `unit_cost`, not negative.
    fn unit_cost(&mut self, table: &DeTable<'_>) -> Option<(f64, Range<usize>)> {
        let unit_cost = self.number(table, "unit_cost");
        if let Some((cost, cspan)) = &unit_cost
            && *cost < 0.0
        {
            self.error(
                cspan.clone(),
                tr!("unit_cost 不能为负数", "unit_cost must not be negative"),
                None,
            );
        }
        unit_cost
    }
}
