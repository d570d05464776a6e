//! Parquet datasets as folders, written whole or not at all: filled under
//! a temporary name beside their target (`DIR.<pid>.part`), every file and
//! folder synced, then put in place. A folder is only ever replaced when
//! it holds nothing but an earlier export's township folders of files
//! Minqing wrote, and only with `--force`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::csv_out::{ExportError, Sink};
use super::parquet::Dataset;
use crate::files::Refusal;
use crate::tr;

/// `out` as the folder it names (`responses/` is `responses`); `.`, `..`
/// and a root name no folder an export could make.
pub fn folder(out: &Path) -> Result<PathBuf, ExportError> {
    match out.file_name() {
        Some(name) => Ok(out.parent().unwrap_or(Path::new("")).join(name)),
        None => {
            let p = out.display();
            Err(ExportError::Usage(tr!(
                "{p} 不是一个新文件夹的名称:Parquet 导出写一个自己的文件夹,请给出它的名称(例如 --out responses)",
                "{p} does not name a new folder: a Parquet export writes a folder of its own, so give its name (such as --out responses)"
            )))
        }
    }
}

/// Whether the folder `out` may be written: `Ok(true)` when it holds an
/// earlier export that `force` lets this one replace, `Ok(false)` when
/// there is none (or only an empty folder).
pub fn target(out: &Path, force: bool) -> Result<bool, ExportError> {
    let p = out.display();
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(ExportError::Refused(Refusal::Io {
                path: out.to_path_buf(),
                source,
            }));
        }
    };
    if meta.file_type().is_symlink() {
        return Err(ExportError::Usage(tr!(
            "{p} 是一个链接,Parquet 导出不会写它;请换一个文件夹名(--out)",
            "{p} is a link, and a Parquet export does not write it: choose another folder name (--out)"
        )));
    }
    if !meta.is_dir() {
        return Err(ExportError::Usage(tr!(
            "{p} 是一个文件,没有改动它;Parquet 导出写的是文件夹(每个乡镇一个子文件夹):请换一个名称(--out)",
            "{p} is a file and was left as it is; a Parquet export writes a folder (one folder per township): choose another name (--out)"
        )));
    }
    if is_empty(out) {
        return Ok(false);
    }
    if !is_dataset(out, Footers::Read) {
        return Err(ExportError::Usage(tr!(
            "{p} 是一个装有其他文件的文件夹(不是民情导出的),没有改动它,--force 也不会改动它;请换一个文件夹名(--out)",
            "{p} is a folder holding other files (not an export of Minqing's) and was left as it is, even with --force: choose another folder name (--out)"
        )));
    }
    if !force {
        return Err(ExportError::Usage(tr!(
            "{p} 里已有一次导出,没有改动它;换一个文件夹名(--out),或加 --force 替换它",
            "{p} already holds an export and was left as it is; choose another folder name (--out), or add --force to replace it"
        )));
    }
    Ok(true)
}

/// The target changed while the export was written.
fn taken(out: &Path) -> ExportError {
    let p = out.display();
    ExportError::Usage(tr!(
        "导出时 {p} 被别的程序写入了,没有改动它,也没有留下这次导出;请换一个文件夹名(--out)再导出",
        "{p} was written by another program during the export and was left as it is, and nothing of this export was left: export again under another folder name (--out)"
    ))
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(false)
}

/// Whether [`is_dataset`] reads each file's footer (a file an export was
/// killed writing has none yet).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Footers {
    Read,
    Skip,
}

/// Whether `dir` holds only what a Parquet export writes: `township=…`
/// folders of `part-N.parquet` files, each (when `footers` says so) a
/// Parquet file whose metadata says Minqing wrote it (another tool may
/// write the same layout).
pub fn is_dataset(dir: &Path, footers: Footers) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        let Ok(entry) = entry else {
            return false;
        };
        let name = entry.file_name();
        let township = name.to_str().is_some_and(|n| n.starts_with("township="));
        let real_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        township
            && real_dir
            && fs::read_dir(entry.path()).is_ok_and(|files| {
                files.into_iter().all(|f| {
                    f.is_ok_and(|f| {
                        let name = f.file_name();
                        let name = name.to_str().unwrap_or("");
                        f.file_type().is_ok_and(|t| t.is_file())
                            && name.starts_with("part-")
                            && name.ends_with(".parquet")
                            && (footers == Footers::Skip || written_by_minqing(&f.path()))
                    })
                })
            })
    })
}

/// Whether the Parquet file at `path` says Minqing wrote it.
fn written_by_minqing(path: &Path) -> bool {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let Ok(reader) = SerializedFileReader::new(file) else {
        return false;
    };
    reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .is_some_and(|kv| kv.iter().any(|k| k.key == "minqing:export"))
}

/// The tag of an earlier export set aside while it is replaced
/// (`FOLDER.<pid>-old.part`).
const SET_ASIDE: &str = "old";

/// What a stopped export left beside its target and the next run did.
pub enum Leftover {
    /// A folder being written, removed.
    Removed(PathBuf),
    /// An earlier export set aside while being replaced, put back where
    /// it was (nothing had taken its place).
    Restored(PathBuf),
}

/// Clears what exports of `target` stopped by a kill or a power cut left
/// beside it: folders being written are removed; an earlier export set
/// aside for a replacement that never came is put back.
pub fn clear_leftovers(target: &Path) -> Vec<Leftover> {
    let mut done = Vec::new();
    for p in crate::files::leftover_parts(target) {
        if !p.is_dir() || !is_dataset(&p, Footers::Skip) {
            continue;
        }
        let set_aside = (p.to_str()).is_some_and(|n| n.ends_with(&format!("-{SET_ASIDE}.part")));
        if set_aside && !target.exists() {
            if fs::rename(&p, target).is_ok() {
                done.push(Leftover::Restored(target.to_path_buf()));
            }
        } else if fs::remove_dir_all(&p).is_ok() {
            done.push(Leftover::Removed(p));
        }
    }
    done
}

