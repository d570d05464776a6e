//! Static checking of an expression against its questionnaire.
//!
//! Owns the rules that catch an author's mistake at load time instead of in
//! the field: unknown names, choice names that are not in the list, numbers
//! compared with choices, `selected()` on a question that is not
//! `select_multiple`, `.` outside a constraint, and conditions that are not
//! true/false. It knows the questionnaire only through [`Scope`].

use std::collections::BTreeMap;

use super::{BinOp, Expr, ExprError, ExprKind, Func, HouseholdField};
use crate::i18n::Tr;
use crate::survey::diag::nearest;
use crate::tr;

mod literals;
mod roster;

/// The static type of a value in an expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty<'a> {
    Number,
    Text,
    Date,
    Bool,
    /// The answer of a `select_one` or `yes_no` question.
    Choice(ChoiceList<'a>),
    /// The answer of a `select_multiple` question.
    Multi(ChoiceList<'a>),
    /// A `note`: shown, never answered.
    Note,
    /// Unknown, after an error was already reported: checks stay quiet.
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChoiceList<'a> {
    pub name: &'a str,
    pub names: &'a [String],
}

impl Ty<'_> {
    fn describe(&self) -> Tr {
        match self {
            Ty::Number => tr!("数字", "a number"),
            Ty::Text => tr!("文字", "text"),
            Ty::Date => tr!("日期", "a date"),
            Ty::Bool => tr!("真假值", "true/false"),
            Ty::Choice(_) => tr!("单选答案", "a choice"),
            Ty::Multi(_) => tr!("多选答案", "a multiple choice"),
            Ty::Note => tr!("说明", "a note"),
            Ty::Any => tr!("未知值", "an unknown value"),
        }
    }
}

/// What an expression may refer to.
pub struct Scope<'q, 'a> {
    /// Every question of the survey with the type of its answer.
    pub questions: &'q BTreeMap<&'a str, Ty<'a>>,
    /// The type of `.`, set only while checking a constraint.
    pub dot: Option<Ty<'a>>,
    /// The roster of each roster question, and each roster by its own name.
    pub rosters: &'q BTreeMap<&'a str, &'a str>,
    /// The roster whose row the expression is evaluated in, if any.
    pub within: Option<&'a str>,
}

impl<'q, 'a> Scope<'q, 'a> {
    /// The scope of an expression outside rosters.
    pub fn new(
        questions: &'q BTreeMap<&'a str, Ty<'a>>,
        rosters: &'q BTreeMap<&'a str, &'a str>,
    ) -> Self {
        Scope {
            questions,
            dot: None,
            rosters,
            within: None,
        }
    }

    /// Whether `name` is a roster's (a section's) name.
    fn is_roster(&self, name: &str) -> bool {
        !self.questions.contains_key(name) && self.rosters.get(name).is_some_and(|r| *r == name)
    }
}

/// Checks `expr`; `condition` is true where a truth value is required
/// (relevant, constraint, when). Returns every problem found.
pub fn check(expr: &Expr, scope: &Scope<'_, '_>, condition: bool) -> Vec<ExprError> {
    check_all(expr, scope, condition).errors
}

/// What [`check_all`] found: mistakes, and what is most likely one.
#[derive(Debug, Default)]
pub struct Found {
    pub errors: Vec<ExprError>,
    pub warnings: Vec<ExprError>,
}

/// Checks `expr` as [`check`] does, and also reports what is allowed but
/// most likely a mistake.
pub fn check_all(expr: &Expr, scope: &Scope<'_, '_>, condition: bool) -> Found {
    let mut checker = Checker {
        scope,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let ty = checker.infer(expr);
    if condition {
        checker.expect_condition(expr, ty);
    }
    Found {
        errors: checker.errors,
        warnings: checker.warnings,
    }
}

/// The type of `expr`'s value, its problems left to [`check`].
pub fn type_of<'a>(expr: &Expr, scope: &Scope<'_, 'a>) -> Ty<'a> {
    Checker {
        scope,
        errors: Vec::new(),
        warnings: Vec::new(),
    }
    .infer(expr)
}

struct Checker<'s, 'q, 'a> {
    scope: &'s Scope<'q, 'a>,
    errors: Vec<ExprError>,
    warnings: Vec<ExprError>,
}

fn both(zh: String, en: String) -> Tr {
    Tr { zh, en }
}

impl<'a> Checker<'_, '_, 'a> {
    fn error(&mut self, expr: &Expr, message: Tr, help: Option<Tr>) {
        self.errors.push(ExprError {
            message,
            help,
            span: expr.span.clone(),
        });
    }

