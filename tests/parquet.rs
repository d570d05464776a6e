//! `export … --format parquet`: datasets partitioned by township, typed,
//! with the codebook in each file, that DuckDB reads to the same counts
//! as Minqing ranks; written whole or not at all, and never over what an
//! export did not write.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

/// Every `township=…/part-N.parquet` file of a dataset, in order.
fn files_of(dataset: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dataset)
        .expect("dataset")
        .flat_map(|township| fs::read_dir(township.expect("entry").path()).expect("township"))
        .map(|f| f.expect("file").path())
        .collect();
    files.sort();
    files
}

fn reader(file: &Path) -> SerializedFileReader<fs::File> {
    SerializedFileReader::new(fs::File::open(file).expect("open")).expect("a Parquet file")
}

/// Rows in every file of a dataset.
fn rows_of(dataset: &Path) -> i64 {
    files_of(dataset)
        .iter()
        .map(|f| reader(f).metadata().file_metadata().num_rows())
        .sum()
}

/// Lines of a CSV export, header aside.
fn csv_rows(path: &Path) -> i64 {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    reader.records().count() as i64
}

fn export(db: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = common::minqing(db);
    cmd.arg("export").args(args);
    cmd
}

#[test]
fn duckdb_reads_the_partitioned_responses_to_the_households_affected_minqing_ranks() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = common::demo_county(dir.path(), &["--households", "3000", "--seed", "5"]);
    let responses = dir.path().join("responses");
    let ranked = dir.path().join("priorities.csv");
    export(&db, &["responses", "--format", "parquet", "--out"])
        .arg(&responses)
        .assert()
        .success();
    export(&db, &["priorities", "--plain", "--out"])
        .arg(&ranked)
        .assert()
        .success();
    let out = std::process::Command::new("python3")
        .arg("tests/parquet/duckdb_affected.py")
        .arg(&responses)
        .arg(&ranked)
        .output()
        .expect("python3 runs (tests/run.sh installs duckdb with pip)");
    let said = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}{err}");
    assert!(said.contains("agree"), "{said}");
}

#[test]
fn columns_are_typed_and_each_file_carries_the_codebook_and_its_township() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = common::demo_county(dir.path(), &["--households", "1200", "--seed", "2"]);
    for what in ["responses", "priorities", "households"] {
        let folder = dir.path().join(what);
        let csv = dir.path().join(format!("{what}.csv"));
        export(&db, &[what, "--format", "parquet", "--out"])
            .arg(&folder)
            .assert()
            .success();
        export(&db, &[what, "--out"]).arg(&csv).assert().success();
        assert_eq!(rows_of(&folder), csv_rows(&csv), "{what}: every row");
        // A folder per township of the registry, each file saying its own.
        for file in files_of(&folder) {
            let township = file
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("township="))
                .expect("a township's folder")
                .to_string();
            let r = reader(&file);
            let kv = r
                .metadata()
                .file_metadata()
                .key_value_metadata()
                .expect("metadata");
            let said = |key: &str| {
                kv.iter()
                    .find(|k| k.key == key)
                    .and_then(|k| k.value.clone())
                    .unwrap_or_else(|| panic!("{key} in {file:?}"))
            };
            assert_eq!(said("minqing:township"), township);
            assert_eq!(said("minqing:export"), what);
            let schema = r.metadata().file_metadata().schema_descr_ptr();
            assert!(
                schema.columns().iter().all(|c| c.name() != "township"),
                "the township is the folder's, not a column"
            );
        }
    }
    let first = |what: &str| reader(&files_of(&dir.path().join(what))[0]);
    let r = first("responses");
    let meta = r.metadata().file_metadata();
    let column = |name: &str| {
        let c = meta
            .schema_descr()
            .columns()
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone();
        (c.physical_type(), c.logical_type_ref().cloned())
    };
    assert_eq!(
        column("code"),
        (Physical::BYTE_ARRAY, Some(LogicalType::String))
    );
    assert!(matches!(
        column("started"),
        (Physical::INT64, Some(LogicalType::Timestamp(t))) if t.is_adjusted_to_u_t_c
    ));
    assert_eq!(column("water.fetch_minutes"), (Physical::INT64, None));
    assert_eq!(
        column("water.fetch_minutes__text"),
        (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        "what is not a number kept beside it"
    );
    assert_eq!(
        column("water.quality_problems/illness"),
        (Physical::INT64, None)
    );
    // Times are the instants the CSV shows in Beijing time.
    let row = r
        .get_row_iter(None)
        .expect("rows")
        .next()
        .expect("a row")
        .expect("row");
    let field = |name: &str| {
        row.get_column_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f.clone())
            .expect(name)
    };
    let (Field::Str(id), Field::TimestampMillis(started)) = (field("interview"), field("started"))
    else {
        panic!("an interview's id and start");
    };
    let mut csv = csv::Reader::from_path(dir.path().join("responses.csv")).expect("csv");
    let header = csv.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let same = csv
        .records()
        .map(|r| r.expect("row"))
        .find(|r| r[at("interview")] == id)
        .expect("the same interview");
    assert_eq!(
        same[at("started")],
        minqing::report::csv_out::beijing_time(started)
    );
    let kv = meta.key_value_metadata().expect("metadata");
    let codebook = kv
        .iter()
        .find(|k| k.key == "codebook:water.fetch_minutes")
        .and_then(|k| k.value.as_deref())
        .expect("the question's entry");
    let entry: serde_json::Value = serde_json::from_str(codebook).expect("JSON");
    assert_eq!(entry["type"], "integer");
    assert_eq!(entry["survey"], "water");
    assert!(entry["label"]["zh"].as_str().is_some_and(|l| !l.is_empty()));
    assert!(entry["label"]["en"].as_str().is_some_and(|l| !l.is_empty()));
    let r = first("priorities");
    let kind = |name: &str| column_of(&r, name);
    assert_eq!(kind("households affected"), Physical::INT64);
    assert_eq!(kind("share"), Physical::DOUBLE);
    assert_eq!(kind("rule"), Physical::BYTE_ARRAY);
    assert_eq!(column_of(&first("households"), "members"), Physical::INT64);
}

