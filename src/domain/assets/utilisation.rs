//! The asset-utilisation report's rules, free of SQL and HTTP: how a
//! board's holdings of a category are counted, and which idle asset is
//! suggested for which open request of another board.
//!
//! **Holdings.** Every asset not disposed counts for its custodian board
//! and category, once, under its status (`in_use`, `idle`,
//! `under_repair`). The idle share is idle ÷ held × 100.
//!
//! **Open requests** are `procurement` and `transfer_in` requests still
//! `submitted` or `approved`; each asks for one asset of its category.
//! Repairs ask for nothing new and are left out.
//!
//! **Suggestions** pair an idle asset of one board with an open request of
//! another board for the same category, each asset and each request at most
//! once:
//! 1. a `transfer_in` request is paired with the asset it names, if that
//!    asset is still idle and held by another board (the oldest request
//!    wins when two name the same asset);
//! 2. every other open request, oldest first (filing time, then id), gets
//!    the unpaired idle asset of its category held by another board with the
//!    highest remaining value (ties: asset code).
//!
//! A board's own idle asset is never suggested to itself: it would not
//! need a transfer.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AssetStatus, RequestKind};
use crate::domain::money::{Money, Total};

/// An asset as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: Uuid,
    pub code: String,
    pub board: Uuid,
    pub category: Uuid,
    pub status: AssetStatus,
    pub original_cost: Money,
    /// Original cost less accumulated wear, never below zero.
    pub remaining: Money,
}

/// An open request (procurement or transfer_in, submitted or approved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub id: Uuid,
    pub board: Uuid,
    pub category: Uuid,
    pub kind: RequestKind,
    /// The asset a transfer_in names.
    pub asset: Option<Uuid>,
    pub filed_at: DateTime<Utc>,
}

/// What one board holds of one category, and what it asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub assets: u32,
    pub in_use: u32,
    pub idle: u32,
    pub under_repair: u32,
    pub idle_original_cost: Total,
    pub idle_remaining: Total,
    pub open_requests: u32,
    /// Open requests of the board that got a suggestion.
    pub matched_requests: u32,
    /// Idle assets of the board suggested to another board.
    pub offered: u32,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.assets += other.assets;
        self.in_use += other.in_use;
        self.idle += other.idle;
        self.under_repair += other.under_repair;
        self.idle_original_cost += other.idle_original_cost;
        self.idle_remaining += other.idle_remaining;
        self.open_requests += other.open_requests;
        self.matched_requests += other.matched_requests;
        self.offered += other.offered;
    }
}

/// How a suggestion was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The transfer_in request names this asset.
    Named,
    /// Same category as the request.
    Category,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Named => "named",
            Self::Category => "category",
        }
    }
}

/// An idle asset (by index in the holdings) for an open request (by index
/// in the requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion {
    pub asset: usize,
    pub request: usize,
    pub basis: Basis,
}

/// Pairs idle assets with open requests of other boards (see the module
/// documentation), in request order (oldest first).
pub fn suggest(held: &[Held], wanted: &[Wanted]) -> Vec<Suggestion> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by(|&a, &b| {
        (wanted[a].filed_at, wanted[a].id).cmp(&(wanted[b].filed_at, wanted[b].id))
    });
    let mut taken_assets: HashSet<usize> = HashSet::new();
    let mut served: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    let idle_other = |a: &Held, w: &Wanted| {
        a.status == AssetStatus::Idle && a.board != w.board && a.category == w.category
    };
    // 1. Transfers paired with the asset they name.
    for &r in &order {
        let w = &wanted[r];
        if w.kind != RequestKind::TransferIn {
            continue;
        }
        let Some(named) = w.asset else { continue };
        if let Some(i) = held
            .iter()
            .position(|a| a.id == named && idle_other(a, w))
            .filter(|i| !taken_assets.contains(i))
        {
            taken_assets.insert(i);
            served.insert(r);
            out.push(Suggestion {
                asset: i,
                request: r,
                basis: Basis::Named,
            });
        }
    }
    // 2. The rest by category: the most remaining value first.
    for &r in &order {
        if served.contains(&r) {
            continue;
        }
        let w = &wanted[r];
        let best = held
            .iter()
            .enumerate()
            .filter(|(i, a)| !taken_assets.contains(i) && idle_other(a, w))
            .max_by(|(_, a), (_, b)| {
                a.remaining
                    .cmp(&b.remaining)
                    .then_with(|| b.code.cmp(&a.code))
            })
            .map(|(i, _)| i);
        if let Some(i) = best {
            taken_assets.insert(i);
            served.insert(r);
            out.push(Suggestion {
                asset: i,
                request: r,
                basis: Basis::Category,
            });
        }
    }
    out.sort_by(|a, b| {
        let (x, y) = (&wanted[a.request], &wanted[b.request]);
        (x.filed_at, x.id).cmp(&(y.filed_at, y.id))
    });
    out
}

