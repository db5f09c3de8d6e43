//! Stocktakes: opened for a board or a location, counted (lists of scanned
//! asset codes), closed to produce the discrepancies (see
//! `domain::assets::stocktake`), which are kept with the stocktake.

use std::collections::HashSet;

use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::access::{BoardScope, Principal};
use crate::domain::assets::AssetCode;
use crate::domain::assets::stocktake::{self, Counted, Registered};
use crate::domain::audit::Actor;
use crate::ops::ledger::LedgerContext;
use crate::ops::{Acting, Env, OpError};
use crate::storage::DbConn;
use crate::storage::assets::register::{self, Asset};
use crate::storage::assets::stocktakes::{self as store, Stocktake, StoredDiscrepancy};
use crate::storage::audit::{self, Change};

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    s: &Stocktake,
    after: serde_json::Value,
    ctx: &LedgerContext,
) -> Result<(), OpError> {
    audit::record(
        conn,
        &Change {
            actor,
            action,
            entity_type: "stocktake",
            entity_id: s.id,
            board_id: s.board_id,
            before: None,
            after: Some(after),
        },
        ctx.now,
    )?;
    Ok(())
}

/// Opens a stocktake of a board's assets, of a location, or of a board's
/// assets at a location.
pub fn open(
    conn: &mut DbConn,
    actor: &Actor,
    board_id: Option<Uuid>,
    location: Option<String>,
    ctx: &LedgerContext,
) -> Result<Stocktake, OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    if board_id.is_none() && location.is_none() {
        return Err(OpError::invalid(
            "board_id",
            ParseError::new(
                "required",
                "Say what is counted: a board_id, a location, or both.",
            ),
        ));
    }
    if let Some(b) = board_id {
        super::active_board(conn, b, "board_id")?;
    }
    let s = Stocktake {
        id: Uuid::now_v7(),
        board_id,
        location,
        status: "open".to_owned(),
        opened_by: by,
        opened_at: ctx.now,
        closed_by: None,
        closed_at: None,
    };
    store::insert(conn, &s)?;
    record(
        conn,
        actor,
        "create",
        &s,
        serde_json::json!({"board_id": s.board_id, "location": s.location}),
        ctx,
    )?;
    Ok(s)
}

fn load_open(conn: &mut DbConn, id: Uuid) -> Result<Stocktake, OpError> {
    store::lock(conn, id)?;
    let s = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("stocktake".into()))?;
    if s.status != "open" {
        return Err(OpError::conflict(
            "stocktake_closed",
            "This stocktake is closed; open a new one to count again.",
        ));
    }
    Ok(s)
}

/// Records scanned codes, found at `location` (the stocktake's own
/// location when not given).
pub fn count(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    codes: &[AssetCode],
    location: Option<String>,
    ctx: &LedgerContext,
) -> Result<(Stocktake, usize), OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let s = load_open(conn, id)?;
    let location = location.or_else(|| s.location.clone());
    store::add_counts(conn, id, codes, location.as_deref(), by, ctx.now)?;
    let total = store::counts(conn, id)?.len();
    record(
        conn,
        actor,
        "count",
        &s,
        serde_json::json!({
            "codes": codes.iter().map(AssetCode::as_str).collect::<Vec<_>>(),
            "location": location,
        }),
        ctx,
    )?;
    Ok((s, total))
}

/// Closes a stocktake and stores its discrepancies.
pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    id: Uuid,
    ctx: &LedgerContext,
) -> Result<(Stocktake, Vec<StoredDiscrepancy>), OpError> {
    let by = actor
        .user_id
        .ok_or_else(|| OpError::NotFound("user".into()))?;
    let s = load_open(conn, id)?;
    let counted: Vec<Counted> = store::counts(conn, id)?
        .into_iter()
        .map(|(code, location)| Counted { code, location })
        .collect();
    let scope = register::active_in(conn, s.board_id, s.location.as_deref())?;
    let in_scope: HashSet<Uuid> = scope.iter().map(|a| a.id).collect();
    // Known assets counted outside the scope: registered elsewhere, so
    // found at the wrong location, as long as they belong to the board
    // counted (another board's asset in a board's count is unexpected).
    let mut codes: Vec<String> = counted.iter().map(|c| c.code.as_str().to_owned()).collect();
    codes.sort();
    codes.dedup();
    let others: Vec<Asset> = register::by_codes(conn, &codes)?
        .into_iter()
        .filter(|a| !in_scope.contains(&a.id))
        .filter(|a| a.status != crate::domain::assets::AssetStatus::Disposed)
        .filter(|a| s.board_id.is_none_or(|b| a.custodian_board_id == b))
        .collect();
    let all: Vec<&Asset> = scope.iter().chain(others.iter()).collect();
    let registered: Vec<Registered> = all
        .iter()
        .map(|a| Registered {
            code: a.code.clone(),
            location: a.location.clone(),
            in_scope: in_scope.contains(&a.id),
        })
        .collect();
    let found = stocktake::discrepancies(&registered, &counted);
    let rows: Vec<_> = found
        .into_iter()
        .map(|d| {
            let known = all.iter().find(|a| a.code == d.code);
            let (asset, board) = (known.map(|a| a.id), known.map(|a| a.custodian_board_id));
            (d, asset, board)
        })
        .collect();
    store::insert_discrepancies(conn, id, &rows)?;
    if !store::close(conn, id, by, ctx.now)? {
        return Err(OpError::conflict(
            "stocktake_closed",
            "This stocktake was closed meanwhile.",
        ));
    }
    let closed = store::find(conn, id)?.ok_or_else(|| OpError::NotFound("stocktake".into()))?;
    let stored = store::discrepancies(conn, id)?;
    record(
        conn,
        actor,
        "close",
        &closed,
        serde_json::json!({"discrepancies": stored.len()}),
        ctx,
    )?;
    Ok((closed, stored))
}

