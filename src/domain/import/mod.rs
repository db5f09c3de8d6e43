//! The consolidation import: each board's legacy registers (vehicles,
//! drivers, assets, opening budget balances) read from CSV into parsed
//! rows, every problem named by row, column and message.
//!
//! Pure: the file is read with the shared rules of
//! [`crate::domain::csv_text`] (UTF-8 with or without BOM, `,` or `;`,
//! day-first or ISO dates, Vietnamese number formats); headers are matched
//! in English or Vietnamese, with or without diacritics, in any order;
//! unknown columns (`STT`, remarks) are ignored and listed. What needs the
//! database (existing records, other boards) is decided in `ops::import`.

pub mod assets;
pub mod bookings;
pub mod budgets;
pub mod drivers;
pub mod vehicles;

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

use super::ParseError;
use super::csv_text;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Vehicles,
    Drivers,
    Assets,
    /// Opening budget balances: this year's allocation per budget line.
    OpeningBalances,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Vehicles,
        Kind::Drivers,
        Kind::Assets,
        Kind::OpeningBalances,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vehicles => "vehicles",
            Kind::Drivers => "drivers",
            Kind::Assets => "assets",
            Kind::OpeningBalances => "opening-balances",
        }
    }

    /// `vehicles`, `drivers`, `assets`, `opening-balances` (or `budgets`).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "vehicles" => Ok(Kind::Vehicles),
            "drivers" => Ok(Kind::Drivers),
            "assets" => Ok(Kind::Assets),
            "opening-balances" | "opening_balances" | "budgets" => Ok(Kind::OpeningBalances),
            other => Err(ParseError::new(
                "invalid_import_kind",
                format!(
                    "'{other}' is not something that can be imported: use vehicles, drivers, \
                     assets or opening-balances."
                ),
            )),
        }
    }
}

/// A problem with a cell, a row, or the file (row 0 is the file as a
/// whole, row 1 the header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Line of the file (the header is line 1; 0 is the file as a whole).
    pub row: usize,
    /// The column as the file names it, e.g. `Biển số`; empty for the whole row.
    pub column: String,
    /// The column's English key, e.g. `plate`; empty for the whole row.
    pub field: String,
    /// Stable machine-readable code, e.g. `invalid_plate`.
    pub code: String,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl Problem {
    pub fn file(code: &str, message: impl Into<String>) -> Self {
        Self {
            row: 0,
            column: String::new(),
            field: String::new(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn row(row: usize, code: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: String::new(),
            field: String::new(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// `Row 5, column 'Biển số': …` — the sentence shown to a clerk.
    pub fn sentence(&self) -> String {
        match (self.row, self.column.is_empty()) {
            (0, _) => self.message.clone(),
            (r, true) => format!("Row {r}: {}", self.message),
            (r, false) => format!("Row {r}, column '{}': {}", self.column, self.message),
        }
    }
}

/// A column a kind of file may have: its key and the headers that name it.
pub struct Column {
    pub key: &'static str,
    /// Accepted headers besides the key, compared folded (see
    /// [`csv_text::fold`]): `Biển số`, `bien so` and `BIỂN SỐ` are one.
    pub names: &'static [&'static str],
    pub required: bool,
}

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 1_000_000;

/// A parsed row and the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    pub row: usize,
    pub value: T,
}

/// What a file held: the rows that parsed, and the problems of the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub rows: Vec<Row<T>>,
    pub problems: Vec<Problem>,
    /// Data rows read (blank lines not counted).
    pub rows_read: usize,
    /// Headers that name no known column; their cells are not read.
    pub ignored_columns: Vec<String>,
}

/// The cells of one row, read through the header.
pub struct Cells<'a> {
    row: usize,
    record: &'a csv::StringRecord,
    /// For each column of the kind: index in the record and the header.
    positions: &'a [Option<(usize, String)>],
    columns: &'a [Column],
    problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    /// The line of the file this row is on.
    pub fn row(&self) -> usize {
        self.row
    }

    fn slot(&self, key: &str) -> (usize, Option<&(usize, String)>) {
        let i = self
            .columns
            .iter()
            .position(|c| c.key == key)
            .expect("a parser reads only its own columns");
        (i, self.positions[i].as_ref())
    }

    /// The trimmed text of a cell; `None` when empty or absent.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        let (_, pos) = self.slot(key);
        let (idx, _) = pos?;
        let record: &'a csv::StringRecord = self.record;
        record.get(*idx).map(str::trim).filter(|s| !s.is_empty())
    }

    /// Records a problem with a column of this row.
    pub fn fail(&mut self, key: &str, e: ParseError) {
        let (i, pos) = self.slot(key);
        let column = pos.map_or_else(|| self.columns[i].key.to_owned(), |(_, h)| h.clone());
        self.problems.push(Problem {
            row: self.row,
            column,
            field: key.to_owned(),
            code: e.code.to_owned(),
            message: e.message,
        });
    }

    /// A required cell through its parser; a missing or refused cell is a
    /// problem and gives `None`.
    pub fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Option<T> {
        match self.text(key) {
            None => {
                self.fail(
                    key,
                    ParseError::new("required", "The cell is empty; this column is required."),
                );
                None
            }
            Some(raw) => match parse(raw) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.fail(key, e);
                    None
                }
            },
        }
    }

    /// An optional cell: `Some(None)` when empty, `None` when refused.
    pub fn optional<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Option<Option<T>> {
        match self.text(key) {
            None => Some(None),
            Some(raw) => match parse(raw) {
                Ok(v) => Some(Some(v)),
                Err(e) => {
                    self.fail(key, e);
                    None
                }
            },
        }
    }

    /// Whether a problem was found in this row so far.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Reads a file of one kind: the header is matched to `columns`, then each
