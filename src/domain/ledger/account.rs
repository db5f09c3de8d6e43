//! The chart of accounts.

use uuid::Uuid;

use crate::domain::ParseError;

/// An account number of the chart, 3–8 digits (`111`, `3311`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountCode(String);

impl AccountCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        if (3..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::new(
                "invalid_account_code",
                format!("'{s}' is not an account number: use 3 to 8 digits, e.g. 112 or 3311."),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an account records; decides its normal balance side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    Asset,
    Liability,
    NetAssets,
    Revenue,
    Expense,
}

impl AccountKind {
    pub const ALL: [AccountKind; 5] = [
        AccountKind::Asset,
        AccountKind::Liability,
        AccountKind::NetAssets,
        AccountKind::Revenue,
        AccountKind::Expense,
    ];

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| {
                ParseError::new(
                    "invalid_account_kind",
                    format!(
                        "'{}' is not an account type: use asset, liability, net_assets, revenue or expense.",
                        raw.trim()
                    ),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Asset => "asset",
            AccountKind::Liability => "liability",
            AccountKind::NetAssets => "net_assets",
            AccountKind::Revenue => "revenue",
            AccountKind::Expense => "expense",
        }
    }

    /// Assets and expenses grow with debits; the others with credits.
    pub fn debit_normal(self) -> bool {
        matches!(self, AccountKind::Asset | AccountKind::Expense)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub code: AccountCode,
    pub name: String,
    pub kind: AccountKind,
    /// Cash and bank accounts: their movements are reconciled against
    /// statements before a month is closed.
    pub reconcilable: bool,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_codes_are_digits() {
        assert_eq!(AccountCode::parse(" 112 ").unwrap().as_str(), "112");
        assert_eq!(AccountCode::parse("3311").unwrap().as_str(), "3311");
        for bad in ["11", "123456789", "11A", "", "1 2"] {
            assert_eq!(
                AccountCode::parse(bad).unwrap_err().code,
                "invalid_account_code",
                "{bad}"
            );
        }
    }

    #[test]
    fn normal_sides() {
        assert!(AccountKind::Asset.debit_normal());
        assert!(AccountKind::Expense.debit_normal());
        assert!(!AccountKind::Liability.debit_normal());
        assert!(!AccountKind::NetAssets.debit_normal());
        assert!(!AccountKind::Revenue.debit_normal());
        assert_eq!(
            AccountKind::parse("net_assets").unwrap(),
            AccountKind::NetAssets
        );
        assert!(AccountKind::parse("equity").is_err());
    }
}
