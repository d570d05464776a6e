//! Parquet datasets as folders, written whole or not at all: filled under
//! a temporary name beside their target (`DIR.<pid>.part`), every file
//! synced, then put in place. A folder is only ever replaced when it holds
//! nothing but an earlier export's township folders and files, and only
//! with `--force`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::csv_out::{ExportError, Sink};
use super::parquet::Dataset;
use crate::files::Refusal;
use crate::tr;

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
    let empty = fs::read_dir(out)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(false);
    }
    if !is_dataset(out) {
        return Err(ExportError::Usage(tr!(
            "{p} 是一个装有其他文件的文件夹,没有改动它,--force 也不会改动它;请换一个文件夹名(--out)",
            "{p} is a folder holding other files and was left as it is, even with --force: choose another folder name (--out)"
        )));
    }
    if !force {
        return Err(ExportError::Refused(Refusal::Exists(out.to_path_buf())));
    }
    Ok(true)
}

/// Whether `dir` holds only what a Parquet export writes: `township=…`
/// folders of `part-N.parquet` files.
pub fn is_dataset(dir: &Path) -> bool {
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
                    })
                })
            })
    })
}

/// Removes the folders that exports of `target` stopped by a kill or a
/// power cut left beside it; returns those removed.
pub fn remove_leftovers(target: &Path) -> Vec<PathBuf> {
    crate::files::leftover_parts(target)
        .into_iter()
        .filter(|p| p.is_dir() && is_dataset(p) && fs::remove_dir_all(p).is_ok())
        .collect()
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
        let mut name = out.as_os_str().to_owned();
        name.push(format!(".{}.part", std::process::id()));
        let tmp = PathBuf::from(name);
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
    for (part, (out, replace, _)) in parts.iter_mut().zip(outs) {
        place(&part.0, out, *replace)?;
        part.0 = PathBuf::new();
    }
    Ok(())
}

/// Puts the finished folder `tmp` at `out`: over the earlier export there
/// when `replace`, otherwise never over a folder that appeared meanwhile
/// with anything in it.
fn place(tmp: &Path, out: &Path, replace: bool) -> Result<(), ExportError> {
    let io_error = |source| ExportError::Io {
        path: out.to_path_buf(),
        source,
    };
    if let Ok(dir) = fs::File::open(tmp) {
        dir.sync_all().map_err(io_error)?;
    }
    if !replace {
        return fs::rename(tmp, out).map_err(|e| match e.kind() {
            io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists => {
                ExportError::Refused(Refusal::Exists(out.to_path_buf()))
            }
            _ => io_error(e),
        });
    }
    let mut old = out.as_os_str().to_owned();
    // Named as a leftover would be, so that a kill between the two
    // renames leaves nothing a later export does not clear.
    old.push(format!(".{}-old.part", std::process::id()));
    let old = PathBuf::from(old);
    fs::rename(out, &old).map_err(io_error)?;
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(io_error(e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
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
            let mut part = out.as_os_str().to_owned();
            part.push(format!(".{}.part", std::process::id()));
            fs::write(PathBuf::from(part).join("township=勐烈镇"), "in the way").expect("write");
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
        assert!(is_dataset(&out));
        assert!(
            out.join("township=__HIVE_DEFAULT_PARTITION__/part-0.parquet")
                .exists()
        );
    }
}
