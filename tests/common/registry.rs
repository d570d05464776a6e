//! A small registry for the tests that start processes of their own: `n`
//! households H0, H1, ... of one village.

use std::path::Path;

use minqing::store::Store;
use minqing::store::household::Household;

pub fn small_registry(path: &Path, n: usize) {
    let store = Store::open(path).expect("open");
    let households: Vec<Household> = (0..n)
        .map(|h| Household {
            code: format!("H{h}"),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李".into(),
            members: 3,
            ..Household::default()
        })
        .collect();
    store.upsert_households(&households).expect("households");
}
