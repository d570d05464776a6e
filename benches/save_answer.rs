//! Durable answer saves: the latency of `Store::save_answer`, one WAL
//! transaction with `synchronous=FULL` each, over 10,000 saves on a real
//! file. Run with `cargo bench --bench save_answer`; prints the median and
//! the 99th percentile.

use std::time::Instant;

use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;

fn main() {
    let saves: usize = std::env::var("SAVES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("minqing-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("save.db");
    let store = Store::open(&path).expect("open");
    store
        .upsert_households(&[Household {
            code: "B1".into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李".into(),
            members: 4,
            ..Household::default()
        }])
        .expect("household");
    let survey = load(BUNDLED[1].1).survey.expect("water");
    let id = store
        .open_interview("B1", &survey, "王")
        .expect("interview")
        .id;
    let mut times = Vec::with_capacity(saves);
    for n in 0..saves {
        let value = (n % 600).to_string();
        let start = Instant::now();
        store
            .save_answer(id, "fetch_minutes", Some(&value), "王")
            .expect("save");
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "save_answer: {saves} durable saves, median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
