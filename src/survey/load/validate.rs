//! Checks of the whole survey once it is read: expressions against the
//! questions they name, cycles between questions, unused choice lists.

use super::*;
use crate::survey::expr::eval::{Env, Value, eval, holds};
use crate::survey::expr::{BinOp, Expr, ExprKind, HouseholdField};

/// The roster of each roster question, and each roster by its own name.
pub(super) fn roster_map(survey: &Survey) -> BTreeMap<&str, &str> {
    let mut map = BTreeMap::new();
    for section in survey.sections.iter().filter(|s| s.roster.is_some()) {
        map.insert(section.name.as_str(), section.name.as_str());
        for q in &section.questions {
            map.insert(q.name.as_str(), section.name.as_str());
        }
    }
    map
}

/// A calculation has the type of its expression; one may read another,
/// so a few rounds settle them (cycles are reported apart).
fn settle_calculation_types<'a>(
    survey: &'a Survey,
    types: &mut BTreeMap<&'a str, Ty<'a>>,
    rosters: &BTreeMap<&'a str, &'a str>,
) {
    for _ in 0..3 {
        for q in survey.questions() {
            if let Some(e) = &q.calculation {
                let mut scope = Scope::new(types, rosters);
                scope.within = rosters.get(q.name.as_str()).copied();
                let ty = type_of(&e.ast, &scope);
                types.insert(q.name.as_str(), ty);
            }
        }
    }
}

/// Every expression of the survey to check: with the type of `.` (a
/// constraint's), whether it must be a condition, and the roster it is
/// evaluated in.
type ToCheck<'a> = (&'a Expression, Option<Ty<'a>>, bool, Option<&'a str>);

fn expressions<'a>(survey: &'a Survey, types: &BTreeMap<&'a str, Ty<'a>>) -> Vec<ToCheck<'a>> {
    let mut out: Vec<ToCheck<'a>> = Vec::new();
    for section in &survey.sections {
        let inside = section.roster.as_ref().map(|_| section.name.as_str());
        if let Some(roster) = &section.roster {
            // How many rows: over earlier answers, outside the roster.
            out.push((&roster.count, None, false, None));
        }
        out.extend(section.relevant.iter().map(|e| (e, None, true, inside)));
        for q in &section.questions {
            out.extend(q.calculation.iter().map(|e| (e, None, false, inside)));
            out.extend(q.relevant.iter().map(|e| (e, None, true, inside)));
            let dot = types.get(q.name.as_str()).copied();
            out.extend(q.constraint.iter().map(|e| (e, dot, true, inside)));
        }
    }
    for need in &survey.needs {
        out.push((&need.when, None, true, need.repeat.as_deref()));
    }
    out
}

