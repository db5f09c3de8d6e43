//! Who is asking, and which boards' records they may see (SPEC 2).
//!
//! Scoping is decided here once; storage queries take a [`BoardScope`] so a
//! list cannot be written without saying whose rows it may return.

use uuid::Uuid;

use super::ParseError;
use super::user::Role;

/// What is filed for a board: a trip request, an asset request, an expense
/// claim. It names the thing in the refusals of [`Principal::filing_board`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    Booking,
    AssetRequest,
    Expense,
}

/// The signed-in user behind a request, as loaded from the database (not as
/// claimed by the token: a role change or deactivation takes effect at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub board_id: Option<Uuid>,
}

/// Which boards' records a principal may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardScope {
    /// Every board (Office staff: dispatcher, finance, manager, admin).
    All,
    /// One board only (a clerk and their own board).
    Only(Uuid),
    /// No board's records (a driver sees only their own trips).
    None,
}

impl BoardScope {
    pub fn allows(self, board_id: Option<Uuid>) -> bool {
        match self {
            BoardScope::All => true,
            BoardScope::Only(own) => board_id == Some(own),
            BoardScope::None => false,
        }
    }
}

/// Which bookings a principal may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingScope {
    All,
    /// A clerk: their board's bookings.
    Board(Uuid),
    /// A driver: the trips they drive.
    Driver(Uuid),
    /// A driver account not linked to a driver record: nothing.
    Nothing,
}

impl BookingScope {
    pub fn allows(self, board_id: Uuid, driver_id: Option<Uuid>) -> bool {
        match self {
            BookingScope::All => true,
            BookingScope::Board(b) => b == board_id,
            BookingScope::Driver(d) => driver_id == Some(d),
            BookingScope::Nothing => false,
        }
    }
}

impl Principal {
    /// Booking scope; `driver_id` is the driver record linked to this
    /// account (looked up by the caller for drivers).
    pub fn booking_scope(&self, driver_id: Option<Uuid>) -> BookingScope {
        match (self.role, self.board_id, driver_id) {
            (Role::Clerk, Some(board), _) => BookingScope::Board(board),
            (Role::Driver, _, Some(d)) => BookingScope::Driver(d),
            (Role::Clerk, None, _) | (Role::Driver, _, None) => BookingScope::Nothing,
            (Role::Dispatcher | Role::Finance | Role::Manager | Role::Admin, _, _) => {
                BookingScope::All
            }
        }
    }

    pub fn board_scope(&self) -> BoardScope {
        match (self.role, self.board_id) {
            (Role::Clerk, Some(board)) => BoardScope::Only(board),
            // A clerk without a board is refused by the database; see nothing.
            (Role::Clerk, None) | (Role::Driver, _) => BoardScope::None,
            (Role::Dispatcher | Role::Finance | Role::Manager | Role::Admin, _) => BoardScope::All,
        }
    }

    /// The board something is filed for. A clerk files for their own
    /// board only (leaving it out means their own); Office staff must name
    /// the board.
    pub fn filing_board(&self, asked: Option<Uuid>, what: Filing) -> Result<Uuid, ParseError> {
        match (self.role, self.board_id, asked) {
            (Role::Clerk, Some(own), None) => Ok(own),
            (Role::Clerk, Some(own), Some(asked)) if asked == own => Ok(own),
            (Role::Clerk, _, _) => Err(ParseError::new(
                "not_your_board",
                match what {
                    Filing::Booking => {
                        "A clerk books for their own board only; leave board_id out."
                    }
                    Filing::AssetRequest => {
                        "A clerk files requests for their own board only; leave board_id out."
                    }
                    Filing::Expense => {
                        "A clerk files claims for their own board only; leave board_id out."
                    }
                },
            )),
            (_, _, Some(asked)) => Ok(asked),
            (_, _, None) => Err(ParseError::new(
                "required",
                match what {
                    Filing::Booking => "The fleet desk must say which board the trip is for.",
                    Filing::AssetRequest => "Say which board the request is for.",
                    Filing::Expense => "Say which board the money was spent for.",
                },
            )),
        }
    }

    /// Whether this principal may see a user record: their own always, others
    /// when the user's board is within their scope (Office-wide users, who have
    /// no board, only for Office-wide roles).
    pub fn may_see_user(&self, user_id: Uuid, user_board: Option<Uuid>) -> bool {
        user_id == self.user_id || self.board_scope().allows(user_board)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, board: Option<Uuid>) -> Principal {
        Principal {
            user_id: Uuid::from_u128(1),
            username: "someone".into(),
            role,
            board_id: board,
        }
    }

    #[test]
    fn a_clerk_files_for_their_own_board_and_staff_name_one() {
        let (own, other) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let clerk = principal(Role::Clerk, Some(own));
        assert_eq!(clerk.filing_board(None, Filing::Booking), Ok(own));
        assert_eq!(clerk.filing_board(Some(own), Filing::Expense), Ok(own));
        let refused = clerk
            .filing_board(Some(other), Filing::AssetRequest)
            .unwrap_err();
        assert_eq!(refused.code, "not_your_board");
        let lost = principal(Role::Clerk, None).filing_board(None, Filing::Booking);
        assert_eq!(lost.unwrap_err().code, "not_your_board");
        let desk = principal(Role::Dispatcher, None);
        assert_eq!(desk.filing_board(Some(other), Filing::Booking), Ok(other));
        assert_eq!(
            desk.filing_board(None, Filing::Booking).unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn a_clerk_sees_only_their_own_board() {
        let own = Uuid::from_u128(10);
        let other = Uuid::from_u128(11);
        let scope = principal(Role::Clerk, Some(own)).board_scope();
        assert!(scope.allows(Some(own)));
        assert!(!scope.allows(Some(other)));
        assert!(!scope.allows(None));
    }

    #[test]
    fn office_roles_see_every_board_and_drivers_none() {
        for role in [Role::Dispatcher, Role::Finance, Role::Manager, Role::Admin] {
            assert_eq!(principal(role, None).board_scope(), BoardScope::All);
        }
        assert_eq!(
            principal(Role::Driver, Some(Uuid::from_u128(3))).board_scope(),
            BoardScope::None
        );
    }

    #[test]
    fn everyone_sees_their_own_user_record() {
        let driver = principal(Role::Driver, None);
        assert!(driver.may_see_user(driver.user_id, None));
        assert!(!driver.may_see_user(Uuid::from_u128(2), None));
    }
}
