//! A board's asset register (sổ tài sản): one row per asset.
//!
//! | key | also accepted | |
//! |---|---|---|
//! | `code` | Mã tài sản, Mã TS | required, the natural key |
//! | `name` | Tên tài sản | required |
//! | `category` | Loại tài sản, Nhóm tài sản | required: a category code (`computer`) or its Vietnamese name |
//! | `unit` | Đơn vị tính, ĐVT | optional, the category's unit when empty |
//! | `original_cost` | Nguyên giá | required, đồng (`24.000.000`) |
//! | `accumulated_wear` | Hao mòn lũy kế | optional, 0 when empty; at most the cost |
//! | `acquired_on` | Ngày mua, Ngày đưa vào sử dụng | required, not after today |
//! | `wear_rate` | Tỷ lệ hao mòn | optional, % a year (`12,5`); the category's when empty |
//! | `location` | Vị trí, Nơi sử dụng | required |
//! | `status` | Trạng thái, Tình trạng | optional: in_use (Đang sử dụng) or idle (Không sử dụng, Chưa sử dụng) |

use chrono::NaiveDate;

use super::{Column, Parsed, drop_repeats, keyword, read};
use crate::domain::ParseError;
use crate::domain::assets::{AssetCode, AssetStatus, CategoryCode, WearRate};
use crate::domain::csv_text;
use crate::domain::money::Money;
use crate::domain::text;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "code",
        names: &["asset_code", "mã tài sản", "mã ts", "mã", "số hiệu"],
        required: true,
    },
    Column {
        key: "name",
        names: &["tên tài sản", "tên", "tên ts"],
        required: true,
    },
    Column {
        key: "category",
        names: &["loại tài sản", "nhóm tài sản", "loại", "nhóm"],
        required: true,
    },
    Column {
        key: "unit",
        names: &["đơn vị tính", "đvt", "đơn vị"],
        required: false,
    },
    Column {
        key: "original_cost",
        names: &["cost", "nguyên giá"],
        required: true,
    },
    Column {
        key: "accumulated_wear",
        names: &["hao mòn lũy kế", "hao mòn luỹ kế", "đã hao mòn", "hao mòn"],
        required: false,
    },
    Column {
        key: "acquired_on",
        names: &[
            "ngày mua",
            "ngày đưa vào sử dụng",
            "ngày sử dụng",
            "ngày tăng",
            "acquired",
        ],
        required: true,
    },
    Column {
        key: "wear_rate",
        names: &["tỷ lệ hao mòn", "tỉ lệ hao mòn", "tỷ lệ hao mòn %/năm"],
        required: false,
    },
    Column {
        key: "location",
        names: &["vị trí", "nơi sử dụng", "địa điểm", "phòng"],
        required: true,
    },
    Column {
        key: "status",
        names: &["trạng thái", "tình trạng"],
        required: false,
    },
];

/// A category the register knows, for matching the `category` cell.
#[derive(Debug, Clone)]
pub struct KnownCategory {
    pub code: CategoryCode,
    pub name: String,
}

/// What reading an asset register needs to know.
pub struct Context<'a> {
    pub categories: &'a [KnownCategory],
    /// The office's today: an asset cannot be acquired after it.
    pub today: NaiveDate,
}

/// An asset as a board's register lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRecord {
    pub code: AssetCode,
    pub name: String,
    pub category: CategoryCode,
    pub unit: Option<String>,
    pub original_cost: Money,
    pub accumulated_wear: Money,
    pub acquired_on: NaiveDate,
    pub wear_rate: Option<WearRate>,
    pub location: String,
    pub status: AssetStatus,
}

fn money(what: &'static str) -> impl Fn(&str) -> Result<Money, ParseError> {
    move |raw| match csv_text::parse_amount(raw) {
        Some(m) if !m.is_negative() => Ok(m),
        Some(_) => Err(ParseError::new(
            "negative_amount",
            format!("{what} cannot be negative."),
        )),
        None => Err(ParseError::new(
            "invalid_amount",
            format!(
                "'{raw}' is not an amount of đồng: write it like 24.000.000 or 24000000 (at most two decimals)."
            ),
        )),
    }
}

fn wear_rate(raw: &str) -> Result<WearRate, ParseError> {
    let raw = raw.trim_end_matches('%').trim();
    match csv_text::parse_decimal(raw) {
        Some(d) => WearRate::parse(&d.to_string()),
        None => WearRate::parse(raw),
    }
}

fn status(raw: &str) -> Result<AssetStatus, ParseError> {
    keyword(
        raw,
        &[
            ("đang sử dụng", AssetStatus::InUse),
            ("in use", AssetStatus::InUse),
            ("không sử dụng", AssetStatus::Idle),
            ("chưa sử dụng", AssetStatus::Idle),
            ("dư thừa", AssetStatus::Idle),
        ],
    )
    .map_or_else(|| AssetStatus::parse(raw), Ok)
    .and_then(|s| match s {
        AssetStatus::InUse | AssetStatus::Idle => Ok(s),
        _ => Err(ParseError::new(
            "invalid_asset_status",
            "An imported asset is in_use or idle; repairs and disposals are recorded afterwards.",
        )),
    })
}

