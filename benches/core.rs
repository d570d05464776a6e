//! Micro-benchmarks of the pure core and of one app step, with criterion:
//! `cargo bench --bench core`.

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use minqing::i18n::Lang;
use minqing::interview::{HouseholdFacts, State};
use minqing::priority::{By, Household, Observation, Rule, rank};
use minqing::store::Store;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::expr::eval::holds;
use minqing::survey::load;
use minqing::tui::msg::Msg;
use minqing::tui::{self, update::update, view::view};

fn answers() -> BTreeMap<String, String> {
    [
        ("main_source", "surface"),
        ("fetch_minutes", "45"),
        ("fetch_climb_m", "120"),
        ("shortage_days", "60"),
        ("quality_problems", "turbid illness"),
        ("toilet", "open_pit"),
        ("handwashing", "none"),
        ("urgency", "high"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn facts() -> HouseholdFacts {
    HouseholdFacts {
        members: 4,
        village: "曼贺村".into(),
        township: "勐烈镇".into(),
        group: "一组".into(),
        ..HouseholdFacts::default()
    }
}

fn expressions(c: &mut Criterion) {
    let water = load(BUNDLED[1].1).survey.expect("water");
    let answers = answers();
    let facts = facts();
    let rule = &water
        .needs
        .iter()
        .find(|n| n.name == "water_quality")
        .expect("rule")
        .when
        .ast;
    c.bench_function("expression: evaluate a four-way or", |b| {
        b.iter(|| {
            let state = State::new(&water, &answers, &facts);
            holds(rule, &state)
        })
    });
    c.bench_function("expression: parse a rule", |b| {
        b.iter(|| {
            minqing::survey::expr::parse(
                "selected(${quality_problems}, 'turbid') or ${fetch_minutes} > 20",
            )
        })
    });
}

fn need_detection(c: &mut Criterion) {
    let water = load(BUNDLED[1].1).survey.expect("water");
    let answers = answers();
    let facts = facts();
    c.bench_function("need detection: every rule of the water survey", |b| {
        b.iter(|| State::new(&water, &answers, &facts).need_hits().len())
    });
}

fn ranking(c: &mut Criterion) {
    // A county of 20,718 households in 50 villages, five surveys, hits
    // spread deterministically.
    let rules: Vec<Rule> = (0..30)
        .map(|r| Rule {
            survey: format!("s{}", r % 5),
            name: format!("r{r}"),
            category: format!("c{}", r % 5),
            severity: (r % 4 + 2) as u8,
            project: None,
            unit_cost: Some(1000.0 + r as f64 * 100.0),
            per_person: false,
        })
        .collect();
    let households: Vec<Household> = (0..20_718)
        .map(|h| Household {
            code: format!("H{h:06}").into(),
            township: format!("T{}", h % 7).into(),
            village: format!("V{}", h % 50).into(),
            group: format!("G{}", h % 9).into(),
            members: 1 + (h % 7) as i64,
        })
        .collect();
    let observations: Vec<Observation> = (0..households.len())
        .flat_map(|h| {
            (0..5).map(move |s| Observation {
                household: h,
                survey: format!("s{s}"),
                hits: (0..30)
                    .filter(|r| r % 5 == s && (h * 31 + r * 7) % 11 < 2)
                    .collect(),
            })
        })
        .collect();
    c.bench_function("ranking: 20,718 households, 5 surveys", |b| {
        b.iter(|| rank(&households, &rules, &observations, By::Village).len())
    });
}

fn app_step(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("minqing-core-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store = Store::open(&dir.join("bench.db")).expect("open");
    let surveys: Vec<_> = BUNDLED
        .iter()
        .map(|(_, t)| load(t).survey.expect("loads"))
        .collect();
    minqing::demo::generate(&store, &surveys, 2_000, 1).expect("demo");
    store.set_interviewer("王芳").expect("name");
    let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
    let mut model = tui::new_model(store, surveys, files, Lang::Zh, (120, 40)).expect("model");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let mut down = true;
    let mut n = 0;
    c.bench_function(
        "app: one update + render at 120x40 (households list)",
        |b| {
            b.iter(|| {
                n += 1;
                if n % 100 == 0 {
                    down = !down;
                }
                let code = if down { KeyCode::Down } else { KeyCode::Up };
                update(
                    &mut model,
                    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
                );
                terminal.draw(|f| view(&model, f)).expect("draw");
            })
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A questionnaire of `n` questions in sections of 50: numbers with
/// bounds, choices, skips and constraints reading earlier answers, a
/// calculation per section, and a need rule for every tenth question.
fn big_questionnaire(n: usize) -> String {
    let mut out = String::from(
        "[survey]\nid = \"big\"\nversion = \"1\"\ncategory = \"water\"\n\
         languages = [\"zh\", \"en\"]\ntitle = { zh = \"大问卷\", en = \"Big\" }\n\n\
         [choices]\nlevel = [\n  { name = \"low\", label = { zh = \"低\", en = \"Low\" } },\n  \
         { name = \"high\", label = { zh = \"高\", en = \"High\" } },\n]\n",
    );
    for q in 0..n {
        if q % 50 == 0 {
            out.push_str(&format!("\n[[section]]\nname = \"s{q}\"\n"));
        }
        out.push_str(&format!("\n[[section.question]]\nname = \"q{q}\"\n"));
        if q % 2 == 0 {
            out.push_str("type = \"integer\"\nmin = 0\nmax = 1000\n");
        } else {
            out.push_str("type = \"select_one\"\nchoices = \"level\"\n");
        }
        out.push_str(&format!(
            "label = {{ zh = \"第 {q} 题\", en = \"Question {q}\" }}\n"
        ));
        if q % 2 == 0 && q >= 2 {
            out.push_str(&format!(
                "relevant = \"${{q{}}} = 'high'\"\nconstraint = \". <= ${{q{}}} + 500\"\n",
                q - 1,
                q - 2
            ));
        }
        if q % 50 == 49 {
            out.push_str(&format!(
                "\n[[section.question]]\nname = \"sum{q}\"\ntype = \"calculate\"\n\
                 calculation = \"coalesce(${{q{}}}, 0) + coalesce(${{q{}}}, 0)\"\n",
                q - 1,
                q - 3
            ));
        }
    }
    for q in (0..n).step_by(10) {
        out.push_str(&format!(
            "\n[[need]]\nname = \"n{q}\"\nwhen = \"${{q{q}}} > 500\"\nseverity = 3\n\
             project = {{ zh = \"项目 {q}\", en = \"Project {q}\" }}\n"
        ));
    }
    out
}

fn loading(c: &mut Criterion) {
    let text = big_questionnaire(2_000);
    let loaded = load(&text);
    assert!(
        loaded.errors() == 0 && loaded.survey.is_some(),
        "{:?}",
        loaded.diagnostics.first()
    );
    c.bench_function("questionnaire: load and check 2,000 questions", |b| {
        b.iter(|| load(std::hint::black_box(&text)))
    });
}

criterion_group!(
    benches,
    expressions,
    need_detection,
    ranking,
    app_step,
    loading
);
criterion_main!(benches);