/// row goes through `parse_row`, which reads its cells and returns the row
/// (or `None` after recording why not). Each row's problems are kept; a
/// file that cannot be read at all gives only file problems.
pub fn read<T>(
    bytes: &[u8],
    columns: &[Column],
    mut parse_row: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Parsed<T> {
    let mut parsed = Parsed {
        rows: Vec::new(),
        problems: Vec::new(),
        rows_read: 0,
        ignored_columns: Vec::new(),
    };
    let text = match csv_text::decode(bytes) {
        Ok(t) => t,
        Err(message) => {
            parsed
                .problems
                .push(Problem::file("file_unreadable", message));
            return parsed;
        }
    };
    let mut reader = csv_text::reader(text);
    let lines = csv_text::LineIndex::new(text);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            parsed.problems.push(Problem::file(
                "file_unreadable",
                format!("The header row cannot be read: {e}."),
            ));
            return parsed;
        }
    };
    let (positions, ignored, mut problems) = match_header(&headers, columns);
    parsed.ignored_columns = ignored;
    parsed.problems.append(&mut problems);
    if !parsed.problems.is_empty() {
        return parsed;
    }
    let mut record = csv::StringRecord::new();
    loop {
        let line = lines.record_line(text, reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                parsed.rows_read += 1;
                parsed.problems.push(Problem::row(
                    line.max(2),
                    "row_unreadable",
                    format!("The line cannot be read: {e}."),
                ));
                // A reader error (bad quoting) can leave the reader unable
                // to go on; stop rather than loop.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let row = record
            .position()
            .map_or(line, |p| lines.record_line(text, p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        parsed.rows_read += 1;
        if parsed.rows_read > MAX_ROWS {
            parsed.problems.push(Problem::file(
                "too_many_rows",
                format!("The file has more than {MAX_ROWS} rows; split it into smaller files."),
            ));
            return parsed;
        }
        let mut cells = Cells {
            row,
            record: &record,
            positions: &positions,
            columns,
            problems: Vec::new(),
        };
        let value = parse_row(&mut cells);
        let failed = cells.failed();
        parsed.problems.append(&mut cells.problems);
        match value {
            Some(value) if !failed => parsed.rows.push(Row { row, value }),
            None if !failed => {
                parsed
                    .problems
                    .push(Problem::row(row, "invalid_row", "The row was refused."))
            }
            _ => {}
        }
    }
    if parsed.rows_read == 0 {
        parsed.problems.push(Problem::file(
            "file_empty",
            "The file has a header but no rows.",
        ));
    }
    parsed
}

type Positions = Vec<Option<(usize, String)>>;

/// Finds each column of a kind in a header row: its position, the headers
/// that name nothing known, and the header's problems.
fn match_header(
    headers: &csv::StringRecord,
    columns: &[Column],
) -> (Positions, Vec<String>, Vec<Problem>) {
    let mut positions: Positions = vec![None; columns.len()];
    let mut ignored = Vec::new();
    let mut problems = Vec::new();
    for (idx, header) in headers.iter().enumerate() {
        let folded = csv_text::fold(header);
        if folded.is_empty() {
            continue;
        }
        let found = columns.iter().position(|c| {
            csv_text::fold(c.key) == folded || c.names.iter().any(|n| csv_text::fold(n) == folded)
        });
        match found {
            Some(i) if positions[i].is_none() => {
                positions[i] = Some((idx, header.trim().to_owned()))
            }
            Some(i) => problems.push(Problem {
                row: 1,
                column: header.trim().to_owned(),
                field: columns[i].key.to_owned(),
                code: "duplicate_column".to_owned(),
                message: format!("Two columns name {}; keep one of them.", columns[i].key),
            }),
            None => ignored.push(header.trim().to_owned()),
        }
    }
    for (i, c) in columns.iter().enumerate() {
        if c.required && positions[i].is_none() {
            let names: Vec<&str> = std::iter::once(c.key)
                .chain(c.names.iter().copied())
                .collect();
            problems.push(Problem {
                row: 1,
                column: c.key.to_owned(),
                field: c.key.to_owned(),
                code: "column_missing".to_owned(),
                message: format!(
                    "The header row has no {} column; name it one of: {}.",
                    c.key,
                    names.join(", ")
                ),
            });
        }
    }
    (positions, ignored, problems)
}

/// A file read one row at a time, for files too large to hold (generated
/// bookings): the same header matching and cell parsing as [`read`].
pub struct Stream<R: std::io::Read> {
    reader: csv::Reader<R>,
    positions: Positions,
    columns: &'static [Column],
    record: csv::StringRecord,
}

impl<R: std::io::Read> Stream<R> {
    /// Reads the header; its problems when the columns are not there.
    pub fn open(input: R, delimiter: u8, columns: &'static [Column]) -> Result<Self, Vec<Problem>> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| {
                vec![Problem::file(
                    "file_unreadable",
                    format!("The header row cannot be read: {e}."),
                )]
            })?
            .clone();
        let (positions, _, problems) = match_header(&headers, columns);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            reader,
            positions,
            columns,
            record: csv::StringRecord::new(),
        })
    }

    /// The next non-blank row through `parse_row`: `None` at the end, else
    /// the row or its problems.
    pub fn next_row<T>(
        &mut self,
        mut parse_row: impl FnMut(&mut Cells<'_>) -> Option<T>,
    ) -> Option<Result<Row<T>, Vec<Problem>>> {
        loop {
            let line = self.reader.position().line() as usize;
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    return Some(Err(vec![Problem::row(
                        line.max(2),
                        "row_unreadable",
                        format!("The line cannot be read: {e}."),
                    )]));
                }
            }
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let row = self.record.position().map_or(line, |p| p.line() as usize);
            let mut cells = Cells {
                row,
                record: &self.record,
                positions: &self.positions,
                columns: self.columns,
                problems: Vec::new(),
            };
            let value = parse_row(&mut cells);
            return Some(match value {
                Some(value) if !cells.failed() => Ok(Row { row, value }),
                _ if cells.failed() => Err(cells.problems),
                _ => Err(vec![Problem::row(
                    row,
                    "invalid_row",
                    "The row was refused.",
                )]),
            });
        }
    }
}

