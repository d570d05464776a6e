//! The household registry: who is to be interviewed, where they live.

use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError};
use crate::i18n::Tr;
use crate::interview::HouseholdFacts;
use crate::tr;

/// A registered household. `group` (villagers' group), `phone`, `cadre`
/// (the linked cadre's name), `cadre_code` and `unit` (the cadre's code
/// and work unit, which tell namesakes apart) and `notes` are empty when
/// unknown.
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
    pub cadre_code: String,
    pub unit: String,
}

/// The largest household Minqing accepts; more is a typing error.
pub const MAX_MEMBERS: i64 = 99;

impl Household {
    /// What expressions may read of this household, for an interview not
    /// begun yet.
    pub fn facts(&self) -> HouseholdFacts {
        HouseholdFacts {
            code: self.code.clone(),
            head: self.head.clone(),
            members: self.members,
            phone: self.phone.clone(),
            cadre: self.cadre.clone(),
            village: self.village.clone(),
            township: self.township.clone(),
            group: self.group.clone(),
            started_at: 0,
        }
    }

    /// Every reason this record cannot be registered (empty when it can).
    pub fn problems(&self) -> Vec<HouseholdProblem> {
        let mut out = Vec::new();
        for (value, field) in [
            (&self.code, Required::Code),
            (&self.township, Required::Township),
            (&self.village, Required::Village),
            (&self.head, Required::Head),
        ] {
            if value.trim().is_empty() {
                out.push(HouseholdProblem::Empty(field));
            }
        }
        if !(1..=MAX_MEMBERS).contains(&self.members) {
            out.push(HouseholdProblem::Members(self.members));
        }
        let phone = self.phone.trim();
        if !phone.is_empty()
            && (phone.len() > 20
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        {
            out.push(HouseholdProblem::Phone(phone.to_string()));
        }
        out
    }
}

/// A field a household cannot be registered without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    Code,
    Township,
    Village,
    Head,
}

/// Why a household record cannot be registered. Callers match on the kind;
/// [`HouseholdProblem::message`] says it in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HouseholdProblem {
    Empty(Required),
    /// The number of members is outside 1..=[`MAX_MEMBERS`].
    Members(i64),
    /// The phone holds more than digits, spaces, + and -, or is too long.
    Phone(String),
}

impl HouseholdProblem {
    pub fn message(&self) -> Tr {
        match self {
            HouseholdProblem::Empty(field) => {
                let (zh, en) = match field {
                    Required::Code => ("户编码", "code"),
                    Required::Township => ("乡镇", "township"),
                    Required::Village => ("村", "village"),
                    Required::Head => ("户主", "head of household"),
                };
                tr!("{zh}不能为空", "{en} is empty")
            }
            HouseholdProblem::Members(n) => tr!(
                "人口应为 1 到 {MAX_MEMBERS} 的整数,这里是 {n}",
                "members must be a whole number from 1 to {MAX_MEMBERS}, found {n}"
            ),
            HouseholdProblem::Phone(phone) => tr!(
                "电话 '{phone}' 只能含数字、空格、+ 和 -",
                "phone '{phone}' may hold only digits, spaces, + and -"
            ),
        }
    }
}

/// A registry field a person can edit (every one but the code), in the
/// order of the registry's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Township,
    Village,
    Group,
    Head,
    Members,
    Phone,
    Cadre,
    CadreCode,
    Unit,
    Notes,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Township,
        Field::Village,
        Field::Group,
        Field::Head,
        Field::Members,
        Field::Phone,
        Field::Cadre,
        Field::CadreCode,
        Field::Unit,
        Field::Notes,
    ];

    /// The field's value as text.
    pub fn get(self, h: &Household) -> String {
        match self {
            Field::Township => h.township.clone(),
            Field::Village => h.village.clone(),
            Field::Group => h.group.clone(),
            Field::Head => h.head.clone(),
            Field::Members => h.members.to_string(),
            Field::Phone => h.phone.clone(),
            Field::Cadre => h.cadre.clone(),
            Field::CadreCode => h.cadre_code.clone(),
            Field::Unit => h.unit.clone(),
            Field::Notes => h.notes.clone(),
        }
    }

    /// Copies the field from `from` into `to`.
    fn copy(self, from: &Household, to: &mut Household) {
        match self {
            Field::Township => to.township.clone_from(&from.township),
            Field::Village => to.village.clone_from(&from.village),
            Field::Group => to.group.clone_from(&from.group),
            Field::Head => to.head.clone_from(&from.head),
            Field::Members => to.members = from.members,
            Field::Phone => to.phone.clone_from(&from.phone),
            Field::Cadre => to.cadre.clone_from(&from.cadre),
            Field::CadreCode => to.cadre_code.clone_from(&from.cadre_code),
            Field::Unit => to.unit.clone_from(&from.unit),
            Field::Notes => to.notes.clone_from(&from.notes),
        }
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
    pub cadre_code: bool,
    pub unit: bool,
    pub notes: bool,
}

