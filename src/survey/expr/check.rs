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
            ExprKind::Call(func, args) => self.call(*func, args),
        }
    }

    fn question(&mut self, expr: &Expr, name: &str) -> Ty<'a> {
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

    /// Checks a literal against a choice list; `''` (the empty test) always
    /// passes. A multiple choice compares with names separated by spaces; a
    /// single choice with exactly one name.
    fn choice_literal(&mut self, literal: &Expr, list: ChoiceList<'a>, multiple: bool) {
        let ExprKind::Text(text) = &literal.kind else {
            return;
        };
        let names: Vec<&str> = if multiple {
            text.split_whitespace().collect()
        } else {
            vec![text.as_str()]
        };
        for name in names {
            if list.names.iter().any(|n| n == name) {
                continue;
            }
            let list_name = list.name;
            let help = match nearest(name, list.names.iter().map(String::as_str)) {
                Some(s) => tr!("是不是 '{s}'?", "did you mean '{s}'?"),
                None => {
                    let all = list.names.join(", ");
                    tr!("可选的有:{all}", "the choices are: {all}")
                }
            };
            self.error(
                literal,
                tr!(
                    "'{name}' 不是选项表 '{list_name}' 中的选项",
                    "'{name}' is not a choice in list '{list_name}'"
                ),
                Some(help),
            );
        }
    }

    /// A choice compared with a text: the text must be a choice of the
    /// list (names separated by spaces for a multiple choice, where one
    /// name alone is most likely a mistake).
    fn choice_compared(
        &mut self,
        expr: &Expr,
        list: ChoiceList<'a>,
        (a, ta): (&Expr, Ty<'a>),
        (b, tb): (&Expr, Ty<'a>),
    ) {
        let (literal, asked) = if matches!(ta, Ty::Text) {
            (a, b)
        } else {
            (b, a)
        };
        let multiple = matches!(ta, Ty::Multi(_)) || matches!(tb, Ty::Multi(_));
        self.choice_literal(literal, list, multiple);
        if multiple {
            self.one_of_many(expr, literal, asked);
        }
    }

    /// `=` between a multiple choice and one name holds only when that
    /// choice alone is ticked: most often `selected()` was meant.
    fn one_of_many(&mut self, expr: &Expr, literal: &Expr, asked: &Expr) {
        let ExprKind::Text(name) = &literal.kind else {
            return;
        };
        if name.split_whitespace().count() != 1 {
            return;
        }
        let q = match &asked.kind {
            ExprKind::Question(q) => q.as_str(),
            _ => "...",
        };
        self.warnings.push(ExprError {
            message: tr!(
                "多选题与一个选项用 = 或 != 比较,只在只选了这一项时成立",
                "= or != between a multiple choice and one choice holds only when that choice alone is ticked"
            ),
            help: Some(tr!(
                "判断是否选了它,写 selected(${{{q}}}, '{name}')",
                "to test whether it is ticked, write selected(${{{q}}}, '{name}')"
            )),
            span: expr.span.clone(),
        });
    }

    /// A text literal compared with a number or a date must read as one.
    fn text_compared_with(&mut self, literal: &Expr, other: Ty<'a>) {
        let ExprKind::Text(text) = &literal.kind else {
            return;
        };
        if matches!(other, Ty::Number) && text.trim().parse::<f64>().is_err() {
            self.error(
                literal,
                tr!(
                    "不能把数字和文字 '{text}' 比较",
                    "cannot compare a number with the text '{text}'"
                ),
                Some(tr!("数字不加引号", "numbers are written without quotes")),
            );
        } else if matches!(other, Ty::Date) && !crate::survey::is_date(text) {
            self.error(
                literal,
                tr!("'{text}' 不是日期", "'{text}' is not a date"),
                Some(tr!("日期写作 'YYYY-MM-DD'", "write dates as 'YYYY-MM-DD'")),
            );
        }
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

    fn call(&mut self, func: Func, args: &[Expr]) -> Ty<'a> {
        let tys: Vec<Ty<'a>> = args.iter().map(|a| self.infer(a)).collect();
        match func {
            Func::Not => {
                self.expect_condition(&args[0], tys[0]);
                Ty::Bool
            }
            Func::Selected | Func::CountSelected => {
                let fname = func.name();
                match tys[0] {
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
        }
    }

    /// A pattern written in the expression must be one `regex()` can use.
    fn pattern(&mut self, arg: &Expr) {
        let ExprKind::Text(pattern) = &arg.kind else {
            return;
        };
        if let Err(e) = regex_lite::Regex::new(pattern) {
            let why = e.to_string();
            self.error(
                arg,
                tr!(
                    "'{pattern}' 不是有效的正则表达式",
                    "'{pattern}' is not a valid regular expression"
                ),
                Some(tr!(
                    "看看括号和方括号是否成对,特殊字符前是否加了 \\(正则库的说明:{why})",
                    "{why}"
                )),
            );
        }
    }

    /// A text written in `date()` must read as a date.
    fn date_literal(&mut self, arg: &Expr) {
        if let ExprKind::Text(text) = &arg.kind
            && crate::survey::date_from_written(text).is_none()
        {
            self.error(
                arg,
                tr!("'{text}' 不是日期", "'{text}' is not a date"),
                Some(tr!("日期写作 'YYYY-MM-DD'", "write dates as 'YYYY-MM-DD'")),
            );
        }
    }
}

fn unify<'a>(a: Ty<'a>, b: Ty<'a>) -> Ty<'a> {
    if a == b { a } else { Ty::Any }
}
