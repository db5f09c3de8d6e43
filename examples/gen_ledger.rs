//! Fills a ledger with generated journal entries for the report benchmark.
//!
//! Run it on a database that already holds the demo data (`serve --demo`
//! once): it spreads two-line entries over the fiscal year, the six boards
//! and every budget line —
//!
//! - 60 % spend: debit 611 Chi phí hoạt động, credit 331 Phải trả;
//! - 30 % payments: debit 331, credit 112 Tiền gửi;
//! - 10 % funding received: debit 112, credit 511.
//!
//! Entries go through the storage layer's insert, so the database's journal
//! triggers (balanced, sealed, open month, append-only) check every one; the
//! budget check of the operations layer is skipped, so boards overspend
//! freely. Deterministic for a seed.
//!
//! ```sh
//! benches/ledger.sh sqlite       # builds, loads the demo, runs this, times the reports
//! cargo run --release --example gen_ledger -- --database FILE_OR_URL --lines 1000000
//! ```

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use clap::Parser;
use sharedoffice::demo::generate::Rng;
use sharedoffice::domain::ledger::journal::{BalancedLines, Posting, Side, Source};
use sharedoffice::domain::ledger::period::Period;
use sharedoffice::domain::money::Money;
use sharedoffice::storage::boards::{self, BoardFilter};
use sharedoffice::storage::ledger::{accounts, budget_lines, journal, periods};
use sharedoffice::storage::{DbTarget, establish, write_tx};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// SQLite file or postgres:// URL of a database holding the demo data.
    #[arg(long)]
    database: String,
    /// Journal lines to write (two per entry).
    #[arg(long, default_value_t = 1_000_000)]
    lines: usize,
    /// Fiscal year of the entries (default: this year).
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Entries per transaction.
    #[arg(long, default_value_t = 5_000)]
    batch: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let target = DbTarget::parse(&args.database).map_err(anyhow::Error::msg)?;
    let mut conn = establish(&target)?;

    let boards = boards::list(&mut conn, &BoardFilter::default(), 1_000)?;
    anyhow::ensure!(
        !boards.is_empty(),
        "the database has no boards: load the demo data first (serve --demo)"
    );
    let lines = budget_lines::list(&mut conn)?;
    let chart = accounts::list(&mut conn)?;
    let account = |code: &str| {
        chart
            .iter()
            .find(|a| a.code.as_str() == code)
            .map(|a| a.id)
            .ok_or_else(|| anyhow::anyhow!("account {code} is missing from the chart"))
    };
    let (expense, payable, bank, revenue) = (
        account("611")?,
        account("331")?,
        account("112")?,
        account("511")?,
    );

    let year = args
        .year
        .unwrap_or_else(|| sharedoffice::clock::now().year());
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year");
    let days = i64::from(first.leap_year() as u8) + 365;
    for month in 1..=12 {
        let period = Period::of(NaiveDate::from_ymd_opt(year, month, 1).expect("a month"));
        anyhow::ensure!(
            periods::lock_for_posting(&mut conn, period)?,
            "{period} is closed; choose another --year"
        );
    }

    let mut rng = Rng::new(args.seed, 0);
    let entries = args.lines / 2;
    let started = Instant::now();
    let mut written = 0;
    while written < entries {
        let n = args.batch.min(entries - written);
        write_tx(&mut conn, |conn| -> anyhow::Result<()> {
            for i in 0..n {
                let board = boards[rng.below(boards.len() as u64) as usize].id;
                let line = lines[rng.below(lines.len() as u64) as usize].id;
                let date = first + Duration::days(rng.below(days as u64) as i64);
                // 10,000 to 50,000,000 đồng, in whole hundreds.
                let amount = Money::from_minor((100 + rng.below(500_000) as i64) * 10_000);
                let (debit, credit, what) = match rng.below(10) {
                    0..=5 => (expense, payable, "Chi hoạt động"),
                    6..=8 => (payable, bank, "Thanh toán"),
                    _ => (bank, revenue, "Nhận kinh phí"),
                };
                let posting = |account_id, side| Posting {
                    account_id,
                    board_id: board,
                    budget_line_id: line,
                    side,
                    amount,
                    memo: None,
                };
                let balanced = BalancedLines::new(vec![
                    posting(debit, Side::Debit),
                    posting(credit, Side::Credit),
                ])?;
                let reference = format!("CT{:07}", written + i + 1);
                journal::insert(
                    conn,
                    &journal::NewEntry {
                        id: Uuid::now_v7(),
                        date,
                        description: what,
                        reference: Some(&reference),
                        source: Source::Import,
                        source_id: None,
                        reverses_id: None,
                        created_by: None,
                        lines: &balanced,
                    },
                    sharedoffice::clock::now(),
                )?;
            }
            Ok(())
        })?;
        written += n;
        if written % 50_000 < n {
            eprintln!("{written} entries, {:.0?}", started.elapsed());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "wrote {} journal lines ({entries} entries) for {year} in {secs:.1} s: {:.0} lines/s",
        entries * 2,
        (entries * 2) as f64 / secs
    );
    Ok(())
}
