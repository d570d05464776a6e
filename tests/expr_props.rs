//! Property tests of the expression language: printing any tree and parsing
//! the text gives the same tree back, and no input makes the parser, the
//! checker or the evaluator panic.

use std::collections::BTreeMap;

use minqing::survey::expr::check::{Scope, Ty, check};
use minqing::survey::expr::eval::{Env, Value, eval};
use minqing::survey::expr::{BinOp, Expr, ExprKind, Func, HouseholdField, parse};
use proptest::prelude::*;

fn node(kind: ExprKind) -> Expr {
    Expr { kind, span: 0..0 }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0u32..1_000_000, 0u32..4)
            .prop_map(|(n, scale)| node(ExprKind::Number(f64::from(n) / 10f64.powi(scale as i32)))),
        "[a-zA-Z0-9 _'.饮水河-]{0,8}".prop_map(|s| node(ExprKind::Text(s))),
        any::<bool>().prop_map(|b| node(ExprKind::Bool(b))),
        "[a-z_][a-z0-9_]{0,10}".prop_map(|s| node(ExprKind::Question(s))),
        prop::sample::select(HouseholdField::ALL.to_vec())
            .prop_map(|f| node(ExprKind::Household(f))),
        Just(node(ExprKind::Dot)),
    ]
}

const OPS: [BinOp; 13] = [
    BinOp::Or,
    BinOp::And,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Mod,
];

fn tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 64, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| node(ExprKind::Neg(Box::new(e)))),
            (
                prop::sample::select(OPS.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| node(ExprKind::Binary(
                    op,
                    Box::new(a),
                    Box::new(b)
                ))),
            (
                prop::sample::select(Func::ALL.to_vec()),
                prop::collection::vec(inner, 3)
            )
                .prop_map(|(f, mut args)| {
                    // As many as it takes: the least, or up to three.
                    let (least, most) = f.arity();
                    args.truncate(most.unwrap_or(3).max(least));
                    node(ExprKind::Call(f, args))
                }),
        ]
    })
}

/// Tokens that make the parser go deep into its grammar, unlike random bytes.
const TOKENS: &[&str] = &[
    "${a}",
    "${household.members}",
    "${",
    "}",
    ".",
    "1",
    "2.5",
    "'x'",
    "\"y\"",
    "'",
    "(",
    ")",
    ",",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "div",
    "mod",
    "and",
    "or",
    "not(",
    "selected(",
    "count-selected(",
    "string-length(",
    "if(",
    "coalesce(",
    "true()",
    "false()",
    "饮水",
    "==",
    "&&",
    "!",
];

struct EmptyEnv;

impl<'a> Env<'a> for EmptyEnv {
    fn question(&self, _: &str) -> Value<'a> {
        Value::Number(3.0)
    }
    fn household(&self, _: HouseholdField) -> Value<'a> {
        Value::Empty
    }
    fn dot(&self) -> Value<'a> {
        Value::Text("a b".into())
    }
    fn started_at(&self) -> i64 {
        0
    }
}

fn exercise(src: &str) {
    if let Ok(expr) = parse(src) {
        let mut questions: BTreeMap<&str, Ty<'_>> = BTreeMap::new();
        questions.insert("a", Ty::Number);
        questions.insert("c", Ty::Number);
        // A roster `r` whose rows answer `c`.
        let rosters = std::collections::BTreeMap::from([("r", "r"), ("c", "r")]);
        let scope = Scope {
            questions: &questions,
            dot: Some(Ty::Text),
            rosters: &rosters,
            within: None,
        };
        let _ = check(&expr, &scope, true);
        let _ = eval(&expr, &EmptyEnv);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn print_then_parse_gives_the_same_tree(expr in tree()) {
        let text = expr.to_string();
        let parsed = parse(&text);
        prop_assert!(parsed.is_ok(), "{text}: {:?}", parsed.err());
        prop_assert_eq!(parsed.ok(), Some(expr), "{}", text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..60)) {
        exercise(&tokens.join(" "));
        exercise(&tokens.concat());
    }
}
