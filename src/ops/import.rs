//! The consolidation import: a board's legacy register read from CSV
//! ([`crate::domain::import`]) and written in one transaction.
//!
//! Each row is matched by its natural key (plate, licence number, asset
//! code, budget line and year):
//! - not in the register: **created**, with the importing board as
//!   `origin_board`;
//! - in the register for this board with the same values: **unchanged**;
//! - in the register for this board with other values: **conflicting** —
//!   the register is kept and the differing columns are listed (changes go
//!   through the register's own endpoints, which check and audit them);
//! - in the register for another board: a row problem
//!   (`registered_by_other_board`), never merged.
//!
//! A file with problems imports nothing unless `skip_bad_rows`, which
//! imports the good rows and lists the others. A dry run is the same run,
//! rolled back at the end, so it reports exactly what the real run would do.

use std::collections::HashMap;

use serde::Serialize;
use uuid::Uuid;

use crate::domain::ParseError;
use crate::domain::audit::Actor;
use crate::domain::board::{Board, BoardCode};
use crate::domain::fleet::driver::{Driver, DriverStatus};
use crate::domain::fleet::vehicle::{Vehicle, VehicleStatus};
use crate::domain::import::{self, Kind, Parsed, Problem};
use crate::domain::ledger::period::FiscalYear;
use crate::ops::OpError;
use crate::ops::fleet::FleetContext;
use crate::ops::ledger::LedgerContext;
use crate::storage::assets::register::{self, Asset};
use crate::storage::audit::{self, Change, snapshot};
use crate::storage::{DbConn, boards, drivers, vehicles, write_tx};

/// At most this many problems and conflicts are listed; the counts are
/// always complete.
pub const MAX_LISTED: usize = 1000;

/// The reason written into an imported asset's history.
pub const IMPORT_REASON: &str = "Nhập từ sổ đăng ký cũ của ban (consolidation import)";

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Run everything, report, and roll back.
    pub dry_run: bool,
    /// Import the good rows and report the bad ones instead of refusing
    /// the file.
    pub skip_bad_rows: bool,
}

/// A problem with a cell, a row, or the file, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// Line of the file (the header is line 1; 0 is the file as a whole).
    pub row: usize,
    /// The column as the file names it, e.g. `Biển số`; empty for the whole row.
    #[schema(example = "Biển số")]
    pub column: String,
    /// The column's English key, e.g. `plate`; empty for the whole row.
    #[schema(example = "plate")]
    pub field: String,
    /// Stable machine-readable code, e.g. `invalid_plate`.
    #[schema(example = "invalid_plate")]
    pub code: String,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl RowProblem {
    /// `Row 5, column 'Biển số': …` — the sentence shown to a clerk.
    pub fn sentence(&self) -> String {
        match (self.row, self.column.is_empty()) {
            (0, _) => self.message.clone(),
            (r, true) => format!("Row {r}: {}", self.message),
            (r, false) => format!("Row {r}, column '{}': {}", self.column, self.message),
        }
    }
}

impl From<Problem> for RowProblem {
    fn from(p: Problem) -> Self {
        Self {
            row: p.row,
            column: p.column,
            field: p.field,
            code: p.code,
            message: p.message,
        }
    }
}

