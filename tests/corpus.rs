//! The corpus of broken questionnaires: every file under tests/corpus/ is
//! loaded with the real loader and its diagnostics (level, line, column,
//! message and help) must equal the `.expected` file beside it, exactly.
//! `BLESS=1 cargo test --test corpus` rewrites the expectations; review the
//! diff before committing it.

use std::fs;
use std::path::Path;

use minqing::i18n::Lang;
use minqing::survey::diag::{Level, line_col};
use minqing::survey::load;

fn describe(text: &str) -> String {
    let loaded = load(text);
    let mut out = String::new();
    for d in &loaded.diagnostics {
        let (line, col) = line_col(text, d.span.start);
        let level = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        out.push_str(&format!(
            "{level} {line}:{col}: {}\n",
            d.message.get(Lang::En)
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {}\n", help.get(Lang::En)));
        }
        // Rendering never fails, whatever the span and line endings.
        assert!(d.render("f.toml", text, Lang::Zh).contains("-->"));
        // Every message exists in Chinese too, and it is not the English one.
        assert!(
            !d.message.zh.is_empty() && d.message.zh != d.message.en,
            "{d:?}"
        );
    }
    let errors = loaded.errors();
    assert_eq!(
        loaded.survey.is_some(),
        errors == 0,
        "a survey is built exactly when there is no error"
    );
    out
}

#[test]
fn corpus_of_broken_questionnaires() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    let mut broken = 0;
    for case in &cases {
        let text = fs::read_to_string(case).expect("corpus files are UTF-8");
        let actual = describe(&text);
        if actual.lines().any(|l| l.starts_with("error")) {
            broken += 1;
        }
        let expected_path = case.with_extension("expected");
        if bless {
            fs::write(&expected_path, &actual).expect("write expectation");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}\n--- expected\n{expected}--- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(
        broken >= 30,
        "the corpus must hold at least 30 broken questionnaires, found {broken}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
