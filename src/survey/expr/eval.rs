//! Evaluation of expressions with XLSForm's empty-value rules.
//!
//! Owns [`Value`] and the semantics of every operator and function. An
//! unanswered or skipped question is [`Value::Empty`], and empty propagates
//! like SQL's NULL (see docs/questionnaires.md). Where a truth value is
//! finally needed, [`holds`] counts empty as false, so an unknown answer never
//! fires a need and never reveals a question. Never fails: a division by zero
//! or a text that is not a number gives empty.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::{BinOp, Expr, ExprKind, Func, HouseholdField};

/// A value during evaluation. A `select_multiple` answer is the text of its
/// choice names separated by spaces, as it is stored and exported. A text
/// borrows what it reads (an answer, a literal of the expression) for as
/// long as `'a`, so that reading one allocates nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Empty,
    Number(f64),
    Text(Cow<'a, str>),
    Bool(bool),
}

impl Value<'_> {
    /// Empty, or the empty text `''`: what `${q} = ''` tests for.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.is_empty(),
            _ => false,
        }
    }

    /// Three-valued truth: `None` for empty.
    pub fn truth(&self) -> Option<bool> {
        match self {
            Value::Empty => None,
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(*n != 0.0 && !n.is_nan()),
            Value::Text(t) => Some(!t.is_empty()),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(t) => t.trim().parse().ok(),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Empty => None,
        }
    }
}

/// Where an expression reads its inputs: what it reads lives for `'a`.
pub trait Env<'a> {
    /// The answer to a question of the survey; `Empty` when unanswered or
    /// skipped. Answers of `integer` and `decimal` questions must come back
    /// as [`Value::Number`], so that they compare as numbers, not as text.
    fn question(&self, name: &str) -> Value<'a>;
    /// A registry field of the household being interviewed.
    fn household(&self, field: HouseholdField) -> Value<'a>;
    /// The answer being checked by a constraint.
    fn dot(&self) -> Value<'a>;
    /// When the interview began, in milliseconds since 1970 (0: now), for
    /// `today()` and `now()`.
    fn started_at(&self) -> i64;
    /// The rows of the roster `name`, or of the roster a question `name`
    /// belongs to; 0 outside rosters.
    fn rows(&self, _name: &str) -> u32 {
        0
    }
    /// `expr` evaluated in row `row` (from 1) of the roster `name` (or of
    /// the roster of question `name`).
    fn at_row(&self, _name: &str, _row: u32, _expr: &'a Expr) -> Value<'a> {
        Value::Empty
    }
    /// The current row's number inside a roster; empty outside one.
    fn position(&self) -> Value<'a> {
        Value::Empty
    }
}

/// Whether a condition holds: empty counts as false.
pub fn holds<'a>(expr: &'a Expr, env: &dyn Env<'a>) -> bool {
    eval(expr, env).truth() == Some(true)
}

pub fn eval<'a>(expr: &'a Expr, env: &dyn Env<'a>) -> Value<'a> {
    match &expr.kind {
        ExprKind::Number(n) => Value::Number(*n),
        ExprKind::Text(t) => Value::Text(Cow::Borrowed(t)),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Question(name) => env.question(name),
        ExprKind::Household(field) => env.household(*field),
        ExprKind::Dot => env.dot(),
        ExprKind::Neg(inner) => match eval(inner, env).number() {
            Some(n) => Value::Number(-n),
            None => Value::Empty,
        },
        ExprKind::Binary(BinOp::And, a, b) => match eval(a, env).truth() {
            Some(false) => Value::Bool(false),
            left => match (left, eval(b, env).truth()) {
                (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Empty,
            },
        },
        ExprKind::Binary(BinOp::Or, a, b) => match eval(a, env).truth() {
            Some(true) => Value::Bool(true),
            left => match (left, eval(b, env).truth()) {
                (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Empty,
            },
        },
        ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b)
            if is_empty_literal(a) || is_empty_literal(b) =>
        {
            // `x = ''` tests whether x is empty: only a written `''` does this.
            let other = if is_empty_literal(a) { b } else { a };
            Value::Bool(eval(other, env).is_empty() == (*op == BinOp::Eq))
        }
        ExprKind::Binary(op, a, b) => binary(*op, &eval(a, env), &eval(b, env)),
        ExprKind::Call(func, args) => call(*func, args, env),
    }
}

fn is_empty_literal(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Text(t) if t.is_empty())
}