/// A row whose key is already in the board's register with other values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    /// Line of the file.
    pub row: usize,
    /// The natural key: plate, licence number, asset code, or
    /// `budget_line/year`.
    pub key: String,
    /// The columns whose values differ from the register.
    pub columns: Vec<String>,
    pub message: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// vehicles, drivers, assets or opening-balances.
    #[schema(example = "vehicles")]
    pub kind: String,
    /// The importing board's code.
    #[schema(example = "BTC")]
    pub board: String,
    /// True when nothing was kept: the counts say what a real run would do.
    pub dry_run: bool,
    pub skip_bad_rows: bool,
    /// Data rows in the file (blank lines not counted).
    pub rows: usize,
    /// Rows added to the register.
    pub created: usize,
    /// Rows already in the board's register with the same values.
    pub unchanged: usize,
    /// Rows already in the board's register with other values; the register
    /// was kept (see `conflicts`).
    pub conflicting: usize,
    /// Rows with problems, not imported (only with `skip_bad_rows`).
    pub skipped: usize,
    /// Every problem (the first 1000), by row.
    pub problems: Vec<RowProblem>,
    /// How many problems there are in all.
    pub problems_total: usize,
    /// The conflicting rows (the first 1000).
    pub conflicts: Vec<Conflict>,
    /// Header columns that name nothing the import reads (e.g. STT); their
    /// cells were ignored.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    fn new<T>(kind: Kind, board: &Board, opts: Options, parsed: &Parsed<T>) -> Self {
        Self {
            kind: kind.as_str().to_owned(),
            board: board.code.as_str().to_owned(),
            dry_run: opts.dry_run,
            skip_bad_rows: opts.skip_bad_rows,
            rows: parsed.rows_read,
            created: 0,
            unchanged: 0,
            conflicting: 0,
            skipped: 0,
            problems: parsed
                .problems
                .iter()
                .cloned()
                .map(RowProblem::from)
                .collect(),
            problems_total: 0,
            conflicts: Vec::new(),
            ignored_columns: parsed.ignored_columns.clone(),
        }
    }

    fn conflict(&mut self, row: usize, key: String, what: &str, columns: Vec<String>) {
        self.conflicting += 1;
        let message = format!(
            "{what} is already in the board's register with another {}; the register was kept. \
             Change it there if the file is right.",
            columns.join(", ")
        );
        self.conflicts.push(Conflict {
            row,
            key,
            columns,
            message,
        });
    }

    /// Sorts and counts the problems, and caps the lists.
    fn finish(&mut self) {
        self.problems.sort_by_key(|p| p.row);
        self.problems_total = self.problems.len();
        let mut rows: Vec<usize> = self.problems.iter().map(|p| p.row).collect();
        rows.dedup();
        self.skipped = rows.iter().filter(|r| **r >= 2).count();
        self.problems.truncate(MAX_LISTED);
        self.conflicts.sort_by_key(|c| c.row);
        self.conflicts.truncate(MAX_LISTED);
    }

    /// Whether the file as a whole could not be read (nothing to skip to).
    fn file_unreadable(&self) -> bool {
        self.problems.iter().any(|p| p.row <= 1)
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems and `skip_bad_rows` was not asked for; nothing
    /// was written. The report lists them.
    #[error("{} problem(s) in the file; nothing was imported", .0.problems_total)]
    Rejected(Box<ImportReport>),
    #[error(transparent)]
    Op(#[from] OpError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Op(e.into())
    }
}

/// Ends the transaction early: a dry run's report, after rolling back.
enum Stop {
    DryRun(Box<ImportReport>),
    Failed(ImportError),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

impl From<ImportError> for Stop {
    fn from(e: ImportError) -> Self {
        Stop::Failed(e)
    }
}

impl From<OpError> for Stop {
    fn from(e: OpError) -> Self {
        Stop::Failed(e.into())
    }
}

/// Progress of a long import, called after each row or batch: the stage
/// (`checked`, `written`), rows done so far, and all rows. The caller
/// decides how often to show it.
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize);