impl Keep {
    /// `new` with the kept fields taken from `stored`. A cadre's code and
    /// unit are the cadre's: when the file links the household to another
    /// cadre by name and gives no code or unit, the stored ones go.
    fn apply(self, new: &Household, stored: &Household) -> Household {
        let pick = |keep: bool, new: &String, old: &String| {
            if keep { old.clone() } else { new.clone() }
        };
        let other_cadre = !self.cadre && new.cadre != stored.cadre;
        Household {
            group: pick(self.group, &new.group, &stored.group),
            phone: pick(self.phone, &new.phone, &stored.phone),
            cadre: pick(self.cadre, &new.cadre, &stored.cadre),
            cadre_code: pick(
                self.cadre_code && !other_cadre,
                &new.cadre_code,
                &stored.cadre_code,
            ),
            unit: pick(self.unit && !other_cadre, &new.unit, &stored.unit),
            notes: pick(self.notes, &new.notes, &stored.notes),
            ..new.clone()
        }
    }
}

/// A field a person changed in a form while someone else (another
/// program, a merge) changed it too, to something else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub field: Field,
    pub mine: String,
    pub theirs: String,
}

/// A person's edit laid onto the household as it is now: `theirs` with
/// every field where `mine` differs from `base` (what the person started
/// from) taken from `mine`. A field changed on both sides since `base`,
/// differently, is a conflict; the merge keeps theirs there.
pub fn rebase(
    base: &Household,
    mine: &Household,
    theirs: &Household,
) -> (Household, Vec<Conflict>) {
    let mut merged = theirs.clone();
    let mut conflicts = Vec::new();
    for field in Field::ALL {
        let (b, m, t) = (field.get(base), field.get(mine), field.get(theirs));
        if m == b || m == t {
            continue;
        }
        if t == b {
            field.copy(mine, &mut merged);
        } else {
            conflicts.push(Conflict {
                field,
                mine: m,
                theirs: t,
            });
        }
    }
    (merged, conflicts)
}

/// What became of an edit of a household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Written (or nothing to write); the household as stored now.
    Saved(Household),
    /// Nothing written: these fields were changed elsewhere too. `current`
    /// is the household as it is now, the base to try again from.
    Conflicts {
        current: Household,
        conflicts: Vec<Conflict>,
    },
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

/// The registry columns of a record, in the order [`household_at`] reads
/// them.
pub(crate) const COLUMNS: &str =
    "code, township, village, grp, head, members, phone, cadre, notes, cadre_code, unit";

/// Copies a household's record as it is (`?1`: its code) into the
/// append-only history, before it is replaced: no record is ever lost.
pub(super) const KEEP_IN_HISTORY: &str = "INSERT OR IGNORE INTO household_history
    (code, township, village, grp, head, members, phone, cadre, notes, cadre_code, unit, at,
     stamp, device)
    SELECT code, township, village, grp, head, members, phone, cadre, notes, cadre_code, unit,
     updated_at, stamp, device
    FROM household WHERE code = ?1";

/// Replaces a household's record (`?1` its code, then the fields, the
/// wall-clock time, the stamp and the device of the change, then the
/// cadre's code and unit).
pub(super) const UPDATE_RECORD: &str = "UPDATE household SET township = ?2, village = ?3, grp = ?4,
    head = ?5, members = ?6, phone = ?7, cadre = ?8, notes = ?9, updated_at = ?10, stamp = ?11,
    device = ?12, cadre_code = ?13, unit = ?14 WHERE code = ?1";

