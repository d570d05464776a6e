//! The app's responsiveness on a demo county: the time from opening the
//! database to the first frame, one update + render at 120×40 (median and
//! 99th percentile), and the same with a roster of 12 rows open (a health
//! interview of a household of twelve), drawn into ratatui's `TestBackend`.
//! Run with `cargo bench --bench tui`; `HOUSEHOLDS` sets the county size
//! (default 20,718).

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use minqing::i18n::Lang;
use minqing::store::Store;
use minqing::survey::bundled::BUNDLED;
use minqing::tui::msg::Msg;
use minqing::tui::{self, update::update, view::view};

fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
}

fn main() {
    // A database of its own (a province, made by `minqing demo`): the app
    // opened on it, to the village list and to the Priorities tab.
    if let Some(db) = std::env::var_os("DB") {
        province(std::path::Path::new(&db));
        return;
    }
    let households: usize = std::env::var("HOUSEHOLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_718);
    let dir = std::env::temp_dir().join(format!("minqing-tui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("county.db");
    {
        let store = Store::open(&path).expect("open");
        let surveys: Vec<_> = BUNDLED
            .iter()
            .map(|(_, t)| minqing::survey::load(t).survey.expect("loads"))
            .collect();
        minqing::demo::generate(&store, &surveys, households, 1).expect("demo");
        store.set_interviewer("王芳").expect("name");
    }

    // Start to first frame: open, load the questionnaires, compute the
    // village list, draw.
    let mut starts = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let store = Store::open(&path).expect("open");
        let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
        let model = tui::new_model(store, surveys, files, Lang::Zh, (120, 40)).expect("model");
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| view(&model, f)).expect("draw");
        starts.push(start.elapsed());
    }
    let start_median = percentile(&mut starts, 0.5);

    // One update + render: moving through the village list, then through
    // the households of a village, then between questions of an interview.
    let store = Store::open(&path).expect("open");
    let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
    let mut model = tui::new_model(store, surveys, files, Lang::Zh, (120, 40)).expect("model");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let mut times = Vec::new();
    let mut step = |model: &mut minqing::tui::model::Model, msg: Msg| {
        let start = Instant::now();
        update(model, msg);
        terminal.draw(|f| view(model, f)).expect("draw");
        times.push(start.elapsed());
    };
    for n in 0..1000 {
        step(
            &mut model,
            key(if n % 200 < 100 {
                KeyCode::Down
            } else {
                KeyCode::Up
            }),
        );
    }
    step(&mut model, key(KeyCode::Enter));
    for n in 0..1000 {
        step(
            &mut model,
            key(if n % 400 < 200 {
                KeyCode::Down
            } else {
                KeyCode::Up
            }),
        );
    }
    step(&mut model, key(KeyCode::Char('2')));
    for n in 0..1000 {
        step(
            &mut model,
            key(if n % 10 < 5 {
                KeyCode::Up
            } else {
                KeyCode::Down
            }),
        );
    }
    let (median, p99) = (percentile(&mut times, 0.5), percentile(&mut times, 0.99));
    println!(
        "tui ({households} households): start to first frame median {start_median:.1} ms; \
         update+render at 120x40 over {} steps: median {median:.3} ms, p99 {p99:.3} ms",
        times.len()
    );
    drop(model);
    let mut roster_times = roster(&path);
    let (median, p99) = (
        percentile(&mut roster_times, 0.5),
        percentile(&mut roster_times, 0.99),
    );
    println!(
        "roster: update+render at 120x40 with a 12-row roster open over {} steps: median {median:.3} ms, p99 {p99:.3} ms",
        roster_times.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A household of twelve, first in its village, whose health interview is
/// answered row by row (not timed); then moving on its roster's rows and in
/// and out of a row, each step timed.
/// Start to the first frame (the village list), then one Tab to the
/// Priorities tab, drawn; the medians of 11 runs (a shared machine varies
/// from run to run); then keys down the ranked projects, each drawn.
fn province(path: &std::path::Path) {
    // The village list is the first screen of someone who gave their
    // name (otherwise the app asks for it).
    let store = Store::open(path).expect("open");
    if store.interviewer().expect("meta").is_none() {
        store.set_interviewer("测试员").expect("name");
    }
    drop(store);
    let (mut starts, mut tabs, mut moves) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..11 {
        let start = Instant::now();
        let store = Store::open(path).expect("open");
        let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
        let mut model = tui::new_model(store, surveys, files, Lang::Zh, (120, 40)).expect("model");
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| view(&model, f)).expect("draw");
        starts.push(start.elapsed());
        let start = Instant::now();
        let key = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
        update(&mut model, Msg::Key(key));
        terminal.draw(|f| view(&model, f)).expect("draw");
        tabs.push(start.elapsed());
        // Down the ranked projects, a key at a time.
        for _ in 0..20 {
            let start = Instant::now();
            let key = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
            update(&mut model, Msg::Key(key));
            terminal.draw(|f| view(&model, f)).expect("draw");
            moves.push(start.elapsed());
        }
    }
    println!(
        "province: start to the village list median {:.1} ms; to the Priorities tab median {:.1} ms; a key down its list median {:.2} ms, p99 {:.2} ms",
        percentile(&mut starts, 0.5),
        percentile(&mut tabs, 0.5),
        percentile(&mut moves, 0.5),
        percentile(&mut moves, 0.99)
    );
}

fn roster(path: &std::path::Path) -> Vec<Duration> {
    let store = Store::open(path).expect("open");
    let first = store.households(None).expect("households").remove(0);
    store
        .upsert_households(&[minqing::store::household::Household {
            code: "0000000001".into(),
            township: first.township.clone(),
            village: first.village.clone(),
            head: "李明".into(),
            members: 12,
            ..Default::default()
        }])
        .expect("household");
    let (surveys, files) = tui::surveys(BUNDLED.iter().map(|(p, t)| (*p, *t)));
    let health = surveys
        .iter()
        .position(|s| s.id == "health")
        .expect("health");
    let mut model = tui::new_model(store, surveys, files, Lang::Zh, (120, 40)).expect("model");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let press =
        |model: &mut minqing::tui::model::Model, c: char| update(model, key(KeyCode::Char(c)));
    // The village of the household; the household, first by its code.
    while !matches!(
        model.stack.last(),
        Some(minqing::tui::model::Screen::Households(_))
    ) {
        update(&mut model, key(KeyCode::Enter));
    }
    update(&mut model, key(KeyCode::Home));
    press(
        &mut model,
        char::from_digit(health as u32 + 1, 10).expect("a digit"),
    );
    // Not insured, ill and disabled members: every row asks everything.
    for c in ['n', 'y', 'y'] {
        press(&mut model, c);
    }
    update(&mut model, key(KeyCode::Enter));
    for _ in 0..12 {
        for c in ['3', 'y', '2', 'n'] {
            press(&mut model, c);
        }
    }
    match model.stack.last() {
        Some(minqing::tui::model::Screen::Interview(i)) => {
            assert!(
                matches!(i.mode, minqing::tui::model::Mode::Roster { .. })
                    && i.record.household.members == 12
                    && i.record.answers.contains_key("disabled[12]"),
                "the rows of twelve members are open"
            );
        }
        _ => panic!("the health interview is open"),
    }
    let mut times = Vec::new();
    let mut step = |model: &mut minqing::tui::model::Model, msg: Msg| {
        let start = Instant::now();
        update(model, msg);
        terminal.draw(|f| view(model, f)).expect("draw");
        times.push(start.elapsed());
    };
    for n in 0..500 {
        step(
            &mut model,
            key(if n % 26 < 13 {
                KeyCode::Up
            } else {
                KeyCode::Down
            }),
        );
    }
    for n in 0..500 {
        // Into a row and back to the rows.
        step(
            &mut model,
            key(if n % 2 == 0 {
                KeyCode::Enter
            } else {
                KeyCode::Up
            }),
        );
    }
    times
}