impl Loader<'_> {
    /// Checks every expression against the finished survey, now that every
    /// question name is known (a `relevant` may name a later question).
    /// The type of each question's answer; calculations' found later.
    fn question_types<'a>(
        &self,
        survey: &'a Survey,
        list_names: &'a BTreeMap<&'a str, Vec<String>>,
        yes_no_names: &'a [String],
    ) -> BTreeMap<&'a str, Ty<'a>> {
        let list = |name: &Option<String>| {
            name.as_deref().and_then(|n| {
                list_names.get_key_value(n).map(|(k, names)| ChoiceList {
                    name: k,
                    names: names.as_slice(),
                })
            })
        };
        survey
            .questions()
            .map(|q| {
                let ty = match q.kind {
                    _ if self.untyped.contains(&q.name) => Ty::Any,
                    QuestionKind::SelectOne => list(&q.choices).map_or(Ty::Any, Ty::Choice),
                    QuestionKind::SelectMultiple => list(&q.choices).map_or(Ty::Any, Ty::Multi),
                    QuestionKind::YesNo => Ty::Choice(ChoiceList {
                        name: "yes_no",
                        names: yes_no_names,
                    }),
                    QuestionKind::Integer | QuestionKind::Decimal => Ty::Number,
                    QuestionKind::Text => Ty::Text,
                    QuestionKind::Date => Ty::Date,
                    QuestionKind::Note => Ty::Note,
                    // Found from the calculations.
                    QuestionKind::Calculate => Ty::Any,
                };
                (q.name.as_str(), ty)
            })
            .collect()
    }

    pub(super) fn check_expressions(&mut self, survey: &Survey) {
        let lists = &survey.choice_lists;
        let yes_no_names: Vec<String> = vec!["yes".into(), "no".into()];
        let list_names: BTreeMap<&str, Vec<String>> = lists
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(|c| c.name.clone()).collect()))
            .collect();
        let mut types = self.question_types(survey, &list_names, &yes_no_names);
        let rosters = roster_map(survey);
        settle_calculation_types(survey, &mut types, &rosters);
        // (span of the expression, problem, whether only a warning)
        let mut problems: Vec<(Range<usize>, ExprError, bool)> = Vec::new();
        let mut run_as =
            |e: &Expression, dot: Option<Ty<'_>>, condition: bool, inside: Option<&str>| {
                let scope = Scope {
                    questions: &types,
                    dot,
                    rosters: &rosters,
                    within: inside.and_then(|r| rosters.get_key_value(r).map(|(k, _)| *k)),
                };
                let found = check_all(&e.ast, &scope, condition);
                for err in found.errors {
                    problems.push((e.span.clone(), err, false));
                }
                for warning in found.warnings {
                    problems.push((e.span.clone(), warning, true));
                }
            };
        for (e, dot, condition, inside) in expressions(survey, &types) {
            run_as(e, dot, condition, inside);
        }
        let mut run = |e: &Expression, dot: Option<Ty<'_>>, inside: Option<&str>| {
            run_as(e, dot, true, inside)
        };
        for (e, constraint) in &self.unattached {
            run(e, constraint.then_some(Ty::Any), None);
        }
        self.check_roster_counts(survey, &types, &rosters);
        for (value_span, err, warning) in problems {
            if warning {
                self.expr_warning(&value_span, err);
            } else {
                self.expr_error(&value_span, err);
            }
        }
        self.check_label_refs(survey);
        self.check_constraints_read_earlier(survey);
        self.check_satisfiable(survey);
        self.check_needs_can_fire(survey);
    }

    /// A need rule that can never fire: one of its `and`-ed comparisons
    /// puts a number past its question's `min` or `max`, or a question it
    /// needs answered is never asked when its other conditions hold (its
    /// relevance is false given the choices the rule requires).
    fn check_needs_can_fire(&mut self, survey: &Survey) {
        for need in &survey.needs {
            let mut parts = Vec::new();
            conjuncts(&need.when.ast, &mut parts);
            // The choices the rule requires, as answers.
            let mut required = crate::interview::Answers::new();
            for part in &parts {
                if let ExprKind::Binary(BinOp::Eq, a, b) = &part.kind
                    && let (ExprKind::Question(q), ExprKind::Text(t)) = (&a.kind, &b.kind)
                    && survey
                        .question(q)
                        .is_some_and(|q| q.kind.has_choice_list() || q.kind == QuestionKind::YesNo)
                {
                    required.insert(q.clone(), t.clone());
                }
            }
            let facts = crate::interview::HouseholdFacts::default();
            let state = crate::interview::State::new(survey, &required, &facts);
            let mut why = None;
            for part in &parts {
                if let Some(reason) = out_of_bounds(survey, part) {
                    why = Some(reason);
                    break;
                }
                for (name, _) in part.question_refs() {
                    let Some(q) = survey.question(name) else {
                        continue;
                    };
                    // False for certain: it reads only answers the rule
                    // fixes (no other question, no household field).
                    let settled = |e: &crate::survey::Expression| {
                        let mut fixed = true;
                        e.ast.walk(&mut |x| match &x.kind {
                            ExprKind::Question(n) => fixed &= required.contains_key(n),
                            ExprKind::Household(_)
                            | ExprKind::Call(
                                crate::survey::expr::Func::Today | crate::survey::expr::Func::Now,
                                _,
                            ) => fixed = false,
                            _ => {}
                        });
                        fixed && eval(&e.ast, &state) == Value::Bool(false)
                    };
                    let blocked = survey.sections.iter().any(|s| {
                        s.questions.iter().any(|x| x.name == q.name)
                            && s.relevant.iter().any(settled)
                    }) || q.relevant.as_ref().is_some_and(settled);
                    if blocked && !required.contains_key(name) {
                        why = Some(tr!(
                            "在规则要求的其他条件下,'{name}' 不会被问到",
                            "'{name}' is never asked when the rule's other conditions hold"
                        ));
                        break;
                    }
                }
                if why.is_some() {
                    break;
                }
            }
            if let Some(why) = why {
                let (rule, zh, en) = (&need.name, &why.zh, &why.en);
                self.warn(
                    need.when.span.clone(),
                    Tr {
                        zh: format!("需求规则 '{rule}' 永远不会成立:{zh}"),
                        en: format!("need rule '{rule}' can never fire: {en}"),
                    },
                    Some(tr!(
                        "核对条件中的数字和题目的 min、max,以及题目的 relevant",
                        "check the numbers against the questions' min and max, and their relevant"
                    )),
                );
            }
        }
    }

    /// A constraint that reads only the answer (`.`) and that no answer
    /// the question allows (within `min`/`max`, or among its choices) can
    /// meet would refuse every answer: most likely a slip (`<` for `>`).
    fn check_satisfiable(&mut self, survey: &Survey) {
        for q in survey.questions() {
            let Some(constraint) = &q.constraint else {
                continue;
            };
            let mut reads_more = false;
            constraint.ast.walk(&mut |e| {
                reads_more |= matches!(e.kind, ExprKind::Question(_) | ExprKind::Household(_));
            });
            if reads_more {
                continue;
            }
            let Some(candidates) = candidates(survey, q) else {
                continue;
            };
            let met = candidates.into_iter().any(|dot| {
                let env = OnlyDot(dot);
                holds(&constraint.ast, &env)
            });
            if !met {
                self.warn(
                    constraint.span.clone(),
                    tr!(
                        "没有哪个允许的答案能满足这个 constraint,这一题将无法回答",
                        "no answer this question allows meets the constraint: it could never be answered"
                    ),
                    Some(tr!(
                        "看看比较符号(< 和 >)、and 和 or,以及 min、max 或选项是否写对",
                        "check the comparisons (< and >), and/or, and min, max or the choices"
                    )),
                );
            }
        }
    }

    /// A constraint is checked when its question is answered: a question
    /// asked later has no answer then, and the check would refuse every
    /// answer with a message about a question not yet asked.
    fn check_constraints_read_earlier(&mut self, survey: &Survey) {
        for (i, q) in survey.questions().enumerate() {
            let Some(constraint) = &q.constraint else {
                continue;
            };
            for (name, span) in constraint.ast.question_refs() {
                // A calculation is never asked: where it is written says
                // nothing of when it has a value.
                let asked_later = survey.index_of(name).is_some_and(|j| {
                    j > i && survey.question_at(j).kind != QuestionKind::Calculate
                });
                if asked_later {
                    let this = &q.name;
                    self.error(
                        map_span(self.src, &constraint.span, span),
                        tr!(
                            "constraint 读取了后面才问的 '{name}'",
                            "the constraint reads '{name}', which is asked later"
                        ),
                        Some(tr!(
                            "回答 '{this}' 时 '{name}' 还没有答案:把这个条件写在 '{name}' 上,或者先问 '{name}'",
                            "when '{this}' is answered '{name}' has no answer yet: put the constraint on '{name}', or ask '{name}' first"
                        )),
                    );
                }
            }
        }
    }

    /// Each `${...}` in a label, hint or message names a question of the
    /// survey or a household field.
    fn check_label_refs(&mut self, survey: &Survey) {
        for (name, span) in std::mem::take(&mut self.label_refs) {
            let (known, help) = match name.strip_prefix("household.") {
                Some(field) => (
                    HouseholdField::ALL.iter().any(|f| f.name() == field),
                    nearest(field, HouseholdField::ALL.map(|f| f.name()))
                        .map(|s| tr!("是不是 'household.{s}'?", "did you mean 'household.{s}'?")),
                ),
                None => (
                    survey
                        .question(&name)
                        .is_some_and(|q| q.kind != QuestionKind::Note),
                    nearest(&name, survey.questions().map(|q| q.name.as_str()))
                        .map(|s| tr!("是不是 '{s}'?", "did you mean '{s}'?")),
                ),
            };
            if !known {
                self.error(
                    span,
                    tr!(
                        "文字中的 ${{{name}}} 不是问卷中的问题或户字段",
                        "${{{name}}} in this text is no question of the survey nor a household field"
                    ),
                    help,
                );
            }
        }
    }

    /// Relevance must be computable in some order: a question cannot be
    /// shown or hidden by its own answer, directly or through others.
    pub(super) fn check_cycles(&mut self, survey: &Survey) {
        // edges[q] = (question it depends on, file span of the reference)
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); survey.question_count()];
        for (i, edges) in edges.iter_mut().enumerate() {
            for e in survey.deciding(i) {
                for (name, span) in e.ast.question_refs() {
                    if let Some(j) = survey.index_of(name) {
                        edges.push((j, map_span(self.src, &e.span, span)));
                    }
                }
            }
        }
        let names: Vec<&str> = survey.questions().map(|q| q.name.as_str()).collect();
        let kinds: Vec<QuestionKind> = survey.questions().map(|q| q.kind).collect();
        let mut state = vec![0u8; names.len()]; // 0 new, 1 on stack, 2 done
        let mut reported: HashSet<Vec<usize>> = HashSet::new();
        for start in 0..names.len() {
            if state[start] != 0 {
                continue;
            }
            // Iterative DFS: (node, next edge index); the path is the stack.
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some((to, span)) = edges[node].get(*next).cloned() {
                    *next += 1;
                    match state[to] {
                        0 => {
                            state[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                            let cycle: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if reported.insert(key) {
                                let mut path: Vec<&str> = cycle.iter().map(|&n| names[n]).collect();
                                path.push(names[to]);
                                let calculated =
                                    cycle.iter().any(|&n| kinds[n] == QuestionKind::Calculate);
                                self.report_cycle(span, &path.join(" → "), calculated);
                            }
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// A cycle through relevance, or through calculations.
    fn report_cycle(&mut self, span: Range<usize>, path: &str, calculated: bool) {
        let (message, help) = if calculated {
            (
                tr!(
                    "calculation 形成循环:{path}",
                    "calculations form a cycle: {path}"
                ),
                tr!(
                    "一个计算不能用到它自己的值(直接或经由其他题)",
                    "a calculation cannot read its own value, directly or through other questions"
                ),
            )
        } else {
            (
                tr!(
                    "relevant 形成循环:{path}",
                    "relevance forms a cycle: {path}"
                ),
                tr!(
                    "一道题的显示不能取决于它自己的答案(直接或经由其他题)",
                    "a question cannot be shown or hidden by its own answer, directly or through other questions"
                ),
            )
        };
        self.error(span, message, Some(help));
    }

    /// Only on files without errors: a list left unused by a broken
    /// question would repeat that question's error.
    pub(super) fn check_unused_lists(&mut self, survey: &Survey, root: &DeTable<'_>) {
        if self.diags.iter().any(|d| d.level == Level::Error) {
            return;
        }
        let Some(DeValue::Table(table)) = get(root, "choices").map(|v| v.get_ref()) else {
            return;
        };
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if survey
                .questions()
                .all(|q| q.choices.as_deref() != Some(name))
            {
                self.warn(
                    key.span(),
                    tr!(
                        "选项表 '{name}' 没有被任何问题使用",
                        "choice list '{name}' is not used by any question"
                    ),
                    None,
                );
            }
        }
    }
}

/// The answers a question allows, to try a constraint on: every choice
/// (and, for a multiple choice of a few, every set of them), or numbers
/// within `min`/`max` (whole ones for an integer). `None` when there is no
/// bound to try within.
fn candidates(survey: &Survey, q: &Question) -> Option<Vec<Value<'static>>> {
    let names: Vec<&str> = survey
        .choices_of(q)
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    match q.kind {
        QuestionKind::SelectOne | QuestionKind::YesNo => Some(
            names
                .iter()
                .map(|n| Value::Text(n.to_string().into()))
                .collect(),
        ),
        QuestionKind::SelectMultiple if names.len() <= 10 => Some(
            (1u32..(1 << names.len()))
                .map(|set| {
                    let picked: Vec<&str> = (0..names.len())
                        .filter(|b| set & (1 << b) != 0)
                        .map(|b| names[b])
                        .collect();
                    Value::Text(picked.join(" ").into())
                })
                .collect(),
        ),
        QuestionKind::Integer | QuestionKind::Decimal => {
            let (lo, hi) = (q.min?, q.max?);
            if !(lo.is_finite() && hi.is_finite()) || lo > hi {
                return None;
            }
            let whole = q.kind == QuestionKind::Integer;
            let fit = |x: f64| if whole { x.round() } else { x };
            // Evenly across the range, computed from the bounds (never by
            // adding steps, which may stop moving or drift), and the
            // numbers the constraint names, with their neighbours.
            let mut out: Vec<f64> = (0..=2_000)
                .map(|i| fit(lo + (hi - lo) * f64::from(i) / 2_000.0))
                .collect();
            if let Some(c) = &q.constraint {
                c.ast.walk(&mut |e| {
                    if let ExprKind::Number(n) = e.kind {
                        out.extend([n - 1.0, n, n + 1.0, n - 0.5, n + 0.5].map(fit));
                    }
                });
            }
            Some(
                out.into_iter()
                    .filter(|x| (lo..=hi).contains(x))
                    .map(Value::Number)
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The environment of a constraint that reads nothing but `.`.
struct OnlyDot(Value<'static>);

impl<'a> Env<'a> for OnlyDot {
    fn question(&self, _: &str) -> Value<'a> {
        Value::Empty
    }
    fn household(&self, _: HouseholdField) -> Value<'a> {
        Value::Empty
    }
    fn dot(&self) -> Value<'a> {
        self.0.clone()
    }
    fn started_at(&self) -> i64 {
        0
    }
}

/// The parts of an expression joined by `and`, in order.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// Why a comparison of a number question with a number can never hold
/// within the question's `min` and `max`.
fn out_of_bounds(survey: &Survey, part: &Expr) -> Option<Tr> {
    let ExprKind::Binary(op, a, b) = &part.kind else {
        return None;
    };
    let (ExprKind::Question(name), ExprKind::Number(n)) = (&a.kind, &b.kind) else {
        return None;
    };
    let q = survey.question(name)?;
    let (lo, hi) = (
        q.min.unwrap_or(f64::NEG_INFINITY),
        q.max.unwrap_or(f64::INFINITY),
    );
    let never = match op {
        BinOp::Gt => *n >= hi,
        BinOp::Ge => *n > hi,
        BinOp::Lt => *n <= lo,
        BinOp::Le => *n < lo,
        BinOp::Eq => *n < lo || *n > hi,
        _ => false,
    };
    never.then(|| {
        let (op, lo, hi) = (
            op.symbol(),
            q.min.map_or("-".into(), |v| format!("{v}")),
            q.max.map_or("-".into(), |v| format!("{v}")),
        );
        tr!(
            "'{name}' 的范围是 {lo} 到 {hi},{name} {op} {n} 不会成立",
            "'{name}' lies within {lo} to {hi}, so {name} {op} {n} never holds"
        )
    })
}