/// Imports a board's register of `kind` from a CSV file.
#[expect(
    clippy::too_many_arguments,
    reason = "who imports, when, which register of which board, the file, how, and a progress callback are all independent"
)]
pub fn run(
    conn: &mut DbConn,
    actor: &Actor,
    kind: Kind,
    board: &BoardCode,
    bytes: &[u8],
    opts: Options,
    now: chrono::DateTime<chrono::Utc>,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let outcome = write_tx(conn, |c| -> Result<ImportReport, Stop> {
        let board = boards::find_by_code(c, board)?.ok_or_else(|| {
            OpError::invalid(
                "board",
                ParseError::new(
                    "board_unknown",
                    format!("No board has the code {}.", board.as_str()),
                ),
            )
        })?;
        if !board.active {
            return Err(OpError::invalid(
                "board",
                ParseError::new(
                    "board_inactive",
                    format!("Board {} is deactivated.", board.code.as_str()),
                ),
            )
            .into());
        }
        let mut report = match kind {
            Kind::Vehicles => import_vehicles(c, actor, &board, bytes, opts, now, progress)?,
            Kind::Drivers => import_drivers(c, actor, &board, bytes, opts, now, progress)?,
            Kind::Assets => import_assets(c, actor, &board, bytes, opts, now, progress)?,
            Kind::OpeningBalances => import_budgets(c, actor, &board, bytes, opts, now)?,
        };
        report.finish();
        if report.problems_total > 0 && (!opts.skip_bad_rows || report.file_unreadable()) {
            return Err(Stop::Failed(ImportError::Rejected(Box::new(report))));
        }
        if opts.dry_run {
            return Err(Stop::DryRun(Box::new(report)));
        }
        Ok(report)
    });
    match outcome {
        Ok(report) => Ok(report),
        Err(Stop::DryRun(report)) => Ok(*report),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// Codes of boards by id, for naming the other board of a duplicate.
struct BoardNames(HashMap<Uuid, String>);

impl BoardNames {
    fn new() -> Self {
        Self(HashMap::new())
    }

    fn code(&mut self, conn: &mut DbConn, id: Uuid) -> Result<String, OpError> {
        if let Some(c) = self.0.get(&id) {
            return Ok(c.clone());
        }
        let code =
            boards::find(conn, id)?.map_or_else(|| "?".to_owned(), |b| b.code.as_str().to_owned());
        self.0.insert(id, code.clone());
        Ok(code)
    }
}

fn other_board(row: usize, column: &str, field: &str, what: &str, other: &str) -> RowProblem {
    RowProblem {
        row,
        column: column.to_owned(),
        field: field.to_owned(),
        code: "registered_by_other_board".to_owned(),
        message: format!(
            "{what} is already registered by board {other}; one thing cannot be in two boards' \
             registers. Find out which board really held it and remove the row from the other file."
        ),
    }
}

fn differing(pairs: &[(&str, bool)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(_, same)| !same)
        .map(|(k, _)| (*k).to_owned())
        .collect()
}

fn import_vehicles(
    c: &mut DbConn,
    actor: &Actor,
    board: &Board,
    bytes: &[u8],
    opts: Options,
    now: chrono::DateTime<chrono::Utc>,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let parsed = import::vehicles::parse(bytes);
    let mut report = ImportReport::new(Kind::Vehicles, board, opts, &parsed);
    let column = import::header_of(bytes, import::vehicles::COLUMNS, "plate");
    let ctx = FleetContext::load(c, now)?;
    let mut names = BoardNames::new();
    let mut any_active = false;
    let total = parsed.rows.len();
    for (i, r) in parsed.rows.iter().enumerate() {
        let v = &r.value;
        match vehicles::find_by_plate(c, &v.plate)? {
            None => {
                let vehicle = Vehicle {
                    id: Uuid::now_v7(),
                    plate: v.plate.clone(),
                    model: v.model.clone(),
                    seats: v.seats,
                    category: v.category,
                    fuel_norm: v.fuel_norm,
                    odometer_km: v.odometer_km,
                    status: v.status,
                    origin_board_id: board.id,
                };
                vehicles::insert(c, &vehicle, now)?;
                audit::record(
                    c,
                    &Change {
                        actor,
                        action: "import",
                        entity_type: "vehicle",
                        entity_id: vehicle.id,
                        board_id: Some(board.id),
                        before: None,
                        after: Some(snapshot(&vehicle)),
                    },
                    now,
                )?;
                any_active |= vehicle.status == VehicleStatus::Active;
                report.created += 1;
            }
            Some(e) if e.origin_board_id == board.id => {
                let columns = differing(&[
                    ("model", e.model == v.model),
                    ("seats", e.seats == v.seats),
                    ("category", e.category == v.category),
                    ("fuel_norm", e.fuel_norm == v.fuel_norm),
                    // The car has been driven since the register was written.
                    ("odometer_km", e.odometer_km >= v.odometer_km),
                    ("status", e.status == v.status),
                ]);
                if columns.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.conflict(
                        r.row,
                        v.plate.to_string(),
                        &format!("Plate {}", v.plate),
                        columns,
                    );
                }
            }
            Some(e) => {
                let other = names.code(c, e.origin_board_id)?;
                report.problems.push(other_board(
                    r.row,
                    &column,
                    "plate",
                    &format!("Plate {}", v.plate),
                    &other,
                ));
            }
        }
        progress("written", i + 1, total);
    }
    if any_active {
        crate::ops::fleet::bookings::retry_waitlist(
            c,
            &ctx,
            crate::domain::fleet::waitlist::Reach::all(),
        )?;
    }
    Ok(report)
}

fn calendar_key() -> Result<String, ImportError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn import_drivers(
    c: &mut DbConn,
    actor: &Actor,
    board: &Board,
    bytes: &[u8],
    opts: Options,
    now: chrono::DateTime<chrono::Utc>,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let parsed = import::drivers::parse(bytes);
    let mut report = ImportReport::new(Kind::Drivers, board, opts, &parsed);
    let column = import::header_of(bytes, import::drivers::COLUMNS, "licence_number");
    let ctx = FleetContext::load(c, now)?;
    let mut names = BoardNames::new();
    let mut any_active = false;
    let total = parsed.rows.len();
    for (i, r) in parsed.rows.iter().enumerate() {
        let d = &r.value;
        match drivers::find_by_licence(c, &d.licence_number)? {
            None => {
                let driver = Driver {
                    id: Uuid::now_v7(),
                    full_name: d.full_name.clone(),
                    licence_number: d.licence_number.clone(),
                    licence_class: d.licence_class,
                    licence_expires_on: d.licence_expires_on,
                    phone: d.phone.clone(),
                    status: d.status,
                    origin_board_id: board.id,
                    user_id: None,
                    calendar_key: calendar_key()?,
                };
                drivers::insert(c, &driver, now)?;
                audit::record(
                    c,
                    &Change {
                        actor,
                        action: "import",
                        entity_type: "driver",
                        entity_id: driver.id,
                        board_id: Some(board.id),
                        before: None,
                        after: Some(snapshot(&driver)),
                    },
                    now,
                )?;
                any_active |= driver.status == DriverStatus::Active;
                report.created += 1;
            }
            Some(e) if e.origin_board_id == board.id => {
                let columns = differing(&[
                    ("full_name", e.full_name == d.full_name),
                    ("licence_class", e.licence_class == d.licence_class),
                    (
                        "licence_expires_on",
                        e.licence_expires_on == d.licence_expires_on,
                    ),
                    ("phone", d.phone.is_none() || e.phone == d.phone),
                    ("status", e.status == d.status),
                ]);
                if columns.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.conflict(
                        r.row,
                        d.licence_number.as_str().to_owned(),
                        &format!("Licence number {}", d.licence_number.as_str()),
                        columns,
                    );
                }
            }
            Some(e) => {
                let other = names.code(c, e.origin_board_id)?;
                report.problems.push(other_board(
                    r.row,
                    &column,
                    "licence_number",
                    &format!("Licence number {}", d.licence_number.as_str()),
                    &other,
                ));
            }
        }
        progress("written", i + 1, total);
    }
    if any_active {
        crate::ops::fleet::bookings::retry_waitlist(
            c,
            &ctx,
            crate::domain::fleet::waitlist::Reach::all(),
        )?;
    }
    Ok(report)
}