/// Reads an asset register; a code listed twice is refused after its
/// first row.
pub fn parse(bytes: &[u8], ctx: &Context<'_>) -> Parsed<AssetRecord> {
    let category = |raw: &str| -> Result<CategoryCode, ParseError> {
        let f = csv_text::fold(raw);
        ctx.categories
            .iter()
            .find(|c| c.code.as_str() == raw.trim() || csv_text::fold(&c.name) == f)
            .map(|c| c.code.clone())
            .ok_or_else(|| {
                let codes: Vec<&str> = ctx.categories.iter().map(|c| c.code.as_str()).collect();
                ParseError::new(
                    "category_unknown",
                    format!(
                        "There is no asset category '{raw}'; use one of {}.",
                        codes.join(", ")
                    ),
                )
            })
    };
    let mut parsed = read(bytes, COLUMNS, |c| {
        let code = c.required("code", AssetCode::parse);
        let name = c.required("name", |s| text::bounded("Name", s, 1, 200));
        let category = c.required("category", category);
        let unit = c.optional("unit", |s| text::bounded("Unit", s, 1, 40));
        let cost = c.required("original_cost", |raw| {
            let m = money("The original cost")(raw)?;
            if m.to_minor() == 0 {
                return Err(ParseError::new(
                    "amount_not_positive",
                    "The original cost must be more than 0: an asset that cost nothing is not \
                     on the books."
                        .to_owned(),
                ));
            }
            Ok(m)
        });
        let wear = c.optional("accumulated_wear", money("Accumulated wear"));
        let acquired = c.required("acquired_on", super::drivers::date);
        let rate = c.optional("wear_rate", wear_rate);
        let location = c.required("location", |s| text::bounded("Location", s, 1, 200));
        let status = c.optional("status", status);
        if let Some(d) = acquired
            && d > ctx.today
        {
            c.fail(
                "acquired_on",
                ParseError::new(
                    "date_in_future",
                    format!("{d} is after today; an asset is registered once acquired."),
                ),
            );
        }
        if let (Some(cost), Some(Some(wear))) = (cost, wear)
            && wear > cost
        {
            c.fail(
                "accumulated_wear",
                ParseError::new(
                    "wear_exceeds_cost",
                    format!("Accumulated wear {wear} is more than the original cost {cost}."),
                ),
            );
        }
        Some(AssetRecord {
            code: code?,
            name: name?,
            category: category?,
            unit: unit?,
            original_cost: cost?,
            accumulated_wear: wear?.unwrap_or(Money::ZERO),
            acquired_on: acquired?,
            wear_rate: rate?,
            location: location?,
            status: status?.unwrap_or(AssetStatus::InUse),
        })
    });
    let column = super::header_of(bytes, COLUMNS, "code");
    drop_repeats(
        &mut parsed,
        |a| a.code.clone(),
        "code",
        &column,
        |a| format!("Asset code {}", a.code),
    );
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<KnownCategory> {
        vec![KnownCategory {
            code: CategoryCode::parse("projector").unwrap(),
            name: "Máy chiếu".into(),
        }]
    }

    #[test]
    fn a_vietnamese_register() {
        let cats = cats();
        let ctx = Context {
            categories: &cats,
            today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        };
        let csv = "Mã tài sản;Tên tài sản;Loại tài sản;Nguyên giá (đồng);Hao mòn lũy kế;Ngày mua;Tỷ lệ hao mòn;Vị trí;Tình trạng\n\
                   btc-mc-0001;Máy chiếu Epson;Máy chiếu;24.000.000;4.800.000;20/09/2024;20%;Phòng họp 1;Không sử dụng\n";
        let p = parse(csv.as_bytes(), &ctx);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = &p.rows[0].value;
        assert_eq!(a.code.as_str(), "BTC-MC-0001");
        assert_eq!(a.original_cost, Money::parse("24000000").unwrap());
        assert_eq!(a.accumulated_wear, Money::parse("4800000").unwrap());
        assert_eq!(a.wear_rate.unwrap().centi(), 2000);
        assert_eq!(a.status, AssetStatus::Idle);
    }

    #[test]
    fn refusals() {
        let cats = cats();
        let ctx = Context {
            categories: &cats,
            today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        };
        let csv = "code,name,category,original_cost,accumulated_wear,acquired_on,location\n\
                   A1,X,boat,-5,,2026-01-01,P1\n\
                   A2,X,projector,100,200,2027-01-01,P1\n\
                   A3,X,projector,0,,2026-01-01,P1\n";
        let p = parse(csv.as_bytes(), &ctx);
        let got: Vec<(usize, &str)> = p
            .problems
            .iter()
            .map(|p| (p.row, p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "category_unknown"),
                (2, "negative_amount"),
                (3, "date_in_future"),
                (3, "wear_exceeds_cost"),
                (4, "amount_not_positive"),
            ]
        );
    }
}
