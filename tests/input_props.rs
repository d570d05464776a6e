//! Property tests of what comes from outside, the `cargo test` side of the
//! fuzz targets in `fuzz/`: questionnaires edited at random and household
//! registries of any shape never make Minqing panic, and sound input is
//! read as written. Then every input the fuzzers kept, and every input
//! that once broke something, is run again.

#[path = "common/inputs.rs"]
mod inputs;

use std::fs;
use std::path::Path;

use inputs::{evaluate, import_and_report, load_and_report};
use minqing::report::csv_out::{Cell, write};
use minqing::store::import::{parse, undo_excel};
use minqing::survey::bundled::BUNDLED;
use proptest::prelude::*;

/// Pieces of TOML and of the questionnaire format that edits insert, so
/// that edited files go deep into the loader rather than stop at a syntax
/// error.
const TOML_PIECES: &[&str] = &[
    "\n[[question]]\n",
    "\n[[need]]\n",
    "\n[survey]\n",
    "name = \"x\"\n",
    "type = \"select_one\"\n",
    "type = \"integer\"\n",
    "choices = [\"a\", \"b\"]\n",
    "relevant = \"${a} = 'x'\"\n",
    "when = \"${b} > 3\"\n",
    "severity = 9\n",
    "label = { zh = \"问\", en = \"Q\" }\n",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    "\n",
    "饮水",
    "${",
    "\u{feff}",
];

/// One edit of a text: (kind, place, length, piece), applied at a char
/// boundary.
fn edit(text: &str, (kind, at, len, piece): (u8, usize, usize, usize)) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let start = bounds[at % bounds.len()];
    let end = bounds[(at % bounds.len() + len % 40).min(bounds.len() - 1)];
    let piece = TOML_PIECES[piece % TOML_PIECES.len()];
    match kind % 3 {
        0 => format!("{}{}", &text[..start], &text[end..]),
        1 => format!("{}{piece}{}", &text[..start], &text[start..]),
        _ => format!("{}{piece}{}", &text[..start], &text[end..]),
    }
}

/// Cells of registry rows: sound ones and every kind of trouble.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{2}-[0-9]{4}",
        "[勐曼新老][烈贺寨山][镇村]",
        "[0-9]{1,3}",
        "[０-９]{1,2}",
        Just(String::new()),
        Just("\"quoted, with comma\"".to_string()),
        Just("\"a \"\"quote\"\" inside\"".to_string()),
        Just("-1".to_string()),
        Just("=SUM(A1)".to_string()),
        "\\PC{0,12}",
    ]
}

fn header() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "户编码",
            "乡镇",
            "村",
            "组",
            "户主",
            "人口",
            "电话",
            "备注",
            "code",
            "township",
            "village",
            "group",
            "head",
            "members",
            "Members",
            "其他",
        ]),
        0..9,
    )
    .prop_map(|h| h.into_iter().map(String::from).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn questionnaires_edited_at_random_are_reported_never_panicked_on(
        file in 0..BUNDLED.len(),
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..6),
    ) {
        let mut text = BUNDLED[file].1.to_string();
        for e in edits {
            text = edit(&text, e);
        }
        load_and_report(&text);
    }

    #[test]
    fn any_bytes_as_a_questionnaire_are_reported(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_and_report(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn registries_of_any_shape_are_read_or_refused_never_panicked_on(
        header in header(),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..12),
        gbk in any::<bool>(),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut text = header.join(",");
        for row in &rows {
            text.push_str(newline);
            text.push_str(&row.join(","));
        }
        let mut bytes = if gbk {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        if bom && !gbk {
            bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
        }
        import_and_report(&bytes);
    }

    #[test]
    fn any_bytes_as_a_registry_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        import_and_report(&bytes);
    }

    #[test]
    fn what_the_excel_export_protects_the_import_reads_back(text in "['=+@\t\r0-9a-z-]{0,3}\\PC{0,6}") {
        // Written by the export for Excel, read back as a CSV file.
        let dir = tempfile::TempDir::new().expect("temp dir");
        let out = dir.path().join("cells.csv");
        write(&out, true, false, |sink| sink.row(&[Cell::text(text.as_str()), Cell::text("end")]))
            .expect("written");
        let bytes = fs::read(&out).expect("read back");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("the mark Excel needs"));
        let record = reader.records().next().expect("one row").expect("a CSV row");
        prop_assert_eq!(undo_excel(&record[0]), text.as_str());
        prop_assert_eq!(&record[1], "end");
    }

    #[test]
    fn a_sound_registry_is_read_as_written(
        rows in prop::collection::vec(("[勐曼][烈贺]镇", "[新老][寨山]村", "[李王张][明芳]", 1i64..20), 1..30),
    ) {
        let mut text = String::from("户编码,乡镇,村,户主,人口\n");
        for (n, (township, village, head, members)) in rows.iter().enumerate() {
            text.push_str(&format!("MZ-{n:04},{township},{village},{head},{members}\n"));
        }
        let parsed = parse(text.as_bytes(), false).expect("a sound registry");
        prop_assert!(parsed.bad.is_empty() && parsed.ignored_columns.is_empty());
        prop_assert!(parsed.normalised_codes.is_empty());
        prop_assert_eq!(parsed.rows.len(), rows.len());
        for (row, (township, village, head, members)) in parsed.rows.iter().zip(&rows) {
            let h = &row.household;
            prop_assert_eq!(&h.township, township);
            prop_assert_eq!(&h.village, village);
            prop_assert_eq!(&h.head, head);
            prop_assert_eq!(h.members, *members);
        }
    }
}

/// Every file in `dir` (none when it does not exist).
fn inputs(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| fs::read(e.expect("entry").path()).expect("read"))
        .collect()
}

#[test]
fn every_input_the_fuzzers_kept_or_that_once_broke_something_runs_again() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut runs = 0;
    for place in ["corpus", "regressions"] {
        for bytes in inputs(&root.join(place).join("questionnaire")) {
            load_and_report(&String::from_utf8_lossy(&bytes));
            runs += 1;
        }
        for bytes in inputs(&root.join(place).join("expression")) {
            evaluate(&String::from_utf8_lossy(&bytes));
            runs += 1;
        }
        for bytes in inputs(&root.join(place).join("household_csv")) {
            import_and_report(&bytes);
            runs += 1;
        }
    }
    assert!(runs > 100, "the corpus is there: {runs} inputs");
    eprintln!("{runs} fuzz inputs run again");
}
