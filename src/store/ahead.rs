//! The interviews of an export read ahead on another thread, through a
//! connection of its own, while this one writes what was read: SQLite
//! reading and sorting on one core, the export's formatting on the other.

use std::path::PathBuf;
use std::sync::mpsc;

use super::overview::{InterviewRow, Stopped, interview_row, walk_interviews};
use super::{Store, StoreError};

/// Rows packed a batch at a time: the text of every row in one buffer,
/// the numbers beside it.
#[derive(Default)]
struct Batch {
    text: String,
    uuids: Vec<u8>,
    rows: Vec<Packed>,
}

/// One row of a [`Batch`]: where each text field ends in the batch's
/// text (the first starts where the row's does) and its numbers.
struct Packed {
    start: usize,
    ends: [usize; TEXTS],
    uuid: (usize, usize),
    snapshot: i64,
    started_at: i64,
    updated_at: i64,
    completed_at: Option<i64>,
    members: i64,
}

/// The text fields of an [`InterviewRow`], in the order [`Batch::row`]
/// reads them back.
const TEXTS: usize = 13;
/// Rows sent at a time.
const BATCH: usize = 512;

impl Batch {
    /// An empty batch with the room of this one, so that the next is not
    /// grown again by doubling.
    fn empty_like(&self) -> Batch {
        Batch {
            text: String::with_capacity(self.text.capacity()),
            uuids: Vec::with_capacity(self.uuids.capacity()),
            rows: Vec::with_capacity(BATCH),
        }
    }

    fn push(&mut self, r: &InterviewRow<'_>) {
        let start = self.text.len();
        let mut ends = [0; TEXTS];
        let texts = [
            r.code,
            r.township,
            r.village,
            r.group,
            r.head,
            r.survey,
            r.version,
            r.interviewer,
            r.status,
            r.answers,
            r.phone,
            r.cadre,
            r.round,
        ];
        for (end, value) in ends.iter_mut().zip(texts) {
            self.text.push_str(value);
            *end = self.text.len();
        }
        let uuid_start = self.uuids.len();
        self.uuids.extend_from_slice(r.uuid);
        self.rows.push(Packed {
            start,
            ends,
            uuid: (uuid_start, self.uuids.len()),
            snapshot: r.snapshot,
            started_at: r.started_at,
            updated_at: r.updated_at,
            completed_at: r.completed_at,
            members: r.members,
        });
    }

    fn row(&self, p: &Packed) -> InterviewRow<'_> {
        let field = |i: usize| {
            let from = if i == 0 { p.start } else { p.ends[i - 1] };
            &self.text[from..p.ends[i]]
        };
        InterviewRow {
            code: field(0),
            township: field(1),
            village: field(2),
            group: field(3),
            head: field(4),
            survey: field(5),
            version: field(6),
            snapshot: p.snapshot,
            interviewer: field(7),
            status: field(8),
            started_at: p.started_at,
            updated_at: p.updated_at,
            completed_at: p.completed_at,
            answers: field(9),
            uuid: &self.uuids[p.uuid.0..p.uuid.1],
            members: p.members,
            phone: field(10),
            cadre: field(11),
            round: field(12),
        }
    }
}

/// Reads the interviews of `which` from the database at `path` and sends
/// them in batches; stops when the receiver is gone.
fn read(
    path: PathBuf,
    (survey, round, by_township): (Option<String>, Option<i64>, bool),
    sender: &mpsc::SyncSender<rusqlite::Result<Batch>>,
) -> rusqlite::Result<()> {
    let conn = super::file::read_only(&path)?;
    let mut batch = Batch::default();
    let which = (survey.as_deref(), round, by_township);
    // Stopped by `None` when the receiver is gone: nothing more is wanted.
    let walked = walk_interviews(&conn, which, |r| {
        batch.push(&interview_row(r).map_err(Some)?);
        if batch.rows.len() == BATCH {
            let next = batch.empty_like();
            if sender
                .send(Ok(std::mem::replace(&mut batch, next)))
                .is_err()
            {
                return Err(None);
            }
        }
        Ok(())
    });
    match walked {
        Ok(()) => {
            let _ = sender.send(Ok(batch));
            Ok(())
        }
        Err(Stopped::By(None)) => Ok(()),
        Err(Stopped::By(Some(e)) | Stopped::Sql(e)) => Err(e),
    }
}

impl Store {
    /// [`Store::for_each_interview`], the rows read ahead on another
    /// thread through a connection of its own (read only), so that
    /// reading and `f` run side by side. The other connection reads the
    /// file as it is when it starts: a caller that read the questionnaire
    /// versions before must check each row's is one it knows.
    pub fn for_each_interview_ahead<E: From<StoreError>>(
        &self,
        (survey, round, by_township): (Option<&str>, Option<i64>, bool),
        mut f: impl FnMut(InterviewRow<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let located = |e: rusqlite::Error| E::from(StoreError::from(e).at(&self.path));
        let (sender, receiver) = mpsc::sync_channel::<rusqlite::Result<Batch>>(4);
        let path = self.path.clone();
        let which = (survey.map(str::to_string), round, by_township);
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                if let Err(e) = read(path, which, &sender) {
                    let _ = sender.send(Err(e));
                }
            });
            let mut result = Ok(());
            for batch in receiver.iter() {
                let batch = match batch {
                    Ok(batch) => batch,
                    Err(e) => {
                        result = Err(located(e));
                        break;
                    }
                };
                if let Err(e) = batch.rows.iter().try_for_each(|p| f(batch.row(p))) {
                    result = Err(e);
                    break;
                }
            }
            // Dropping the receiver stops the reader at its next batch; a
            // reader that panicked never ends the walk as if it were whole.
            drop(receiver);
            if let Err(panic) = reader.join() {
                std::panic::resume_unwind(panic);
            }
            result
        })
    }
}
