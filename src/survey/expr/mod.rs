//! The expression language of questionnaires: XLSForm syntax for `relevant`,
//! `constraint` and `when`.
//!
//! Owns the syntax tree, the parser ([`parse`]), the static checker against a
//! questionnaire ([`check`]) and the evaluator ([`eval`]). Pure: no I/O. Spans
//! here are byte ranges inside the expression text; the loader maps them to
//! positions in the file.

pub mod check;
pub mod eval;
mod lex;
mod parse;
pub mod words;

use std::fmt;
use std::ops::Range;

use crate::i18n::Tr;

pub use parse::{MAX_DEPTH, parse};

/// A node of the syntax tree with the byte range of the text it came from.
/// Equality ignores spans: two trees are equal when they mean the same thing.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Text(String),
    Bool(bool),
    /// `${name}`: the answer to a question of the same survey.
    Question(String),
    /// `${household.field}`: a field of the household registry.
    Household(HouseholdField),
    /// `.`: the answer being checked (constraints only).
    Dot,
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// Registry fields that expressions may read as `${household.<field>}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HouseholdField {
    Code,
    Head,
    Members,
    Phone,
    Cadre,
    Village,
    Township,
    Group,
}

impl HouseholdField {
    pub const ALL: [HouseholdField; 8] = [
        HouseholdField::Code,
        HouseholdField::Head,
        HouseholdField::Members,
        HouseholdField::Phone,
        HouseholdField::Cadre,
        HouseholdField::Village,
        HouseholdField::Township,
        HouseholdField::Group,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HouseholdField::Code => "code",
            HouseholdField::Head => "head",
            HouseholdField::Members => "members",
            HouseholdField::Phone => "phone",
            HouseholdField::Cadre => "cadre",
            HouseholdField::Village => "village",
            HouseholdField::Township => "township",
            HouseholdField::Group => "group",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }

    /// Binding power: higher binds tighter. All binary operators are
    /// left-associative, as in XPath.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne => 3,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    pub fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Not,
    Selected,
    CountSelected,
    StringLength,
    If,
    Coalesce,
    /// The interview's date on the device.
    Today,
    /// The interview's date and time on the device.
    Now,
    Regex,
    Int,
    Round,
    Abs,
    Concat,
    String,
    Number,
    Date,
    /// `count(${roster})`: a roster's rows.
    Count,
    /// `sum(${q})` over a roster question's rows.
    Sum,
    Min,
    Max,
    /// `count-if(${roster}, cond)`: rows where `cond` holds.
    CountIf,
    /// `indexed-repeat(${q}, ${roster}, n)`: the n-th row's answer.
    IndexedRepeat,
    /// `position(..)`: the current row's number, from 1.
    Position,
}

impl Func {
    pub const ALL: [Func; 23] = [
        Func::Not,
        Func::Selected,
        Func::CountSelected,
        Func::StringLength,
        Func::If,
        Func::Coalesce,
        Func::Today,
        Func::Now,
        Func::Regex,
        Func::Int,
        Func::Round,
        Func::Abs,
        Func::Concat,
        Func::String,
        Func::Number,
        Func::Date,
        Func::Count,
        Func::Sum,
        Func::Min,
        Func::Max,
        Func::CountIf,
        Func::IndexedRepeat,
        Func::Position,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::Not => "not",
            Func::Selected => "selected",
            Func::CountSelected => "count-selected",
            Func::StringLength => "string-length",
            Func::If => "if",
            Func::Coalesce => "coalesce",
            Func::Today => "today",
            Func::Now => "now",
            Func::Regex => "regex",
            Func::Int => "int",
            Func::Round => "round",
            Func::Abs => "abs",
            Func::Concat => "concat",
            Func::String => "string",
            Func::Number => "number",
            Func::Date => "date",
            Func::Count => "count",
            Func::Sum => "sum",
            Func::Min => "min",
            Func::Max => "max",
            Func::CountIf => "count-if",
            Func::IndexedRepeat => "indexed-repeat",
            Func::Position => "position",
        }
    }

    /// Whether it reads a roster's rows from outside them.
    pub fn is_aggregate(self) -> bool {
        matches!(
            self,
            Func::Count | Func::Sum | Func::Min | Func::Max | Func::CountIf | Func::IndexedRepeat
        )
    }

    /// How many arguments it takes: at least the first, at most the
    /// second (`None`: any number more).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Today | Func::Now | Func::Position => (0, Some(0)),
            Func::Not
            | Func::CountSelected
            | Func::StringLength
            | Func::Int
            | Func::Abs
            | Func::String
            | Func::Number
            | Func::Date
            | Func::Count
            | Func::Sum
            | Func::Min
            | Func::Max => (1, Some(1)),
            Func::Round => (1, Some(2)),
            Func::Selected | Func::Coalesce | Func::Regex | Func::CountIf => (2, Some(2)),
            Func::If | Func::IndexedRepeat => (3, Some(3)),
            Func::Concat => (1, None),
        }
    }
}

/// A problem in one expression, positioned inside the expression text.
/// `Display` is the English message; the loader turns it into a
/// diagnostic in both languages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .message.en)]
pub struct ExprError {
    pub message: Tr,
    pub help: Option<Tr>,
    pub span: Range<usize>,
}

impl Expr {
    /// Every `${question}` the expression reads, in order of appearance.
    pub fn question_refs(&self) -> Vec<(&str, Range<usize>)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let ExprKind::Question(name) = &e.kind {
                out.push((name.as_str(), e.span.clone()));
            }
        });
        out
    }

    /// Visits every node, parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Neg(inner) => inner.walk(f),
            ExprKind::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            _ => {}
        }
    }
}

/// Conditions that must all hold, written as one expression that reads
/// as the app applies it: each part in brackets when there are several,
/// so `a or b` inherited from a section never binds to a question's own
/// condition.
pub fn all_of(conditions: &[&str]) -> String {
    match conditions {
        [one] => (*one).to_string(),
        many => many
            .iter()
            .map(|c| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// Prints the expression back in XLSForm syntax, with parentheses around
/// every compound operand, so that parsing the output gives the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn operand(e: &Expr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match e.kind {
                ExprKind::Binary(..) | ExprKind::Neg(_) => write!(f, "({e})"),
                _ => write!(f, "{e}"),
            }
        }
        match &self.kind {
            ExprKind::Number(n) => write!(f, "{n}"),
            ExprKind::Text(s) if s.contains('\'') => write!(f, "\"{s}\""),
            ExprKind::Text(s) => write!(f, "'{s}'"),
            ExprKind::Bool(b) => write!(f, "{b}()"),
            ExprKind::Question(name) => write!(f, "${{{name}}}"),
            ExprKind::Household(field) => write!(f, "${{household.{}}}", field.name()),
            ExprKind::Dot => f.write_str("."),
            ExprKind::Neg(inner) => {
                f.write_str("-")?;
                operand(inner, f)
            }
            ExprKind::Binary(op, a, b) => {
                operand(a, f)?;
                write!(f, " {} ", op.symbol())?;
                operand(b, f)
            }
            ExprKind::Call(Func::Position, _) => f.write_str("position(..)"),
            ExprKind::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}
