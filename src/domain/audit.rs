//! The audit trail: who changed what, when, from which state to which.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// Who performed a change: a signed-in user, or the command line / the system
/// itself (bootstrap, demo data), which have no user id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    /// Username, or `cli:<os user>` / `system`.
    pub name: String,
    /// The HTTP request that carried the change, for correlating with logs.
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            user_id: None,
            name: "system".to_owned(),
            request_id: None,
        }
    }

    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        Self {
            user_id: None,
            name: format!("cli:{who}"),
            request_id: None,
        }
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: String,
    /// `create`, `update`, `deactivate`, `password_change`, …
    pub action: String,
    /// `board`, `user`, …
    pub entity_type: String,
    pub entity_id: Uuid,
    pub board_id: Option<Uuid>,
    /// The entity before the change (absent for creations).
    pub before: Option<serde_json::Value>,
    /// The entity after the change.
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}
