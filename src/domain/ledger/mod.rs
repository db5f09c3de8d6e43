//! The finance ledger's rules: accounts and budget lines, monthly periods,
//! balanced journal entries, the budget check, spending norms, bank
//! statements and how their lines are matched to the ledger.

pub mod account;
pub mod budget;
pub mod budget_line;
pub mod journal;
pub mod matching;
pub mod norms;
pub mod period;
pub mod reconciliation;
pub mod statement;
