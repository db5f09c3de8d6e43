//! Stocktake discrepancies: what was counted against what is registered.
//!
//! A stocktake covers a board (every asset in its custody) or a location
//! (every asset registered there), disposed assets excluded. Once counting
//! is over:
//! - **missing**: registered in the scope, counted nowhere;
//! - **wrong_location**: registered in the scope (or, for a location
//!   stocktake, registered elsewhere) and counted at a location other than
//!   the registered one;
//! - **unexpected**: counted, but no asset in the scope has that code (an
//!   unknown code, a disposed asset, or another board's asset).
//!
//! A code counted twice counts once; its last recorded location stands.

use std::collections::BTreeMap;

use super::AssetCode;

/// A registered asset as the stocktake sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub code: AssetCode,
    pub location: String,
    /// Whether it belongs to the stocktake's scope.
    pub in_scope: bool,
}

/// One scanned code and where it was found (none: not said).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub code: AssetCode,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiscrepancyKind {
    Missing,
    Unexpected,
    WrongLocation,
}

impl DiscrepancyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Unexpected => "unexpected",
            Self::WrongLocation => "wrong_location",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "missing" => Some(Self::Missing),
            "unexpected" => Some(Self::Unexpected),
            "wrong_location" => Some(Self::WrongLocation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub kind: DiscrepancyKind,
    pub code: AssetCode,
    /// Where the register says it is (known assets).
    pub registered_location: Option<String>,
    /// Where it was counted.
    pub counted_location: Option<String>,
}

fn same_place(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The discrepancies, by kind then code. `registered` holds every asset in
/// the scope and every known asset among the counted codes.
pub fn discrepancies(registered: &[Registered], counted: &[Counted]) -> Vec<Discrepancy> {
    let mut seen: BTreeMap<&AssetCode, Option<&str>> = BTreeMap::new();
    for c in counted {
        seen.insert(&c.code, c.location.as_deref());
    }
    let by_code: BTreeMap<&AssetCode, &Registered> =
        registered.iter().map(|r| (&r.code, r)).collect();
    let mut out = Vec::new();
    for r in registered.iter().filter(|r| r.in_scope) {
        if !seen.contains_key(&r.code) {
            out.push(Discrepancy {
                kind: DiscrepancyKind::Missing,
                code: r.code.clone(),
                registered_location: Some(r.location.clone()),
                counted_location: None,
            });
        }
    }
    for (code, location) in &seen {
        match by_code.get(code) {
            Some(r) => {
                if let Some(l) = location
                    && !same_place(l, &r.location)
                {
                    out.push(Discrepancy {
                        kind: DiscrepancyKind::WrongLocation,
                        code: (*code).clone(),
                        registered_location: Some(r.location.clone()),
                        counted_location: Some((*l).to_owned()),
                    });
                }
            }
            None => out.push(Discrepancy {
                kind: DiscrepancyKind::Unexpected,
                code: (*code).clone(),
                registered_location: None,
                counted_location: location.map(str::to_owned),
            }),
        }
    }
    out.sort_by(|a, b| (a.kind, &a.code).cmp(&(b.kind, &b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> AssetCode {
        AssetCode::parse(s).unwrap()
    }

    fn reg(c: &str, loc: &str, in_scope: bool) -> Registered {
        Registered {
            code: code(c),
            location: loc.to_owned(),
            in_scope,
        }
    }

    fn count(c: &str, loc: Option<&str>) -> Counted {
        Counted {
            code: code(c),
            location: loc.map(str::to_owned),
        }
    }

    #[test]
    fn missing_unexpected_and_wrong_location() {
        let registered = [
            reg("A-1", "Phòng 101", true),
            reg("A-2", "Phòng 101", true),
            reg("A-3", "Phòng 102", true),
            // Known but outside the scope (another board's): counted here,
            // it is registered, so only its location can be wrong.
            reg("B-1", "Phòng 205", false),
        ];
        let counted = [
            count("A-1", Some("phòng 101")),
            count("A-3", Some("Phòng 101")),
            count("A-3", Some("Phòng 101")),
            count("B-1", Some("Phòng 101")),
            count("X-9", Some("Phòng 101")),
        ];
        let found = discrepancies(&registered, &counted);
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.kind.as_str(), d.code.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("missing", "A-2"),
                ("unexpected", "X-9"),
                ("wrong_location", "A-3"),
                ("wrong_location", "B-1"),
            ]
        );
        assert_eq!(found[2].registered_location.as_deref(), Some("Phòng 102"));
        assert_eq!(found[2].counted_location.as_deref(), Some("Phòng 101"));
    }

    #[test]
    fn a_count_without_location_only_says_it_was_found() {
        let found = discrepancies(&[reg("A-1", "Kho", true)], &[count("A-1", None)]);
        assert!(found.is_empty());
    }
}
