//! The demo county: a deterministic synthetic county to try Minqing on and
//! to measure it with.
//!
//! Owns the generator. Townships carry the names of Jiangcheng County's; the
//! villages, groups, people and answers are invented. Each village has its
//! own hardship in each category, so needs differ between villages. Answers
//! are drawn for every question on the interview's path and accepted by the
//! same checks as typed answers; the need rules of each survey tell which
//! answers are the hard ones (a choice compared with `=` or `selected()`,
//! the side of a number's threshold). The same seed gives the same county.

mod answers;
mod cadres;
mod registry;
mod rounds;

use std::collections::HashSet;

use answers::{Learned, answer, learn};
use cadres::draw_cadres;
use registry::{TOWNSHIPS, draw_household, village_name};
use rounds::RoundPlan;
pub use rounds::generate_rounds;

use crate::interview::HouseholdFacts;
use crate::store::bulk::{Made, NewInterview};
use crate::store::household::Household;
use crate::store::{Result, Store};
use crate::survey::Survey;

/// SplitMix64: small, fast, and stable across versions, which a demo that
/// must come out the same every time needs more than statistical quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Households per administrative village, as in Jiangcheng (about 20,718
/// households in some 50 villages).
const HOUSEHOLDS_PER_VILLAGE: usize = 414;
/// Interviews written per transaction: large enough that commits cost
/// little, small enough to keep memory flat.
const BATCH: usize = 20_000;
/// The first batch is smaller: the writer waits for it, and for nothing
/// after it.
const FIRST_BATCH: usize = 2_000;
/// 2026-03-01 00:00 in Beijing time: the fieldwork starts here.
const FIELDWORK_START_MS: i64 = 1_772_294_400_000;

/// What the generator wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub households: usize,
    pub villages: usize,
    pub complete: usize,
    pub drafts: usize,
}

/// Readies an empty database for a demo county: refused when it holds
/// data; the snapshot of each questionnaire.
fn prepare(store: &Store, surveys: &[Survey]) -> Result<Vec<i64>> {
    if store.household_count()? > 0 {
        return Err(crate::store::StoreError::NotEmpty {
            path: store.path().to_path_buf(),
        });
    }
    // A large county is written in big transactions: a larger page cache
    // keeps the indexes in memory while they are built. Commits of
    // generated data need not wait for the disk; [`finish`] syncs it all.
    store.set_cache_mib(256)?;
    store.set_bulk_writing(true)?;
    surveys.iter().map(|s| store.register_survey(s)).collect()
}

/// Puts a county written back on the disk and the file back to durable
/// commits.
fn finish(store: &Store, summary: Summary) -> Result<Summary> {
    store.set_bulk_writing(false)?;
    Ok(summary)
}

/// Writes a demo county of `households` households into an empty database.
pub fn generate(
    store: &Store,
    surveys: &[Survey],
    households: usize,
    seed: u64,
) -> Result<Summary> {
    let snapshots = prepare(store, surveys)?;
    // Drawing answers takes more than half the time: they are drawn on
    // every core (up to four) while this thread writes.
    let summary = write_round(
        store,
        surveys,
        (&snapshots, households, seed),
        &RoundPlan::first(),
    )?;
    finish(store, summary)
}

/// Draws one round of the county (with its registry in the first) and
/// writes it into the open round.
fn write_round(
    store: &Store,
    surveys: &[Survey],
    (snapshots, households, seed): (&[i64], usize, u64),
    plan: &RoundPlan,
) -> Result<Summary> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(2);
    std::thread::scope(|scope| {
        let producer = scope.spawn(|| {
            yield_to_writer();
            produce(surveys, (snapshots, households, seed), plan, sender)
        });
        let mut written = Ok(());
        for drawn in receiver {
            written = drawn.and_then(|(registry, batch)| store.insert_drawn(&registry, &batch));
            if written.is_err() {
                break; // dropping the receiver stops the producer
            }
        }
        let summary = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.map(|_| summary)
    })
}