/// The tallies per (board, category) and the suggestions: what the report
/// shows. Disposed assets are not counted.
pub fn tally(
    held: &[Held],
    wanted: &[Wanted],
    suggestions: &[Suggestion],
) -> BTreeMap<(Uuid, Uuid), Tally> {
    let mut t: BTreeMap<(Uuid, Uuid), Tally> = BTreeMap::new();
    for a in held {
        let e = t.entry((a.board, a.category)).or_default();
        match a.status {
            AssetStatus::Disposed => continue,
            AssetStatus::InUse => e.in_use += 1,
            AssetStatus::UnderRepair => e.under_repair += 1,
            AssetStatus::Idle => {
                e.idle += 1;
                // Sums of many amounts: exact, whatever the register holds.
                e.idle_original_cost = e.idle_original_cost + a.original_cost;
                e.idle_remaining = e.idle_remaining + a.remaining;
            }
        }
        e.assets += 1;
    }
    for w in wanted {
        t.entry((w.board, w.category)).or_default().open_requests += 1;
    }
    for s in suggestions {
        let (a, w) = (&held[s.asset], &wanted[s.request]);
        t.entry((a.board, a.category)).or_default().offered += 1;
        t.entry((w.board, w.category)).or_default().matched_requests += 1;
    }
    // A board holding only disposed assets of a category has nothing to show.
    t.retain(|_, v| *v != Tally::default());
    t
}

