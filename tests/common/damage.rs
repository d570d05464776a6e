//! Damage made on purpose: leaf pages of a table overwritten with noise,
//! each page's header kept, so that SQLite reads them as pages of the table
//! and meets nonsense.

use std::path::Path;

/// Overwrites the leaf pages of `tables` in the database at `db` (closed,
/// its journal folded in): the first `limit` of them, or all for `None`.
/// Returns the pages and the file's bytes as left.
pub fn damage_leaf_pages(db: &Path, tables: &[&str], limit: Option<u32>) -> (Vec<i64>, Vec<u8>) {
    let pages: Vec<i64> = {
        let conn = rusqlite::Connection::open(db).expect("open");
        let names = tables
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = conn
            .prepare(&format!(
                "SELECT pageno FROM dbstat WHERE name IN ({names}) AND pagetype = 'leaf'
                 ORDER BY pageno LIMIT {}",
                limit.map_or(-1, i64::from)
            ))
            .expect("dbstat");
        stmt.query_map([], |r| r.get(0))
            .expect("pages")
            .map(|p| p.expect("page"))
            .collect()
    };
    assert!(!pages.is_empty(), "{tables:?} have leaf pages");
    let mut bytes = std::fs::read(db).expect("read");
    for &page in &pages {
        let start = (page as usize - 1) * 4096;
        for (i, b) in bytes[start + 8..start + 4096].iter_mut().enumerate() {
            *b = (i * 7 % 251) as u8;
        }
    }
    std::fs::write(db, &bytes).expect("write");
    (pages, bytes)
}
