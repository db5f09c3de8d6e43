//! Categories and assets.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::domain::assets::{AssetCode, AssetStatus, CategoryCode, WearRate};
use crate::domain::money::Money;
use crate::storage::schema::{asset_categories, assets};
use crate::storage::{DbConn, from_db_time, stored, to_db_time, uuid_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: Uuid,
    pub code: CategoryCode,
    pub name: String,
    pub unit: String,
    /// The wear rate given to new assets of the category.
    pub wear_rate: WearRate,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = asset_categories)]
struct CategoryRow {
    id: String,
    code: String,
    name: String,
    unit: String,
    wear_rate_centi: i32,
}

impl CategoryRow {
    fn into_category(self) -> QueryResult<Category> {
        Ok(Category {
            id: uuid_of(&self.id)?,
            code: stored(CategoryCode::parse(&self.code))?,
            name: self.name,
            unit: self.unit,
            wear_rate: WearRate::from_centi(self.wear_rate_centi),
        })
    }
}

pub fn categories(conn: &mut DbConn) -> QueryResult<Vec<Category>> {
    asset_categories::table
        .order(asset_categories::code.asc())
        .select(CategoryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CategoryRow::into_category)
        .collect()
}

pub fn category_by_code(conn: &mut DbConn, code: &CategoryCode) -> QueryResult<Option<Category>> {
    asset_categories::table
        .filter(asset_categories::code.eq(code.as_str()))
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()?
        .map(CategoryRow::into_category)
        .transpose()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: Uuid,
    pub code: AssetCode,
    pub name: String,
    pub category_id: Uuid,
    pub unit: String,
    pub original_cost: Money,
    pub accumulated_wear: Money,
    pub acquired_on: NaiveDate,
    pub wear_rate: WearRate,
    pub custodian_board_id: Uuid,
    pub location: String,
    pub status: AssetStatus,
    pub origin_board_id: Uuid,
    pub disposed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = assets)]
