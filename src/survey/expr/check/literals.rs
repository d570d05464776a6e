//! Checks of literals written in expressions: choice names against their
//! list, texts compared with numbers or dates, patterns and dates.

use super::*;

impl<'a> Checker<'_, '_, 'a> {
    /// Checks a literal against a choice list; `''` (the empty test) always
    /// passes. A multiple choice compares with names separated by spaces; a
    /// single choice with exactly one name.
    pub(super) fn choice_literal(&mut self, literal: &Expr, list: ChoiceList<'a>, multiple: bool) {
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
    pub(super) fn choice_compared(
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
    pub(super) fn one_of_many(&mut self, expr: &Expr, literal: &Expr, asked: &Expr) {
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
    pub(super) fn text_compared_with(&mut self, literal: &Expr, other: Ty<'a>) {
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

    /// A pattern written in the expression must be one `regex()` can use.
    pub(super) fn pattern(&mut self, arg: &Expr) {
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
    pub(super) fn date_literal(&mut self, arg: &Expr) {
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
