//! Property tests of the ledger's invariants: random sequences of
//! allocations, postings and reversals, run through the operations on a
//! real database (SQLite, or PostgreSQL with TEST_DATABASE_URL), checked
//! against a model kept by the test.
//!
//! After every sequence: the trial balance balances, every account's
//! balance equals the model's, budget execution shows the model's
//! allocated and spent with available = allocated − committed − spent, a
//! `stop` line never goes below zero, and each refusal was predicted.

use std::collections::HashMap;

use proptest::prelude::*;
use sharedoffice::domain::audit::Actor;
use sharedoffice::domain::board::{BoardCode, BoardName};
use sharedoffice::domain::ledger::budget_line::BudgetLineCode;
use sharedoffice::domain::ledger::journal::{BalancedLines, Posting as Line, Side, Source};
use sharedoffice::domain::ledger::period::FiscalYear;
use sharedoffice::domain::money::Money;
use sharedoffice::ops::OpError;
use sharedoffice::ops::ledger::LedgerContext;
use sharedoffice::ops::ledger::budget::Enforcement;
use sharedoffice::ops::ledger::chart::{self, NewAllocation};
use sharedoffice::ops::ledger::journal::{self, Posting};
use sharedoffice::ops::organisation;
use sharedoffice::storage::ledger::{accounts, budget_lines, reports};
use sharedoffice::storage::{DbConn, write_tx};
use uuid::Uuid;

use crate::helpers::TestDb;

const LINES: [&str; 2] = ["6700", "6550"]; // stop, warn
const PAIRS: [(&str, &str); 5] = [
    ("611", "112"),
    ("611", "331"),
    ("331", "112"),
    ("112", "511"),
    ("611", "111"),
];

#[derive(Debug, Clone)]
enum Op {
    Allocate {
        board: usize,
        line: usize,
        minor: i64,
    },
    Post {
        board: usize,
        line: usize,
        pair: usize,
        minor: i64,
    },
    Reverse {
        pick: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0..2usize,
            0..2usize,
            prop_oneof![1i64..2_000_000_000, -500_000_000i64..-1]
        )
            .prop_map(|(board, line, minor)| Op::Allocate { board, line, minor }),
        (0..2usize, 0..2usize, 0..PAIRS.len(), 1i64..1_000_000_000).prop_map(
            |(board, line, pair, minor)| Op::Post {
                board,
                line,
                pair,
                minor
            }
        ),
        (0..40usize).prop_map(|pick| Op::Reverse { pick }),
    ]
}

struct World {
    conn: DbConn,
    _db: TestDb,
    boards: Vec<Uuid>,
    lines: Vec<Uuid>,
    accounts: HashMap<&'static str, Uuid>,
    ctx: LedgerContext,
}

