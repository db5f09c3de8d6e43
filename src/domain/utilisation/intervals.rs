//! Sets of half-open time intervals `[start, end)` in microseconds: the
//! union of busy or blocked time, the part of it inside working hours, and
//! what is left of working hours once blocks are taken out.

/// Disjoint, sorted, non-empty intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntervalSet {
    spans: Vec<(i64, i64)>,
}

impl IntervalSet {
    /// The union of `spans` (empty or reversed ones are ignored).
    pub fn from_spans(spans: impl IntoIterator<Item = (i64, i64)>) -> Self {
        let mut v: Vec<(i64, i64)> = spans.into_iter().filter(|(a, b)| a < b).collect();
        v.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Self { spans: merged }
    }

    pub fn spans(&self) -> &[(i64, i64)] {
        &self.spans
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Total length.
    pub fn len(&self) -> i64 {
        self.spans.iter().map(|(a, b)| b - a).sum()
    }

    /// Length of the part inside `[from, to)`.
    pub fn len_within(&self, from: i64, to: i64) -> i64 {
        if from >= to {
            return 0;
        }
        // The first span that may reach into the window.
        let first = self.spans.partition_point(|&(_, b)| b <= from);
        self.spans[first..]
            .iter()
            .take_while(|&&(a, _)| a < to)
            .map(|&(a, b)| b.min(to) - a.max(from))
            .filter(|l| *l > 0)
            .sum()
    }

    /// Length of the intersection with `other`.
    pub fn overlap_len(&self, other: &IntervalSet) -> i64 {
        other
            .spans
            .iter()
            .map(|&(a, b)| self.len_within(a, b))
            .sum()
    }

    /// This set without `other`.
    pub fn minus(&self, other: &IntervalSet) -> IntervalSet {
        let mut out = Vec::new();
        for &(a, b) in &self.spans {
            let mut start = a;
            let first = other.spans.partition_point(|&(_, e)| e <= a);
            for &(c, d) in other.spans[first..].iter().take_while(|&&(c, _)| c < b) {
                if c > start {
                    out.push((start, c));
                }
                start = start.max(d);
            }
            if start < b {
                out.push((start, b));
            }
        }
        IntervalSet { spans: out }
    }

    /// This set within `[from, to)`.
    pub fn clip(&self, from: i64, to: i64) -> IntervalSet {
        IntervalSet::from_spans(
            self.spans
                .iter()
                .map(|&(a, b)| (a.max(from), b.min(to)))
                .filter(|(a, b)| a < b),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn overlapping_and_touching_spans_merge() {
        let s = IntervalSet::from_spans([(5, 8), (1, 3), (3, 4), (7, 10), (12, 12)]);
        assert_eq!(s.spans(), &[(1, 4), (5, 10)]);
        assert_eq!(s.len(), 8);
        assert_eq!(s.len_within(2, 6), 3);
        assert_eq!(s.len_within(6, 6), 0);
    }

    #[test]
    fn minus_cuts_holes() {
        let work = IntervalSet::from_spans([(0, 10), (20, 30)]);
        let blocked = IntervalSet::from_spans([(2, 4), (8, 22), (29, 40)]);
        assert_eq!(work.minus(&blocked).spans(), &[(0, 2), (4, 8), (22, 29)]);
        assert_eq!(work.overlap_len(&blocked), 2 + 2 + 2 + 1);
    }

    fn brute_len(spans: &[(i64, i64)], from: i64, to: i64) -> i64 {
        (from..to)
            .filter(|t| spans.iter().any(|&(a, b)| a <= *t && *t < b))
            .count() as i64
    }

    proptest! {
        #[test]
        fn lengths_match_counting_points(
            spans in prop::collection::vec((0i64..60, 0i64..20), 0..8),
            holes in prop::collection::vec((0i64..60, 0i64..20), 0..5),
            from in 0i64..70, width in 0i64..70,
        ) {
            let spans: Vec<(i64, i64)> = spans.into_iter().map(|(a, l)| (a, a + l)).collect();
            let holes: Vec<(i64, i64)> = holes.into_iter().map(|(a, l)| (a, a + l)).collect();
            let set = IntervalSet::from_spans(spans.clone());
            let to = from + width;
            prop_assert_eq!(set.len_within(from, to), brute_len(&spans, from, to));
            let rest = set.minus(&IntervalSet::from_spans(holes.clone()));
            let brute_rest = (0..100)
                .filter(|t| spans.iter().any(|&(a, b)| a <= *t && *t < b)
                    && !holes.iter().any(|&(a, b)| a <= *t && *t < b))
                .count() as i64;
            prop_assert_eq!(rest.len(), brute_rest);
            prop_assert_eq!(set.clip(from, to).len(), brute_len(&spans, from, to));
        }
    }
}
