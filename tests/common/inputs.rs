//! What every outside input goes through, shared by the property tests
//! (tests/input_props.rs) and the fuzz targets (fuzz/fuzz_targets/), so
//! that both exercise, and check, the same thing: a questionnaire loaded
//! and every problem rendered, a registry read and every bad row said, an
//! expression parsed, checked, evaluated and printed.

use minqing::i18n::Lang;
use minqing::store::import::parse;
use minqing::survey::expr::check::{Scope, Ty, check};
use minqing::survey::expr::eval::{Env, Value, eval};
use minqing::survey::expr::{HouseholdField, parse as parse_expr};
use minqing::survey::load;
use minqing::text::normalise_code;

/// Loads a questionnaire and renders every diagnostic, as `check` does.
pub fn load_and_report(text: &str) {
    let loaded = load(text);
    for d in &loaded.diagnostics {
        let shown = d.render("edited.toml", text, Lang::En);
        assert!(shown.contains("edited.toml:"), "{shown}");
        let _ = d.render("edited.toml", text, Lang::Zh);
    }
    if loaded.errors() == 0 {
        assert!(loaded.survey.is_some(), "no errors, so a survey");
    }
}

/// Reads a registry and says every problem, as `households import` does,
/// with and without `--clear-empty`.
pub fn import_and_report(bytes: &[u8]) {
    for clear_empty in [false, true] {
        match parse(bytes, clear_empty) {
            Ok(parsed) => {
                for row in &parsed.rows {
                    assert!(
                        row.household.problems().is_empty(),
                        "a good row has no problem"
                    );
                    assert_eq!(
                        row.household.code,
                        normalise_code(&row.household.code),
                        "codes are stored normalised"
                    );
                }
                for b in &parsed.bad {
                    assert!(!b.reasons.is_empty(), "a bad row says why");
                }
            }
            Err(e) => {
                let m = e.message();
                assert!(
                    !m.zh.is_empty() && !m.en.is_empty(),
                    "said in both languages"
                );
            }
        }
    }
}

struct Answers;

impl<'a> Env<'a> for Answers {
    fn question(&self, name: &str) -> Value<'a> {
        match name {
            "a" => Value::Number(3.0),
            "b" => Value::Text("x y".into()),
            _ => Value::Empty,
        }
    }
    fn household(&self, _: HouseholdField) -> Value<'a> {
        Value::Number(4.0)
    }
    fn dot(&self) -> Value<'a> {
        Value::Text("a b".into())
    }
    fn started_at(&self) -> i64 {
        0
    }
}

/// Parses, checks, evaluates and prints an expression.
pub fn evaluate(src: &str) {
    if let Ok(expr) = parse_expr(src) {
        let mut questions = std::collections::BTreeMap::new();
        questions.insert("a", Ty::Number);
        questions.insert("b", Ty::Text);
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
        let _ = eval(&expr, &Answers);
        let _ = expr.to_string();
    }
}
