//! Asset requests: written when submitted; afterwards only their decision
//! and fulfilment are recorded.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::assets::{RequestKind, RequestStatus};
use crate::domain::money::Money;
use crate::storage::schema::asset_requests;
use crate::storage::{DbConn, from_db_time, opt_uuid_of, stored, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRequest {
    pub id: Uuid,
    pub kind: RequestKind,
    pub board_id: Uuid,
    pub category_id: Uuid,
    /// The asset to repair, or the idle asset to take over.
    pub asset_id: Option<Uuid>,
    pub budget_line_id: Uuid,
    /// The estimate committed on approval (zero: nothing to commit).
    pub amount: Money,
    pub description: String,
    pub buy_anyway: bool,
    pub status: RequestStatus,
    pub submitted_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub fulfilled_by: Option<Uuid>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// What fulfilment actually cost.
    pub cost: Option<Money>,
    pub journal_entry_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = asset_requests)]
struct Row {
    id: String,
    kind: String,
    board_id: String,
    category_id: String,
    asset_id: Option<String>,
    budget_line_id: String,
    amount_minor: i64,
    description: String,
    buy_anyway: bool,
    status: String,
    submitted_by: String,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_reason: Option<String>,
    fulfilled_by: Option<String>,
    fulfilled_at: Option<NaiveDateTime>,
    cost_minor: Option<i64>,
    journal_entry_id: Option<String>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_request(self) -> QueryResult<AssetRequest> {
        Ok(AssetRequest {
            id: uuid_of(&self.id)?,
            kind: stored(RequestKind::parse(&self.kind))?,
            board_id: uuid_of(&self.board_id)?,
            category_id: uuid_of(&self.category_id)?,
            asset_id: opt_uuid_of(self.asset_id.as_deref())?,
            budget_line_id: uuid_of(&self.budget_line_id)?,
            amount: Money::from_minor(self.amount_minor),
            description: self.description,
            buy_anyway: self.buy_anyway,
            status: stored(RequestStatus::parse(&self.status))?,
            submitted_by: uuid_of(&self.submitted_by)?,
            decided_by: opt_uuid_of(self.decided_by.as_deref())?,
            decided_at: self.decided_at.map(from_db_time),
            decision_reason: self.decision_reason,
            fulfilled_by: opt_uuid_of(self.fulfilled_by.as_deref())?,
            fulfilled_at: self.fulfilled_at.map(from_db_time),
            cost: self.cost_minor.map(Money::from_minor),
            journal_entry_id: opt_uuid_of(self.journal_entry_id.as_deref())?,
            created_at: from_db_time(self.created_at),
        })
    }
}

pub fn insert(conn: &mut DbConn, r: &AssetRequest) -> QueryResult<()> {
    diesel::insert_into(asset_requests::table)
        .values((
            asset_requests::id.eq(r.id.to_string()),
            asset_requests::kind.eq(r.kind.as_str()),
            asset_requests::board_id.eq(r.board_id.to_string()),
            asset_requests::category_id.eq(r.category_id.to_string()),
            asset_requests::asset_id.eq(r.asset_id.map(|u| u.to_string())),
            asset_requests::budget_line_id.eq(r.budget_line_id.to_string()),
            asset_requests::amount_minor.eq(r.amount.to_minor()),
            asset_requests::description.eq(&r.description),
            asset_requests::buy_anyway.eq(r.buy_anyway),
            asset_requests::status.eq(r.status.as_str()),
            asset_requests::submitted_by.eq(r.submitted_by.to_string()),
            asset_requests::created_at.eq(to_db_time(r.created_at)),
            asset_requests::updated_at.eq(to_db_time(r.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<AssetRequest>> {
    asset_requests::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_request)
        .transpose()
}

/// Locks a request for its next step (PostgreSQL `FOR UPDATE`).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        asset_requests::table
            .find(id.to_string())
            .select(asset_requests::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// Writes the request's new state (decision or fulfilment) if it is still
/// in `from`; false when someone else moved it meanwhile.
pub fn advance(
    conn: &mut DbConn,
    r: &AssetRequest,
    from: RequestStatus,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let s = |u: Option<Uuid>| u.map(|u| u.to_string());
    let n = diesel::update(
        asset_requests::table
            .find(r.id.to_string())
            .filter(asset_requests::status.eq(from.as_str())),
    )
    .set((
        asset_requests::status.eq(r.status.as_str()),
        asset_requests::asset_id.eq(s(r.asset_id)),
        asset_requests::decided_by.eq(s(r.decided_by)),
        asset_requests::decided_at.eq(r.decided_at.map(to_db_time)),
        asset_requests::decision_reason.eq(r.decision_reason.as_deref()),
        asset_requests::fulfilled_by.eq(s(r.fulfilled_by)),
        asset_requests::fulfilled_at.eq(r.fulfilled_at.map(to_db_time)),
        asset_requests::cost_minor.eq(r.cost.map(Money::to_minor)),
        asset_requests::journal_entry_id.eq(s(r.journal_entry_id)),
        asset_requests::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Default, Clone)]
pub struct RequestFilter {
    pub board_id: Option<Uuid>,
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    /// Keyset cursor: the last id of the previous page.
    pub after: Option<Uuid>,
}

/// Requests in filing order (ids are time-ordered).
pub fn list(conn: &mut DbConn, f: &RequestFilter, limit: i64) -> QueryResult<Vec<AssetRequest>> {
    let mut q = asset_requests::table
        .select(Row::as_select())
        .order(asset_requests::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = f.board_id {
        q = q.filter(asset_requests::board_id.eq(b.to_string()));
    }
    if let Some(s) = f.status {
        q = q.filter(asset_requests::status.eq(s.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(asset_requests::kind.eq(k.as_str()));
    }
    if let Some(a) = f.after {
        q = q.filter(asset_requests::id.gt(a.to_string()));
    }
    q.load::<Row>(conn)?
        .into_iter()
        .map(Row::into_request)
        .collect()
}

/// Requests for a new asset still open: procurement and transfer_in,
/// submitted or approved, in filing order.
pub fn open_for_assets(conn: &mut DbConn) -> QueryResult<Vec<AssetRequest>> {
    asset_requests::table
        .filter(asset_requests::status.eq_any([
            RequestStatus::Submitted.as_str(),
            RequestStatus::Approved.as_str(),
        ]))
        .filter(asset_requests::kind.eq_any([
            RequestKind::Procurement.as_str(),
            RequestKind::TransferIn.as_str(),
        ]))
        .order((asset_requests::created_at.asc(), asset_requests::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_request)
        .collect()
}