    fn infer(&mut self, expr: &Expr) -> Ty<'a> {
        match &expr.kind {
            ExprKind::Number(_) => Ty::Number,
            ExprKind::Text(_) => Ty::Text,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Household(HouseholdField::Members) => Ty::Number,
            ExprKind::Household(_) => Ty::Text,
            ExprKind::Question(name) => self.question(expr, name),
            ExprKind::Dot => match self.scope.dot {
                Some(ty) => ty,
                None => {
                    self.error(
                        expr,
                        tr!(
                            "'.'(本题答案)只能用在 constraint 中",
                            "'.' (this answer) can only be used in a constraint"
                        ),
                        Some(tr!(
                            "用 ${{问题名}} 指明问题",
                            "name the question instead: ${{name}}"
                        )),
                    );
                    Ty::Any
                }
            },
            ExprKind::Neg(inner) => {
                let ty = self.infer(inner);
                self.expect_number(inner, ty);
                Ty::Number
            }
            ExprKind::Binary(op, a, b) => {
                let (ta, tb) = (self.infer(a), self.infer(b));
                if *op == BinOp::Sub && ta == Ty::Date && tb == Ty::Date {
                    // Days between two dates.
                    Ty::Number
                } else if op.is_arithmetic() {
                    self.expect_number(a, ta);
                    self.expect_number(b, tb);
                    Ty::Number
                } else if op.is_comparison() {
                    self.comparison(expr, *op, (a, ta), (b, tb));
                    Ty::Bool
                } else {
                    self.expect_condition(a, ta);
                    self.expect_condition(b, tb);
                    Ty::Bool
                }
            }
            ExprKind::Call(Func::Position, _) => {
                if self.scope.within.is_none() {
                    self.error(
                        expr,
                        tr!(
                            "position(..) 只能用在名单(有 repeat_count 的分节)里",
                            "position(..) is only meaningful inside a roster"
                        ),
                        None,
                    );
                }
                Ty::Number
            }
            ExprKind::Call(func, args) => self.call(*func, args),
        }
    }

    fn question(&mut self, expr: &Expr, name: &str) -> Ty<'a> {
        if self.scope.is_roster(name) {
            self.error(
                expr,
                tr!(
                    "'{name}' 是一个名单(多行),不是一个答案",
                    "'{name}' is a roster (a list of rows), not an answer"
                ),
                Some(tr!(
                    "行数写作 count(${{{name}}}),满足条件的行数写作 count-if(${{{name}}}, 条件)",
                    "its rows are count(${{{name}}}); rows meeting a condition, count-if(${{{name}}}, condition)"
                )),
            );
            return Ty::Any;
        }
        if let Some(roster) = self.scope.rosters.get(name).copied()
            && self.scope.within != Some(roster)
        {
            self.error(
                expr,
                tr!(
                    "'{name}' 在名单 '{roster}' 的每一行中提问,在名单外要用汇总函数",
                    "'{name}' is asked in each row of roster '{roster}'; outside it, use an aggregate"
                ),
                Some(tr!(
                    "例如 sum(${{{name}}})、max(${{{name}}})、count-if(${{{roster}}}, ${{{name}}} = ...) 或 indexed-repeat(${{{name}}}, ${{{roster}}}, 1)",
                    "for example sum(${{{name}}}), max(${{{name}}}), count-if(${{{roster}}}, ${{{name}}} = ...) or indexed-repeat(${{{name}}}, ${{{roster}}}, 1)"
                )),
            );
            return Ty::Any;
        }
        match self.scope.questions.get(name) {
            Some(Ty::Note) => {
                self.error(
                    expr,
                    tr!(
                        "'{name}' 是说明,没有答案",
                        "'{name}' is a note and has no answer"
                    ),
                    None,
                );
                Ty::Any
            }
            Some(ty) => *ty,
            None => {
                let help = nearest(name, self.scope.questions.keys().copied())
                    .map(|s| tr!("是不是 '{s}'?", "did you mean '{s}'?"));
                self.error(
                    expr,
                    tr!(
                        "表达式中有未知的问题 '{name}'",
                        "unknown question '{name}' in expression"
                    ),
                    help,
                );
                Ty::Any
            }
        }
    }

    fn expect_number(&mut self, expr: &Expr, ty: Ty<'a>) {
        if !matches!(ty, Ty::Number | Ty::Any) {
            let found = ty.describe();
            self.error(
                expr,
                both(
                    format!("算术运算需要数字,这里是{}", found.zh),
                    format!("arithmetic needs numbers, but this is {}", found.en),
                ),
                None,
            );
        }
    }

    fn expect_condition(&mut self, expr: &Expr, ty: Ty<'a>) {
        if matches!(ty, Ty::Bool | Ty::Any) {
            return;
        }
        let found = ty.describe();
        let help = match (&expr.kind, ty) {
            (ExprKind::Question(name), Ty::Choice(list)) => {
                let first = list.names.first().map_or("", String::as_str);
                Some(tr!(
                    "与一个选项比较,例如 ${{{name}}} = '{first}'",
                    "compare it with a choice, for example ${{{name}}} = '{first}'"
                ))
            }
            _ => None,
        };
        self.error(
            expr,
            both(
                format!("条件的结果应为真或假,这里是{}", found.zh),
                format!(
                    "a condition must be true or false, but this is {}",
                    found.en
                ),
            ),
            help,
        );
    }

    fn comparison(
        &mut self,
        expr: &Expr,
        op: BinOp,
        (a, ta): (&Expr, Ty<'a>),
        (b, tb): (&Expr, Ty<'a>),
    ) {
        let empty_test = |e: &Expr| matches!(&e.kind, ExprKind::Text(t) if t.is_empty());
        if empty_test(a) || empty_test(b) {
            if !matches!(op, BinOp::Eq | BinOp::Ne) {
                self.error(
                    expr,
                    tr!(
                        "'' 只能用 = 或 != 比较",
                        "'' can only be compared with = or !="
                    ),
                    None,
                );
            }
            return;
        }
        let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
        let mismatch = |this: &mut Self| {
            let (da, db) = (ta.describe(), tb.describe());
            this.error(
                expr,
                both(
                    format!("不能把{}和{}比较", da.zh, db.zh),
                    format!("cannot compare {} with {}", da.en, db.en),
                ),
                None,
            );
        };
        match (ta, tb) {
            (Ty::Any, _) | (_, Ty::Any) => {}
            (Ty::Number, Ty::Number) | (Ty::Text, Ty::Text) | (Ty::Date, Ty::Date) => {}
            (Ty::Number, Ty::Choice(list) | Ty::Multi(list))
            | (Ty::Choice(list) | Ty::Multi(list), Ty::Number) => {
                let first = list.names.first().map_or("", String::as_str);
                self.error(
                    expr,
                    tr!(
                        "不能把数字和选项比较",
                        "comparison between a number and a choice"
                    ),
                    Some(tr!(
                        "选项名要加引号,例如 '{first}'",
                        "choice names are written in quotes, for example '{first}'"
                    )),
                );
            }
            (Ty::Choice(list) | Ty::Multi(list), other)
            | (other, Ty::Choice(list) | Ty::Multi(list)) => {
                if ordering {
                    self.error(
                        expr,
                        tr!("选项没有大小之分", "choices have no order"),
                        Some(tr!("用 = 或 != 比较选项", "compare choices with = or !=")),
                    );
                } else if matches!(other, Ty::Text) {
                    self.choice_compared(expr, list, (a, ta), (b, tb));
                } else if !matches!(other, Ty::Choice(_) | Ty::Multi(_)) {
                    mismatch(self);
                }
            }
            (Ty::Number | Ty::Date, Ty::Text) | (Ty::Text, Ty::Number | Ty::Date) => {
                let (literal, other) = if matches!(ta, Ty::Text) {
                    (a, tb)
                } else {
                    (b, ta)
                };
                self.text_compared_with(literal, other);
            }
            (Ty::Bool, Ty::Bool) if !ordering => {}
            _ => mismatch(self),
        }
    }

    /// `selected()` and `count-selected()`: on a multiple choice.
    fn selection(&mut self, func: Func, args: &[Expr], ty: Ty<'a>) -> Ty<'a> {
        let fname = func.name();
        match ty {
            Ty::Multi(list) => {
                if func == Func::Selected {
                    self.choice_literal(&args[1], list, false);
                }
            }
            Ty::Any => {}
            other => {
                let found = other.describe();
                let help = match (&args[0].kind, other) {
                    (ExprKind::Question(q), Ty::Choice(_)) => Some(tr!(
                        "单选题用 ${{{q}}} = '选项名' 判断",
                        "for a single choice write ${{{q}}} = 'name'"
                    )),
                    _ => None,
                };
                self.error(
                    &args[0],
                    both(
                        format!(
                            "{fname}() 需要一道 select_multiple(多选)题,这里是{}",
                            found.zh
                        ),
                        format!(
                            "{fname}() needs a select_multiple question, but this is {}",
                            found.en
                        ),
                    ),
                    help,
                );
            }
        }
        if func == Func::Selected {
            Ty::Bool
        } else {
            Ty::Number
        }
    }

    fn call(&mut self, func: Func, args: &[Expr]) -> Ty<'a> {
        if func.is_aggregate() {
            return self.aggregate(func, args);
        }
        let tys: Vec<Ty<'a>> = args.iter().map(|a| self.infer(a)).collect();
        match func {
            Func::Not => {
                self.expect_condition(&args[0], tys[0]);
                Ty::Bool
            }
            Func::Selected | Func::CountSelected => self.selection(func, args, tys[0]),
            Func::StringLength => Ty::Number,
            Func::If => {
                self.expect_condition(&args[0], tys[0]);
                unify(tys[1], tys[2])
            }
            Func::Coalesce => unify(tys[0], tys[1]),
            Func::Today => Ty::Date,
            Func::Now | Func::Concat | Func::String => Ty::Text,
            Func::Number => Ty::Number,
            Func::Date => {
                self.date_literal(&args[0]);
                Ty::Date
            }
            Func::Int | Func::Abs | Func::Round => {
                for (arg, ty) in args.iter().zip(&tys) {
                    self.expect_number(arg, *ty);
                }
                Ty::Number
            }
            Func::Regex => {
                self.pattern(&args[1]);
                Ty::Bool
            }
            // Checked by `aggregate`, before.
            Func::Count
            | Func::Sum
            | Func::Min
            | Func::Max
            | Func::CountIf
            | Func::IndexedRepeat
            | Func::Position => Ty::Any,
        }
    }
}

fn unify<'a>(a: Ty<'a>, b: Ty<'a>) -> Ty<'a> {
    if a == b { a } else { Ty::Any }
}
