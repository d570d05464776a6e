//! The text of kept counts: a household's or a village's counts
//! ([`crate::priority::Sums`] of one area) as a blob of the fields that
//! are not zero, each as the gap from the previous field and the value,
//! both LEB128 varints, the value zigzagged. Nothing else reads or writes
//! these blobs. Never does I/O.

/// The fields of `cells` that are not zero, written.
pub fn encode(cells: &[i64]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last = 0usize;
    for (i, &v) in cells.iter().enumerate() {
        if v != 0 {
            put(&mut out, (i - last) as u64);
            put(&mut out, ((v << 1) ^ (v >> 63)) as u64);
            last = i;
        }
    }
    out
}

/// Adds the counts written in `blob`, times `sign`, to `cells`. `None`
/// when the blob does not read or names a field past `cells`: it was not
/// written for this layout.
pub fn add(blob: &[u8], sign: i64, cells: &mut [i64]) -> Option<()> {
    let mut at = 0usize;
    let mut field = 0usize;
    while at < blob.len() {
        let gap = usize::try_from(take(blob, &mut at)?).ok()?;
        let z = take(blob, &mut at)?;
        let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
        field = field.checked_add(gap)?;
        *cells.get_mut(field)? += sign * v;
    }
    Some(())
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take(blob: &[u8], at: &mut usize) -> Option<u64> {
    // Most numbers (gaps between fields, counts of a village) take one
    // byte.
    let first = *blob.get(*at)?;
    if first & 0x80 == 0 {
        *at += 1;
        return Some(u64::from(first));
    }
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *blob.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn counts_read_back_as_written(cells in proptest::collection::vec(-1000i64..1000, 0..60)) {
            let blob = encode(&cells);
            let mut back = vec![0; cells.len()];
            prop_assert_eq!(add(&blob, 1, &mut back), Some(()));
            prop_assert_eq!(&back, &cells);
            prop_assert_eq!(add(&blob, -1, &mut back), Some(()));
            prop_assert!(back.iter().all(|&v| v == 0));
        }

        #[test]
        fn counts_of_any_size_read_back(cells in proptest::collection::vec(any::<i64>(), 0..8)) {
            let blob = encode(&cells);
            let mut back = vec![0; cells.len()];
            prop_assert_eq!(add(&blob, 1, &mut back), Some(()));
            prop_assert_eq!(&back, &cells);
        }
    }

    #[test]
    fn a_blob_of_another_layout_does_not_read() {
        let blob = encode(&[0, 0, 5]);
        assert_eq!(add(&blob, 1, &mut [0, 0]), None);
        assert_eq!(add(&[0x80], 1, &mut [0]), None);
        // A number of more than ten bytes is not one.
        assert_eq!(add(&[0x80; 11], 1, &mut [0]), None);
        assert_eq!(add(&[], 1, &mut []), Some(()));
    }
}
