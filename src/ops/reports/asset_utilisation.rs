//! The asset-utilisation report: per board and category the assets held by
//! status, the idle share and value, the open requests, and transfer
//! suggestions pairing idle assets with other boards' requests. The rules
//! are in `domain::assets::utilisation`; this reads the register and hands
//! the lines to a sink one at a time (JSON collects them, CSV streams them).
//!
//! The register's assets not disposed and the open requests are read whole:
//! the matching looks at all of them at once. A register holds thousands of
//! assets, not millions.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use crate::domain::assets::AssetStatus;
use crate::domain::assets::utilisation::{self, Basis, Held, Tally, Wanted};
use crate::domain::assets::wear::remaining;
use crate::ops::OpError;
use crate::storage::DbConn;
use crate::storage::assets::register::{self, Asset, Category};
use crate::storage::assets::requests::{self, AssetRequest};

/// One line of the report.
#[derive(Debug, Clone)]
pub enum AssetLine {
    /// What a board holds of a category, and asks for.
    Category {
        board: Uuid,
        category: Category,
        tally: Tally,
    },
    /// A board's total over the categories shown.
    Board { board: Uuid, tally: Tally },
    /// An idle asset that could go to another board's request.
    Suggestion {
        asset: Box<Asset>,
        category: Category,
        request: Box<AssetRequest>,
        basis: Basis,
    },
}

/// Runs the report for `boards` (in the order given; every one gets a
/// total line, even with nothing held) and, if given, one category.
/// Suggestions are worked out over the whole register and shown when the
/// idle asset's board or the requesting board is among `boards`.
pub fn asset_utilisation(
    conn: &mut DbConn,
    boards: &[Uuid],
    category: Option<Uuid>,
    sink: &mut dyn FnMut(AssetLine) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let categories: HashMap<Uuid, Category> = register::categories(conn)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let in_category = |c: Uuid| category.is_none_or(|x| x == c);
    let assets: Vec<Asset> = register::active_in(conn, None, None)?
        .into_iter()
        .filter(|a| a.status != AssetStatus::Disposed && in_category(a.category_id))
        .collect();
    let open: Vec<AssetRequest> = requests::open_for_assets(conn)?
        .into_iter()
        .filter(|r| in_category(r.category_id))
        .collect();
    let held: Vec<Held> = assets
        .iter()
        .map(|a| Held {
            id: a.id,
            code: a.code.as_str().to_owned(),
            board: a.custodian_board_id,
            category: a.category_id,
            status: a.status,
            original_cost: a.original_cost,
            remaining: remaining(a.original_cost, a.accumulated_wear),
        })
        .collect();
    let wanted: Vec<Wanted> = open
        .iter()
        .map(|r| Wanted {
            id: r.id,
            board: r.board_id,
            category: r.category_id,
            kind: r.kind,
            asset: r.asset_id,
            filed_at: r.created_at,
        })
        .collect();
    let suggestions = utilisation::suggest(&held, &wanted);
    let tallies = utilisation::tally(&held, &wanted, &suggestions);

    // Per board: its categories in code order, then its total.
    let mut by_board: HashMap<Uuid, BTreeMap<String, (Uuid, Tally)>> = HashMap::new();
    for ((board, cat), t) in tallies {
        let code = categories
            .get(&cat)
            .map(|c| c.code.as_str().to_owned())
            .unwrap_or_default();
        by_board.entry(board).or_default().insert(code, (cat, t));
    }
    for &board in boards {
        let lines = by_board.remove(&board).unwrap_or_default();
        let total = utilisation::board_total(lines.values().map(|(_, t)| t));
        for (_, (cat, tally)) in lines {
            let Some(category) = categories.get(&cat).cloned() else {
                continue;
            };
            sink(AssetLine::Category {
                board,
                category,
                tally,
            })?;
        }
        sink(AssetLine::Board {
            board,
            tally: total,
        })?;
    }
    let shown: std::collections::HashSet<Uuid> = boards.iter().copied().collect();
    for s in suggestions {
        let (a, r) = (&assets[s.asset], &open[s.request]);
        if !shown.contains(&a.custodian_board_id) && !shown.contains(&r.board_id) {
            continue;
        }
        let Some(category) = categories.get(&a.category_id).cloned() else {
            continue;
        };
        sink(AssetLine::Suggestion {
            asset: Box::new(a.clone()),
            category,
            request: Box::new(r.clone()),
            basis: s.basis,
        })?;
    }
    Ok(())
}

/// What asset utilisation was prepared with: the day it is of, in office
/// time, and the boards it names.
pub struct PreparedAssets {
    pub as_of: chrono::NaiveDate,
    pub tz: chrono_tz::Tz,
    pub boards: std::sync::Arc<super::Boards>,
    pub lines: super::Report<AssetLine>,
}

/// Asset utilisation today, for every board in code order or the one
/// asked (by code or id), for assets of `category` (all when `None`).
#[tracing::instrument(skip(env))]
pub async fn prepare(
    env: &crate::ops::Env,
    board: Option<String>,
    category: Option<crate::domain::assets::CategoryCode>,
) -> Result<PreparedAssets, OpError> {
    let now = env.clock.now();
    let (ids, category_id, tz, boards) = env
        .db
        .read(move |conn| {
            let board = super::board_of(conn, board)?;
            let tz = crate::storage::settings::fleet_policy(conn)?.1;
            let category_id = match &category {
                Some(c) => Some(crate::ops::assets::category(conn, c)?.id),
                None => None,
            };
            let boards = super::Boards::load(conn)?;
            Ok::<_, OpError>((boards.ids(board), category_id, tz, boards))
        })
        .await?;
    Ok(PreparedAssets {
        as_of: now.with_timezone(&tz).date_naive(),
        tz,
        boards: std::sync::Arc::new(boards),
        lines: super::Report::new(env, move |conn, sink| {
            asset_utilisation(conn, &ids, category_id, sink)
        }),
    })
}