/// Keeps the first row of each key; a later row with the same key is a
/// problem naming the earlier one (a register lists each thing once).
pub fn drop_repeats<T, K: Eq + Hash>(
    parsed: &mut Parsed<T>,
    key: impl Fn(&T) -> K,
    field: &str,
    column: &str,
    describe: impl Fn(&T) -> String,
) {
    let mut first: HashMap<K, usize> = HashMap::new();
    let mut kept = Vec::with_capacity(parsed.rows.len());
    for r in parsed.rows.drain(..) {
        match first.get(&key(&r.value)) {
            Some(earlier) => parsed.problems.push(Problem {
                row: r.row,
                column: column.to_owned(),
                field: field.to_owned(),
                code: "duplicate_in_file".to_owned(),
                message: format!(
                    "{} is already on row {earlier} of this file; list each once.",
                    describe(&r.value)
                ),
            }),
            None => {
                first.insert(key(&r.value), r.row);
                kept.push(r);
            }
        }
    }
    parsed.rows = kept;
    parsed.problems.sort_by_key(|p| p.row);
}

/// The header a file uses for a column (for problems found later), or the
/// key when the column is absent.
pub fn header_of(bytes: &[u8], columns: &[Column], key: &str) -> String {
    let Ok(text) = csv_text::decode(bytes) else {
        return key.to_owned();
    };
    let mut reader = csv_text::reader(text);
    let Ok(headers) = reader.headers() else {
        return key.to_owned();
    };
    let Some(c) = columns.iter().find(|c| c.key == key) else {
        return key.to_owned();
    };
    headers
        .iter()
        .find(|h| {
            let f = csv_text::fold(h);
            f == csv_text::fold(c.key) || c.names.iter().any(|n| csv_text::fold(n) == f)
        })
        .map_or_else(|| key.to_owned(), |h| h.trim().to_owned())
}

