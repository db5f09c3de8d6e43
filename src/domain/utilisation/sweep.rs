//! Peak overlap: the most requests running at the same instant, which is
//! the fewest vehicles (or drivers) that could have served them all.
//!
//! [`Sweep`] takes intervals in start order — as a paged query delivers
//! them — and keeps only the ends of the intervals still open in a heap, so
//! it runs in O(n log n) time and O(peak) memory. It reports each change of
//! the running count as a step, which [`BucketPeaks`] turns into the peak of
//! every time bucket. Intervals are half-open: one ending at 10:00 and one
//! starting at 10:00 never overlap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The highest overlap and when it first held: from `from` until `to`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peak {
    pub count: u32,
    pub from: i64,
    pub to: i64,
}

/// A running sweep over intervals pushed in start order.
#[derive(Debug, Default)]
pub struct Sweep {
    ends: BinaryHeap<Reverse<i64>>,
    last_start: i64,
    count: u32,
    peak: Peak,
    peak_open: bool,
    /// The last start, whose count is reported once every event of that
    /// instant is in.
    pending: Option<i64>,
}

impl Sweep {
    pub fn new() -> Self {
        Self {
            last_start: i64::MIN,
            ..Self::default()
        }
    }

    /// Adds `[start, end)`; starts must not decrease. `step(t, n)` is told
    /// each time the running count changes to `n` at `t`.
    pub fn push(&mut self, start: i64, end: i64, step: &mut impl FnMut(i64, u32)) {
        if end <= start {
            return;
        }
        debug_assert!(
            start >= self.last_start,
            "intervals must come in start order"
        );
        self.last_start = start;
        if let Some(p) = self.pending
            && p < start
        {
            self.pending = None;
            self.record(p, step);
        }
        self.release_before(start, step);
        // Trips ending as this one starts free their place at once.
        while self.ends.peek() == Some(&Reverse(start)) {
            self.ends.pop();
            self.count -= 1;
        }
        self.ends.push(Reverse(end));
        self.count += 1;
        self.pending = Some(start);
    }

    /// Closes every interval and returns the peak.
    pub fn finish(mut self, step: &mut impl FnMut(i64, u32)) -> Peak {
        if let Some(p) = self.pending.take() {
            self.record(p, step);
        }
        self.release_before(i64::MAX, step);
        self.peak
    }

    /// The peak so far (its end is not known while it still holds).
    pub fn peak(&self) -> Peak {
        self.peak
    }

    fn release_before(&mut self, t: i64, step: &mut impl FnMut(i64, u32)) {
        while let Some(&Reverse(e)) = self.ends.peek() {
            if e >= t {
                break;
            }
            self.ends.pop();
            self.count -= 1;
            // Report once per instant, after every interval ending then.
            if self.ends.peek() != Some(&Reverse(e)) {
                self.record(e, step);
            }
        }
    }

    fn record(&mut self, t: i64, step: &mut impl FnMut(i64, u32)) {
        if self.count > self.peak.count {
            self.peak = Peak {
                count: self.count,
                from: t,
                to: t,
            };
            self.peak_open = true;
        } else if self.peak_open && self.count < self.peak.count {
            self.peak.to = t;
            self.peak_open = false;
        }
        step(t, self.count);
    }
}

/// The peak of a set of intervals in any order.
pub fn peak_overlap(intervals: &[(i64, i64)]) -> Peak {
    let mut sorted: Vec<(i64, i64)> = intervals.to_vec();
    sorted.sort_unstable();
    let mut sweep = Sweep::new();
    for (a, b) in sorted {
        sweep.push(a, b, &mut |_, _| {});
    }
    sweep.finish(&mut |_, _| {})
}

/// The highest running count within each bucket `[bounds[i], bounds[i+1])`,
/// fed with a sweep's steps in time order.
#[derive(Debug, Clone)]
pub struct BucketPeaks {
    bounds: Vec<i64>,
    peaks: Vec<u32>,
    cur: u32,
    /// How many bounds lie at or before the last step.
    next: usize,
}