/// The insert of a household's record, as a literal for [`concat!`].
macro_rules! insert_record {
    () => {
        "INSERT INTO household (code, township, village, grp, head, members, phone, cadre, notes,
         updated_at, stamp, device, cadre_code, unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    };
}

/// Inserts a new household's record (`?1` its code, then as
/// [`UPDATE_RECORD`]). The caller knows the code is not stored.
pub(super) const INSERT_RECORD: &str = insert_record!();

/// [`INSERT_RECORD`] that does nothing when the code is stored already, for
/// adding a household without ever replacing one.
const INSERT_NEW_RECORD: &str = concat!(insert_record!(), " ON CONFLICT (code) DO NOTHING");

/// Inserts into the history a household record as it was, with its time,
/// stamp and device (kept once: the same version again is ignored).
pub(super) const INSERT_HISTORY: &str = "INSERT OR IGNORE INTO household_history
    (code, township, village, grp, head, members, phone, cadre, notes, at, stamp, device,
     cadre_code, unit)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Runs `sql`, whose parameters are a household record in registry column
/// order then the time, stamp and device of the change ([`INSERT_RECORD`],
/// [`UPDATE_RECORD`], [`INSERT_HISTORY`]): the one place a record is bound.
pub(super) fn write_record(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    h: &Household,
    at: i64,
    stamp: i64,
    device: &str,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![
        h.code,
        h.township,
        h.village,
        h.group,
        h.head,
        h.members,
        h.phone,
        h.cadre,
        h.notes,
        at,
        stamp,
        device,
        h.cadre_code,
        h.unit
    ])
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Household> {
    household_at(r, 0)
}

/// A household from the eleven registry columns of a row, in [`COLUMNS`]
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
        cadre_code: r.get(first + 9)?,
        unit: r.get(first + 10)?,
    })
}

impl Store {
    /// Adds or updates households by code, all in one transaction.
    /// Callers validate first ([`Household::problems`]); the database
    /// enforces the rest.
    pub fn upsert_households(&self, households: &[Household]) -> Result<UpsertCounts> {
        self.located(|| self.upsert(&mut households.iter().map(|h| (h, Keep::default()))))
    }

    /// Adds or updates households read from a registry file, keeping the
    /// stored value of every field a row leaves alone, all in one
    /// transaction.
    pub fn upsert_registry_rows(&self, rows: &[RegistryRow]) -> Result<UpsertCounts> {
        self.located(|| self.upsert(&mut rows.iter().map(|r| (&r.household, r.keep))))
    }