struct Row {
    id: String,
    code: String,
    name: String,
    category_id: String,
    unit: String,
    original_cost_minor: i64,
    accumulated_wear_minor: i64,
    acquired_on: NaiveDate,
    wear_rate_centi: i32,
    custodian_board_id: String,
    location: String,
    status: String,
    origin_board_id: String,
    disposed_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn into_asset(self) -> QueryResult<Asset> {
        Ok(Asset {
            id: uuid_of(&self.id)?,
            code: stored(AssetCode::parse(&self.code))?,
            name: self.name,
            category_id: uuid_of(&self.category_id)?,
            unit: self.unit,
            original_cost: Money::from_minor(self.original_cost_minor),
            accumulated_wear: Money::from_minor(self.accumulated_wear_minor),
            acquired_on: self.acquired_on,
            wear_rate: WearRate::from_centi(self.wear_rate_centi),
            custodian_board_id: uuid_of(&self.custodian_board_id)?,
            location: self.location,
            status: stored(AssetStatus::parse(&self.status))?,
            origin_board_id: uuid_of(&self.origin_board_id)?,
            disposed_on: self.disposed_on,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
}

fn load(rows: Vec<Row>) -> QueryResult<Vec<Asset>> {
    rows.into_iter().map(Row::into_asset).collect()
}

pub fn insert(conn: &mut DbConn, a: &Asset) -> QueryResult<()> {
    diesel::insert_into(assets::table)
        .values((
            assets::id.eq(a.id.to_string()),
            assets::code.eq(a.code.as_str()),
            assets::name.eq(&a.name),
            assets::category_id.eq(a.category_id.to_string()),
            assets::unit.eq(&a.unit),
            assets::original_cost_minor.eq(a.original_cost.to_minor()),
            assets::accumulated_wear_minor.eq(a.accumulated_wear.to_minor()),
            assets::acquired_on.eq(a.acquired_on),
            assets::wear_rate_centi.eq(a.wear_rate.centi()),
            assets::custodian_board_id.eq(a.custodian_board_id.to_string()),
            assets::location.eq(&a.location),
            assets::status.eq(a.status.as_str()),
            assets::origin_board_id.eq(a.origin_board_id.to_string()),
            assets::disposed_on.eq(a.disposed_on),
            assets::created_at.eq(to_db_time(a.created_at)),
            assets::updated_at.eq(to_db_time(a.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Inserts many assets at once (a bulk import): multi-row INSERTs on
/// SQLite, one `COPY` on PostgreSQL (see [`crate::storage::BATCH_ROWS`]).
pub fn insert_many(conn: &mut DbConn, list: &[Asset]) -> QueryResult<()> {
    let row = |a: &Asset| {
        (
            assets::id.eq(a.id.to_string()),
            assets::code.eq(a.code.as_str().to_owned()),
            assets::name.eq(a.name.clone()),
            assets::category_id.eq(a.category_id.to_string()),
            assets::unit.eq(a.unit.clone()),
            assets::original_cost_minor.eq(a.original_cost.to_minor()),
            assets::accumulated_wear_minor.eq(a.accumulated_wear.to_minor()),
            assets::acquired_on.eq(a.acquired_on),
            assets::wear_rate_centi.eq(a.wear_rate.centi()),
            assets::custodian_board_id.eq(a.custodian_board_id.to_string()),
            assets::location.eq(a.location.clone()),
            assets::status.eq(a.status.as_str()),
            assets::origin_board_id.eq(a.origin_board_id.to_string()),
            assets::disposed_on.eq(a.disposed_on),
            assets::created_at.eq(to_db_time(a.created_at)),
            assets::updated_at.eq(to_db_time(a.updated_at)),
        )
    };
    match conn {
        DbConn::Sqlite(c) => {
            for chunk in list.chunks(crate::storage::BATCH_ROWS) {
                let rows: Vec<_> = chunk.iter().map(row).collect();
                diesel::insert_into(assets::table).values(rows).execute(c)?;
            }
        }
        DbConn::Postgres(c) => {
            let rows: Vec<_> = list.iter().map(row).collect();
            diesel::copy_from(assets::table)
                .from_insertable(rows)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Writes the changeable fields of an asset: name, custody, location,
/// status, disposal date and accumulated wear.
pub fn update(conn: &mut DbConn, a: &Asset, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(assets::table.find(a.id.to_string()))
        .set((
            assets::name.eq(&a.name),
            assets::custodian_board_id.eq(a.custodian_board_id.to_string()),
            assets::location.eq(&a.location),
            assets::status.eq(a.status.as_str()),
            assets::disposed_on.eq(a.disposed_on),
            assets::accumulated_wear_minor.eq(a.accumulated_wear.to_minor()),
            assets::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: Uuid) -> QueryResult<Option<Asset>> {
    let rows = assets::table
        .find(id.to_string())
        .select(Row::as_select())
        .load(conn)?;
    Ok(load(rows)?.pop())
}

pub fn find_by_code(conn: &mut DbConn, code: &AssetCode) -> QueryResult<Option<Asset>> {
    let rows = assets::table
        .filter(assets::code.eq(code.as_str()))
        .select(Row::as_select())
        .load(conn)?;
    Ok(load(rows)?.pop())
}

/// Locks an asset for a change (PostgreSQL `FOR UPDATE`; SQLite's write
/// transaction already has one writer).
pub fn lock(conn: &mut DbConn, id: Uuid) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        assets::table
            .find(id.to_string())
            .select(assets::id)
            .for_update()
            .load::<String>(pg)?;
    }
    Ok(())
}

/// Which assets a list may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetVisibility {
    All,
    /// A clerk: their board's assets and every idle asset.
    BoardAndIdle(Uuid),
}

#[derive(Debug, Clone)]
pub struct AssetFilter {
    pub visibility: AssetVisibility,
    pub board_id: Option<Uuid>,
    pub status: Option<AssetStatus>,
    pub category_id: Option<Uuid>,
    pub location: Option<String>,
    /// Keyset cursor: the last code of the previous page.
    pub after: Option<String>,
}

/// Assets in code order.
pub fn list(conn: &mut DbConn, f: &AssetFilter, limit: i64) -> QueryResult<Vec<Asset>> {
    let mut q = assets::table
        .select(Row::as_select())
        .order(assets::code.asc())
        .limit(limit)
        .into_boxed();
    if let AssetVisibility::BoardAndIdle(own) = f.visibility {
        q = q.filter(
            assets::custodian_board_id
                .eq(own.to_string())
                .or(assets::status.eq(AssetStatus::Idle.as_str())),
        );
    }
    if let Some(b) = f.board_id {
        q = q.filter(assets::custodian_board_id.eq(b.to_string()));
    }
    if let Some(s) = f.status {
        q = q.filter(assets::status.eq(s.as_str()));
    }
    if let Some(c) = f.category_id {
        q = q.filter(assets::category_id.eq(c.to_string()));
    }
    if let Some(l) = &f.location {
        q = q.filter(assets::location.eq(l.clone()));
    }
    if let Some(after) = &f.after {
        q = q.filter(assets::code.gt(after.clone()));
    }
    load(q.load(conn)?)
}

/// Idle assets of a category, in code order.
pub fn idle_of_category(conn: &mut DbConn, category_id: Uuid) -> QueryResult<Vec<Asset>> {
    let rows = assets::table
        .filter(assets::category_id.eq(category_id.to_string()))
        .filter(assets::status.eq(AssetStatus::Idle.as_str()))
        .order(assets::code.asc())
        .select(Row::as_select())
        .load(conn)?;
    load(rows)
}

/// Every asset acquired on or before `last_day` and not disposed before
/// `first_day`: the ones a wear run of that year looks at.
pub fn held_during(
    conn: &mut DbConn,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> QueryResult<Vec<Asset>> {
    let rows = assets::table
        .filter(assets::acquired_on.le(last_day))
        .filter(
            assets::disposed_on
                .is_null()
                .or(assets::disposed_on.ge(first_day)),
        )
        .order(assets::code.asc())
        .select(Row::as_select())
        .load(conn)?;
    load(rows)
}

/// Assets not disposed, of a board or at a location.
pub fn active_in(
    conn: &mut DbConn,
    board_id: Option<Uuid>,
    location: Option<&str>,
) -> QueryResult<Vec<Asset>> {
    let mut q = assets::table
        .filter(assets::status.ne(AssetStatus::Disposed.as_str()))
        .order(assets::code.asc())
        .select(Row::as_select())
        .into_boxed();
    if let Some(b) = board_id {
        q = q.filter(assets::custodian_board_id.eq(b.to_string()));
    }
    if let Some(l) = location {
        q = q.filter(assets::location.eq(l.to_owned()));
    }
    load(q.load(conn)?)
}

/// Assets with these codes.
pub fn by_codes(conn: &mut DbConn, codes: &[String]) -> QueryResult<Vec<Asset>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let rows = assets::table
            .filter(assets::code.eq_any(chunk))
            .select(Row::as_select())
            .load(conn)?;
        out.extend(load(rows)?);
    }
    Ok(out)
}
