//! Work spread over every core: the units (chunks to format, the
//! operations' root modules, two surfaces to compare) are independent, and
//! their results go back in input order, so the output is the same as doing
//! them one by one. A panic in a unit is the caller's panic.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work(i)` for every `i` in `0..count`, on every available core, the
/// largest first by `size(i)` (so that the last units to finish are small
/// and no core idles at the end); the results in index order.
pub fn largest_first<R: Send>(count: usize, size: impl Fn(usize) -> usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(count).max(1);
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_cached_key(|&index| std::cmp::Reverse(size(index)));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        done.push((index, work(index)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `a()` on another thread and `b()` on this one; both results.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_sizes() {
        let sizes = [3, 100, 1, 50, 7];
        let doubled = largest_first(sizes.len(), |i| sizes[i], |i| sizes[i] * 2);
        assert_eq!(doubled, [6, 200, 2, 100, 14]);
        assert!(largest_first(0, |_| 0, |i| i).is_empty());
    }

    #[test]
    fn join_gives_both_results_in_argument_order() {
        assert_eq!(join(|| "other thread", || 2), ("other thread", 2));
    }
}