fn binary<'a>(op: BinOp, a: &Value<'_>, b: &Value<'_>) -> Value<'a> {
    if matches!(op, BinOp::Eq | BinOp::Ne) {
        let equal = if matches!(a, Value::Empty) || matches!(b, Value::Empty) {
            None
        } else {
            Some(compare(a, b) == Some(Ordering::Equal))
        };
        return match equal {
            Some(eq) => Value::Bool(eq == (op == BinOp::Eq)),
            None => Value::Empty,
        };
    }
    if op.is_comparison() {
        return match compare(a, b) {
            Some(ord) => Value::Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }),
            None => Value::Empty,
        };
    }
    if let (BinOp::Sub, Value::Text(x), Value::Text(y)) = (op, a, b)
        && crate::survey::is_date(x)
        && crate::survey::is_date(y)
    {
        // Two dates subtract to the days between them.
        return number(days_between(x, y));
    }
    let (Some(x), Some(y)) = (a.number(), b.number()) else {
        return Value::Empty;
    };
    let result = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div if y != 0.0 => x / y,
        BinOp::Mod if y != 0.0 => x % y,
        _ => return Value::Empty,
    };
    if result.is_finite() {
        Value::Number(result)
    } else {
        Value::Empty
    }
}

/// Orders two non-empty values: numbers numerically, texts (and dates, which
/// are `YYYY-MM-DD`) lexically, a number and a numeric text as numbers.
fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Empty, _) | (_, Value::Empty) => None,
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => a.number()?.partial_cmp(&b.number()?),
    }
}

fn call<'a>(func: Func, args: &'a [Expr], env: &dyn Env<'a>) -> Value<'a> {
    let arg = |i: usize| eval(&args[i], env);
    match func {
        Func::Not => match arg(0).truth() {
            Some(b) => Value::Bool(!b),
            None => Value::Empty,
        },
        Func::Selected => match (arg(0), arg(1)) {
            (Value::Empty, _) => Value::Empty,
            (set, name) => {
                let name = text_of(&name);
                Value::Bool(text_of(&set).split_whitespace().any(|n| n == name.as_ref()))
            }
        },
        Func::CountSelected => Value::Number(text_of(&arg(0)).split_whitespace().count() as f64),
        Func::StringLength => Value::Number(text_of(&arg(0)).chars().count() as f64),
        Func::If => {
            if arg(0).truth() == Some(true) {
                arg(1)
            } else {
                arg(2)
            }
        }
        Func::Coalesce => match arg(0) {
            first if !first.is_empty() => first,
            _ => arg(1),
        },
        Func::Today => Value::Text(crate::survey::date_of(env.started_at()).into()),
        Func::Now => Value::Text(
            crate::survey::local_moment(env.started_at())
                .datetime()
                .strftime("%Y-%m-%dT%H:%M:%S")
                .to_string()
                .into(),
        ),
        Func::Regex => match arg(0) {
            Value::Empty => Value::Empty,
            x => match regex_lite::Regex::new(&text_of(&arg(1))) {
                Ok(re) => Value::Bool(re.is_match(&text_of(&x))),
                Err(_) => Value::Empty,
            },
        },
        Func::Int => number(arg(0).number().map(f64::trunc)),
        Func::Abs => number(arg(0).number().map(f64::abs)),
        Func::Round => {
            let digits = if args.len() > 1 {
                arg(1).number()
            } else {
                Some(0.0)
            };
            match (arg(0).number(), digits) {
                (Some(x), Some(d)) => number(Some(round(x, d))),
                _ => Value::Empty,
            }
        }
        Func::Concat => {
            let mut joined = String::new();
            for i in 0..args.len() {
                joined.push_str(&text_of(&arg(i)));
            }
            Value::Text(joined.into())
        }
        Func::String => match arg(0) {
            Value::Text(t) => Value::Text(t),
            other => Value::Text(text_of(&other).into_owned().into()),
        },
        Func::Number => number(arg(0).number()),
        Func::Date => match arg(0) {
            Value::Empty => Value::Empty,
            x => crate::survey::date_from_written(&text_of(&x))
                .map_or(Value::Empty, |d| Value::Text(d.into())),
        },
        Func::Position => env.position(),
        _ => aggregate(func, args, env),
    }
}

