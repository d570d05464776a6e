//! The database schema and its migrations.
//!
//! Owns every `CREATE` statement. Migration `n` takes a database from
//! `user_version` n-1 to n; each runs in its own transaction, after the
//! store has copied the file aside. Never edit a migration that has shipped:
//! add a new one. The text of a `counted` row its triggers build is read
//! by [`super::hits`], which owns it.

/// `PRAGMA application_id` of every Minqing database ("MNQG"), so that a
/// SQLite file of another program is recognised as foreign.
pub const APPLICATION_ID: i32 = 0x4D4E_5147;

/// The schema version this build writes: the number of migrations.
pub const CURRENT_VERSION: i32 = MIGRATIONS.len() as i32;

/// Inserts the `counted` rows of the households whose interviews meet
/// `$which` (an SQL condition), from their complete interviews; their old
/// rows must be gone.
macro_rules! recount {
    ($which:literal) => {
        concat!(
            "
            INSERT INTO counted (household_id, interviews)
            SELECT household_id, group_concat(snapshot_id || ',' || hits, ';')
            FROM interview WHERE (",
            $which,
            ") AND status = 'complete'
            GROUP BY household_id;
            "
        )
    };
}

/// Inserts the `counted` rows, one per round and household, of the
/// households and rounds whose interviews meet `$which` (an SQL
/// condition), from their complete interviews; their old rows must be
/// gone. The `counted` table of migration 8 on.
macro_rules! recount_rounds {
    ($which:literal) => {
        concat!(
            "
            INSERT INTO counted (round_id, household_id, interviews)
            SELECT round_id, household_id, group_concat(snapshot_id || ',' || hits, ';')
            FROM interview WHERE (",
            $which,
            ") AND status = 'complete'
            GROUP BY round_id, household_id;
            "
        )
    };
}

/// Makes every household's `counted` rows again.
pub const RECOUNT_ALL: &str = concat!("DELETE FROM counted;", recount_rounds!("1"));

/// Makes the `counted` row of household `?2` in round `?1` again; its
/// old row must be gone.
pub const RECOUNT_HOUSEHOLD: &str = recount_rounds!("round_id = ?1 AND household_id = ?2");

/// Appends to a `counted` row as the trigger on inserting an interview
/// does (after the `VALUES` of an insert into `counted`).
pub const COUNTED_APPEND: &str = " ON CONFLICT (round_id, household_id) \
     DO UPDATE SET interviews = interviews || ';' || excluded.interviews";

/// The name of the round the interviews of a database made before rounds
/// are put in, and of the round a database that never opened one starts
/// its first interview in. Rounds are told apart by name across laptops,
/// so every laptop's first round is the same round.
pub const FIRST_ROUND: &str = "首轮";

pub const MIGRATIONS: &[&str] = &[
    // 1: households, survey snapshots, interviews with their answers and
    // need hits, and the append-only audit trail.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE household (
        id         INTEGER PRIMARY KEY,
        code       TEXT NOT NULL UNIQUE,
        township   TEXT NOT NULL,
        village    TEXT NOT NULL,
        grp        TEXT NOT NULL DEFAULT '',
        head       TEXT NOT NULL,
        members    INTEGER NOT NULL CHECK (members >= 1),
        phone      TEXT NOT NULL DEFAULT '',
        cadre      TEXT NOT NULL DEFAULT '',
        notes      TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE snapshot (
        id         INTEGER PRIMARY KEY,
        survey     TEXT NOT NULL,
        version    TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE,
        source     TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (survey, version)
    ) STRICT;

    CREATE TABLE interview (
        id           INTEGER PRIMARY KEY,
        uuid         BLOB NOT NULL UNIQUE,
        household_id INTEGER NOT NULL REFERENCES household (id),
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot (id),
        interviewer  TEXT NOT NULL,
        device       TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('draft', 'complete')),
        started_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        completed_at INTEGER,
        answers      TEXT NOT NULL,
        hits         TEXT NOT NULL DEFAULT ''
    ) STRICT;

    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        interview   BLOB NOT NULL,
        field       TEXT NOT NULL,
        old         TEXT,
        new         TEXT,
        at          INTEGER NOT NULL,
        interviewer TEXT NOT NULL,
        device      TEXT NOT NULL,
        UNIQUE (interview, field, at, device)
    ) STRICT;
    "#,
    // 2: the lookups the app and the priorities make all day.
    r#"
    CREATE INDEX household_place ON household (township, village, grp);
    CREATE INDEX interview_household ON interview (household_id, snapshot_id);
    "#,
    // 3: the audit trail is append-only, enforced by the database itself.
    r#"
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    "#,
    // 4: the complete interviews of each household with their need hits,
    // in one short row, kept by triggers whatever writes the interviews, so
    // that ranking never reads the answers. Each entry is `snapshot,hits`;
    // entries are joined by ';' (read by `super::hits::counted_entries`).
    concat!(
        "CREATE TABLE counted (
            household_id INTEGER PRIMARY KEY,
            interviews   TEXT NOT NULL
        ) STRICT;",
        recount!("1"),
        "CREATE TRIGGER counted_insert AFTER INSERT ON interview WHEN new.status = 'complete'
        BEGIN
            INSERT INTO counted (household_id, interviews)
            VALUES (new.household_id, new.snapshot_id || ',' || new.hits)
            ON CONFLICT (household_id) DO UPDATE SET interviews = interviews || ';' || excluded.interviews;
        END;
        CREATE TRIGGER counted_update AFTER UPDATE OF household_id, snapshot_id, status, hits ON interview
        BEGIN
            DELETE FROM counted WHERE household_id IN (old.household_id, new.household_id);",
        recount!("household_id IN (old.household_id, new.household_id)"),
        "END;
        CREATE TRIGGER counted_delete AFTER DELETE ON interview WHEN old.status = 'complete'
        BEGIN
            DELETE FROM counted WHERE household_id = old.household_id;",
        recount!("household_id = old.household_id"),
        "END;",
    ),
    // 5: the households with a draft, found without reading the interviews.
    r#"
    CREATE INDEX interview_draft ON interview (household_id) WHERE status = 'draft';
    "#,
    // 6: changes ordered by a hybrid logical clock rather than by the
    // laptop's wall clock alone. A stamp is milliseconds since the epoch
    // shifted left 16 bits, plus a counter: always past every stamp this
    // file has seen, its own or merged, so an edit made after seeing
    // another is ordered after it whatever the clocks said. `at` and
    // `updated_at` keep the wall-clock time, for people to read. Earlier
    // changes get their wall-clock time as their stamp. A household's
    // record carries its stamp and device, and the records it replaced
    // are kept in an append-only history.
    r#"
    ALTER TABLE audit ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
    DROP TRIGGER audit_no_update;
    UPDATE audit SET stamp = at * 65536;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

    ALTER TABLE interview ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
    UPDATE interview SET stamp = updated_at * 65536;

    ALTER TABLE household ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE household ADD COLUMN device TEXT NOT NULL DEFAULT '';
    UPDATE household SET stamp = updated_at * 65536,
        device = coalesce((SELECT value FROM meta WHERE key = 'device'), '');

    CREATE TABLE household_history (
        id       INTEGER PRIMARY KEY,
        code     TEXT NOT NULL,
        township TEXT NOT NULL,
        village  TEXT NOT NULL,
        grp      TEXT NOT NULL,
        head     TEXT NOT NULL,
        members  INTEGER NOT NULL,
        phone    TEXT NOT NULL,
        cadre    TEXT NOT NULL,
        notes    TEXT NOT NULL,
        at       INTEGER NOT NULL,
        stamp    INTEGER NOT NULL,
        device   TEXT NOT NULL,
        UNIQUE (code, stamp, device)
    ) STRICT;
    CREATE TRIGGER household_history_no_update BEFORE UPDATE ON household_history
    BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); END;
    CREATE TRIGGER household_history_no_delete BEFORE DELETE ON household_history
    BEGIN SELECT RAISE(ABORT, 'the registry history is append-only'); END;
    "#,
    // 7: the households with a draft of given questionnaires, still found
    // without reading the interviews (the app counts only the drafts of
    // the questionnaires it loaded).
    r#"
    DROP INDEX interview_draft;
    CREATE INDEX interview_draft ON interview (household_id, snapshot_id) WHERE status = 'draft';
    "#,
    // 8: rounds of fieldwork. Every interview belongs to one; a household
    // has one interview per questionnaire per round, and priorities are
    // computed for a round. At most one round is open (`closed_at` NULL).
    // A household's linked cadre is told apart by a code and a work unit.
    // Each project (round, village, need rule) keeps every change of its
    // follow-up status, appended; the one stamped last is its status.
    // The interviews made before rounds make the first round, open. The
    // `counted` rows are kept per round and household.
    concat!(
        "CREATE TABLE round (
            id        INTEGER PRIMARY KEY,
            name      TEXT NOT NULL UNIQUE,
            starts    TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            closed_at INTEGER,
            stamp     INTEGER NOT NULL,
            device    TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX round_one_open ON round ((closed_at IS NULL)) WHERE closed_at IS NULL;
        CREATE TABLE project_change (
            id       INTEGER PRIMARY KEY,
            round    TEXT NOT NULL,
            township TEXT NOT NULL,
            village  TEXT NOT NULL,
            survey   TEXT NOT NULL,
            rule     TEXT NOT NULL,
            status   TEXT NOT NULL
                CHECK (status IN ('approved', 'funded', 'done', 'dropped')),
            amount   REAL,
            source   TEXT NOT NULL,
            day      TEXT NOT NULL,
            note     TEXT NOT NULL,
            who      TEXT NOT NULL,
            at       INTEGER NOT NULL,
            stamp    INTEGER NOT NULL,
            device   TEXT NOT NULL,
            UNIQUE (round, township, village, survey, rule, stamp, device)
        ) STRICT;
        CREATE TRIGGER project_change_no_update BEFORE UPDATE ON project_change
        BEGIN SELECT RAISE(ABORT, 'the projects'' history is append-only'); END;
        CREATE TRIGGER project_change_no_delete BEFORE DELETE ON project_change
        BEGIN SELECT RAISE(ABORT, 'the projects'' history is append-only'); END;
        INSERT INTO round (id, name, starts, opened_at, stamp, device)
            SELECT 1, '首轮', date(min(started_at) / 1000, 'unixepoch'), min(started_at), 0, ''
            FROM interview HAVING count(*) > 0;
        ALTER TABLE interview ADD COLUMN round_id INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE household ADD COLUMN cadre_code TEXT NOT NULL DEFAULT '';
        ALTER TABLE household ADD COLUMN unit TEXT NOT NULL DEFAULT '';
        ALTER TABLE household_history ADD COLUMN cadre_code TEXT NOT NULL DEFAULT '';
        ALTER TABLE household_history ADD COLUMN unit TEXT NOT NULL DEFAULT '';
        UPDATE interview SET round_id = 1;
        DROP INDEX interview_draft;
        CREATE INDEX interview_draft ON interview (round_id, household_id, snapshot_id)
            WHERE status = 'draft';
        DROP TRIGGER counted_insert;
        DROP TRIGGER counted_update;
        DROP TRIGGER counted_delete;
        DROP TABLE counted;
        CREATE TABLE counted (
            round_id     INTEGER NOT NULL,
            household_id INTEGER NOT NULL,
            interviews   TEXT NOT NULL,
            PRIMARY KEY (round_id, household_id)
        ) STRICT, WITHOUT ROWID;",
        recount_rounds!("1"),
        "CREATE TRIGGER counted_insert AFTER INSERT ON interview WHEN new.status = 'complete'
        BEGIN
            INSERT INTO counted (round_id, household_id, interviews)
            VALUES (new.round_id, new.household_id, new.snapshot_id || ',' || new.hits)
            ON CONFLICT (round_id, household_id)
            DO UPDATE SET interviews = interviews || ';' || excluded.interviews;
        END;
        CREATE TRIGGER counted_update
        AFTER UPDATE OF household_id, snapshot_id, status, hits, round_id ON interview
        BEGIN
            DELETE FROM counted WHERE (round_id = old.round_id AND household_id = old.household_id)
                OR (round_id = new.round_id AND household_id = new.household_id);",
        recount_rounds!(
            "(round_id = old.round_id AND household_id = old.household_id)
             OR (round_id = new.round_id AND household_id = new.household_id)"
        ),
        "END;
        CREATE TRIGGER counted_delete AFTER DELETE ON interview WHEN old.status = 'complete'
        BEGIN
            DELETE FROM counted WHERE round_id = old.round_id AND household_id = old.household_id;",
        recount_rounds!("round_id = old.round_id AND household_id = old.household_id"),
        "END;",
    ),
    // 9: counts per round and village kept as interviews are completed,
    // reopened, merged or recomputed and as households move, so that a
    // ranking reads the villages, not every household, and the app's
    // village list the households per set of questionnaires completed
    // (see `super::kept`). A cadre's households are found through an index
    // of cadres, not by reading the registry. Triggers mark the households whose counts are to
    // be made again, in the transaction that changes them; the store
    // folds the marked households in before it commits. The households
    // registered per village are kept by the triggers themselves.
    r#"
    CREATE TABLE kept_place (
        slot     INTEGER PRIMARY KEY,
        township TEXT NOT NULL,
        village  TEXT NOT NULL,
        UNIQUE (township, village)
    ) STRICT;
    CREATE TABLE kept (
        round_id INTEGER NOT NULL,
        slot     INTEGER NOT NULL,
        sums     BLOB NOT NULL,
        PRIMARY KEY (round_id, slot)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE kept_household (
        household_id INTEGER NOT NULL,
        round_id     INTEGER NOT NULL,
        slot         INTEGER NOT NULL,
        sums         BLOB NOT NULL,
        surveys      INTEGER NOT NULL,
        drafts       INTEGER NOT NULL,
        PRIMARY KEY (household_id, round_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE kept_surveys (
        round_id   INTEGER NOT NULL,
        slot       INTEGER NOT NULL,
        surveys    INTEGER NOT NULL,
        drafts     INTEGER NOT NULL,
        households INTEGER NOT NULL,
        PRIMARY KEY (round_id, slot, surveys, drafts)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE kept_dirty (
        round_id     INTEGER NOT NULL,
        household_id INTEGER NOT NULL,
        PRIMARY KEY (round_id, household_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE kept_registry (
        township   TEXT NOT NULL,
        village    TEXT NOT NULL,
        registered INTEGER NOT NULL,
        PRIMARY KEY (township, village)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO kept_registry (township, village, registered)
        SELECT township, village, count(*) FROM household GROUP BY township, village;
    CREATE INDEX household_cadre ON household (cadre);
    CREATE INDEX household_cadre_code ON household (cadre_code) WHERE cadre_code <> '';
    CREATE TRIGGER kept_interview_insert AFTER INSERT ON interview
    BEGIN
        INSERT OR IGNORE INTO kept_dirty VALUES (new.round_id, new.household_id);
    END;
    CREATE TRIGGER kept_interview_update
    AFTER UPDATE OF household_id, snapshot_id, status, hits, round_id, answers, completed_at
    ON interview WHEN old.status = 'complete' OR new.status = 'complete'
        OR old.household_id IS NOT new.household_id OR old.round_id IS NOT new.round_id
        OR old.snapshot_id IS NOT new.snapshot_id
    BEGIN
        INSERT OR IGNORE INTO kept_dirty VALUES (old.round_id, old.household_id);
        INSERT OR IGNORE INTO kept_dirty VALUES (new.round_id, new.household_id);
    END;
    CREATE TRIGGER kept_interview_delete AFTER DELETE ON interview
    BEGIN
        INSERT OR IGNORE INTO kept_dirty VALUES (old.round_id, old.household_id);
    END;
    CREATE TRIGGER kept_household_insert AFTER INSERT ON household
    BEGIN
        INSERT INTO kept_registry VALUES (new.township, new.village, 1)
            ON CONFLICT DO UPDATE SET registered = registered + 1;
    END;
    CREATE TRIGGER kept_household_delete AFTER DELETE ON household
    BEGIN
        UPDATE kept_registry SET registered = registered - 1
            WHERE township = old.township AND village = old.village;
        DELETE FROM kept_registry
            WHERE township = old.township AND village = old.village AND registered <= 0;
        INSERT OR IGNORE INTO kept_dirty
            SELECT round_id, household_id FROM kept_household WHERE household_id = old.id;
    END;
    CREATE TRIGGER kept_household_update AFTER UPDATE OF township, village, members ON household
    WHEN old.township IS NOT new.township OR old.village IS NOT new.village
        OR old.members IS NOT new.members
    BEGIN
        UPDATE kept_registry SET registered = registered - 1
            WHERE township = old.township AND village = old.village;
        DELETE FROM kept_registry
            WHERE township = old.township AND village = old.village AND registered <= 0;
        INSERT INTO kept_registry VALUES (new.township, new.village, 1)
            ON CONFLICT DO UPDATE SET registered = registered + 1;
        INSERT OR IGNORE INTO kept_dirty
            SELECT round_id, household_id FROM kept_household WHERE household_id = new.id;
    END;
    "#,
];
