//! Operations: each one a single transaction that checks the rules, writes
//! the change and its audit entry. Shared by the HTTP handlers and the
//! command line, so both enforce the same rules.

pub mod assets;
pub mod fleet;
pub mod import;
pub mod ledger;
pub mod organisation;
pub mod reports;
pub mod settings;

use crate::domain::ParseError;

/// What every operation runs against: the database handle and the clock.
/// Operations take it with the acting principal and the parsed input, load
/// their own context, and return a domain result.
#[derive(Clone)]
pub struct Env {
    pub db: crate::storage::Db,
    pub clock: crate::clock::Clock,
}

/// Who acts: the signed-in principal, whose role and board decide what
/// they may do, and how the audit log names them.
#[derive(Debug, Clone)]
pub struct Acting {
    pub principal: crate::domain::access::Principal,
    pub actor: crate::domain::audit::Actor,
}

/// Why an operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The change conflicts with the current state (duplicate code, last admin…).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// A referenced record does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The principal's role or board does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The answer could not be written out (the reader of a streamed
    /// report left, or encoding failed); nothing was changed.
    #[error("{0}")]
    Output(String),
    /// A value was refused; `field` names it.
    #[error("{field}: {error}")]
    Invalid {
        field: &'static str,
        error: ParseError,
    },
    /// The change would collide with bookings; they are listed.
    #[error("{detail}")]
    Clashes {
        code: &'static str,
        detail: String,
        bookings: Vec<uuid::Uuid>,
    },
    /// A `stop` budget line has not enough available.
    #[error("{detail}")]
    BudgetExceeded {
        detail: String,
        budget: Box<crate::ops::ledger::budget::BudgetShortfall>,
    },
    /// Several values were refused; each is named by its path in the
    /// request, e.g. `lines[2].norm`.
    #[error("{} values were refused", .0.len())]
    Fields(Vec<(String, ParseError)>),
    /// Claim lines exceed their spending norms and no manager overrode them.
    #[error("{detail}")]
    OverNorm {
        detail: String,
        lines: Vec<crate::ops::ledger::expenses::OverNormLine>,
    },
    /// A purchase was asked for while assets of the category sit idle.
    #[error("{detail}")]
    IdleAssetsAvailable {
        detail: String,
        assets: Vec<crate::ops::assets::IdleAsset>,
    },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    /// The database could not run the operation at all.
    #[error(transparent)]
    Store(#[from] crate::storage::DbError),
}

impl OpError {
    pub fn invalid(field: &'static str, error: ParseError) -> Self {
        OpError::Invalid { field, error }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        OpError::Conflict {
            code,
            detail: detail.into(),
        }
    }
}

/// Whether the database answers (for the readiness probe).
pub async fn ready(env: &Env) -> Result<(), OpError> {
    use diesel::RunQueryDsl;
    env.db
        .read(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await
}