fn world() -> World {
    let db = TestDb::fresh();
    let pool = sharedoffice::startup::prepare_database(&db.target, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let boards = write_tx(&mut conn, |conn| {
        ["BTC", "UBKT"]
            .iter()
            .map(|c| {
                organisation::create_board(
                    conn,
                    &Actor::system(),
                    &BoardCode::parse(c).unwrap(),
                    &BoardName::parse(c).unwrap(),
                    sharedoffice::clock::now(),
                )
                .map(|b| b.id)
            })
            .collect::<Result<Vec<_>, OpError>>()
    })
    .unwrap();
    let lines = LINES
        .iter()
        .map(|c| {
            budget_lines::find_by_code(&mut conn, &BudgetLineCode::parse(c).unwrap())
                .unwrap()
                .unwrap()
                .id
        })
        .collect();
    let accounts = ["611", "112", "331", "511", "111"]
        .into_iter()
        .map(|c| {
            let code = sharedoffice::domain::ledger::account::AccountCode::parse(c).unwrap();
            (
                c,
                accounts::find_by_code(&mut conn, &code)
                    .unwrap()
                    .unwrap()
                    .id,
            )
        })
        .collect();
    drop(conn);
    World {
        conn: sharedoffice::storage::establish(&db.target).unwrap(),
        _db: db,
        boards,
        lines,
        accounts,
        ctx: LedgerContext {
            now: chrono::Utc::now(),
            tz: chrono_tz::Asia::Ho_Chi_Minh,
        },
    }
}

#[derive(Default)]
struct Model {
    allocated: HashMap<(usize, usize), i64>,
    spent: HashMap<(usize, usize), i64>,
    balance: HashMap<&'static str, i64>,
    /// Posted, not yet reversed: (entry id, board, line, pair, minor).
    posted: Vec<(Uuid, usize, usize, usize, i64)>,
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut w = world();
    let mut m = Model::default();
    let actor = Actor::system();
    let today = w.ctx.today();
    for op in ops {
        match op {
            Op::Allocate { board, line, minor } => {
                let key = (board, line);
                let after = m.allocated.get(&key).copied().unwrap_or(0) + minor;
                let expect_ok =
                    minor > 0 || after >= m.spent.get(&key).copied().unwrap_or(0).max(0);
                let n = NewAllocation {
                    fiscal_year: FiscalYear::of(today),
                    board_id: w.boards[board],
                    budget_line_id: w.lines[line],
                    amount: Money::from_minor(minor),
                    reason: "thử".into(),
                };
                let ctx = w.ctx;
                let r = write_tx(&mut w.conn, |c| chart::allocate(c, &actor, n, &ctx));
                prop_assert_eq!(
                    r.is_ok(),
                    expect_ok,
                    "allocate {} on {:?}: {:?}",
                    minor,
                    key,
                    r.err()
                );
                if expect_ok {
                    *m.allocated.entry(key).or_default() += minor;
                }
            }
            Op::Post {
                board,
                line,
                pair,
                minor,
            } => {
                let key = (board, line);
                let (debit, credit) = PAIRS[pair];
                let spends = debit == "611";
                let available = m.allocated.get(&key).copied().unwrap_or(0)
                    - m.spent.get(&key).copied().unwrap_or(0);
                let expect_ok = !(spends && line == 0 && minor > available);
                let lines = BalancedLines::new(vec![
                    Line {
                        account_id: w.accounts[debit],
                        board_id: w.boards[board],
                        budget_line_id: w.lines[line],
                        side: Side::Debit,
                        amount: Money::from_minor(minor),
                        memo: None,
                    },
                    Line {
                        account_id: w.accounts[credit],
                        board_id: w.boards[board],
                        budget_line_id: w.lines[line],
                        side: Side::Credit,
                        amount: Money::from_minor(minor),
                        memo: None,
                    },
                ])
                .unwrap();
                let ctx = w.ctx;
                let r = write_tx(&mut w.conn, |c| {
                    journal::post(
                        c,
                        &actor,
                        Posting {
                            id: Uuid::now_v7(),
                            date: today,
                            description: "thử".into(),
                            reference: None,
                            source: Source::Manual,
                            source_id: None,
                            reverses_id: None,
                            lines,
                        },
                        Enforcement::Enforce,
                        &ctx,
                    )
                });
                prop_assert_eq!(
                    r.is_ok(),
                    expect_ok,
                    "post {} {}→{} on {:?}: {:?}",
                    minor,
                    debit,
                    credit,
                    key,
                    r.as_ref().err()
                );
                if let Ok((entry, _)) = r {
                    *m.balance.entry(debit).or_default() += minor;
                    *m.balance.entry(credit).or_default() -= minor;
                    if spends {
                        *m.spent.entry(key).or_default() += minor;
                    }
                    m.posted.push((entry.id, board, line, pair, minor));
                }
            }
            Op::Reverse { pick } => {
                if m.posted.is_empty() {
                    continue;
                }
                let (id, board, line, pair, minor) = m.posted.remove(pick % m.posted.len());
                let ctx = w.ctx;
                let r = write_tx(&mut w.conn, |c| {
                    journal::reverse(c, &actor, id, None, None, &ctx)
                });
                prop_assert!(r.is_ok(), "reverse: {:?}", r.err());
                let (debit, credit) = PAIRS[pair];
                *m.balance.entry(debit).or_default() -= minor;
                *m.balance.entry(credit).or_default() += minor;
                if debit == "611" {
                    *m.spent.entry((board, line)).or_default() -= minor;
                }
                // Reversing twice is refused.
                let again = write_tx(&mut w.conn, |c| {
                    journal::reverse(c, &actor, id, None, None, &ctx)
                });
                prop_assert!(again.is_err());
            }
        }
    }
    // The trial balance balances and matches the model per account.
    let tb = reports::trial_balance(&mut w.conn, FiscalYear::of(today).first_day(), today).unwrap();
    let debits: i128 = tb.iter().map(|r| r.debit.to_minor()).sum();
    let credits: i128 = tb.iter().map(|r| r.credit.to_minor()).sum();
    prop_assert_eq!(debits, credits);
    for (code, id) in &w.accounts {
        let net = tb
            .iter()
            .find(|r| r.account_id == *id)
            .map_or(0, |r| r.debit.to_minor() - r.credit.to_minor());
        prop_assert_eq!(
            net,
            i128::from(m.balance.get(code).copied().unwrap_or(0)),
            "account {}",
            code
        );
    }
    // Budget execution agrees with the model.
    let rows = reports::budget_execution(&mut w.conn, FiscalYear::of(today), None, None).unwrap();
    for (b, board) in w.boards.iter().enumerate() {
        for (l, line) in w.lines.iter().enumerate() {
            let row = rows
                .iter()
                .find(|r| r.board_id == *board && r.budget_line_id == *line);
            let (allocated, spent, available) = row.map_or((0, 0, 0), |r| {
                (
                    r.position.allocated.to_minor(),
                    r.position.spent.to_minor(),
                    r.position.available().to_minor(),
                )
            });
            prop_assert_eq!(
                allocated,
                i128::from(m.allocated.get(&(b, l)).copied().unwrap_or(0))
            );
            prop_assert_eq!(
                spent,
                i128::from(m.spent.get(&(b, l)).copied().unwrap_or(0))
            );
            prop_assert_eq!(available, allocated - spent);
            if l == 0 {
                prop_assert!(available >= 0, "a stop line went below zero: {}", available);
            }
        }
    }
    Ok(())
}

#[test]
fn random_postings_reversals_and_allocations_keep_the_books_consistent() {
    let cases = if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        12
    } else {
        24
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..30), run)
        .unwrap();
}