fn column_of(r: &SerializedFileReader<fs::File>, name: &str) -> Physical {
    let schema = r.metadata().file_metadata().schema_descr_ptr();
    let c = schema
        .columns()
        .iter()
        .find(|c| c.name() == name)
        .expect(name);
    c.physical_type()
}

#[test]
fn a_parquet_export_never_writes_over_what_it_did_not_write() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = common::demo_county(dir.path(), &["--households", "300"]);
    let parquet = |out: &Path, extra: &[&str]| {
        common::minqing(&db)
            .args(["export", "households", "--format", "parquet", "--out"])
            .arg(out)
            .args(extra)
            .assert()
    };
    // A file of that name is left as it is, even with --force.
    let file = dir.path().join("notes.txt");
    fs::write(&file, "mine").expect("write");
    parquet(&file, &["--force"])
        .failure()
        .stderr(predicates::str::contains("is a file and was left as it is"));
    assert_eq!(fs::read_to_string(&file).expect("read"), "mine");
    // So is a folder holding anything else.
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).expect("mkdir");
    fs::write(docs.join("plan.docx"), "plan").expect("write");
    parquet(&docs, &["--force"])
        .failure()
        .stderr(predicates::str::contains("even with --force"));
    assert_eq!(fs::read_dir(&docs).expect("ls").count(), 1);
    // And a link.
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&docs, &link).expect("link");
        parquet(&link, &["--force"])
            .failure()
            .stderr(predicates::str::contains("is a link"));
    }
    // An empty folder is filled; an earlier export is replaced only with
    // --force, and then whole.
    let out = dir.path().join("hh");
    fs::create_dir(&out).expect("mkdir");
    parquet(&out, &[]).success();
    let before = rows_of(&out);
    assert_eq!(before, 300);
    parquet(&out, &[])
        .failure()
        .stderr(predicates::str::contains("--force"));
    let inode = |dir: &Path| {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(&files_of(dir)[0]).expect("file").ino()
    };
    let first = inode(&out);
    parquet(&out, &["--force"]).success();
    assert_eq!(rows_of(&out), before);
    assert_ne!(inode(&out), first, "written anew");
    // The same layout written by another tool is not an export of ours.
    let foreign = dir.path().join("theirs");
    fs::create_dir_all(foreign.join("township=x")).expect("mkdir");
    fs::copy(
        &files_of(&out)[0],
        foreign.join("township=x/part-0.parquet"),
    )
    .expect("copy");
    fs::write(foreign.join("township=x/part-1.parquet"), "not Parquet").expect("write");
    parquet(&foreign, &["--force"])
        .failure()
        .stderr(predicates::str::contains("not an export of Minqing's"));
    assert!(foreign.join("township=x/part-1.parquet").exists());
    // A folder named with a trailing slash is that folder; `.` names none.
    let slash = dir.path().join("slash");
    parquet(Path::new(&format!("{}/", slash.display())), &[]).success();
    assert_eq!(rows_of(&slash), before);
    parquet(Path::new("."), &[])
        .failure()
        .stderr(predicates::str::contains("does not name a new folder"));
    // Standard output, and what has no Parquet form, are refused.
    parquet(Path::new("-"), &[])
        .failure()
        .stderr(predicates::str::contains("not standard output"));
    common::minqing(&db)
        .args(["export", "codebook", "--format", "parquet"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("export the others as CSV"));
    // A folder left by an export that was killed is cleared; one that holds
    // anything else, though named alike, is not.
    let left = dir.path().join("hh.999999999.part");
    fs::create_dir_all(left.join("township=x")).expect("mkdir");
    fs::write(left.join("township=x/part-0.parquet"), "half").expect("write");
    let alike = dir.path().join("hh.999999998.part");
    fs::create_dir(&alike).expect("mkdir");
    fs::write(alike.join("keep.txt"), "keep").expect("write");
    parquet(&out, &["--force"])
        .success()
        .stderr(predicates::str::contains("removed"));
    assert!(!left.exists());
    assert!(alike.join("keep.txt").exists());
    // An earlier export set aside by a replacement that was killed is put
    // back, when nothing took its place.
    let aside = dir.path().join("hh.999999997-old.part");
    fs::rename(&out, &aside).expect("set aside");
    parquet(&out, &[])
        .failure()
        .stderr(predicates::str::contains("is back at"));
    assert_eq!(rows_of(&out), before);
    assert!(!aside.exists());
    // Nothing is left beside a target whose folder cannot be made.
    let nowhere = dir.path().join("no/such/folder/hh");
    parquet(&nowhere, &[])
        .failure()
        .stderr(predicates::str::contains("no partial file was left"));
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert_eq!(names, ["hh.999999998.part"], "no folder of this run left");
}