/// Reads a keyword cell (status, category) by its folded spelling.
pub fn keyword<T: Copy>(raw: &str, table: &[(&str, T)]) -> Option<T> {
    let f = csv_text::fold(raw);
    table
        .iter()
        .find(|(name, _)| csv_text::fold(name) == f)
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[
        Column {
            key: "code",
            names: &["mã"],
            required: true,
        },
        Column {
            key: "note",
            names: &["ghi chú"],
            required: false,
        },
    ];

    fn parse(bytes: &[u8]) -> Parsed<(String, Option<String>)> {
        read(bytes, COLS, |c| {
            let code = c.required("code", |s| Ok(s.to_owned()))?;
            let note = c.optional("note", |s| Ok(s.to_owned()))?;
            Some((code, note))
        })
    }

    #[test]
    fn vietnamese_headers_any_order_and_unknown_columns() {
        let p = parse("\u{feff}STT;Ghi chú;Mã\n1;x;A\n2;;B\n\n".as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1].row, 3);
        assert_eq!(p.rows[1].value, ("B".to_owned(), None));
        assert_eq!(p.ignored_columns, ["STT"]);
    }

    #[test]
    fn problems_name_row_and_column() {
        let p = parse("Mã,Ghi chú\nA,x\n,y\n".as_bytes());
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].row, 3);
        assert_eq!(p.problems[0].column, "Mã");
        assert_eq!(p.problems[0].code, "required");
        assert_eq!(
            p.problems[0].sentence(),
            "Row 3, column 'Mã': The cell is empty; this column is required."
        );
    }

    /// The row of a problem is the line a spreadsheet or editor shows,
    /// whatever the file's line breaks, with blank lines and lines inside
    /// quoted cells counted.
    #[test]
    fn rows_are_the_lines_the_file_has() {
        for (text, rows) in [
            ("Mã,Ghi chú\nA,x\n,y\n", 3),
            ("Mã,Ghi chú\r\nA,x\r\n,y\r\n", 3),
            ("Mã,Ghi chú\rA,x\r,y\r", 3),
            ("Mã,Ghi chú\r\n\r\nA,x\r\n\r\n\r\n,y\r\n", 6),
            ("Mã,Ghi chú\rA,x\r\r,y", 4),
            ("Mã,Ghi chú\r\nA,\"hai\r\ndòng\"\r\n,y\r\n", 4),
            ("\u{feff}Mã,Ghi chú\n\nA,x\n,y\n", 4),
        ] {
            let p = parse(text.as_bytes());
            assert_eq!(p.rows.len(), 1, "{text:?}: {:?}", p.problems);
            assert_eq!(p.problems.len(), 1, "{text:?}");
            assert_eq!(p.problems[0].row, rows, "{text:?}");
            assert_eq!(p.problems[0].code, "required");
        }
        // The row of the good line too, with a lone \r before it.
        let p = parse("Mã,Ghi chú\r\rB,z\r".as_bytes());
        assert_eq!(p.rows[0].row, 3);
    }

    #[test]
    fn a_missing_column_is_a_header_problem() {
        let p = parse(b"note\nx\n");
        assert_eq!(p.problems[0].row, 1);
        assert_eq!(p.problems[0].code, "column_missing");
        assert!(p.rows.is_empty());
    }

    #[test]
    fn repeats_are_refused_after_the_first() {
        let mut p = parse(b"code\nA\nB\nA\n");
        drop_repeats(&mut p, |v| v.0.clone(), "code", "code", |v| v.0.clone());
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.problems[0].row, 4);
        assert_eq!(p.problems[0].code, "duplicate_in_file");
        assert!(p.problems[0].message.contains("row 2"));
    }

    #[test]
    fn unreadable_files() {
        assert_eq!(parse(&[0xff, 0x00]).problems[0].code, "file_unreadable");
        assert_eq!(parse(b"code\n").problems[0].code, "file_empty");
        assert_eq!(parse(b"").problems[0].code, "column_missing");
    }
}

