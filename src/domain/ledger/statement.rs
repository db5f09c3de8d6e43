//! Bank and treasury statements as the banks export them, read into lines
//! to reconcile.
//!
//! Read with the shared rules of [`crate::domain::csv_text`]: UTF-8 with or
//! without a byte-order mark; `,` or `;` between
//! fields (whichever the header line uses more); a header row naming the
//! columns in English or Vietnamese; dates as `dd/mm/yyyy`, `dd-mm-yyyy`
//! or `yyyy-mm-dd`; amounts with thousands separators (`1.250.000`,
//! `1,250,000`, `1.250.000,50`) and either one signed `amount` column or
//! separate `debit` (money out) and `credit` (money in) columns.
//!
//! Amount rule: when both `.` and `,` appear, the last one is the decimal
//! mark. When only one appears, it separates thousands if it occurs more
//! than once or is followed by exactly three digits; otherwise it is the
//! decimal mark.

use chrono::NaiveDate;

use crate::domain::csv_text;
use crate::domain::money::Money;

/// One movement on the statement: positive is money in, negative money out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// Line number in the file (the header is line 1).
    pub row: usize,
    pub date: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
    pub description: Option<String>,
}

/// A problem with one cell (or with the file when `row` is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

pub const MAX_ROWS: usize = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Date,
    Amount,
    Debit,
    Credit,
    Reference,
    Description,
}

fn column_of(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase();
    let h = h.as_str();
    Some(match h {
        "date" | "value_date" | "value date" | "transaction date" | "ngày" | "ngay"
        | "ngày giao dịch" | "ngày gd" | "ngày hiệu lực" | "ngày hạch toán" => {
            Column::Date
        }
        "amount" | "số tiền" | "so tien" | "số tiền giao dịch" => Column::Amount,
        "debit"
        | "withdrawal"
        | "money out"
        | "ghi nợ"
        | "nợ"
        | "số tiền ghi nợ"
        | "phát sinh nợ" => Column::Debit,
        "credit" | "deposit" | "money in" | "ghi có" | "có" | "số tiền ghi có" | "phát sinh có" => {
            Column::Credit
        }
        "reference" | "ref" | "số tham chiếu" | "số chứng từ" | "mã giao dịch" | "số ct" => {
            Column::Reference
        }
        "description" | "diễn giải" | "nội dung" | "mô tả" | "nội dung giao dịch" => {
            Column::Description
        }
        _ => return None,
    })
}

/// The English name of the column a header names (`date`, `amount`,
/// `debit`, `credit`, `reference`, `description`), for field paths.
pub fn column_key(header: &str) -> Option<&'static str> {
    Some(match column_of(header)? {
        Column::Date => "date",
        Column::Amount => "amount",
        Column::Debit => "debit",
        Column::Credit => "credit",
        Column::Reference => "reference",
        Column::Description => "description",
    })
}

pub use crate::domain::csv_text::{parse_amount, parse_date};

