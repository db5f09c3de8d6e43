//! Ledger storage: the chart, budget lines, periods, allocations, the
//! journal, commitments, norms, expense claims, reconciliations, and the
//! aggregate queries of the finance reports.

pub mod accounts;
pub mod allocations;
pub mod budget;
pub mod budget_lines;
pub mod commitments;
pub mod expenses;
pub mod journal;
pub mod norms;
pub mod periods;
pub mod reconciliations;
pub mod reports;
