//! CSV files as Vietnamese offices export them, shared by every upload
//! (bank statements, the consolidation import).
//!
//! Accepted: UTF-8 with or without a byte-order mark; `,` or `;` between
//! fields (whichever the header line uses more); dates as `dd/mm/yyyy`,
//! `dd-mm-yyyy` or `yyyy-mm-dd`; numbers with thousands separators
//! (`1.250.000`, `1,250,000`, `1.250.000,50`).
//!
//! Number rule: when both `.` and `,` appear, the last one is the decimal
//! mark. When only one appears, it separates thousands if it occurs more
//! than once or is followed by exactly three digits; otherwise it is the
//! decimal mark.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::money::Money;

/// The text of an uploaded file: UTF-8, without its byte-order mark.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "The file is not UTF-8 text (invalid byte at position {}); export it as CSV UTF-8.",
            e.valid_up_to()
        )
    })?;
    if let Some(at) = text.find('\0') {
        let line = LineIndex::new(text).line_of(at as u64);
        return Err(format!(
            "The file contains a NUL character on line {line}, which no value may hold; it may \
             have been saved as UTF-16. Export it again as CSV UTF-8."
        ));
    }
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Line numbers as the file has them, whatever its line breaks: `\r\n`
/// (Excel on Windows), `\n`, or a lone `\r` (old Mac exports) each end a
/// line, and blank lines count. (The csv reader's own line count misses
/// lone `\r` breaks.)
pub struct LineIndex {
    /// Byte offset where each line starts; line 1 starts at 0.
    starts: Vec<u64>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                // The csv reader ends a record at the `\r` and starts the
                // next at the `\n`: that `\n` already counts as the next line.
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push((i + 1) as u64);
                    i += 2;
                    continue;
                }
                b'\r' | b'\n' => starts.push((i + 1) as u64),
                _ => {}
            }
            i += 1;
        }
        Self { starts }
    }

    /// The line (from 1) holding the byte at `offset`.
    pub fn line_of(&self, offset: u64) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The line where the csv reader's next record starts, given where the
    /// reader stands in `text`: the reader stands before the blank lines it
    /// will skip, so they are skipped here too.
    pub fn record_line(&self, text: &str, offset: u64) -> usize {
        let from = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let skipped = text.as_bytes()[from..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.line_of((from + skipped) as u64)
    }
}

/// The field separator the header line uses: `;` if it has more of them
/// than `,`, else `,`.
pub fn delimiter(text: &str) -> u8 {
    let header_line = text.lines().next().unwrap_or("");
    if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// A CSV reader over `text` with its detected separator; rows may have
/// more or fewer fields than the header.
pub fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Parses a date as Vietnamese offices write it, or ISO.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

/// Parses a number with thousands separators (see the module's rule) into
/// an exact decimal; an optional minus sign or parentheses make it negative.
pub fn parse_decimal(raw: &str) -> Option<Decimal> {
    let mut s: String = raw
        .trim()
        .trim_end_matches("VND")
        .trim_end_matches("VNĐ")
        .trim_end_matches('₫')
        .trim_end_matches('đ')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let negative = if s.len() >= 2 && s.starts_with('(') && s.ends_with(')') {
        s = s[1..s.len() - 1].to_owned();
        true
    } else if let Some(rest) = s.strip_prefix('-') {
        s = rest.to_owned();
        true
    } else {
        false
    };
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let decimal_mark = match (dots, commas) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let mark = if dots > 0 { '.' } else { ',' };
            let count = dots + commas;
            let after = s.len() - s.rfind(mark)? - 1;
            if count > 1 || after == 3 {
                None
            } else {
                Some(mark)
            }
        }
        _ => {
            let last_dot = s.rfind('.')?;
            let last_comma = s.rfind(',')?;
            Some(if last_dot > last_comma { '.' } else { ',' })
        }
    };
    let mut plain = String::with_capacity(s.len());
    for c in s.chars() {
        if Some(c) == decimal_mark {
            plain.push('.');
        } else if c.is_ascii_digit() {
            plain.push(c);
        }
    }
    if decimal_mark.is_some() && plain.matches('.').count() != 1 {
        return None;
    }
    let value = Decimal::from_str_exact(&plain).ok()?;
    Some(if negative { -value } else { value })
}

/// Parses an amount of đồng with thousands separators (see the module's
/// rule); more than two decimals is refused.
pub fn parse_amount(raw: &str) -> Option<Money> {
    Money::from_decimal(parse_decimal(raw)?).ok()
}

