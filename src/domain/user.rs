//! People who sign in: usernames, names, roles and password policy.

use std::fmt;

use serde::Serialize;
use uuid::Uuid;

use super::{ParseError, text};

/// What a user may do (SPEC 2). Stored and sent as the lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A board's clerk: books cars and files claims for their own board only.
    Clerk,
    /// A pooled driver: sees and completes their own trips.
    Driver,
    /// The Office's fleet desk.
    Dispatcher,
    /// The finance officer (kế toán).
    Finance,
    /// Office leadership and board heads: read everything, approve.
    Manager,
    /// System administrator: boards, users, settings, audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Clerk,
        Role::Driver,
        Role::Dispatcher,
        Role::Finance,
        Role::Manager,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Driver => "driver",
            Role::Dispatcher => "dispatcher",
            Role::Finance => "finance",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                ParseError::new(
                    "invalid_role",
                    format!(
                        "'{}' is not a role. Choose one of: clerk, driver, dispatcher, finance, \
                         manager, admin.",
                        raw.trim()
                    ),
                )
            })
    }

    /// Whether a user of this role must belong to a board. A clerk acts for
    /// exactly one board; everyone else works for the Office as a whole.
    pub fn requires_board(self) -> bool {
        self == Role::Clerk
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sign-in name: 3–64 characters of lower-case letters, digits, `.`, `_`, `-`.
/// Compared case-insensitively (stored lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let name = raw.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Self(name))
        } else {
            Err(ParseError::new(
                "invalid_username",
                format!(
                    "'{}' is not a valid username. Use 3–64 letters without diacritics, digits, \
                     '.', '_' or '-', e.g. nguyen.van.a.",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's full name as written in Vietnamese, e.g. "Nguyễn Thị Hoa".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FullName(String);

impl FullName {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        text::bounded("Full name", raw, 1, 200).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy: 10–128 characters, not only
/// whitespace. Length is what makes a password strong; no composition rules.
/// Never serialised, never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS || raw.trim().is_empty() {
            return Err(ParseError::new(
                "password_too_short",
                format!(
                    "The password must be at least {} characters long; a short sentence is easy \
                     to remember and hard to guess.",
                    Self::MIN_CHARS
                ),
            ));
        }
        if len > Self::MAX_CHARS {
            return Err(ParseError::new(
                "password_too_long",
                format!(
                    "The password must be at most {} characters long.",
                    Self::MAX_CHARS
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A user account as shown to other users (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub username: Username,
    pub full_name: FullName,
    pub role: Role,
    pub board_id: Option<Uuid>,
    pub active: bool,
}

impl User {
    /// Rebuilds a user from trusted storage (values were parsed on the way in).
    pub fn from_stored(
        id: Uuid,
        username: String,
        full_name: String,
        role: Role,
        board_id: Option<Uuid>,
        active: bool,
    ) -> Self {
        Self {
            id,
            username: Username(username),
            full_name: FullName(full_name),
            role,
            board_id,
            active,
        }
    }
}

/// Checks the role/board pairing: a clerk needs a board.
pub fn check_board_for_role(role: Role, board_id: Option<Uuid>) -> Result<(), ParseError> {
    if role.requires_board() && board_id.is_none() {
        return Err(ParseError::new(
            "board_required",
            "A clerk acts for one board: choose the board this clerk works for.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_refuse_unknown_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert_eq!(Role::parse(" Admin ").unwrap(), Role::Admin);
        assert_eq!(Role::parse("root").unwrap_err().code, "invalid_role");
    }

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        assert_eq!(
            Username::parse("Nguyen.Van.A").unwrap().as_str(),
            "nguyen.van.a"
        );
        for bad in ["ab", "nguyễn", "a b", ".hidden", &"x".repeat(65)] {
            assert_eq!(
                Username::parse(bad).unwrap_err().code,
                "invalid_username",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn password_policy_counts_characters() {
        assert!(NewPassword::parse("mật khẩu dài").is_ok());
        assert_eq!(
            NewPassword::parse("short").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse(&" ".repeat(12)).unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).unwrap_err().code,
            "password_too_long"
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("secret-secret").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn a_clerk_needs_a_board_and_others_do_not() {
        assert_eq!(
            check_board_for_role(Role::Clerk, None).unwrap_err().code,
            "board_required"
        );
        assert!(check_board_for_role(Role::Clerk, Some(Uuid::nil())).is_ok());
        assert!(check_board_for_role(Role::Manager, None).is_ok());
    }
}
