//! Operations: each one a single transaction that checks the rules, writes
//! the change and its audit entry. Shared by the HTTP handlers and the
//! command line, so both enforce the same rules.

pub mod assets;
pub mod fleet;
pub mod import;
pub mod ledger;
pub mod organisation;

use crate::domain::ParseError;

/// Why an operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The change conflicts with the current state (duplicate code, last admin…).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// A referenced record does not exist.
    #[error("{0}")]
    NotFound(String),
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
