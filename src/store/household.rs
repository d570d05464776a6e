//! The household registry: who is to be interviewed, where they live.

use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, now_ms};
use crate::i18n::Tr;
use crate::interview::HouseholdFacts;
use crate::tr;

/// A registered household. `group` (villagers' group), `phone`, `cadre`
/// and `notes` are empty when unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Household {
    pub code: String,
    pub township: String,
    pub village: String,
    pub group: String,
    pub head: String,
    pub members: i64,
    pub phone: String,
    pub cadre: String,
    pub notes: String,
}

/// The largest household Minqing accepts; more is a typing error.
pub const MAX_MEMBERS: i64 = 99;

impl Household {
    /// What expressions may read of this household.
    pub fn facts(&self) -> HouseholdFacts {
        HouseholdFacts {
            members: self.members,
            village: self.village.clone(),
            township: self.township.clone(),
            group: self.group.clone(),
        }
    }

    /// Every reason this record cannot be registered (empty when it can).
    pub fn problems(&self) -> Vec<Tr> {
        let mut out = Vec::new();
        for (value, zh, en) in [
            (&self.code, "户编码", "code"),
            (&self.township, "乡镇", "township"),
            (&self.village, "村", "village"),
            (&self.head, "户主", "head of household"),
        ] {
            if value.trim().is_empty() {
                out.push(tr!("{zh}不能为空", "{en} is empty"));
            }
        }
        if !(1..=MAX_MEMBERS).contains(&self.members) {
            let n = self.members;
            out.push(tr!(
                "人口应为 1 到 {MAX_MEMBERS} 的整数,这里是 {n}",
                "members must be a whole number from 1 to {MAX_MEMBERS}, found {n}"
            ));
        }
        let phone = self.phone.trim();
        if !phone.is_empty()
            && (phone.len() > 20
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        {
            out.push(tr!(
                "电话 '{phone}' 只能含数字、空格、+ 和 -",
                "phone '{phone}' may hold only digits, spaces, + and -"
            ));
        }
        out
    }
}

/// Which optional fields of a household an import leaves as they are
/// stored: a column the file does not have, or (unless asked to clear
/// them) an empty cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keep {
    pub group: bool,
    pub phone: bool,
    pub cadre: bool,
    pub notes: bool,
}

impl Keep {
    /// `new` with the kept fields taken from `stored`.
    fn apply(self, new: &Household, stored: &Household) -> Household {
        let pick = |keep: bool, new: &String, old: &String| {
            if keep { old.clone() } else { new.clone() }
        };
        Household {
            group: pick(self.group, &new.group, &stored.group),
            phone: pick(self.phone, &new.phone, &stored.phone),
            cadre: pick(self.cadre, &new.cadre, &stored.cadre),
            notes: pick(self.notes, &new.notes, &stored.notes),
            ..new.clone()
        }
    }
}

/// A household read from a registry file, with the fields it leaves alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryRow {
    pub household: Household,
    pub keep: Keep,
}

/// How a batch of households changed the registry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

const COLUMNS: &str = "code, township, village, grp, head, members, phone, cadre, notes";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Household> {
    household_at(r, 0)
}

/// A household from the nine registry columns of a row, in [`COLUMNS`]
/// order, starting at column `first`.
pub(crate) fn household_at(r: &Row<'_>, first: usize) -> rusqlite::Result<Household> {
    Ok(Household {
        code: r.get(first)?,
        township: r.get(first + 1)?,
        village: r.get(first + 2)?,
        group: r.get(first + 3)?,
        head: r.get(first + 4)?,
        members: r.get(first + 5)?,
        phone: r.get(first + 6)?,
        cadre: r.get(first + 7)?,
        notes: r.get(first + 8)?,
    })
}

impl Store {
    /// Adds or updates households by code, all in one transaction.
    /// Callers validate first ([`Household::problems`]); the database
    /// enforces the rest.
    pub fn upsert_households(&self, households: &[Household]) -> Result<UpsertCounts> {
        self.upsert(&mut households.iter().map(|h| (h, Keep::default())))
    }

    /// Adds or updates households read from a registry file, keeping the
    /// stored value of every field a row leaves alone, all in one
    /// transaction.
    pub fn upsert_registry_rows(&self, rows: &[RegistryRow]) -> Result<UpsertCounts> {
        self.upsert(&mut rows.iter().map(|r| (&r.household, r.keep)))
    }

    fn upsert(&self, rows: &mut dyn Iterator<Item = (&Household, Keep)>) -> Result<UpsertCounts> {
        let tx = self.write()?;
        let mut counts = UpsertCounts::default();
        let mut changed: Vec<String> = Vec::new();
        {
            let mut find =
                tx.prepare(&format!("SELECT {COLUMNS} FROM household WHERE code = ?1"))?;
            let mut insert = tx.prepare(
                "INSERT INTO household (code, township, village, grp, head, members, phone, cadre, notes, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut update = tx.prepare(
                "UPDATE household SET township = ?2, village = ?3, grp = ?4, head = ?5, members = ?6,
                 phone = ?7, cadre = ?8, notes = ?9, updated_at = ?10 WHERE code = ?1",
            )?;
            let now = now_ms();
            // The row as stored, with the time of this write.
            macro_rules! values {
                ($h:expr) => {
                    params![
                        $h.code,
                        $h.township,
                        $h.village,
                        $h.group,
                        $h.head,
                        $h.members,
                        $h.phone,
                        $h.cadre,
                        $h.notes,
                        now
                    ]
                };
            }
            for (h, keep) in rows {
                match find.query_row([&h.code], from_row).optional()? {
                    None => {
                        insert.execute(values!(h))?;
                        counts.added += 1;
                    }
                    Some(old) => {
                        let new = keep.apply(h, &old);
                        if old == new {
                            counts.unchanged += 1;
                        } else {
                            update.execute(values!(new))?;
                            counts.updated += 1;
                            changed.push(new.code);
                        }
                    }
                }
            }
        }
        // Rules may read a household's members, village, township or group.
        for code in &changed {
            self.recompute_household_hits(code)?;
        }
        tx.commit()?;
        Ok(counts)
    }

    pub fn household(&self, code: &str) -> Result<Option<Household>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM household WHERE code = ?1"),
                [code],
                from_row,
            )
            .optional()?)
    }

    /// Households in registry order (township, village, code),
    /// optionally of one village only.
    pub fn households(&self, village: Option<&str>) -> Result<Vec<Household>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM household WHERE ?1 IS NULL OR village = ?1
             ORDER BY township, village, code"
        ))?;
        let rows = stmt.query_map([village], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn household_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM household", [], |r| r.get(0))?)
    }
}