impl BucketPeaks {
    /// `bounds` are increasing: n + 1 of them for n buckets.
    pub fn new(bounds: Vec<i64>) -> Self {
        let n = bounds.len().saturating_sub(1);
        Self {
            bounds,
            peaks: vec![0; n],
            cur: 0,
            next: 0,
        }
    }

    /// Enters every bucket starting at or before `t`. The running count
    /// carries into a bucket unless it changes right at the bucket's start.
    fn advance_to(&mut self, t: i64) {
        while self.next < self.bounds.len() && self.bounds[self.next] <= t {
            if self.next < self.peaks.len() && self.bounds[self.next] < t {
                self.peaks[self.next] = self.peaks[self.next].max(self.cur);
            }
            self.next += 1;
        }
    }

    /// The running count became `count` at `t`.
    pub fn step(&mut self, t: i64, count: u32) {
        self.advance_to(t);
        self.cur = count;
        if let Some(i) = self.next.checked_sub(1)
            && i < self.peaks.len()
        {
            self.peaks[i] = self.peaks[i].max(count);
        }
    }

    pub fn finish(mut self) -> Vec<u32> {
        self.advance_to(i64::MAX);
        self.peaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(t: i64, intervals: &[(i64, i64)]) -> u32 {
        intervals.iter().filter(|&&(a, b)| a <= t && t < b).count() as u32
    }

    #[test]
    fn back_to_back_trips_need_one_car() {
        let p = peak_overlap(&[(8, 10), (10, 12), (12, 14)]);
        assert_eq!(
            p,
            Peak {
                count: 1,
                from: 8,
                to: 14
            }
        );
    }

    #[test]
    fn the_first_peak_and_its_end_are_reported() {
        // 08–10 and 09–11 overlap 09–10; 13–15 and 14–16 overlap later.
        let p = peak_overlap(&[(13, 15), (8, 10), (14, 16), (9, 11)]);
        assert_eq!(
            p,
            Peak {
                count: 2,
                from: 9,
                to: 10
            }
        );
        assert_eq!(peak_overlap(&[]), Peak::default());
    }

    #[test]
    fn bucket_peaks_carry_running_trips_into_later_buckets() {
        // Buckets of 10; one trip 5–35 and one 12–14.
        let mut b = BucketPeaks::new(vec![0, 10, 20, 30, 40, 50]);
        let mut s = Sweep::new();
        for (x, y) in [(5, 35), (12, 14)] {
            s.push(x, y, &mut |t, n| b.step(t, n));
        }
        s.finish(&mut |t, n| b.step(t, n));
        assert_eq!(b.finish(), vec![1, 2, 1, 1, 0]);
    }

    proptest! {
        #[test]
        fn the_sweep_equals_brute_force(
            raw in prop::collection::vec((0i64..100, 1i64..30), 0..40),
            width in 1i64..25,
        ) {
            let intervals: Vec<(i64, i64)> = raw.iter().map(|&(a, l)| (a, a + l)).collect();
            let brute_max = (0..140).map(|t| at(t, &intervals)).max().unwrap_or(0);
            let p = peak_overlap(&intervals);
            prop_assert_eq!(p.count, brute_max);
            if brute_max > 0 {
                let first = (0..140).find(|t| at(*t, &intervals) == brute_max).unwrap();
                let until = (first..141).find(|t| at(*t, &intervals) < brute_max).unwrap();
                prop_assert_eq!((p.from, p.to), (first, until));
            }

            let bounds: Vec<i64> = (0..=140 / width).map(|i| 10 + i * width).collect();
            let mut sorted = intervals.clone();
            sorted.sort_unstable();
            let mut buckets = BucketPeaks::new(bounds.clone());
            let mut sweep = Sweep::new();
            for (a, b) in sorted {
                sweep.push(a, b, &mut |t, n| buckets.step(t, n));
            }
            sweep.finish(&mut |t, n| buckets.step(t, n));
            let peaks = buckets.finish();
            for (i, w) in bounds.windows(2).enumerate() {
                let brute = (w[0]..w[1]).map(|t| at(t, &intervals)).max().unwrap_or(0);
                prop_assert_eq!(peaks[i], brute, "bucket {:?}", w);
            }
        }
    }
}
