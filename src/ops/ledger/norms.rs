//! Spending norms: adding a version of a norm.

use serde_json::json;
use uuid::Uuid;

use super::LedgerContext;
use crate::domain::audit::Actor;
use crate::domain::ledger::norms::{NormCode, Validity, VersionPlan, plan_version};
use crate::domain::money::Money;
use crate::ops::{Acting, Env, OpError};
use crate::storage::DbConn;
use crate::storage::audit::{self, Change};
use crate::storage::ledger::norms::{self as store, NormFilter, NormVersion};

/// A version of a norm as finance entered it, parsed.
pub struct NewNorm {
    pub code: NormCode,
    pub name: String,
    pub unit: String,
    pub amount: Money,
    pub validity: Validity,
}

pub(crate) fn norm_json(n: &NormVersion) -> serde_json::Value {
    json!({"id": n.id, "code": n.code.as_str(), "name": n.name, "unit": n.unit,
           "amount": n.amount, "effective_from": n.validity.from,
           "effective_to": n.validity.to})
}

fn until(v: &Validity) -> String {
    v.to.map_or_else(|| "further notice".to_owned(), |t| t.to_string())
}

fn overlap(code: &NormCode, id: Uuid, v: &Validity) -> OpError {
    OpError::conflict(
        "norm_overlap",
        format!(
            "Norm {} already has a version in force from {} until {} (id {id}); versions of one norm may not overlap. Choose dates outside it.",
            code.as_str(),
            v.from,
            until(v)
        ),
    )
}

/// Adds a version of a norm. When the latest version is open-ended and
/// starts before the new one, it is closed the day before the new one
/// starts (recorded as its own change); any other overlap is refused with
/// 409 `norm_overlap` naming the version in the way. Returns the new
/// version and the one it closed.
pub fn add_version(
    conn: &mut DbConn,
    actor: &Actor,
    n: NewNorm,
    ctx: &LedgerContext,
) -> Result<(NormVersion, Option<NormVersion>), OpError> {
    let existing = store::versions_for_update(conn, &n.code)?;
    let ids: Vec<(Uuid, Validity)> = existing.iter().map(|v| (v.id, v.validity)).collect();
    let plan = plan_version(&ids, n.validity).map_err(|(id, v)| overlap(&n.code, id, &v))?;
    let mut closed = None;
    if let VersionPlan::CloseLatest { id, closed: until } = plan {
        let before = existing
            .iter()
            .find(|v| v.id == id)
            .cloned()
            .ok_or_else(|| OpError::NotFound("norm version".into()))?;
        let to = until
            .to
            .ok_or_else(|| OpError::NotFound("norm version".into()))?;
        store::close(conn, id, to, ctx.now)?;
        let after = NormVersion {
            validity: until,
            ..before.clone()
        };
        audit::record(
            conn,
            &Change {
                actor,
                action: "close_version",
                entity_type: "spending_norm",
                entity_id: id,
                board_id: None,
                before: Some(norm_json(&before)),
                after: Some(norm_json(&after)),
            },
            ctx.now,
        )?;
        closed = Some(after);
    }
    let version = NormVersion {
        id: Uuid::now_v7(),
        code: n.code,
        name: n.name,
        unit: n.unit,
        amount: n.amount,
        validity: n.validity,
        created_by: actor.user_id,
        created_at: ctx.now,
    };
    store::insert(conn, &version).map_err(|e| {
        if store::is_overlap(&e) {
            // Another version was added at the same moment.
            OpError::conflict(
                "norm_overlap",
                format!(
                    "Norm {} gained a version overlapping {} – {} meanwhile; versions of one norm may not overlap. Reload the norms and choose other dates.",
                    version.code.as_str(),
                    version.validity.from,
                    until(&version.validity)
                ),
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        conn,
        &Change {
            actor,
            action: "create",
            entity_type: "spending_norm",
            entity_id: version.id,
            board_id: None,
            before: None,
            after: Some(norm_json(&version)),
        },
        ctx.now,
    )?;
    Ok((version, closed))
}

/// Versions of the spending norms, by code then start date.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn versions(
    env: &Env,
    filter: NormFilter,
    limit: i64,
) -> Result<Vec<NormVersion>, OpError> {
    env.db
        .read(move |conn| Ok(store::list(conn, &filter, limit)?))
        .await
}

/// Adds a version of a norm (see [`add_version`]): the new version and the
/// one it closed.
#[tracing::instrument(skip_all, fields(user = %who.principal.username, code = n.code.as_str()))]
pub async fn add(
    env: &Env,
    who: &Acting,
    n: NewNorm,
) -> Result<(NormVersion, Option<NormVersion>), OpError> {
    let (actor, clock) = (who.actor.clone(), env.clock.clone());
    env.db
        .write(move |conn| {
            let ctx = LedgerContext::load(conn, clock.now())?;
            add_version(conn, &actor, n, &ctx)
        })
        .await
}