// Units of work: what the JSON API calls. Each runs in its own
// transaction, at the time of the service's clock.

/// A stocktake as shown: how many codes were counted, and once closed
/// what the count found.
#[derive(Debug)]
pub struct Shown {
    pub stocktake: Stocktake,
    pub counted: usize,
    pub discrepancies: Vec<StoredDiscrepancy>,
}

/// A stocktake the caller may see (a clerk: their board's); otherwise
/// "not found", so another board's stocktake does not show that it exists.
fn visible(conn: &mut DbConn, p: &Principal, id: Uuid) -> Result<Stocktake, OpError> {
    let scope = p.board_scope();
    store::find(conn, id)?
        .filter(|s| scope.allows(s.board_id))
        .ok_or_else(|| OpError::NotFound("stocktake".into()))
}

/// Opens a stocktake of a board, a location, or a board's assets at a
/// location.
#[tracing::instrument(skip_all, fields(user = %who.principal.username))]
pub async fn start(
    env: &Env,
    who: &Acting,
    board_id: Option<Uuid>,
    location: Option<String>,
) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            Ok(Shown {
                stocktake: open(conn, &actor, board_id, location, &ctx)?,
                counted: 0,
                discrepancies: vec![],
            })
        })
        .await
}

/// Stocktakes, newest first, within the caller's scope: a clerk's board
/// (another board asked for lists nothing), every board for Office staff.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, limit))]
pub async fn list(
    env: &Env,
    who: &Acting,
    board_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Shown>, OpError> {
    let board_id = match who.principal.board_scope() {
        BoardScope::All => board_id,
        BoardScope::Only(own) if board_id.is_none_or(|b| b == own) => Some(own),
        BoardScope::Only(_) | BoardScope::None => return Ok(vec![]),
    };
    env.db
        .read(move |conn| {
            let list = store::list(conn, board_id, limit)?;
            let mut out = Vec::with_capacity(list.len());
            for s in list {
                let counted = store::counts(conn, s.id)?.len();
                out.push(Shown {
                    stocktake: s,
                    counted,
                    discrepancies: vec![],
                });
            }
            Ok(out)
        })
        .await
}

/// One stocktake the caller may see, with its discrepancies once closed.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn get(env: &Env, who: &Acting, id: Uuid) -> Result<Shown, OpError> {
    let principal = who.principal.clone();
    env.db
        .read(move |conn| {
            let stocktake = visible(conn, &principal, id)?;
            Ok(Shown {
                stocktake,
                counted: store::counts(conn, id)?.len(),
                discrepancies: store::discrepancies(conn, id)?,
            })
        })
        .await
}

/// Records scanned codes into an open stocktake the caller may see.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id, codes = codes.len()))]
pub async fn add_counts(
    env: &Env,
    who: &Acting,
    id: Uuid,
    codes: Vec<AssetCode>,
    location: Option<String>,
) -> Result<Shown, OpError> {
    let (who, clock) = (who.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            visible(conn, &who.principal, id)?;
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (stocktake, counted) = count(conn, &who.actor, id, &codes, location, &ctx)?;
            Ok(Shown {
                stocktake,
                counted,
                discrepancies: vec![],
            })
        })
        .await
}

/// Closes an open stocktake and keeps its discrepancies.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, %id))]
pub async fn finish(env: &Env, who: &Acting, id: Uuid) -> Result<Shown, OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            let (stocktake, discrepancies) = close(conn, &actor, id, &ctx)?;
            Ok(Shown {
                stocktake,
                counted: store::counts(conn, id)?.len(),
                discrepancies,
            })
        })
        .await
}
