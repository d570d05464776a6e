//! The Parquet writer's reading of values and its files.
use super::*;

#[test]
fn township_folders_escape_what_paths_and_hive_give_a_meaning() {
    assert_eq!(partition_name("城关镇"), "城关镇");
    assert_eq!(partition_name("a/b=c%"), "a%2Fb%3Dc%25");
    assert_eq!(partition_name(""), "__HIVE_DEFAULT_PARTITION__");
    assert_eq!(partition_name(".."), "%2E%2E");
    assert_eq!(partition_name("x\ny"), "x%0Ay");
}

fn read(kind: Kind, text: &str) -> (Option<String>, bool) {
    let cell = Cell::text(text);
    match parse(kind, Some(&cell)) {
        Parsed::Value(v, exact) => (
            Some(match v {
                Value::Text(t) => t.into_owned(),
                Value::Int(n) => n.to_string(),
                Value::Double(f) => f.to_string(),
                Value::Date(d) => d.to_string(),
            }),
            exact,
        ),
        Parsed::Null => (None, true),
        Parsed::Other => (None, false),
    }
}

#[test]
fn values_are_typed_and_any_text_they_do_not_hold_exactly_kept_beside() {
    assert_eq!(read(Kind::Date, "1970-01-01"), (Some("0".into()), true));
    assert_eq!(read(Kind::Date, "2026-11-29"), (Some("20786".into()), true));
    assert_eq!(read(Kind::Date, "1969-12-31"), (Some("-1".into()), true));
    assert_eq!(read(Kind::Date, "[dont_know]"), (None, false));
    assert_eq!(read(Kind::Date, "2026-02-30"), (None, false));
    assert_eq!(
        read(Kind::Date, "2026-11-29T08:30"),
        (Some("20786".into()), false)
    );
    assert_eq!(read(Kind::Int, "42"), (Some("42".into()), true));
    assert_eq!(read(Kind::Int, "007"), (Some("7".into()), false));
    assert_eq!(read(Kind::Int, "+5"), (Some("5".into()), false));
    assert_eq!(read(Kind::Int, "3.5"), (None, false));
    assert_eq!(read(Kind::Int, "-0"), (Some("0".into()), false));
    assert_eq!(read(Kind::Int, "0"), (Some("0".into()), true));
    assert_eq!(read(Kind::Int, "-12"), (Some("-12".into()), true));
    assert_eq!(read(Kind::Int, ""), (None, true));
    assert_eq!(read(Kind::Decimal, "3.50"), (Some("3.5".into()), true));
    assert_eq!(read(Kind::Decimal, "-0.25"), (Some("-0.25".into()), true));
    assert_eq!(read(Kind::Decimal, ".5"), (Some("0.5".into()), true));
    assert_eq!(read(Kind::Decimal, "505000"), (Some("505000".into()), true));
    assert_eq!(
        read(Kind::Decimal, "0.12345678901234567891"),
        (Some("0.12345678901234568".into()), false)
    );
    assert_eq!(read(Kind::Decimal, "1e3"), (Some("1000".into()), false));
    assert_eq!(read(Kind::Decimal, "NaN"), (None, false));
}

#[test]
fn a_township_met_again_gets_a_further_file_and_no_row_is_lost() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut d = Dataset::new(dir.path(), "households");
    d.fields(&[Field::text("code"), Field::township("township")])
        .expect("fields");
    for (code, township) in [("1", "甲"), ("2", "乙"), ("3", "甲")] {
        d.row(&[Cell::text(code), Cell::text(township)])
            .expect("row");
    }
    let files = d.finish().expect("finish");
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(dir.path())
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "township=甲/part-0.parquet",
            "township=乙/part-0.parquet",
            "township=甲/part-1.parquet"
        ]
    );
}

#[test]
fn a_row_of_the_wrong_length_or_a_name_twice_is_refused() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut d = Dataset::new(dir.path(), "responses");
    let twice = [Field::text("code"), Field::new("code", Kind::Int)];
    assert!(d.fields(&twice).is_err());
    let clash = [Field::township("township"), Field::text("township")];
    assert!(d.fields(&clash).is_err());
    let companion = [
        Field::new("age", Kind::Int).keeping_other(),
        Field::text("age__text"),
    ];
    assert!(d.fields(&companion).is_err());
    d.fields(&[Field::text("code")]).expect("fields");
    let err = d
        .row(&[Cell::text("1"), Cell::text("2")])
        .expect_err("two for one");
    assert!(err.message().en.contains("a row of 2 values for 1 columns"));
}
