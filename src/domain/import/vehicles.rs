//! A board's vehicle register: one row per car.
//!
//! | key | also accepted | |
//! |---|---|---|
//! | `plate` | Biển số, Biển kiểm soát, BKS | required |
//! | `model` | Nhãn hiệu, Hiệu xe, Mẫu xe | required |
//! | `seats` | Số chỗ, Số chỗ ngồi | required, driver's seat included |
//! | `category` | Loại xe, Kiểu xe | required: sedan, suv, van, minibus, pickup (or Xe con, Xe gầm cao, Xe bán tải, Xe khách) |
//! | `fuel_norm` | Định mức nhiên liệu, Định mức | required, litres/100 km (`9,5` or `9.5`) |
//! | `odometer_km` | Số km, Công tơ mét | optional, 0 when empty |
//! | `status` | Trạng thái, Tình trạng | optional: active (Đang sử dụng) or retired (Thanh lý, Ngừng sử dụng) |

use super::{Column, Parsed, drop_repeats, keyword, read};
use crate::domain::ParseError;
use crate::domain::csv_text;
use crate::domain::fleet::vehicle::{
    FuelNorm, Plate, Seats, VehicleCategory, VehicleStatus, parse_odometer,
};
use crate::domain::text;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "plate",
        names: &[
            "biển số",
            "biển số xe",
            "biển kiểm soát",
            "bks",
            "license plate",
            "registration",
        ],
        required: true,
    },
    Column {
        key: "model",
        names: &["nhãn hiệu", "hiệu xe", "mẫu xe", "nhãn hiệu xe", "make"],
        required: true,
    },
    Column {
        key: "seats",
        names: &["số chỗ", "số chỗ ngồi", "chỗ ngồi"],
        required: true,
    },
    Column {
        key: "category",
        names: &["loại xe", "kiểu xe", "chủng loại", "type"],
        required: true,
    },
    Column {
        key: "fuel_norm",
        names: &[
            "định mức nhiên liệu",
            "định mức",
            "định mức xăng dầu",
            "fuel norm l/100km",
        ],
        required: true,
    },
    Column {
        key: "odometer_km",
        names: &["odometer", "số km", "số km đã đi", "công tơ mét", "km"],
        required: false,
    },
    Column {
        key: "status",
        names: &["trạng thái", "tình trạng"],
        required: false,
    },
];

/// A vehicle as a board's register lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleRecord {
    pub plate: Plate,
    pub model: String,
    pub seats: Seats,
    pub category: VehicleCategory,
    pub fuel_norm: FuelNorm,
    pub odometer_km: i64,
    pub status: VehicleStatus,
}

fn category(raw: &str) -> Result<VehicleCategory, ParseError> {
    use VehicleCategory::*;
    keyword(
        raw,
        &[
            ("xe con", Sedan),
            ("xe du lịch", Sedan),
            ("xe 4 chỗ", Sedan),
            ("xe 5 chỗ", Sedan),
            ("xe gầm cao", Suv),
            ("xe 7 chỗ", Suv),
            ("xe 2 cầu", Suv),
            ("xe van", Van),
            ("xe khách", Minibus),
            ("xe ca", Minibus),
            ("xe 16 chỗ", Minibus),
            ("xe bán tải", Pickup),
        ],
    )
    .map_or_else(|| VehicleCategory::parse(raw), Ok)
}

fn status(raw: &str) -> Result<VehicleStatus, ParseError> {
    keyword(
        raw,
        &[
            ("đang sử dụng", VehicleStatus::Active),
            ("hoạt động", VehicleStatus::Active),
            ("thanh lý", VehicleStatus::Retired),
            ("ngừng sử dụng", VehicleStatus::Retired),
        ],
    )
    .map_or_else(|| VehicleStatus::parse(raw), Ok)
}

fn seats(raw: &str) -> Result<Seats, ParseError> {
    // "7", "7 chỗ"
    let digits = raw.trim_end_matches(|c: char| !c.is_ascii_digit());
    match csv_text::parse_whole(digits) {
        Some(n) => Seats::parse(n),
        None => Err(ParseError::new(
            "invalid_seats",
            format!("'{raw}' is not a number of seats; write it like 7."),
        )),
    }
}

fn fuel_norm(raw: &str) -> Result<FuelNorm, ParseError> {
    match csv_text::parse_decimal(raw) {
        Some(d) => FuelNorm::parse(&d.to_string()),
        None => FuelNorm::parse(raw),
    }
}

fn odometer(raw: &str) -> Result<i64, ParseError> {
    match csv_text::parse_whole(raw.trim_end_matches("km").trim()) {
        Some(n) => parse_odometer(n),
        None => Err(ParseError::new(
            "invalid_odometer",
            format!("'{raw}' is not an odometer reading; write whole kilometres like 125.000."),
        )),
    }
}

/// Reads a vehicle register; a plate listed twice is refused after its
/// first row.
pub fn parse(bytes: &[u8]) -> Parsed<VehicleRecord> {
    let mut parsed = read(bytes, COLUMNS, |c| {
        let plate = c.required("plate", Plate::parse);
        let model = c.required("model", |s| text::bounded("Model", s, 1, 100));
        let seats = c.required("seats", seats);
        let category = c.required("category", category);
        let fuel_norm = c.required("fuel_norm", fuel_norm);
        let odometer_km = c.optional("odometer_km", odometer);
        let status = c.optional("status", status);
        Some(VehicleRecord {
            plate: plate?,
            model: model?,
            seats: seats?,
            category: category?,
            fuel_norm: fuel_norm?,
            odometer_km: odometer_km?.unwrap_or(0),
            status: status?.unwrap_or(VehicleStatus::Active),
        })
    });
    let column = super::header_of(bytes, COLUMNS, "plate");
    drop_repeats(
        &mut parsed,
        |v| v.plate.clone(),
        "plate",
        &column,
        |v| format!("Plate {}", v.plate),
    );
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_register() {
        let csv = "\u{feff}STT;Biển số;Nhãn hiệu;Số chỗ;Loại xe;Định mức nhiên liệu;Số km;Tình trạng\n\
                   1;14A-123.45;Toyota Camry;5;Xe con;9,5;125.000;Đang sử dụng\n\
                   2;14a 56789;Ford Transit;16;minibus;14;;\n";
        let p = parse(csv.as_bytes());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let v = &p.rows[0].value;
        assert_eq!(v.plate.as_str(), "14A-123.45");
        assert_eq!(v.fuel_norm.hundredths(), 950);
        assert_eq!(v.odometer_km, 125_000);
        assert_eq!(v.category, VehicleCategory::Sedan);
        assert_eq!(p.rows[1].value.plate.as_str(), "14A-567.89");
        assert_eq!(p.rows[1].value.odometer_km, 0);
    }

    #[test]
    fn every_bad_cell_is_named() {
        let csv = "plate,model,seats,category,fuel_norm\n\
                   14A-123.45,Camry,5,sedan,9.5\n\
                   XYZ,Camry,100,truck,0\n\
                   14A-12345,Camry,5,sedan,9.5\n";
        let p = parse(csv.as_bytes());
        assert_eq!(p.rows.len(), 1);
        let got: Vec<(usize, &str, &str)> = p
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "plate", "invalid_plate"),
                (3, "seats", "invalid_seats"),
                (3, "category", "invalid_category"),
                (3, "fuel_norm", "invalid_fuel_norm"),
                (4, "plate", "duplicate_in_file"),
            ]
        );
    }
}