fn asset_json(a: &Asset) -> serde_json::Value {
    crate::ops::assets::asset_json(a)
}

fn import_assets(
    c: &mut DbConn,
    actor: &Actor,
    board: &Board,
    bytes: &[u8],
    opts: Options,
    now: chrono::DateTime<chrono::Utc>,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let ledger = LedgerContext::load(c, now)?;
    let categories = register::categories(c)?;
    let known: Vec<import::assets::KnownCategory> = categories
        .iter()
        .map(|k| import::assets::KnownCategory {
            code: k.code.clone(),
            name: k.name.clone(),
        })
        .collect();
    let parsed = import::assets::parse(
        bytes,
        &import::assets::Context {
            categories: &known,
            today: ledger.today(),
        },
    );
    let mut report = ImportReport::new(Kind::Assets, board, opts, &parsed);
    let column = import::header_of(bytes, import::assets::COLUMNS, "code");
    let by_code: HashMap<&str, &register::Category> =
        categories.iter().map(|k| (k.code.as_str(), k)).collect();
    let codes: Vec<String> = parsed
        .rows
        .iter()
        .map(|r| r.value.code.as_str().to_owned())
        .collect();
    let existing: HashMap<String, Asset> = register::by_codes(c, &codes)?
        .into_iter()
        .map(|a| (a.code.as_str().to_owned(), a))
        .collect();
    let mut names = BoardNames::new();
    let mut new_assets = Vec::new();
    let total = parsed.rows.len();
    for (i, r) in parsed.rows.iter().enumerate() {
        progress("checked", i + 1, total);
        let a = &r.value;
        let cat = by_code[a.category.as_str()];
        match existing.get(a.code.as_str()) {
            None => new_assets.push(Asset {
                id: Uuid::now_v7(),
                code: a.code.clone(),
                name: a.name.clone(),
                category_id: cat.id,
                unit: a.unit.clone().unwrap_or_else(|| cat.unit.clone()),
                original_cost: a.original_cost,
                accumulated_wear: a.accumulated_wear,
                acquired_on: a.acquired_on,
                wear_rate: a.wear_rate.unwrap_or(cat.wear_rate),
                custodian_board_id: board.id,
                location: a.location.clone(),
                status: a.status,
                origin_board_id: board.id,
                disposed_on: None,
                created_at: now,
                updated_at: now,
            }),
            Some(e) if e.origin_board_id == board.id => {
                let columns = differing(&[
                    ("name", e.name == a.name),
                    ("category", e.category_id == cat.id),
                    ("unit", a.unit.as_ref().is_none_or(|u| *u == e.unit)),
                    ("original_cost", e.original_cost == a.original_cost),
                    // Wear runs add to it after the import.
                    ("accumulated_wear", e.accumulated_wear >= a.accumulated_wear),
                    ("acquired_on", e.acquired_on == a.acquired_on),
                    ("wear_rate", a.wear_rate.is_none_or(|w| w == e.wear_rate)),
                    ("location", e.location == a.location),
                    ("status", e.status == a.status),
                ]);
                if columns.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.conflict(
                        r.row,
                        a.code.to_string(),
                        &format!("Asset {}", a.code),
                        columns,
                    );
                }
            }
            Some(e) => {
                let other = names.code(c, e.origin_board_id)?;
                report.problems.push(other_board(
                    r.row,
                    &column,
                    "code",
                    &format!("Asset code {}", a.code),
                    &other,
                ));
            }
        }
    }
    let mut written = 0;
    for chunk in new_assets.chunks(10 * crate::storage::BATCH_ROWS) {
        register::insert_many(c, chunk)?;
        crate::storage::assets::history::append_registered_many(
            c,
            chunk,
            IMPORT_REASON,
            actor,
            now,
        )?;
        let changes: Vec<Change<'_>> = chunk
            .iter()
            .map(|a| Change {
                actor,
                action: "import",
                entity_type: "asset",
                entity_id: a.id,
                board_id: Some(board.id),
                before: None,
                after: Some(asset_json(a)),
            })
            .collect();
        audit::record_many(c, &changes, now)?;
        written += chunk.len();
        progress("written", written, new_assets.len());
    }
    report.created = new_assets.len();
    Ok(report)
}