/// Lowers the calling thread's priority below the writing thread's: the
/// county is done when the writer is, so the drawing threads take the time
/// it leaves rather than a share of its core (on Linux; elsewhere threads
/// share alike).
fn yield_to_writer() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` with this thread's own id lowers only its own
    // priority, which any thread may do; when it fails the priority stays
    // as it was, which is fine.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

/// Households and their interviews, written together, or why drawing
/// stopped.
type Batch = Result<(Vec<Household>, Vec<NewInterview>)>;

/// Who made an interview of `household` with snapshot `snapshot`, and
/// when: teams go village by village over 90 days, so times (and the
/// time-ordered UUIDs) grow with `progress` through the county, which also
/// keeps the index inserts of a large county sequential.
fn made(
    rng: &mut Rng,
    household: &Household,
    (snapshot, start_ms): (i64, i64),
    progress: f64,
) -> Made {
    let started =
        start_ms + (progress * 90.0 * 86_400_000.0) as i64 + (rng.next() % 3_600_000) as i64;
    let updated = started + 600_000 + (rng.next() % 1_800_000) as i64;
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next().to_le_bytes());
    random[8..].copy_from_slice(&rng.next().to_le_bytes()[..2]);
    Made {
        uuid: uuid::Builder::from_unix_timestamp_millis(started as u64, &random).into_uuid(),
        household: household.code.clone(),
        snapshot,
        interviewer: household.cadre.clone(),
        started_at: started,
        updated_at: updated,
    }
}

/// What drawing a household's interviews of a round reads.
struct Drawing<'a> {
    surveys: &'a [Survey],
    learned: &'a [Learned],
    snapshots: &'a [i64],
    plan: &'a RoundPlan,
    seed: u64,
    /// The county's size, for when in the fieldwork a household is.
    households: usize,
}

/// An interview decided on (which questionnaire, who, when, finished or a
/// draft) whose answers are still to be drawn: they draw on numbers of
/// their own, so interviews can be drawn on several threads and the
/// county comes out the same.
struct Pending {
    survey: usize,
    made: Made,
    /// The household's record, by its place among the batch's.
    household: usize,
    /// The chance of a hard answer in its village.
    hard: f64,
    draft: bool,
    seed: u64,
}

impl Drawing<'_> {
    /// Decides the interviews of household `number` of the county in this
    /// round, with its village's hardship `hard`; the household's record
    /// is number `at` of the batch.
    fn decide(
        &self,
        rng: &mut Rng,
        (household, number, at): (&Household, usize, usize),
        hard: &[f64],
        out: &mut Vec<Pending>,
    ) {
        let (plan, surveys) = (self.plan, self.surveys);
        for (s, &hard) in hard.iter().enumerate().take(surveys.len()) {
            let roll = rng.unit();
            if roll < plan.not_visited {
                continue; // not visited yet
            }
            let draft = roll < plan.not_visited + 0.02;
            // A household's answers draw on numbers of its own: the same
            // numbers as the first round for most households in a later
            // one (their lives change only as the village's hardship
            // does), fresh ones for the others.
            let key = if plan.index == 0 || rng.chance(0.6) {
                0
            } else {
                plan.index as u64
            };
            let own = number as u64 * surveys.len() as u64 + s as u64;
            let seed = self.seed
                ^ own.wrapping_mul(0xD6E8_FEB8_6659_FD93)
                ^ key.wrapping_mul(0xA076_1D64_78BD_642F);
            let progress = number as f64 / self.households.max(1) as f64;
            let made = made(rng, household, (self.snapshots[s], plan.start_ms), progress);
            out.push(Pending {
                survey: s,
                made,
                household: at,
                hard,
                draft,
                seed,
            });
        }
    }

    /// A decided interview with its answers drawn for the household as it
    /// is (`household`) on the day the interview began, and checked as
    /// completing checks them: a generated county holds nothing the app
    /// could not have written. What drawing worked out of relevance is
    /// not worked out again.
    fn draw(&self, pending: Pending, household: &HouseholdFacts) -> Result<NewInterview> {
        let s = pending.survey;
        let survey = &self.surveys[s];
        let facts = pending.made.facts(household);
        let mut own = Rng(pending.seed);
        let (answers, known) = answer(
            survey,
            &facts,
            &self.learned[s],
            pending.hard,
            pending.draft,
            &mut own,
        );
        // The record as of the interview's day, made once for both.
        Ok(if pending.draft {
            NewInterview::draft(pending.made, survey, &facts, answers)
        } else {
            NewInterview::complete(pending.made, survey, &facts, (answers, known))?
        })
    }

    /// The batch's decided interviews drawn, in order, on `threads`
    /// threads (this one among them); the first error in order when one
    /// fails.
    fn draw_all(
        &self,
        pending: Vec<Pending>,
        facts: &[HouseholdFacts],
        threads: usize,
    ) -> Result<Vec<NewInterview>> {
        let run = |part: Vec<Pending>| -> Result<Vec<NewInterview>> {
            part.into_iter()
                .map(|p| {
                    let household = &facts[p.household];
                    self.draw(p, household)
                })
                .collect()
        };
        let size = pending.len().div_ceil(threads.max(1)).max(1);
        let mut parts: Vec<Vec<Pending>> = Vec::new();
        let mut rest = pending.into_iter().peekable();
        while rest.peek().is_some() {
            parts.push(rest.by_ref().take(size).collect());
        }
        let mut parts = parts.into_iter();
        let Some(first) = parts.next() else {
            return Ok(Vec::new());
        };
        std::thread::scope(|scope| {
            let others: Vec<_> = parts
                .map(|part| {
                    scope.spawn(|| {
                        yield_to_writer();
                        run(part)
                    })
                })
                .collect();
            let mut out = run(first)?;
            for other in others {
                let drawn = other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                out.extend(drawn);
            }
            Ok(out)
        })
    }
}

/// Draws the county and sends it in batches; stops early when the writer
/// stops listening. The registry and each village's hardship come from one
/// stream, the same in every round; who is visited, and when, from a
/// stream of the round's own; the answers from numbers of each
/// household's own, drawn on as many threads as there are cores (four at
/// most).
fn produce(
    surveys: &[Survey],
    (snapshots, households, seed): (&[i64], usize, u64),
    plan: &RoundPlan,
    sender: std::sync::mpsc::SyncSender<Batch>,
) -> Summary {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    produce_on(
        surveys,
        (snapshots, households, seed),
        plan,
        sender,
        threads,
    )
}

fn produce_on(
    surveys: &[Survey],
    (snapshots, households, seed): (&[i64], usize, u64),
    plan: &RoundPlan,
    sender: std::sync::mpsc::SyncSender<Batch>,
    threads: usize,
) -> Summary {
    let mut rng = Rng(seed ^ 0x6D69_6E71_696E_6721);
    let mut answers_rng =
        Rng(seed ^ 0x616E_7377_6572_7321 ^ (plan.index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let learned: Vec<Learned> = surveys.iter().map(learn).collect();
    let drawing = Drawing {
        surveys,
        learned: &learned,
        snapshots,
        plan,
        seed,
        households,
    };
    let villages = households.div_ceil(HOUSEHOLDS_PER_VILLAGE).max(1);
    let mut summary = Summary {
        villages,
        ..Summary::default()
    };
    let mut batch = Drawn::default();
    let mut village_names: HashSet<(usize, String)> = HashSet::new();
    let mut written = 0;
    let mut cadre_number = 0;
    for v in 0..villages {
        let township_index = v % TOWNSHIPS.len();
        let township = TOWNSHIPS[township_index];
        let village = village_name(&mut rng, township_index, &mut village_names);
        let size = HOUSEHOLDS_PER_VILLAGE.min(households - written);
        let groups = 4 + rng.below(8);
        // Most villages are fine; some are hard, and hard in their own way.
        let base = rng.unit().powi(2);
        let mut hard: Vec<f64> = surveys
            .iter()
            .map(|_| (0.6 * base + 0.4 * rng.unit().powi(3)) * 0.6 + 0.02)
            .collect();
        plan.adjust(&mut answers_rng, (township_index, &village), &mut hard);
        let cadres = draw_cadres(&mut rng, township, size, &mut cadre_number);
        for (h, cadre) in cadres.iter().enumerate() {
            let place = (township_index, township, v, &*village);
            let household = draw_household(&mut rng, place, h, groups, cadre);
            let at = batch.facts.len();
            let number = written + h;
            drawing.decide(
                &mut answers_rng,
                (&household, number, at),
                &hard,
                &mut batch.pending,
            );
            batch.facts.push(household.facts());
            if plan.index == 0 {
                batch.registry.push(household);
            }
            let full = if summary.complete + summary.drafts == 0 {
                FIRST_BATCH
            } else {
                BATCH
            };
            if batch.pending.len() >= full {
                let full = std::mem::take(&mut batch);
                if !full.send(&drawing, threads, &sender, &mut summary) {
                    return summary;
                }
            }
        }
        written += size;
        summary.households = written;
    }
    batch.send(&drawing, threads, &sender, &mut summary);
    summary
}

/// A batch being drawn: the households to register, the interviews
/// decided on, and the records their answers read.
#[derive(Default)]
struct Drawn {
    registry: Vec<Household>,
    pending: Vec<Pending>,
    facts: Vec<HouseholdFacts>,
}

impl Drawn {
    /// Draws the batch's answers and sends it to the writer, counted in
    /// `summary`; false when drawing failed (the error sent) or the writer
    /// stopped listening.
    fn send(
        self,
        drawing: &Drawing<'_>,
        threads: usize,
        sender: &std::sync::mpsc::SyncSender<Batch>,
        summary: &mut Summary,
    ) -> bool {
        let drafts = self.pending.iter().filter(|p| p.draft).count();
        let total = self.pending.len();
        match drawing.draw_all(self.pending, &self.facts, threads) {
            Ok(interviews) => {
                summary.drafts += drafts;
                summary.complete += total - drafts;
                sender.send(Ok((self.registry, interviews))).is_ok()
            }
            Err(e) => {
                let _ = sender.send(Err(e));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every batch a county of `households` is sent in, drawn on
    /// `threads` threads, as text.
    fn drawn(surveys: &[Survey], households: usize, threads: usize) -> (Summary, Vec<String>) {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(64);
        let snapshots: Vec<i64> = (1..=surveys.len() as i64).collect();
        let summary = produce_on(
            surveys,
            (&snapshots, households, 7),
            &RoundPlan::first(),
            sender,
            threads,
        );
        let batches = receiver
            .into_iter()
            .map(|b| format!("{:?}", b.expect("drawn")))
            .collect();
        (summary, batches)
    }

    #[test]
    fn a_county_comes_out_the_same_on_any_number_of_threads() {
        let surveys: Vec<Survey> = crate::survey::bundled::BUNDLED
            .iter()
            .map(|(_, text)| crate::survey::load(text).survey.expect("bundled loads"))
            .collect();
        let one = drawn(&surveys, 300, 1);
        assert_eq!(one.0.households, 300);
        assert!(one.0.complete > 1_000 && one.0.drafts > 0, "{:?}", one.0);
        assert_eq!(one.1.len(), 1);
        assert!(
            one.1[0].contains("0100010300"),
            "the last household is sent"
        );
        for threads in [2, 3, 7] {
            assert_eq!(drawn(&surveys, 300, threads), one, "{threads} threads");
        }
    }
}