/// `count`, `sum`, `min`, `max`, `count-if` and `indexed-repeat` over a
/// roster's rows. Empty rows are left out; all empty gives empty (a count
/// gives 0).
fn aggregate<'a>(func: Func, args: &'a [Expr], env: &dyn Env<'a>) -> Value<'a> {
    let Some(ExprKind::Question(name)) = args.first().map(|a| &a.kind) else {
        return Value::Empty;
    };
    let rows = env.rows(name);
    let each = |expr: &'a Expr| -> Vec<Value<'a>> {
        (1..=rows).map(|row| env.at_row(name, row, expr)).collect()
    };
    match func {
        Func::Count => Value::Number(f64::from(rows)),
        Func::CountIf => {
            let Some(cond) = args.get(1) else {
                return Value::Empty;
            };
            let held = each(cond)
                .iter()
                .filter(|v| v.truth() == Some(true))
                .count();
            Value::Number(held as f64)
        }
        Func::Sum => {
            let numbers: Vec<f64> = each(&args[0]).iter().filter_map(Value::number).collect();
            if numbers.is_empty() {
                Value::Empty
            } else {
                number(Some(numbers.iter().sum()))
            }
        }
        Func::Min | Func::Max => each(&args[0])
            .into_iter()
            .filter(|v| !v.is_empty())
            .reduce(|best, v| {
                let better = match compare(&v, &best) {
                    Some(Ordering::Less) => func == Func::Min,
                    Some(Ordering::Greater) => func == Func::Max,
                    _ => false,
                };
                if better { v } else { best }
            })
            .unwrap_or(Value::Empty),
        Func::IndexedRepeat => {
            let (Some(ExprKind::Question(roster)), Some(n)) =
                (args.get(1).map(|a| &a.kind), args.get(2))
            else {
                return Value::Empty;
            };
            match eval(n, env).number() {
                Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= f64::from(env.rows(roster)) => {
                    env.at_row(roster, n as u32, &args[0])
                }
                _ => Value::Empty,
            }
        }
        _ => Value::Empty,
    }
}

/// A number, or empty when there is none or it is not finite.
fn number<'a>(n: Option<f64>) -> Value<'a> {
    match n {
        Some(n) if n.is_finite() => Value::Number(n),
        _ => Value::Empty,
    }
}

/// `x` rounded to `digits` decimal places, halves away from zero.
fn round(x: f64, digits: f64) -> f64 {
    let scale = 10f64.powi(digits.trunc().clamp(-15.0, 15.0) as i32);
    // 0.285 is 0.28499… in binary: nudge by a few units of the last place
    // so that a half written in decimal rounds away from zero.
    let scaled = x * scale;
    (scaled + scaled.signum() * scaled.abs() * 8.0 * f64::EPSILON).round() / scale
}

/// The days from date `b` to date `a`, both `YYYY-MM-DD`.
fn days_between(a: &str, b: &str) -> Option<f64> {
    let a: jiff::civil::Date = a.parse().ok()?;
    let b: jiff::civil::Date = b.parse().ok()?;
    let span = b.until(a).ok()?;
    Some(f64::from(span.get_days()))
}