fn import_budgets(
    c: &mut DbConn,
    actor: &Actor,
    board: &Board,
    bytes: &[u8],
    opts: Options,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ImportReport, ImportError> {
    use crate::ops::ledger::chart;
    use crate::storage::ledger::{budget as positions, budget_lines};
    let ledger = LedgerContext::load(c, now)?;
    let lines = budget_lines::list(c)?;
    let codes: Vec<_> = lines.iter().map(|l| l.code.clone()).collect();
    let parsed = import::budgets::parse(
        bytes,
        &import::budgets::Context {
            board: &board.code,
            lines: &codes,
            this_year: FiscalYear::of(ledger.today()),
        },
    );
    let mut report = ImportReport::new(Kind::OpeningBalances, board, opts, &parsed);
    for r in &parsed.rows {
        let b = &r.value;
        let Some(line) = lines.iter().find(|l| l.code == b.budget_line) else {
            continue;
        };
        let position = positions::position(c, b.fiscal_year, board.id, line.id)?;
        if position.allocated.to_minor() == 0 {
            chart::allocate(
                c,
                actor,
                chart::NewAllocation {
                    fiscal_year: b.fiscal_year,
                    board_id: board.id,
                    budget_line_id: line.id,
                    amount: b.amount,
                    reason: b.reason.clone(),
                },
                &ledger,
            )?;
            report.created += 1;
        } else if position.allocated == crate::domain::money::Total::from(b.amount) {
            report.unchanged += 1;
        } else {
            report.conflict(
                r.row,
                format!("{}/{}", b.budget_line.as_str(), b.fiscal_year.get()),
                &format!(
                    "Budget line {} for {} ({} allocated)",
                    b.budget_line.as_str(),
                    b.fiscal_year.get(),
                    position.allocated
                ),
                vec!["amount".to_owned()],
            );
        }
    }
    Ok(report)
}

impl From<crate::storage::DbError> for ImportError {
    fn from(e: crate::storage::DbError) -> Self {
        ImportError::Op(e.into())
    }
}

/// Imports a board's legacy register from a CSV file, in one transaction
/// (rolled back for a dry run, or when the file has problems and bad rows
/// are not to be skipped).
#[tracing::instrument(skip_all, fields(user = %who.principal.username, kind = kind.as_str(), board = board.as_str(), bytes = bytes.as_ref().len()))]
pub async fn import(
    env: &crate::ops::Env,
    who: &crate::ops::Acting,
    kind: Kind,
    board: BoardCode,
    bytes: impl AsRef<[u8]> + Send + 'static,
    opts: Options,
) -> Result<ImportReport, ImportError> {
    let (actor, now) = (who.actor.clone(), env.clock.now());
    env.db
        .read(move |conn| {
            let bytes = bytes.as_ref();
            run(
                conn,
                &actor,
                kind,
                &board,
                bytes,
                opts,
                now,
                &mut |_, _, _| {},
            )
        })
        .await
}
