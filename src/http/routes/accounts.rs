//! The chart of accounts and the budget lines.

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::ledger::account::{Account, AccountCode, AccountKind};
use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode, Control};
use crate::domain::text;
use crate::http::error::{ApiError, FieldErrors, Problem};
use crate::http::extract::Json;
use crate::http::guard::{AnyRole, Auth, FinanceDesk};
use crate::http::state::AppState;
use crate::ops::ledger::chart::{self as ops, BudgetLineChange, NewAccount, NewBudgetLine};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: Uuid,
    #[schema(example = "112")]
    pub code: String,
    #[schema(example = "Tiền gửi ngân hàng, kho bạc")]
    pub name: String,
    /// asset, liability, net_assets, revenue or expense.
    pub kind: String,
    /// Cash and bank accounts, reconciled against statements.
    pub reconcilable: bool,
    pub active: bool,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            code: a.code.as_str().to_owned(),
            name: a.name.clone(),
            kind: a.kind.as_str().to_owned(),
            reconcilable: a.reconcilable,
            active: a.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountView>,
}

/// The chart of accounts in code order (it is short: one page).
#[utoipa::path(tag = "ledger", responses((status = 200, description = "Accounts", body = AccountList)))]
#[get("/accounts")]
pub async fn list_accounts(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
) -> Result<web::Json<AccountList>, ApiError> {
    let items = ops::accounts(&state.env).await?;
    Ok(web::Json(AccountList {
        items: items.iter().map(AccountView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    /// 3–8 digits.
    #[schema(example = "1121")]
    pub code: String,
    pub name: String,
    /// asset, liability, net_assets, revenue or expense.
    pub kind: String,
    /// Cash or bank account to reconcile (default false).
    pub reconcilable: Option<bool>,
}

/// Add an account to the chart (finance).
#[utoipa::path(
    tag = "ledger",
    request_body = CreateAccount,
    responses(
        (status = 201, description = "Added", body = AccountView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateAccount>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let account = ops::add_account(&state.env, &auth.acting(), new).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/accounts/{}", account.id)))
        .json(AccountView::from(&account)))
}

impl CreateAccount {
    fn parse(self) -> Result<NewAccount, ApiError> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", AccountCode::parse(&self.code));
        let name = errors.check("name", text::bounded("Name", &self.name, 1, 200));
        let kind = errors.check("kind", AccountKind::parse(&self.kind));
        let (Some(code), Some(name), Some(kind)) = (code, name, kind) else {
            return Err(errors.into());
        };
        Ok(NewAccount {
            code,
            name,
            kind,
            reconcilable: self.reconcilable.unwrap_or(false),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetLineView {
    pub id: Uuid,
    #[schema(example = "6700")]
    pub code: String,
    #[schema(example = "Công tác phí")]
    pub name: String,
    /// stop (refuse what exceeds available), warn, or ignore.
    pub control: String,
    pub active: bool,
}

impl From<&BudgetLine> for BudgetLineView {
    fn from(l: &BudgetLine) -> Self {
        Self {
            id: l.id,
            code: l.code.as_str().to_owned(),
            name: l.name.clone(),
            control: l.control.as_str().to_owned(),
            active: l.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BudgetLineList {
    pub items: Vec<BudgetLineView>,
}

/// Budget lines in code order (one page).
#[utoipa::path(tag = "ledger", responses((status = 200, description = "Budget lines", body = BudgetLineList)))]
#[get("/budget-lines")]
pub async fn list_budget_lines(
    _auth: Auth<AnyRole>,
    state: web::Data<AppState>,
) -> Result<web::Json<BudgetLineList>, ApiError> {
    let items = ops::budget_lines(&state.env).await?;
    Ok(web::Json(BudgetLineList {
        items: items.iter().map(BudgetLineView::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBudgetLine {
    /// Four-digit code of the state budget classification.
    #[schema(example = "6750")]
    pub code: String,
    pub name: String,
    /// stop, warn or ignore.
    pub control: String,
}

/// Add a budget line (finance).
#[utoipa::path(
    tag = "ledger",
    request_body = CreateBudgetLine,
    responses(
        (status = 201, description = "Added", body = BudgetLineView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/budget-lines")]
pub async fn create_budget_line(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    body: Json<CreateBudgetLine>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().parse()?;
    let line = ops::add_budget_line(&state.env, &auth.acting(), new).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/budget-lines/{}", line.id),
        ))
        .json(BudgetLineView::from(&line)))
}

impl CreateBudgetLine {
    fn parse(self) -> Result<NewBudgetLine, ApiError> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", BudgetLineCode::parse(&self.code));
        let name = errors.check("name", text::bounded("Name", &self.name, 1, 200));
        let control = errors.check("control", Control::parse(&self.control));
        let (Some(code), Some(name), Some(control)) = (code, name, control) else {
            return Err(errors.into());
        };
        Ok(NewBudgetLine {
            code,
            name,
            control,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBudgetLine {
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// stop, warn or ignore.
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub control: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// Change a budget line's name, control policy or active flag (finance).
#[utoipa::path(
    tag = "ledger",
    request_body = UpdateBudgetLine,
    params(("id" = Uuid, Path, description = "Budget line id")),
    responses(
        (status = 200, description = "Updated", body = BudgetLineView),
        (status = 403, description = "Not finance", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such budget line", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/budget-lines/{id}")]
pub async fn update_budget_line(
    auth: Auth<FinanceDesk>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<UpdateBudgetLine>,
) -> Result<web::Json<BudgetLineView>, ApiError> {
    let change = body.into_inner().parse()?;
    let line = ops::change_budget_line(&state.env, &auth.acting(), id.into_inner(), change).await?;
    Ok(web::Json(BudgetLineView::from(&line)))
}

impl UpdateBudgetLine {
    fn parse(self) -> Result<BudgetLineChange, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check_opt(
            "name",
            self.name
                .as_deref()
                .map(|n| text::bounded("Name", n, 1, 200)),
        );
        let control = errors.check_opt("control", self.control.as_deref().map(Control::parse));
        let (Some(name), Some(control)) = (name, control) else {
            return Err(errors.into());
        };
        Ok(BudgetLineChange {
            name,
            control,
            active: self.active,
        })
    }
}