/// Bad input of every shape: the parsers never panic, and a file that
/// yields no rows always says why.
#[cfg(test)]
mod fuzz {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::assets::CategoryCode;
    use crate::domain::board::BoardCode;
    use crate::domain::ledger::budget_line::BudgetLineCode;
    use crate::domain::ledger::period::FiscalYear;

    fn all_kinds(bytes: &[u8]) -> Vec<(usize, Vec<Problem>, usize)> {
        let cats = [assets::KnownCategory {
            code: CategoryCode::parse("computer").unwrap(),
            name: "Máy vi tính".into(),
        }];
        let board = BoardCode::parse("BTC").unwrap();
        let lines = [BudgetLineCode::parse("6700").unwrap()];
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let v = vehicles::parse(bytes);
        let d = drivers::parse(bytes);
        let a = assets::parse(
            bytes,
            &assets::Context {
                categories: &cats,
                today,
            },
        );
        let b = budgets::parse(
            bytes,
            &budgets::Context {
                board: &board,
                lines: &lines,
                this_year: FiscalYear::of(today),
            },
        );
        vec![
            (v.rows.len(), v.problems, v.rows_read),
            (d.rows.len(), d.problems, d.rows_read),
            (a.rows.len(), a.problems, a.rows_read),
            (b.rows.len(), b.problems, b.rows_read),
        ]
    }

    fn check(bytes: &[u8]) {
        // Line breaks as the file has them: \n, \r\n or a lone \r.
        let breaks = bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count();
        let lines = breaks + 2;
        for (rows, problems, read) in all_kinds(bytes) {
            assert!(rows <= read);
            if rows == 0 {
                assert!(!problems.is_empty(), "no rows and no reason");
            }
            for p in problems {
                assert!(!p.code.is_empty() && !p.message.is_empty());
                assert!(p.row <= lines, "row {} of {lines} lines", p.row);
                assert!(!p.sentence().is_empty());
            }
        }
    }

    const HEADERS: [&str; 4] = [
        "plate;model;seats;category;fuel_norm;odometer_km;status\n",
        "Họ và tên,Số GPLX,Hạng,Ngày hết hạn,Điện thoại\n",
        "code,name,category,original_cost,accumulated_wear,acquired_on,wear_rate,location\n",
        "\u{feff}Mục;Dự toán;Năm;Mã ban\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            check(&bytes);
        }

        #[test]
        fn arbitrary_rows_under_a_real_header_never_panic(
            header in 0usize..4,
            body in "[-0-9A-Za-zĐđốộ.,;\"() /\n\r]{0,400}",
        ) {
            let text = format!("{}{body}", HEADERS[header]);
            check(text.as_bytes());
        }

        #[test]
        fn cells_of_any_text_never_panic(s in "\\PC{0,40}") {
            let _ = crate::domain::csv_text::parse_decimal(&s);
            let _ = crate::domain::csv_text::parse_amount(&s);
            let _ = crate::domain::csv_text::parse_whole(&s);
            let _ = crate::domain::csv_text::parse_date(&s);
            let _ = crate::domain::csv_text::fold(&s);
        }
    }
}
