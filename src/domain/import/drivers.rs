//! A board's driver register: one row per driver.
//!
//! | key | also accepted | |
//! |---|---|---|
//! | `full_name` | Họ và tên, Họ tên | required |
//! | `licence_number` | Số GPLX, Số giấy phép lái xe | required, the natural key |
//! | `licence_class` | Hạng, Hạng GPLX | required: B, B2, C1, C, CE, D1, D2, D, E |
//! | `licence_expires_on` | Ngày hết hạn, Có giá trị đến | required, dd/mm/yyyy or yyyy-mm-dd |
//! | `phone` | Điện thoại, Số điện thoại, SĐT | optional |
//! | `status` | Trạng thái, Tình trạng | optional: active (Đang làm việc) or inactive (Nghỉ việc) |

use chrono::NaiveDate;

use super::{Column, Parsed, drop_repeats, keyword, read};
use crate::domain::ParseError;
use crate::domain::csv_text;
use crate::domain::fleet::driver::{DriverStatus, LicenceClass, LicenceNumber, Phone};
use crate::domain::user::FullName;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "full_name",
        names: &["name", "họ và tên", "họ tên", "tên lái xe", "lái xe"],
        required: true,
    },
    Column {
        key: "licence_number",
        names: &[
            "license_number",
            "licence",
            "số gplx",
            "gplx",
            "số giấy phép lái xe",
            "số bằng lái",
        ],
        required: true,
    },
    Column {
        key: "licence_class",
        names: &["license_class", "class", "hạng", "hạng gplx", "hạng bằng"],
        required: true,
    },
    Column {
        key: "licence_expires_on",
        names: &[
            "license_expires_on",
            "expires_on",
            "expiry",
            "ngày hết hạn",
            "hết hạn",
            "có giá trị đến",
            "hạn gplx",
        ],
        required: true,
    },
    Column {
        key: "phone",
        names: &["điện thoại", "số điện thoại", "sđt", "đt"],
        required: false,
    },
    Column {
        key: "status",
        names: &["trạng thái", "tình trạng"],
        required: false,
    },
];

/// A driver as a board's register lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverRecord {
    pub full_name: FullName,
    pub licence_number: LicenceNumber,
    pub licence_class: LicenceClass,
    pub licence_expires_on: NaiveDate,
    pub phone: Option<Phone>,
    pub status: DriverStatus,
}

pub(crate) fn date(raw: &str) -> Result<NaiveDate, ParseError> {
    csv_text::parse_date(raw).ok_or_else(|| {
        ParseError::new(
            "invalid_date",
            format!("'{raw}' is not a date: write dd/mm/yyyy (05/11/2026) or yyyy-mm-dd."),
        )
    })
}

fn status(raw: &str) -> Result<DriverStatus, ParseError> {
    keyword(
        raw,
        &[
            ("đang làm việc", DriverStatus::Active),
            ("hoạt động", DriverStatus::Active),
            ("nghỉ việc", DriverStatus::Inactive),
            ("ngừng hoạt động", DriverStatus::Inactive),
        ],
    )
    .map_or_else(|| DriverStatus::parse(raw), Ok)
}

/// Reads a driver register; a licence number listed twice is refused after
/// its first row.
pub fn parse(bytes: &[u8]) -> Parsed<DriverRecord> {
    let mut parsed = read(bytes, COLUMNS, |c| {
        let full_name = c.required("full_name", FullName::parse);
        let licence_number = c.required("licence_number", LicenceNumber::parse);
        let licence_class = c.required("licence_class", LicenceClass::parse);
        let expires = c.required("licence_expires_on", date);
        let phone = c.optional("phone", Phone::parse);
        let status = c.optional("status", status);
        Some(DriverRecord {
            full_name: full_name?,
            licence_number: licence_number?,
            licence_class: licence_class?,
            licence_expires_on: expires?,
            phone: phone?,
            status: status?.unwrap_or(DriverStatus::Active),
        })
    });
    let column = super::header_of(bytes, COLUMNS, "licence_number");
    drop_repeats(
        &mut parsed,
        |d| d.licence_number.clone(),
        "licence_number",
        &column,
        |d| format!("Licence number {}", d.licence_number.as_str()),
    );
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_register() {
        let csv = "Họ và tên;Số GPLX;Hạng;Ngày hết hạn;Điện thoại\n\
                   Nguyễn Văn An;0123 4567 8901;D;31/12/2030;0912 345 678\n";
        let p = parse(csv.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let d = &p.rows[0].value;
        assert_eq!(d.licence_number.as_str(), "012345678901");
        assert_eq!(d.licence_class, LicenceClass::D);
        assert_eq!(
            d.licence_expires_on,
            NaiveDate::from_ymd_opt(2030, 12, 31).unwrap()
        );
        assert_eq!(d.status, DriverStatus::Active);
    }

    #[test]
    fn bad_cells() {
        let csv = "full_name,licence_number,licence_class,licence_expires_on\n\
                   An,12,Z,31/02/2030\n";
        let p = parse(csv.as_bytes());
        let codes: Vec<&str> = p.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "invalid_licence_number",
                "invalid_licence_class",
                "invalid_date"
            ]
        );
    }
}
