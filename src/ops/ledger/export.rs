//! Writing the journal as plain-text accounting, page by page, so memory
//! does not grow with the journal.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::ledger::account::AccountKind;
use crate::domain::ledger::plaintext::{self, ExportAccount, ExportEntry, ExportLine, Format};
use crate::storage::ledger::journal::{self, EntryFilter};
use crate::storage::ledger::{accounts, budget_lines};
use crate::storage::{DbConn, boards};

const PAGE: i64 = 1000;

/// Writes every entry from `from` to `to` (inclusive, both optional) in
/// date order; returns how many entries were written.
pub fn write_journal(
    conn: &mut DbConn,
    format: Format,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    out: &mut impl Write,
) -> anyhow::Result<usize> {
    let chart = accounts::list(conn)?;
    let exported: Vec<ExportAccount<'_>> = chart
        .iter()
        .map(|a| ExportAccount {
            code: a.code.as_str(),
            name: &a.name,
            kind: a.kind,
        })
        .collect();
    out.write_all(plaintext::header(format, &exported).as_bytes())?;
    let by_id: HashMap<Uuid, (&str, AccountKind)> = chart
        .iter()
        .map(|a| (a.id, (a.code.as_str(), a.kind)))
        .collect();
    let lines: HashMap<Uuid, String> = budget_lines::list(conn)?
        .into_iter()
        .map(|l| (l.id, l.code.as_str().to_owned()))
        .collect();
    let board_codes: HashMap<Uuid, String> = boards::list(conn, &Default::default(), 100_000)?
        .into_iter()
        .map(|b| (b.id, b.code.as_str().to_owned()))
        .collect();
    let mut filter = EntryFilter {
        from,
        to,
        ..Default::default()
    };
    let mut written = 0;
    loop {
        let page = journal::list(conn, &filter, PAGE)?;
        for e in &page {
            let id = e.id.to_string();
            let entry = ExportEntry {
                id: &id,
                date: e.date,
                description: &e.description,
                reference: e.reference.as_deref(),
                source: e.source.as_str(),
                lines: e
                    .lines
                    .iter()
                    .map(|l| {
                        let (code, kind) = by_id[&l.account_id];
                        ExportLine {
                            account: code,
                            kind,
                            side: l.side,
                            amount: l.amount,
                            board: board_codes.get(&l.board_id).map_or("", String::as_str),
                            budget_line: lines.get(&l.budget_line_id).map_or("", String::as_str),
                        }
                    })
                    .collect(),
            };
            out.write_all(plaintext::entry(format, &entry).as_bytes())?;
            written += 1;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => filter.after = Some((last.date, last.id)),
            _ => break,
        }
    }
    out.flush()?;
    Ok(written)
}