/// The sum of a board's tallies over its categories.
pub fn board_total<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
    let mut total = Tally::default();
    for t in tallies {
        total.add(t);
    }
    total
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const X: u128 = 1;
    const Y: u128 = 2;
    const Z: u128 = 3;
    const PROJECTOR: u128 = 10;
    const COMPUTER: u128 = 11;

    fn asset(n: u128, board: u128, cat: u128, status: AssetStatus, remaining: i64) -> Held {
        Held {
            id: id(100 + n),
            code: format!("A-{n:04}"),
            board: id(board),
            category: id(cat),
            status,
            original_cost: Money::from_minor(100_000_000),
            remaining: Money::from_minor(remaining * 100),
        }
    }

    fn request(n: u128, board: u128, cat: u128, kind: RequestKind, named: Option<u128>) -> Wanted {
        Wanted {
            id: id(200 + n),
            board: id(board),
            category: id(cat),
            kind,
            asset: named.map(|a| id(100 + a)),
            filed_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()
                + chrono::Duration::minutes(n as i64),
        }
    }

    use AssetStatus::*;
    use RequestKind::*;

    #[test]
    fn an_idle_asset_goes_to_another_boards_request_of_its_category() {
        let held = [asset(1, X, PROJECTOR, Idle, 500)];
        let wanted = [request(1, Y, PROJECTOR, Procurement, None)];
        assert_eq!(
            suggest(&held, &wanted),
            [Suggestion {
                asset: 0,
                request: 0,
                basis: Basis::Category
            }]
        );
    }

    #[test]
    fn a_boards_own_idle_asset_is_not_suggested_to_itself() {
        let held = [asset(1, X, PROJECTOR, Idle, 500)];
        let wanted = [request(1, X, PROJECTOR, Procurement, None)];
        assert!(suggest(&held, &wanted).is_empty());
    }

    #[test]
    fn only_idle_assets_of_the_same_category_are_suggested() {
        let held = [
            asset(1, X, PROJECTOR, InUse, 500),
            asset(2, X, PROJECTOR, UnderRepair, 500),
            asset(3, X, PROJECTOR, Disposed, 500),
            asset(4, X, COMPUTER, Idle, 500),
        ];
        let wanted = [request(1, Y, PROJECTOR, Procurement, None)];
        assert!(suggest(&held, &wanted).is_empty());
    }

    #[test]
    fn each_asset_and_request_is_paired_once_oldest_request_first_most_value_first() {
        // Two idle projectors (X: 300, Z: 700) and three requests (Y, Z, X
        // in filing order). Y (oldest) gets Z's 700; Z may not take its
        // own, so it gets X's 300; X is left without: nothing remains.
        let held = [
            asset(1, X, PROJECTOR, Idle, 300),
            asset(2, Z, PROJECTOR, Idle, 700),
        ];
        let wanted = [
            request(3, X, PROJECTOR, Procurement, None),
            request(1, Y, PROJECTOR, Procurement, None),
            request(2, Z, PROJECTOR, Procurement, None),
        ];
        let s = suggest(&held, &wanted);
        assert_eq!(
            s.iter().map(|s| (s.request, s.asset)).collect::<Vec<_>>(),
            [(1, 1), (2, 0)]
        );
    }

    #[test]
    fn equal_values_go_by_asset_code() {
        let held = [
            asset(2, X, PROJECTOR, Idle, 500),
            asset(1, X, PROJECTOR, Idle, 500),
        ];
        let wanted = [request(1, Y, PROJECTOR, Procurement, None)];
        assert_eq!(suggest(&held, &wanted)[0].asset, 1, "A-0001 before A-0002");
    }

    #[test]
    fn a_transfer_keeps_the_asset_it_names_before_older_purchases_choose() {
        // The purchase is older and would take the 900 projector, but the
        // transfer names it: the purchase gets the 100 one.
        let held = [
            asset(1, X, PROJECTOR, Idle, 900),
            asset(2, X, PROJECTOR, Idle, 100),
        ];
        let wanted = [
            request(1, Y, PROJECTOR, Procurement, None),
            request(2, Z, PROJECTOR, TransferIn, Some(1)),
        ];
        let s = suggest(&held, &wanted);
        assert_eq!(
            s,
            [
                Suggestion {
                    asset: 1,
                    request: 0,
                    basis: Basis::Category
                },
                Suggestion {
                    asset: 0,
                    request: 1,
                    basis: Basis::Named
                },
            ]
        );
    }

    #[test]
    fn a_transfer_whose_asset_is_gone_is_offered_another() {
        let held = [
            asset(1, X, PROJECTOR, InUse, 900),
            asset(2, X, PROJECTOR, Idle, 100),
        ];
        let wanted = [request(1, Y, PROJECTOR, TransferIn, Some(1))];
        assert_eq!(
            suggest(&held, &wanted),
            [Suggestion {
                asset: 1,
                request: 0,
                basis: Basis::Category
            }]
        );
    }

    #[test]
    fn tallies_count_statuses_value_and_requests_without_disposed_assets() {
        let held = [
            asset(1, X, PROJECTOR, Idle, 300),
            asset(2, X, PROJECTOR, InUse, 700),
            asset(3, X, PROJECTOR, UnderRepair, 700),
            asset(4, X, PROJECTOR, Disposed, 0),
            asset(5, Z, COMPUTER, Disposed, 0),
        ];
        let wanted = [request(1, Y, PROJECTOR, Procurement, None)];
        let s = suggest(&held, &wanted);
        let t = tally(&held, &wanted, &s);
        assert_eq!(t.len(), 2, "Z holds only a disposed computer: no line");
        let x = &t[&(id(X), id(PROJECTOR))];
        assert_eq!(
            (x.assets, x.in_use, x.idle, x.under_repair, x.offered),
            (3, 1, 1, 1, 1)
        );
        assert_eq!(x.idle_remaining, Total::from_minor(30_000));
        assert_eq!(x.idle_original_cost, Total::from_minor(100_000_000));
        let y = &t[&(id(Y), id(PROJECTOR))];
        assert_eq!((y.assets, y.open_requests, y.matched_requests), (0, 1, 1));
        let total = board_total(t.values());
        assert_eq!((total.assets, total.open_requests), (3, 1));
    }

    #[test]
    fn nothing_held_nothing_asked() {
        assert!(suggest(&[], &[]).is_empty());
        assert!(tally(&[], &[], &[]).is_empty());
        assert_eq!(board_total([]), Tally::default());
    }
}
