//! Turning the bytes of a registry file into text: recognising files that
//! are not CSV at all (workbooks, binary), the encoding (byte-order mark,
//! UTF-8, GBK/GB18030, UTF-16), files that mix encodings line by line,
//! empty files, and the delimiter. Never guesses where a wrong guess would
//! garble names: a file it cannot read as one encoding is refused.

use std::borrow::Cow;

use super::{ImportError, NotCsv};
use crate::text::{is_invisible, trim_cell};

/// What the first bytes say a file is, when it is surely not a CSV.
fn not_csv(bytes: &[u8]) -> Option<NotCsv> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(NotCsv::Workbook)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some(NotCsv::OldWorkbook)
    } else {
        None
    }
}

/// Whether some lines of `bytes` are UTF-8 and others are not. Lines of
/// ASCII alone read the same either way and say nothing; a UTF-8
/// byte-order mark counts as a first line in UTF-8.
fn mixed_encoding(bytes: &[u8], utf8_bom: bool) -> Option<ImportError> {
    // The first line with non-ASCII bytes: its number (None for the BOM)
    // and whether it is UTF-8.
    let mut first: Option<(Option<u64>, bool)> = utf8_bom.then_some((None, true));
    for (n, line) in (1u64..).zip(bytes.split(|&b| b == b'\n')) {
        if line.is_ascii() {
            continue;
        }
        let utf8 = std::str::from_utf8(line).is_ok();
        match first {
            None => first = Some((Some(n), utf8)),
            Some((at, was_utf8)) if was_utf8 != utf8 => {
                return Some(ImportError::MixedEncoding {
                    first: at,
                    other: n,
                    other_is_utf8: utf8,
                });
            }
            Some(_) => {}
        }
    }
    None
}

/// Decodes the bytes of a CSV file to text: by its byte-order mark
/// (UTF-8, UTF-16LE, UTF-16BE), else as UTF-8, else as GB18030 (which
/// includes GBK). A file whose lines need different encodings is refused.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some(kind) = not_csv(bytes) {
        return Err(ImportError::NotCsv(kind));
    }
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) if encoding == encoding_rs::UTF_8 => {
            match std::str::from_utf8(&bytes[bom..]) {
                Ok(text) => text.to_string(),
                Err(_) => {
                    return Err(
                        mixed_encoding(&bytes[bom..], true).unwrap_or(ImportError::Encoding)
                    );
                }
            }
        }
        Some((encoding, bom)) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if had_errors {
                return Err(ImportError::Encoding);
            }
            text.into_owned()
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => {
                if let Some(mixed) = mixed_encoding(bytes, false) {
                    return Err(mixed);
                }
                encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(bytes)
                    .map(Cow::into_owned)
                    .ok_or(ImportError::Encoding)?
            }
        },
    };
    if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(ImportError::EmptyFile);
    }
    if text.contains('\0') {
        return Err(ImportError::NotCsv(NotCsv::Binary));
    }
    Ok(text)
}

/// Tab when the first line has more tabs than commas (Excel's "Unicode
/// text" and other tab-separated files), else comma.
pub(super) fn delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !trim_cell(l).is_empty())
        .unwrap_or("");
    if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_encodings_name_the_first_line_that_differs_either_way() {
        let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
        let mut utf8_first = "code,township,village,head,members\nA,勐烈镇,曼贺村,李,1\n"
            .as_bytes()
            .to_vec();
        utf8_first.extend(gbk("B,勐烈镇,曼贺村,王,2\n"));
        assert!(matches!(
            decode(&utf8_first),
            Err(ImportError::MixedEncoding {
                first: Some(2),
                other: 3,
                other_is_utf8: false
            })
        ));
        let mut gbk_first = gbk("户编码,乡镇,村,户主,人口\n");
        gbk_first.extend("A,勐烈镇,曼贺村,李,1\n".as_bytes());
        let err = decode(&gbk_first).expect_err("mixed");
        assert!(matches!(
            err,
            ImportError::MixedEncoding {
                first: Some(1),
                other: 2,
                other_is_utf8: true
            }
        ));
        assert!(err.message().zh.contains("第 2 行是 UTF-8"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(gbk("户编码,乡镇,村,户主,人口\n"));
        let err = decode(&bom).expect_err("GBK behind a UTF-8 BOM");
        assert!(
            err.message()
                .en
                .starts_with("line 1 is not UTF-8 (probably GBK) though the file starts"),
            "{}",
            err.message().en
        );
        let whole_gbk = gbk("户编码,乡镇,村,户主,人口\nA,勐烈镇,曼贺村,李,1\n");
        assert!(decode(&whole_gbk).is_ok_and(|t| t.contains("曼贺村")));
    }

    #[test]
    fn empty_binary_and_workbook_files_are_told_apart() {
        for empty in [&b""[..], b"\xEF\xBB\xBF", b" \r\n\n", b"\xFE\xFF"] {
            assert!(
                matches!(decode(empty), Err(ImportError::EmptyFile)),
                "{empty:?}"
            );
        }
        assert!(matches!(
            decode(b"PK\x03\x04rest"),
            Err(ImportError::NotCsv(NotCsv::Workbook))
        ));
        assert!(matches!(
            decode(b"c\0o\0d\0e\0"),
            Err(ImportError::NotCsv(NotCsv::Binary))
        ));
        assert!(matches!(decode(b"a\xFF\xFF"), Err(ImportError::Encoding)));
    }
}