    fn upsert(&self, rows: &mut dyn Iterator<Item = (&Household, Keep)>) -> Result<UpsertCounts> {
        let tx = self.write()?;
        let mut counts = UpsertCounts::default();
        let mut changed: Vec<String> = Vec::new();
        {
            let mut find =
                tx.prepare(&format!("SELECT {COLUMNS} FROM household WHERE code = ?1"))?;
            let mut history = tx.prepare(KEEP_IN_HISTORY)?;
            let now = self.now();
            // One change of the registry: one stamp for all its rows.
            let stamp = self.stamp(&tx, 0)?;
            let write =
                |sql: &str, h: &Household| write_record(&tx, sql, h, now, stamp, &self.device);
            for (h, keep) in rows {
                match find.query_row([&h.code], from_row).optional()? {
                    None => {
                        write(INSERT_RECORD, h)?;
                        counts.added += 1;
                    }
                    Some(old) => {
                        let new = keep.apply(h, &old);
                        if old == new {
                            counts.unchanged += 1;
                        } else {
                            history.execute([&new.code])?;
                            write(UPDATE_RECORD, &new)?;
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
        self.commit(tx)?;
        Ok(counts)
    }

    /// Adds a new household, refused with [`StoreError::HouseholdExists`]
    /// when its code is stored already, even by another program since the
    /// person began typing: a stored household is never replaced by a new
    /// one. Callers validate first ([`Household::problems`]).
    pub fn add_household(&self, h: &Household) -> Result<()> {
        self.located(|| {
            let tx = self.write()?;
            let stamp = self.stamp(&tx, 0)?;
            let added = write_record(&tx, INSERT_NEW_RECORD, h, self.now(), stamp, &self.device)?;
            if added == 0 {
                return Err(StoreError::HouseholdExists(h.code.clone()));
            }
            self.commit(tx)?;
            Ok(())
        })
    }

    /// Saves a person's edit of a household: only the fields where `mine`
    /// differs from `base` (the household as the form showed it when
    /// opened) are written, onto the household as it is now, in one write
    /// transaction, so a change made elsewhere meanwhile to another field
    /// is kept. When a field was changed both here and elsewhere, to
    /// different values, nothing is written and the conflicts are returned
    /// for the person to decide.
    pub fn edit_household(&self, base: &Household, mine: &Household) -> Result<Edit> {
        self.located(|| {
            let tx = self.write()?;
            let current = self
                .household(&base.code)?
                .ok_or_else(|| StoreError::UnknownHousehold(base.code.clone()))?;
            let (merged, conflicts) = rebase(base, mine, &current);
            if !conflicts.is_empty() {
                return Ok(Edit::Conflicts { current, conflicts });
            }
            if merged == current {
                return Ok(Edit::Saved(current));
            }
            let stamp = self.stamp(&tx, 0)?;
            tx.execute(KEEP_IN_HISTORY, [&merged.code])?;
            write_record(&tx, UPDATE_RECORD, &merged, self.now(), stamp, &self.device)?;
            // Rules may read a household's members, village, township or group.
            self.recompute_household_hits(&merged.code)?;
            self.commit(tx)?;
            Ok(Edit::Saved(merged))
        })
    }

    pub fn household(&self, code: &str) -> Result<Option<Household>> {
        self.located(|| {
            // Cached: a merge reads a household for every interview.
            Ok(self
                .conn
                .prepare_cached(&format!("SELECT {COLUMNS} FROM household WHERE code = ?1"))?
                .query_row([code], from_row)
                .optional()?)
        })
    }

    /// Households in registry order (township, village, code),
    /// optionally of one village only.
    pub fn households(&self, village: Option<&str>) -> Result<Vec<Household>> {
        self.located(|| {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {COLUMNS} FROM household WHERE ?1 IS NULL OR village = ?1
             ORDER BY township, village, code"
            ))?;
            let rows = stmt.query_map([village], from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn household_count(&self) -> Result<i64> {
        self.located(|| {
            Ok(self
                .conn
                .query_row("SELECT count(*) FROM household", [], |r| r.get(0))?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Household {
        Household {
            code: "530001".into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李明".into(),
            members: 4,
            ..Household::default()
        }
    }

    #[test]
    fn a_household_linked_to_another_cadre_by_name_drops_the_old_cadres_code() {
        let mut stored = base();
        stored.cadre = "黄云".into();
        stored.cadre_code = "GB001".into();
        stored.unit = "勐烈镇人民政府".into();
        // A file with a cadre column only: the same cadre keeps the code.
        let keep = Keep {
            cadre_code: true,
            unit: true,
            ..Keep::default()
        };
        let mut same = base();
        same.cadre = "黄云".into();
        assert_eq!(keep.apply(&same, &stored).cadre_code, "GB001");
        // Another cadre: the old code and unit are not theirs.
        let mut other = base();
        other.cadre = "李强".into();
        let moved = keep.apply(&other, &stored);
        assert_eq!((moved.cadre_code.as_str(), moved.unit.as_str()), ("", ""));
    }

    #[test]
    fn rebase_keeps_changes_made_elsewhere_and_finds_conflicts() {
        let mut mine = base();
        mine.notes = "水窖".into();
        mine.phone = "139".into();
        mine.head = "李华".into();
        let mut theirs = base();
        theirs.members = 5;
        theirs.phone = "138".into();
        theirs.head = "李华".into();
        let (merged, conflicts) = rebase(&base(), &mine, &theirs);
        assert_eq!(merged.members, 5, "changed elsewhere only: theirs");
        assert_eq!(merged.notes, "水窖", "changed here only: mine");
        assert_eq!(merged.head, "李华", "the same change on both sides");
        assert_eq!(merged.phone, "138", "a conflict keeps theirs");
        assert_eq!(
            conflicts,
            [Conflict {
                field: Field::Phone,
                mine: "139".into(),
                theirs: "138".into()
            }]
        );
        assert_eq!(rebase(&base(), &base(), &theirs), (theirs, Vec::new()));
    }
}