/// Reads a whole statement; either every line or every problem found.
pub fn parse(bytes: &[u8]) -> Result<Vec<StatementRow>, Vec<RowError>> {
    let file_error = |message: &str| {
        vec![RowError {
            row: 0,
            column: String::new(),
            message: message.to_owned(),
        }]
    };
    let text = csv_text::decode(bytes).map_err(|e| file_error(&e))?;
    let mut reader = csv_text::reader(text);
    let headers = reader
        .headers()
        .map_err(|e| file_error(&format!("The header row cannot be read: {e}.")))?
        .clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column_of).collect();
    let has = |c: Column| columns.contains(&Some(c));
    if !has(Column::Date) || !(has(Column::Amount) || has(Column::Debit) || has(Column::Credit)) {
        return Err(file_error(
            "The header row must name a date column and either an amount column or debit and credit columns \
             (e.g. date,amount,reference,description or Ngày;Ghi nợ;Ghi có;Số tham chiếu;Diễn giải).",
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(file_error(&format!(
                "The statement has more than {MAX_ROWS} lines; split it by month."
            )));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    row,
                    column: String::new(),
                    message: format!("The line cannot be read: {e}."),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut date = None;
        let mut amount = Money::ZERO;
        let mut reference = None;
        let mut description = None;
        let mut row_ok = true;
        for (idx, field) in record.iter().enumerate() {
            let Some(Some(col)) = columns.get(idx) else {
                continue;
            };
            let name = headers.get(idx).unwrap_or("").trim().to_owned();
            let field = field.trim();
            let mut fail = |message: String| {
                errors.push(RowError {
                    row,
                    column: name.clone(),
                    message,
                });
                row_ok = false;
            };
            match col {
                Column::Date => match parse_date(field) {
                    Some(d) => date = Some(d),
                    None => fail(format!(
                        "'{field}' is not a date: use dd/mm/yyyy or yyyy-mm-dd."
                    )),
                },
                Column::Amount | Column::Debit | Column::Credit => {
                    if field.is_empty() {
                        continue;
                    }
                    match parse_amount(field) {
                        Some(m) => {
                            let signed = if *col == Column::Debit {
                                Money::from_minor(-m.to_minor().abs())
                            } else if *col == Column::Credit {
                                Money::from_minor(m.to_minor().abs())
                            } else {
                                m
                            };
                            amount = amount.checked_add(signed).unwrap_or(amount);
                        }
                        None => fail(format!(
                            "'{field}' is not an amount: write it like 1.250.000 or -1250000."
                        )),
                    }
                }
                Column::Reference => {
                    reference = (!field.is_empty()).then(|| field.chars().take(100).collect())
                }
                Column::Description => {
                    description = (!field.is_empty()).then(|| field.chars().take(500).collect())
                }
            }
        }
        if !row_ok {
            continue;
        }
        let Some(date) = date else {
            errors.push(RowError {
                row,
                column: "date".into(),
                message: "The date is missing.".into(),
            });
            continue;
        };
        if amount.to_minor() == 0 {
            errors.push(RowError {
                row,
                column: "amount".into(),
                message: "The line has no amount (or it is zero).".into(),
            });
            continue;
        }
        rows.push(StatementRow {
            row,
            date,
            amount,
            reference,
            description,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(file_error("The statement has no lines."));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn vietnamese_export_with_bom_and_semicolons() {
        let csv = "\u{feff}Ngày;Số tham chiếu;Diễn giải;Ghi nợ;Ghi có\n\
                   03/11/2026;UNC001;Chi tiền xăng;1.250.000;\n\
                   04/11/2026;GBC77;Kinh phí cấp;;50.000.000\n";
        let rows = parse(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].amount, m("-1250000"));
        assert_eq!(rows[0].reference.as_deref(), Some("UNC001"));
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[1].amount, m("50000000"));
        assert_eq!(rows[1].description.as_deref(), Some("Kinh phí cấp"));
    }

    #[test]
    fn every_bad_cell_is_reported() {
        let csv = "date,amount,reference\n2026-11-03,abc,X\n31/02/2026,100,Y\n2026-11-04,0,Z\n";
        let errors = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "amount"));
        assert_eq!((errors[1].row, errors[1].column.as_str()), (3, "date"));
        assert_eq!(errors[2].row, 4);
    }

    #[test]
    fn headers_name_their_column() {
        assert_eq!(column_key(" Ghi nợ "), Some("debit"));
        assert_eq!(column_key("Số tham chiếu"), Some("reference"));
        assert_eq!(column_key("amount"), Some("amount"));
        assert_eq!(column_key("balance"), None);
    }

    #[test]
    fn refuses_files_it_cannot_read() {
        assert_eq!(parse(b"foo,bar\n1,2\n").unwrap_err()[0].row, 0);
        assert!(
            parse(&[0xff, 0xfe, 0x00]).unwrap_err()[0]
                .message
                .contains("UTF-8")
        );
        assert!(
            parse(b"date,amount\n").unwrap_err()[0]
                .message
                .contains("no lines")
        );
    }
}