/// A whole number written with or without thousands separators
/// (`125.000`, `125000`).
pub fn parse_whole(raw: &str) -> Option<i64> {
    let d = parse_decimal(raw)?.normalize();
    if d.scale() != 0 {
        return None;
    }
    i64::try_from(d).ok()
}

/// A header or a value as compared: lower case, Vietnamese diacritics and
/// `đ` folded to plain letters, `_`/`-` read as spaces, text in
/// parentheses dropped (`Nguyên giá (đồng)` → `nguyen gia`), spaces
/// collapsed.
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0usize;
    for c in raw.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '_' | '-' => out.push(' '),
            c => {
                for l in c.to_lowercase() {
                    out.push(plain_letter(l));
                }
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plain_letter(c: char) -> char {
    const GROUPS: [(&str, char); 6] = [
        ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
        ("èéẹẻẽêềếệểễ", 'e'),
        ("ìíịỉĩ", 'i'),
        ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
        ("ùúụủũưừứựửữ", 'u'),
        ("ỳýỵỷỹ", 'y'),
    ];
    if c == 'đ' {
        return 'd';
    }
    if c.is_ascii() {
        return c;
    }
    GROUPS
        .iter()
        .find(|(group, _)| group.contains(c))
        .map_or(c, |(_, base)| *base)
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_are_counted_as_the_file_breaks_them() {
        for (text, probes) in [
            ("a\nb\nc", [(0, 1), (2, 2), (4, 3)]),
            ("a\r\nb\r\nc", [(0, 1), (2, 2), (6, 3)]),
            ("a\rb\rc", [(0, 1), (2, 2), (4, 3)]),
            ("a\n\r\n\rc", [(0, 1), (2, 2), (5, 4)]),
        ] {
            let lines = LineIndex::new(text);
            for (offset, line) in probes {
                assert_eq!(lines.line_of(offset), line, "{text:?} at {offset}");
            }
        }
    }

    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn amounts_in_the_common_formats() {
        assert_eq!(parse_amount("1.250.000"), Some(m("1250000")));
        assert_eq!(parse_amount("1,250,000"), Some(m("1250000")));
        assert_eq!(parse_amount("1.250.000,50"), Some(m("1250000.50")));
        assert_eq!(parse_amount("1,250,000.50"), Some(m("1250000.50")));
        assert_eq!(parse_amount("250.000"), Some(m("250000")));
        assert_eq!(parse_amount("12,5"), Some(m("12.5")));
        assert_eq!(parse_amount("-500000"), Some(m("-500000")));
        assert_eq!(parse_amount("(1.000)"), Some(m("-1000")));
        assert_eq!(parse_amount("1 250 000 VND"), Some(m("1250000")));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("1.2.3,4,5"), None);
        assert_eq!(parse_amount("0,001"), Some(m("1")));
        assert_eq!(parse_amount("1,0001"), None);
        assert_eq!(parse_amount("("), None);
        assert_eq!(parse_amount("-"), None);
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(parse_whole("125.000"), Some(125_000));
        assert_eq!(parse_whole("7"), Some(7));
        assert_eq!(parse_whole("7,5"), None);
    }

    #[test]
    fn dates_day_first_or_iso() {
        let want = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(parse_date("05/11/2026"), Some(want));
        assert_eq!(parse_date("5/11/2026"), Some(want));
        assert_eq!(parse_date("05-11-2026"), Some(want));
        assert_eq!(parse_date("05.11.2026"), Some(want));
        assert_eq!(parse_date("2026-11-05"), Some(want));
        assert_eq!(parse_date("11/31/2026"), None);
    }

    #[test]
    fn headers_fold_to_plain_words() {
        assert_eq!(fold(" Biển số "), "bien so");
        assert_eq!(fold("Nguyên giá (đồng)"), "nguyen gia");
        assert_eq!(fold("licence_expires_on"), "licence expires on");
        assert_eq!(fold("ĐỊNH MỨC"), "dinh muc");
    }

    #[test]
    fn files_with_a_byte_order_mark_and_semicolons() {
        let text = decode("\u{feff}a;b,c;d\n".as_bytes()).unwrap();
        assert_eq!(text, "a;b,c;d\n");
        assert_eq!(delimiter(text), b';');
        assert!(decode(&[0xff, 0xfe]).unwrap_err().contains("UTF-8"));
        assert!(
            decode(b"a,b\r\n1,2\r\n3\0,4\r\n")
                .unwrap_err()
                .contains("NUL character on line 3")
        );
    }
}
