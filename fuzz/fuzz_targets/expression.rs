//! The expression language on any text: parsed, type-checked against a
//! small scope, and evaluated, without a panic or a hang.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use minqing::survey::expr::check::{Scope, Ty, check};
use minqing::survey::expr::eval::{Env, Value, eval};
use minqing::survey::expr::{HouseholdField, parse};

struct Answers;

impl Env for Answers {
    fn question(&self, name: &str) -> Value {
        match name {
            "a" => Value::Number(3.0),
            "b" => Value::Text("x y".into()),
            _ => Value::Empty,
        }
    }
    fn household(&self, _: HouseholdField) -> Value {
        Value::Number(4.0)
    }
    fn dot(&self) -> Value {
        Value::Text("a b".into())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = parse(src) {
        let mut questions: BTreeMap<&str, Ty<'_>> = BTreeMap::new();
        questions.insert("a", Ty::Number);
        questions.insert("b", Ty::Text);
        let scope = Scope {
            questions: &questions,
            dot: Some(Ty::Text),
        };
        let _ = check(&expr, &scope, true);
        let _ = eval(&expr, &Answers);
        let _ = expr.to_string();
    }
});
