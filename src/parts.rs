//! Long lists made in parts, one a core: the table of a province's 75,000
//! projects is written on every core the machine has (four at most), each
//! part on a thread of its own and the parts kept in order.

use std::ops::Range;

/// The cores worth working on, four at most.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// `work` done on `0..n` in consecutive parts, at least `least` items
/// each and one a core: the first on this thread, the others each on a
/// thread of its own. The parts' results, in order; a short list is one
/// part, done here.
pub fn in_parts<T: Send>(
    n: usize,
    least: usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let parts = cores().min(n / least.max(1)).max(1);
    let size = n.div_ceil(parts);
    let part = |p: usize| (p * size).min(n)..((p + 1) * size).min(n);
    let work = &work;
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..parts)
            .map(|p| scope.spawn(move || work(part(p))))
            .collect();
        let mut done = Vec::with_capacity(parts);
        done.push(work(part(0)));
        for other in others {
            match other.join() {
                Ok(result) => done.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_list_in_order_each_once() {
        for n in [0, 1, 5, 511, 512, 1023, 1024, 4099] {
            let parts = in_parts(n, 512, |r| r);
            assert!(parts.len() <= cores().max(1));
            let joined: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(joined, (0..n).collect::<Vec<_>>(), "{n}");
        }
    }
}
