//! The pool as it was: when each vehicle or driver was in it, and how many
//! could be used in each bucket of a report.
//!
//! A resource's stays in the pool run from its registration (or return) to
//! its retirement (or deactivation); the last one may still be open. A
//! report of a past period counts a resource only for the part of the
//! period it was in the pool, so a car retired halfway through a month
//! gives half the month's hours, and a car bought later gives none before.

use super::intervals::IntervalSet;

/// One stay in the pool, `[from, until)` in microseconds since the epoch;
/// `until` is `None` while the resource is still in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub from: i64,
    pub until: Option<i64>,
}

/// The time within `[from, to)` that a resource with these stays was in
/// the pool.
pub fn in_pool(stays: &[Stay], from: i64, to: i64) -> IntervalSet {
    IntervalSet::from_spans(
        stays
            .iter()
            .map(|s| (s.from.max(from), s.until.unwrap_or(i64::MAX).min(to))),
    )
}

/// Whether the resource was in the pool at the instant `t`.
pub fn in_pool_at(stays: &[Stay], t: i64) -> bool {
    stays
        .iter()
        .any(|s| s.from <= t && s.until.is_none_or(|u| t < u))
}

/// For each bucket `[bounds[i], bounds[i+1])`, the fewest resources
/// available at any one instant of it, each resource available during its
/// own `available` set (its time in the pool less its maintenance or
/// leave). A resource that leaves or joins inside a bucket is not counted
/// for it: the bucket's capacity is what could be relied on throughout.
pub fn fewest_available(available: &[IntervalSet], bounds: &[i64]) -> Vec<u32> {
    let n = bounds.len().saturating_sub(1);
    // +1 where a resource becomes available, -1 where it stops being.
    let mut steps: Vec<(i64, i32)> = available
        .iter()
        .flat_map(|set| set.spans().iter().flat_map(|&(a, b)| [(a, 1), (b, -1)]))
        .collect();
    steps.sort_unstable();
    let mut out = vec![0u32; n];
    let mut count: i64 = 0;
    let mut next = 0;
    // Applies every step at or before `t`.
    let advance = |t: i64, count: &mut i64, next: &mut usize| {
        while *next < steps.len() && steps[*next].0 <= t {
            *count += i64::from(steps[*next].1);
            *next += 1;
        }
    };
    for (i, slot) in out.iter_mut().enumerate() {
        let (start, end) = (bounds[i], bounds[i + 1]);
        advance(start, &mut count, &mut next);
        let mut fewest = count;
        // Each later instant where the count changes inside the bucket.
        while next < steps.len() && steps[next].0 < end {
            let t = steps[next].0;
            advance(t, &mut count, &mut next);
            fewest = fewest.min(count);
        }
        *slot = u32::try_from(fewest.max(0)).unwrap_or(u32::MAX);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utilisation::HOUR_MICROS as H;
    use proptest::prelude::*;

    fn stay(from: i64, until: Option<i64>) -> Stay {
        Stay { from, until }
    }

    #[test]
    fn a_car_retired_halfway_through_a_day_gives_half_its_hours() {
        // In the pool from long before the day until 12:00; the day is
        // [0, 24 h): 12 hours of it.
        let car = [stay(-100 * H, Some(12 * H))];
        assert_eq!(in_pool(&car, 0, 24 * H).len(), 12 * H);
        assert!(in_pool_at(&car, 11 * H));
        assert!(!in_pool_at(&car, 12 * H));
    }

    #[test]
    fn a_car_bought_later_gives_nothing_before() {
        // Bought at 30 h: nothing of the day [0, 24 h), 18 hours of the
        // next one [24 h, 48 h).
        let car = [stay(30 * H, None)];
        assert_eq!(in_pool(&car, 0, 24 * H).len(), 0);
        assert_eq!(in_pool(&car, 24 * H, 48 * H).len(), 18 * H);
        assert!(!in_pool_at(&car, 29 * H));
        assert!(in_pool_at(&car, 30 * H));
    }

    #[test]
    fn a_driver_who_left_and_came_back_counts_both_stays() {
        // Active 0–5 h and again from 8 h: 5 + 16 = 21 hours of [0, 24 h).
        let driver = [stay(-H, Some(5 * H)), stay(8 * H, None)];
        assert_eq!(in_pool(&driver, 0, 24 * H).len(), 21 * H);
        assert_eq!(
            in_pool(&driver, 0, 24 * H).spans(),
            &[(0, 5 * H), (8 * H, 24 * H)]
        );
    }

    #[test]
    fn each_hour_counts_the_cars_there_throughout() {
        // Four hourly buckets [0, 4 h). Car A: in the pool all along. Car
        // B: retired at 1 h 30. Car C: bought at 2 h. Car D: in the pool
        // but in maintenance 3 h–3 h 15.
        let bounds = [0, H, 2 * H, 3 * H, 4 * H];
        let a = in_pool(&[stay(-H, None)], 0, 4 * H);
        let b = in_pool(&[stay(-H, Some(H + H / 2))], 0, 4 * H);
        let c = in_pool(&[stay(2 * H, None)], 0, 4 * H);
        let d = in_pool(&[stay(-H, None)], 0, 4 * H)
            .minus(&IntervalSet::from_spans([(3 * H, 3 * H + H / 4)]));
        // 0–1 h: A, B, D = 3. 1–2 h: B leaves at 1 h 30, so A, D = 2.
        // 2–3 h: A, C, D = 3 (C arrives right at the bucket's start).
        // 3–4 h: D is in maintenance for a quarter hour: A, C = 2.
        assert_eq!(fewest_available(&[a, b, c, d], &bounds), vec![3, 2, 3, 2]);
    }

    #[test]
    fn a_day_bucket_counts_the_fewest_at_once() {
        // One day bucket: two cars all day, a third retired at noon.
        let bounds = [0, 24 * H];
        let whole = in_pool(&[stay(-H, None)], 0, 24 * H);
        let half = in_pool(&[stay(-H, Some(12 * H))], 0, 24 * H);
        assert_eq!(
            fewest_available(&[whole.clone(), whole, half], &bounds),
            vec![2]
        );
        assert_eq!(fewest_available(&[], &bounds), vec![0]);
    }

    proptest! {
        /// The fewest per bucket equals a brute-force count at every
        /// instant where the count may change.
        #[test]
        fn fewest_available_matches_counting_every_instant(
            spans in prop::collection::vec(
                prop::collection::vec((0i64..40, 1i64..15), 0..3), 0..6),
            cuts in prop::collection::btree_set(0i64..50, 2..6),
        ) {
            let sets: Vec<IntervalSet> = spans
                .iter()
                .map(|s| IntervalSet::from_spans(s.iter().map(|&(a, l)| (a, a + l))))
                .collect();
            let bounds: Vec<i64> = cuts.into_iter().collect();
            let got = fewest_available(&sets, &bounds);
            for i in 0..bounds.len() - 1 {
                let at = |t: i64| sets
                    .iter()
                    .filter(|s| s.spans().iter().any(|&(a, b)| a <= t && t < b))
                    .count() as u32;
                let want = (bounds[i]..bounds[i + 1]).map(at).min().unwrap();
                prop_assert_eq!(got[i], want, "bucket {}", i);
            }
        }
    }
}
