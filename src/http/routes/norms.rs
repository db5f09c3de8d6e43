//! Spending norms: the one internal spending regulation, in versions with
//! effective dates.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::journal::positive_amount;
use crate::domain::ledger::norms::{NormCode, Validity};
use crate::domain::money::Money;
use crate::domain::page::PageLimit;
use crate::domain::{ParseError, text};
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{Auth, FinanceDesk};
use crate::http::routes::next_cursor;
use crate::http::state::AppState;
use crate::ops::ledger::norms::{self as ops, NewNorm};
use crate::storage::ledger::norms::{NormFilter, NormVersion};

/// The version a new one closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedVersion {
    pub id: Uuid,
    pub effective_from: NaiveDate,
    /// Now the day before the new version starts.
    pub effective_to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NormView {
    pub id: Uuid,
    #[schema(example = "lodging_class_1")]
    pub code: String,
    #[schema(example = "Phòng nghỉ, đô thị loại I")]
    pub name: String,
    /// What one unit is.
    #[schema(example = "night")]
    pub unit: String,
    /// Allowed per unit.
    #[schema(value_type = String, example = "450000")]
    pub amount: Money,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force (inclusive); absent while open-ended.
    pub effective_to: Option<NaiveDate>,
    pub created_by: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// On creation: the previous version, closed the day before this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_version: Option<ClosedVersion>,
}

impl From<&NormVersion> for NormView {
    fn from(n: &NormVersion) -> Self {
        Self {
            id: n.id,
            code: n.code.as_str().to_owned(),
            name: n.name.clone(),
            unit: n.unit.clone(),
            amount: n.amount,
            effective_from: n.validity.from,
            effective_to: n.validity.to,
            created_by: n.created_by,
            created_at: n.created_at,
            closed_version: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NormList {
    pub items: Vec<NormView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NormQuery {
    /// Versions of this norm only.
    pub code: Option<String>,
    /// Only the versions in force on this day, YYYY-MM-DD.
    pub on: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Result<(NormCode, NaiveDate), ParseError> {
    let bad = || ParseError::new("invalid_cursor", "Pass back next_cursor as it was given.");
    let (code, d) = raw.rsplit_once('_').ok_or_else(bad)?;
    Ok((
        NormCode::parse(code).map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    ))
}

/// Spending norms, every version, by code then start date (every signed-in
/// user may read the regulation). `on` gives the versions in force on a day.
#[utoipa::path(
    tag = "ledger",
    params(NormQuery),
    responses(
        (status = 200, description = "Norm versions", body = NormList),
        (status = 422, description = "Filters refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/spending-norms")]
pub async fn list_norms(
    _auth: Auth,
    state: web::Data<AppState>,
    query: web::Query<NormQuery>,
) -> Result<web::Json<NormList>, ApiError> {
    let (filter, limit) = query.into_inner().parse()?;
    let items = ops::versions(&state.env, filter, limit).await?;
    Ok(web::Json(NormList {
        next_cursor: next_cursor(&items, limit, |n| {
            format!("{}_{}", n.code.as_str(), n.validity.from)
        }),
        items: items.iter().map(NormView::from).collect(),
    }))
}

impl NormQuery {
    fn parse(self) -> Result<(NormFilter, i64), ApiError> {
        let mut errors = FieldErrors::new();
        let limit = errors.check("limit", PageLimit::parse(self.limit));
        let code = errors.check_opt("code", self.code.as_deref().map(NormCode::parse));
        let after = errors.check_opt("cursor", self.cursor.as_deref().map(parse_cursor));
        let (Some(limit), Some(code), Some(after)) = (limit, code, after) else {
            return Err(errors.into());
        };
        let filter = NormFilter {
            code,
            on: self.on,
            after,
        };
        Ok((filter, limit.get()))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNorm {
    /// Lower-case letters, digits and _, e.g. per_diem, lodging_class_1,
    /// fuel_price, conference_delegate.
    #[schema(example = "lodging_class_1")]
    pub code: String,
    #[schema(example = "Phòng nghỉ, đô thị loại I")]
    pub name: String,
    /// What one unit is: day, night, litre, delegate.
    #[schema(example = "night")]
    pub unit: String,
    /// Allowed per unit: more than 0, at most two decimals.
    #[schema(example = "450000")]
    pub amount: String,
    /// First day in force, YYYY-MM-DD.
    pub effective_from: NaiveDate,
    /// Last day in force (inclusive); leave out for open-ended.
    pub effective_to: Option<NaiveDate>,
}

/// Add a version of a spending norm (finance). If the latest version of
/// the code is open-ended and starts earlier, it is closed the day before
/// the new one starts (`closed_version`); any other overlap is refused
/// with 409 `norm_overlap`.
#[utoipa::path(
    tag = "ledger",
    request_body = CreateNorm,
    responses(
        (status = 201, description = "Added", body = NormView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Overlaps another version of the norm", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spending-norms")]
pub async fn create_norm(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateNorm>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let (version, closed) = ops::add(&state.env, &auth.acting(), new).await?;
    let mut view = NormView::from(&version);
    view.closed_version = closed.and_then(|c| {
        c.validity.to.map(|to| ClosedVersion {
            id: c.id,
            effective_from: c.validity.from,
            effective_to: to,
        })
    });
    Ok(HttpResponse::Created().json(view))
}

impl CreateNorm {
    fn parse(self) -> Result<NewNorm, ApiError> {
        let b = self;
        let mut errors = FieldErrors::new();
        let code = errors.check("code", NormCode::parse(&b.code));
        let name = errors.check("name", text::bounded("Name", &b.name, 1, 200));
        let unit = errors.check("unit", text::bounded("Unit", &b.unit, 1, 40));
        let amount = errors.check("amount", positive_amount(&b.amount));
        let validity = errors.check(
            "effective_to",
            Validity::new(b.effective_from, b.effective_to),
        );
        let (Some(code), Some(name), Some(unit), Some(amount), Some(validity)) =
            (code, name, unit, amount, validity)
        else {
            return Err(errors.into());
        };
        Ok(NewNorm {
            code,
            name,
            unit,
            amount,
            validity,
        })
    }
}
