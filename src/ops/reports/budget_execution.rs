//! Budget execution: per board × budget line of a fiscal year the
//! allocated, committed, spent and available amounts. Finance and managers
//! see every board, a clerk their own.

use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::access::{BoardScope, Principal};
use crate::domain::ledger::budget::Position;
use crate::domain::ledger::budget_line::{BudgetLine, BudgetLineCode};
use crate::domain::ledger::period::FiscalYear;
use crate::ops::ledger::budget;
use crate::ops::{Env, OpError};
use crate::storage::ledger::{budget_lines, reports};

/// What was asked: the year (default: the office's current one), a board
/// (a clerk always gets their own), a budget line.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub year: Option<FiscalYear>,
    pub board: Option<Uuid>,
    pub budget_line: Option<BudgetLineCode>,
}

/// One board × budget line.
#[derive(Debug, Clone)]
pub struct Line {
    pub board_id: Uuid,
    pub board: String,
    pub budget_line: BudgetLine,
    pub position: Position,
}

#[derive(Debug, Clone)]
pub struct Execution {
    pub year: FiscalYear,
    /// In board code, then budget line code order.
    pub lines: Vec<Line>,
}

#[tracing::instrument(skip(env))]
pub async fn read(env: &Env, who: &Principal, asked: Asked) -> Result<Execution, OpError> {
    let board = match who.board_scope() {
        BoardScope::All => asked.board,
        BoardScope::Only(own) => Some(own),
        BoardScope::None => {
            return Err(OpError::Forbidden(
                "Budget positions are not for drivers.".into(),
            ));
        }
    };
    let year = match asked.year {
        Some(y) => y,
        None => FiscalYear::of(crate::ops::settings::office_today(env).await?),
    };
    let line = asked.budget_line;
    env.db
        .read(move |conn| {
            let line_id =
                match &line {
                    Some(code) => Some(budget::line_id(conn, code)?.ok_or_else(|| {
                        OpError::invalid("budget_line", budget::unknown_line(code))
                    })?),
                    None => None,
                };
            let data = reports::budget_execution(conn, year, board, line_id)?;
            let boards = super::Boards::load(conn)?;
            let by_id: HashMap<Uuid, BudgetLine> = budget_lines::list(conn)?
                .into_iter()
                .map(|l| (l.id, l))
                .collect();
            let mut lines: Vec<Line> = data
                .into_iter()
                .filter_map(|r| {
                    Some(Line {
                        board: boards.code(r.board_id),
                        board_id: r.board_id,
                        budget_line: by_id.get(&r.budget_line_id)?.clone(),
                        position: r.position,
                    })
                })
                .collect();
            lines.sort_by(|a, b| {
                (&a.board, a.budget_line.code.as_str())
                    .cmp(&(&b.board, b.budget_line.code.as_str()))
            });
            Ok(Execution { year, lines })
        })
        .await
}