/// A folder being written, removed when dropped: on every error, and if
/// filling it panics.
struct PartDir(PathBuf);

impl Drop for PartDir {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Writes the datasets at `outs` (each with whether it replaces an earlier
/// export, see [`target`], and what it holds) with `fill`, given their
/// sinks in the same order: each whole or not at all.
pub fn write_all(
    outs: &[(PathBuf, bool, String)],
    fill: impl FnOnce(&mut [Sink<'_>]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut parts = Vec::new();
    let mut sinks = Vec::new();
    for (out, _, what) in outs {
        let tmp = crate::files::part_name(out, None);
        // Readable by its owner only, as the CSV files are. Created before
        // the guard exists: a folder of that name that this run did not
        // create is never removed.
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&tmp).map_err(|source| ExportError::Io {
            path: tmp.clone(),
            source,
        })?;
        parts.push(PartDir(tmp.clone()));
        sinks.push(Sink::parquet(Dataset::new(&tmp, what), out));
    }
    fill(&mut sinks)?;
    for sink in sinks {
        if let Some(dataset) = sink.into_dataset() {
            dataset.finish()?;
        }
    }
    // Every target is judged again before anything is put in place, so
    // that a folder that changed meanwhile stops them all; the first
    // (the responses, which the others join) is put in place last.
    for (out, replace, _) in outs {
        let still = match replace {
            true => is_dataset(out, Footers::Read),
            false => !out.exists() || (out.is_dir() && is_empty(out)),
        };
        if !still {
            return Err(taken(out));
        }
    }
    for (part, (out, replace, _)) in parts.iter_mut().zip(outs).rev() {
        place(&part.0, out, *replace)?;
        part.0 = PathBuf::new();
    }
    Ok(())
}

/// Syncs the folder `dir`, so that the names in it survive a power cut.
fn sync_folder(dir: &Path) -> io::Result<()> {
    match fs::File::open(dir) {
        Ok(d) => d.sync_all(),
        // Some systems cannot open a folder to sync it.
        Err(_) => Ok(()),
    }
}

/// Puts the finished folder `tmp` at `out`: over the earlier export there
/// when `replace`, otherwise never over a folder that appeared meanwhile
/// with anything in it.
fn place(tmp: &Path, out: &Path, replace: bool) -> Result<(), ExportError> {
    let io_error = |source| ExportError::Io {
        path: out.to_path_buf(),
        source,
    };
    sync_folder(tmp).map_err(io_error)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !replace {
        fs::rename(tmp, out).map_err(|e| match e.kind() {
            io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists => taken(out),
            _ => io_error(e),
        })?;
        return sync_folder(&parent).map_err(io_error);
    }
    // Named as a leftover would be: a kill between the two renames leaves
    // it for the next export to put back (see [`clear_leftovers`]).
    let old = crate::files::part_name(out, Some(SET_ASIDE));
    fs::rename(out, &old).map_err(io_error)?;
    if !is_dataset(&old, Footers::Read) {
        // Something else took its place meanwhile: put back, untouched.
        let _ = fs::rename(&old, out);
        return Err(taken(out));
    }
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(io_error(e));
    }
    let _ = fs::remove_dir_all(&old);
    sync_folder(&parent).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv_out::Cell;
    use crate::report::parquet::{Field, Kind};

    fn fields() -> Vec<Field> {
        vec![
            Field::text("code"),
            Field::township("township"),
            Field::new("members", Kind::Int),
        ]
    }

    #[test]
    fn a_dataset_that_fails_half_way_leaves_nothing() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let out = dir.path().join("hh");
        let outs = [(out.clone(), false, "households".to_string())];
        let result = write_all(&outs, |sinks| {
            let sink = &mut sinks[0];
            sink.fields(&fields())?;
            sink.row(&[Cell::text("1"), Cell::text("城关镇"), Cell::int(3)])?;
            // The next township's folder cannot be made, as on a full disk.
            let part = crate::files::part_name(&out, None);
            fs::write(part.join("township=勐烈镇"), "in the way").expect("write");
            sink.row(&[Cell::text("2"), Cell::text("勐烈镇"), Cell::int(4)])
        });
        let err = result.expect_err("the write fails");
        assert!(
            err.message().en.contains("township=勐烈镇"),
            "{}",
            err.message().en
        );
        assert!(err.message().en.contains("no partial file was left"));
        let left: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert!(
            left.is_empty(),
            "neither the dataset nor its temporary folder"
        );
    }

    #[test]
    fn a_value_not_of_its_type_stops_the_export_unless_kept_beside() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let out = dir.path().join("hh");
        let outs = [(out.clone(), false, "households".to_string())];
        let result = write_all(&outs, |sinks| {
            sinks[0].fields(&fields())?;
            sinks[0].row(&[Cell::text("1"), Cell::text("城关镇"), Cell::text("three")])
        });
        let err = result.expect_err("never dropped silently");
        assert!(err.message().en.contains("'three' of column members"));
        assert!(!out.exists());
        let kept = [Field::new("members", Kind::Int).keeping_other()];
        write_all(&outs, |sinks| {
            sinks[0].fields(&kept)?;
            sinks[0].row(&[Cell::text("three")])?;
            sinks[0].row(&[Cell::text("")])?;
            sinks[0].row(&[Cell::int(4)])
        })
        .expect("written");
        assert!(is_dataset(&out, Footers::Read));
        assert!(
            out.join("township=__HIVE_DEFAULT_PARTITION__/part-0.parquet")
                .exists()
        );
    }
}
