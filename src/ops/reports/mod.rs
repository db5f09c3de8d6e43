//! Reports: each reads a period (or a day) and hands its lines to a sink
//! one at a time, so the edge can stream them (CSV) or collect them (JSON)
//! from the same code. A report is prepared by an async operation (the
//! period, the board asked for, the names it shows, the time) and then
//! run on a blocking thread with a connection of its own. The arithmetic
//! lives in `domain::utilisation` and `domain::assets`.

pub mod account_ledger;
pub mod asset_utilisation;
pub mod board_usage;
pub mod budget_execution;
pub mod driver_utilisation;
mod fleet;
pub mod fleet_sizing;
pub mod pool_balance;
pub mod trial_balance;
pub mod vehicle_utilisation;

pub use fleet::ReportContext;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::board::BoardCode;
use crate::domain::utilisation::period::Period;
use crate::ops::{Env, OpError};
use crate::storage::{Db, DbConn, DbError, boards, settings};

/// Where a report hands each line; an `Err` stops the report and is
/// returned by it.
pub type Sink<'a, L> = &'a mut dyn FnMut(L) -> Result<(), OpError>;

type Produce<L> = Box<dyn FnOnce(&mut DbConn, Sink<'_, L>) -> Result<(), OpError> + Send>;

/// A report ready to run: its lines are read when it runs, on the calling
/// thread, which may block, with a connection of its own.
pub struct Report<L> {
    db: Db,
    produce: Produce<L>,
}

impl<L: 'static> Report<L> {
    fn new(
        env: &Env,
        produce: impl FnOnce(&mut DbConn, Sink<'_, L>) -> Result<(), OpError> + Send + 'static,
    ) -> Self {
        Self {
            db: env.db.clone(),
            produce: Box::new(produce),
        }
    }

    /// The same report with each line passed through `f`.
    pub fn map<R: 'static>(self, mut f: impl FnMut(L) -> R + Send + 'static) -> Report<R> {
        let produce = self.produce;
        Report {
            db: self.db,
            produce: Box::new(move |conn, sink| produce(conn, &mut |line| sink(f(line)))),
        }
    }

    /// Reads the report, handing each line to `sink`. Blocks: call it on
    /// the blocking thread pool.
    pub fn run(self, sink: Sink<'_, L>) -> Result<(), OpError> {
        let mut conn = self.db.pool().get().map_err(DbError::from)?;
        (self.produce)(&mut conn, sink)
    }
}

/// The boards a report names: code and name by id.
#[derive(Debug, Default)]
pub struct Boards(HashMap<Uuid, (String, String)>);

impl Boards {
    fn load(conn: &mut DbConn) -> Result<Self, OpError> {
        Ok(Self(
            boards::list(conn, &Default::default(), 10_000)?
                .into_iter()
                .map(|b| {
                    (
                        b.id,
                        (b.code.as_str().to_owned(), b.name.as_str().to_owned()),
                    )
                })
                .collect(),
        ))
    }

    /// The board's code, or empty for an id that names none.
    pub fn code(&self, id: Uuid) -> String {
        self.0.get(&id).map(|(c, _)| c.clone()).unwrap_or_default()
    }

    pub fn name(&self, id: Uuid) -> String {
        self.0.get(&id).map(|(_, n)| n.clone()).unwrap_or_default()
    }

    /// Every board's id, or only `only`'s, in code order.
    pub(super) fn ids(&self, only: Option<Uuid>) -> Vec<Uuid> {
        let mut ids: Vec<(&str, Uuid)> = self
            .0
            .iter()
            .filter(|(id, _)| only.is_none_or(|b| b == **id))
            .map(|(id, (code, _))| (code.as_str(), *id))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }
}

/// What a fleet report was prepared with: its period, the context its
/// lines were read in, and the boards they name.
pub struct Prepared<L> {
    pub period: Period,
    /// The office's time zone, in which the lines' instants are shown.
    pub tz: Tz,
    /// Minutes kept free between two trips of one vehicle or driver.
    pub turnaround_minutes: i64,
    pub boards: Arc<Boards>,
    pub lines: Report<L>,
}

/// A fleet report's period and board, as asked.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    /// Missing ends default to the current month in office time.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A board by code or id.
    pub board: Option<String>,
}

/// What the fleet reports prepare with one read: the context of the
/// period asked, the board named, and the boards' names.
struct Start {
    ctx: ReportContext,
    board: Option<Uuid>,
    boards: Arc<Boards>,
}

impl Start {
    async fn load(env: &Env, asked: Asked) -> Result<Self, OpError> {
        let now = env.clock.now();
        env.db
            .read(move |conn| {
                let tz = settings::fleet_policy(conn)?.1;
                let today = now.with_timezone(&tz).date_naive();
                let period = Period::new(asked.from, asked.to, today)
                    .map_err(|(field, e)| OpError::invalid(field, e))?;
                let ctx = ReportContext::load(conn, period, now)?;
                Ok(Self {
                    board: board_of(conn, asked.board)?,
                    boards: Arc::new(Boards::load(conn)?),
                    ctx,
                })
            })
            .await
    }

    /// The report over `produce`, which reads with a second connection
    /// when one is idle.
    fn prepare<L: 'static>(
        self,
        env: &Env,
        produce: impl FnOnce(&mut DbConn, &ReportContext, Sink<'_, L>) -> Result<(), OpError>
        + Send
        + 'static,
    ) -> Prepared<L> {
        let ctx = self.ctx.reading_with(env.db.pool().clone());
        Prepared {
            period: ctx.period,
            tz: ctx.calendar.tz(),
            turnaround_minutes: ctx.turnaround.num_minutes(),
            boards: self.boards,
            lines: Report::new(env, move |conn, sink| produce(conn, &ctx, sink)),
        }
    }
}

/// A board named by code or id, refused when it names none.
fn board_of(conn: &mut DbConn, raw: Option<String>) -> Result<Option<Uuid>, OpError> {
    let Some(raw) = raw else { return Ok(None) };
    let found = match Uuid::parse_str(raw.trim()) {
        Ok(id) => boards::find(conn, id)?,
        Err(_) => match BoardCode::parse(&raw) {
            Ok(code) => boards::find_by_code(conn, &code)?,
            Err(_) => None,
        },
    };
    match found {
        Some(b) => Ok(Some(b.id)),
        None => Err(OpError::invalid(
            "board",
            ParseError::new(
                "board_unknown",
                format!(
                    "There is no board '{}'; give a board code such as BTC, or its id.",
                    raw.trim()
                ),
            ),
        )),
    }
}