/// The text form of a value, as XPath's `string()`: empty is `""`.
fn text_of<'v>(v: &'v Value<'_>) -> Cow<'v, str> {
    match v {
        Value::Empty => Cow::Borrowed(""),
        Value::Text(t) => Cow::Borrowed(t),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::expr::parse;
    use std::collections::HashMap;

    struct TestEnv {
        answers: HashMap<&'static str, Value<'static>>,
        dot: Value<'static>,
    }

    impl<'a> Env<'a> for TestEnv {
        fn question(&self, name: &str) -> Value<'a> {
            self.answers.get(name).cloned().unwrap_or(Value::Empty)
        }
        fn household(&self, field: HouseholdField) -> Value<'a> {
            match field {
                HouseholdField::Members => Value::Number(5.0),
                HouseholdField::Village => Value::Text("勐烈村".into()),
                HouseholdField::Township => Value::Text("勐烈镇".into()),
                HouseholdField::Code => Value::Text("530001".into()),
                HouseholdField::Head => Value::Text("李明".into()),
                HouseholdField::Group | HouseholdField::Phone | HouseholdField::Cadre => {
                    Value::Empty
                }
            }
        }
        fn dot(&self) -> Value<'a> {
            self.dot.clone()
        }
        fn started_at(&self) -> i64 {
            // 2026-03-01 at noon UTC: that day in every zone but the
            // farthest east and west.
            1_772_366_400_000
        }
    }

    fn env() -> TestEnv {
        let mut answers = HashMap::new();
        answers.insert("n", Value::Number(10.0));
        answers.insert("zero", Value::Number(0.0));
        answers.insert("src", Value::Text("surface".into()));
        answers.insert("multi", Value::Text("cracks roof".into()));
        answers.insert("name", Value::Text("李四".into()));
        answers.insert("day", Value::Text("2026-03-01".into()));
        answers.insert("yes", Value::Text("yes".into()));
        TestEnv {
            answers,
            dot: Value::Number(42.0),
        }
    }

    fn ev(src: &str) -> Value<'static> {
        let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {}", e.message.en));
        // The value outlives the expression it may borrow from.
        match eval(&expr, &env()) {
            Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
            Value::Empty => Value::Empty,
            Value::Number(n) => Value::Number(n),
            Value::Bool(b) => Value::Bool(b),
        }
    }

    const T: Value = Value::Bool(true);
    const F: Value = Value::Bool(false);
    const E: Value = Value::Empty;

    fn n(x: f64) -> Value<'static> {
        Value::Number(x)
    }

    #[test]
    fn comparisons() {
        assert_eq!(ev("${n} = 10"), T);
        assert_eq!(ev("${n} != 10"), F);
        assert_eq!(ev("${n} < 11"), T);
        assert_eq!(ev("${n} <= 10"), T);
        assert_eq!(ev("${n} > 10"), F);
        assert_eq!(ev("${n} >= 10.5"), F);
        assert_eq!(ev("${src} = 'surface'"), T);
        assert_eq!(ev("${src} != 'surface'"), F);
        assert_eq!(ev("${day} < '2026-12-31'"), T);
        assert_eq!(ev("${day} > '2026-12-31'"), F);
        assert_eq!(ev("${n} = '10'"), T);
        assert_eq!(ev("true() = true()"), T);
        assert_eq!(ev("${yes} = 'yes'"), T);
    }

    #[test]
    fn arithmetic() {
        assert_eq!(ev("1 + 2"), n(3.0));
        assert_eq!(ev("${n} - 4"), n(6.0));
        assert_eq!(ev("${n} * 2"), n(20.0));
        assert_eq!(ev("${n} div 4"), n(2.5));
        assert_eq!(ev("${n} mod 3"), n(1.0));
        assert_eq!(ev("-${n}"), n(-10.0));
        assert_eq!(ev("-7 mod 3"), n(-1.0));
        assert_eq!(ev("${n} div ${zero}"), E);
        assert_eq!(ev("${n} mod 0"), E);
        assert_eq!(ev("${household.members} * 2"), n(10.0));
    }

    #[test]
    fn the_longest_chain_evaluates_on_a_test_threads_stack() {
        // Each comparison is a level of its own.
        let chain = vec!["${n} = 10"; crate::survey::expr::parse::MAX_HEIGHT - 1].join(" and ");
        assert_eq!(ev(&chain), T);
        let sum = vec!["1"; crate::survey::expr::parse::MAX_HEIGHT].join(" + ");
        assert_eq!(ev(&sum), n(crate::survey::expr::parse::MAX_HEIGHT as f64));
    }

    #[test]
    fn logic_is_three_valued() {
        assert_eq!(ev("true() and true()"), T);
        assert_eq!(ev("true() and false()"), F);
        assert_eq!(ev("false() and ${missing} > 1"), F);
        assert_eq!(ev("${missing} > 1 and false()"), F);
        assert_eq!(ev("${missing} > 1 and true()"), E);
        assert_eq!(ev("true() or ${missing} > 1"), T);
        assert_eq!(ev("${missing} > 1 or true()"), T);
        assert_eq!(ev("${missing} > 1 or false()"), E);
        assert_eq!(ev("false() or false()"), F);
        assert_eq!(ev("not(true())"), F);
        assert_eq!(ev("not(${missing} = 1)"), E);
    }

    #[test]
    fn empty_propagates() {
        assert_eq!(ev("${missing} = 1"), E);
        assert_eq!(ev("${missing} != 1"), E);
        assert_eq!(ev("${missing} < 1"), E);
        assert_eq!(ev("${missing} + 1"), E);
        assert_eq!(ev("-${missing}"), E);
        assert_eq!(ev("${missing} = ''"), T);
        assert_eq!(ev("${missing} != ''"), F);
        assert_eq!(ev("'' = ${missing}"), T);
        assert_eq!(ev("${n} = ''"), F);
        assert_eq!(ev("${n} != ''"), T);
        assert_eq!(ev("${household.group} = ''"), T);
        // Only a written '' tests emptiness; a computed '' is plain text.
        assert_eq!(ev("coalesce(${missing}, '') = 'x'"), F);
        assert_eq!(ev("coalesce(${missing}, '') = ${missing}"), E);
        assert_eq!(ev("selected(${missing}, 'a')"), E);
        assert_eq!(ev("count-selected(${missing})"), n(0.0));
        assert_eq!(ev("string-length(${missing})"), n(0.0));
        assert_eq!(ev("coalesce(${missing}, 3)"), n(3.0));
        assert_eq!(ev("if(${missing} > 1, 'a', 'b')"), Value::Text("b".into()));
    }

    #[test]
    fn functions() {
        assert_eq!(ev("selected(${multi}, 'roof')"), T);
        assert_eq!(ev("selected(${multi}, 'roo')"), F);
        assert_eq!(ev("count-selected(${multi})"), n(2.0));
        assert_eq!(ev("string-length(${name})"), n(2.0));
        assert_eq!(ev("string-length('abc')"), n(3.0));
        assert_eq!(
            ev("if(${n} > 5, 'big', 'small')"),
            Value::Text("big".into())
        );
        assert_eq!(ev("coalesce(${n}, 3)"), n(10.0));
        assert_eq!(ev("coalesce('', 'x')"), Value::Text("x".into()));
        assert_eq!(ev(". >= 0 and . <= 600"), T);
        assert_eq!(ev("${household.village} = '勐烈村'"), T);
    }

    #[test]
    fn the_functions_of_version_2() {
        assert_eq!(ev("today()"), Value::Text("2026-03-01".into()));
        assert!(matches!(ev("now()"), Value::Text(t) if t.starts_with("2026-03-01T")));
        assert_eq!(ev("today() - ${day}"), n(0.0));
        assert_eq!(ev("'2026-03-11' - ${day}"), n(10.0));
        assert_eq!(ev("${day} - '2025-03-01'"), n(365.0));
        assert_eq!(ev("date('2026年3月1日') = ${day}"), T);
        assert_eq!(ev("date('not a date')"), E);
        assert_eq!(ev("regex(${name}, '^[\u{4e00}-\u{9fff}]+$')"), T);
        assert_eq!(ev("regex('13800000000', '^1[0-9]{10}$')"), T);
        assert_eq!(ev("regex('1380000', '^1[0-9]{10}$')"), F);
        assert_eq!(ev("regex(${missing}, 'x')"), E);
        assert_eq!(ev("int(7.9)"), n(7.0));
        assert_eq!(ev("int(-7.9)"), n(-7.0));
        assert_eq!(ev("round(2.345, 2)"), n(2.35));
        assert_eq!(ev("round(2.5)"), n(3.0));
        assert_eq!(ev("round(0.285, 2)"), n(0.29));
        assert_eq!(ev("round(1.005, 2)"), n(1.01));
        assert_eq!(ev("round(-1.005, 2)"), n(-1.01));
        assert_eq!(ev("abs(-3)"), n(3.0));
        assert_eq!(
            ev("concat(${name}, '-', ${n})"),
            Value::Text("李四-10".into())
        );
        assert_eq!(ev("concat(${missing}, 'x')"), Value::Text("x".into()));
        assert_eq!(ev("string(${n})"), Value::Text("10".into()));
        assert_eq!(ev("number('12.5') + 1"), n(13.5));
        assert_eq!(ev("number('abc')"), E);
        assert_eq!(ev("${household.code}"), Value::Text("530001".into()));
        assert_eq!(ev("${household.head} = '李明'"), T);
        assert_eq!(ev("${household.phone} = ''"), T);
    }

    #[test]
    fn holds_counts_empty_as_false() {
        let e = env();
        assert!(!holds(&parse("${missing} > 30").unwrap(), &e));
        assert!(!holds(&parse("not(${missing} > 30)").unwrap(), &e));
        assert!(holds(&parse("${n} > 3").unwrap(), &e));
    }
}
