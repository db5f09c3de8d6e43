//! The finance ledger's rules: accounts and budget lines, monthly periods,
//! balanced journal entries, the budget check, spending norms, bank
//! statements and how their lines are matched to the ledger.

pub mod account;
pub mod budget;
pub mod budget_line;
pub mod expense;
pub mod journal;
pub mod matching;
pub mod norms;
pub mod period;
pub mod plaintext;
pub mod reconciliation;
pub mod statement;
pub mod trip_costing;
