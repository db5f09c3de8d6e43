//! The demo province as its boards' legacy CSV registers, at any scale.
//!
//! Scale 1 is the demo province (six boards, 20 vehicles, 24 drivers, 300
//! assets, 20,000 bookings in a year); scale N adds N − 1 district offices
//! and spreads N times as many vehicles, drivers, assets and bookings over
//! all boards, unevenly as in life. The same seed writes the same bytes.
//!
//! Each board's files come in one of three legacy styles — English headers
//! with commas and ISO dates; Vietnamese headers with semicolons, a
//! byte-order mark, an `STT` column, day-first dates and `1.250.000`; or
//! Vietnamese headers with commas — so an import sees what boards send.
//!
//! Bookings peak on weekday mornings (Mondays most) and in the last weeks
//! of each quarter, thin out at weekends and all but stop over Tết.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    pub scale: u32,
    pub seed: u64,
    /// Write bookings.csv.
    pub bookings: bool,
    /// The year of the bookings; assets are acquired up to its end.
    pub year: i32,
}

/// SplitMix64: small, fast and the same on every platform. The benchmark
/// generators (`examples/`) draw from it too.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index chosen with integer weights.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Percent chance.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A board of the generated province.
#[derive(Debug, Clone)]
pub struct Board {
    pub code: String,
    pub name: String,
    /// 0 English, 1 Vietnamese with semicolons, 2 Vietnamese with commas.
    style: usize,
}

const PROVINCIAL: [(&str, &str); 6] = [
    ("VP", "Văn phòng Tỉnh ủy"),
    ("BTC", "Ban Tổ chức Tỉnh ủy"),
    ("BTG", "Ban Tuyên giáo Tỉnh ủy"),
    ("BDV", "Ban Dân vận Tỉnh ủy"),
    ("BNC", "Ban Nội chính Tỉnh ủy"),
    ("UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
];

/// Shares of the six provincial boards, then of each district office.
const VEHICLE_WEIGHTS: ([u64; 6], u64) = ([7, 4, 3, 2, 2, 2], 3);
const DRIVER_WEIGHTS: ([u64; 6], u64) = ([8, 5, 4, 3, 2, 2], 4);
const ASSET_WEIGHTS: ([u64; 6], u64) = ([90, 60, 50, 35, 35, 30], 45);

pub fn boards(scale: u32) -> Vec<Board> {
    let mut out: Vec<Board> = PROVINCIAL
        .iter()
        .enumerate()
        .map(|(i, (code, name))| Board {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            style: [1, 0, 2, 1, 2, 0][i],
        })
        .collect();
    for i in 1..scale.max(1) {
        out.push(Board {
            code: format!("HU{i:03}"),
            name: format!("Văn phòng Huyện ủy số {i}"),
            style: (i as usize) % 3,
        });
    }
    out
}

/// `total` spread over the boards by weight; what rounding leaves goes to
/// the first boards.
fn spread(total: u64, weights: &([u64; 6], u64), boards: usize) -> Vec<u64> {
    let w: Vec<u64> = (0..boards)
        .map(|i| if i < 6 { weights.0[i] } else { weights.1 })
        .collect();
    let sum: u64 = w.iter().sum();
    let mut counts: Vec<u64> = w.iter().map(|x| total * x / sum).collect();
    let mut left = total - counts.iter().sum::<u64>();
    let mut i = 0;
    while left > 0 {
        counts[i % boards] += 1;
        left -= 1;
        i += 1;
    }
    counts
}

/// Writes CSV rows in a board's style.
struct Sheet {
    style: usize,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    fn new(style: usize, english: &[&str], vietnamese: &[&str]) -> Self {
        let mut header: Vec<String> = Vec::new();
        if style == 1 {
            header.push("STT".to_owned());
        }
        let names = if style == 0 { english } else { vietnamese };
        header.extend(names.iter().map(|s| (*s).to_owned()));
        Self {
            style,
            rows: vec![header],
        }
    }

    fn push(&mut self, mut cells: Vec<String>) {
        if self.style == 1 {
            cells.insert(0, self.rows.len().to_string());
        }
        self.rows.push(cells);
    }

    fn date(&self, d: NaiveDate) -> String {
        if self.style == 0 {
            d.format("%Y-%m-%d").to_string()
        } else {
            d.format("%d/%m/%Y").to_string()
        }
    }

    /// Whole đồng (or km): plain, or with dots between thousands.
    fn number(&self, n: i64) -> String {
        if self.style == 0 {
            return n.to_string();
        }
        let digits = n.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// Hundredths (a fuel norm, a rate): `9.5` or `9,5`.
    fn hundredths(&self, h: i64) -> String {
        let s = if h % 100 == 0 {
            (h / 100).to_string()
        } else if h % 10 == 0 {
            format!("{}.{}", h / 100, (h % 100) / 10)
        } else {
            format!("{}.{:02}", h / 100, h % 100)
        };
        if self.style == 0 {
            s
        } else {
            s.replace('.', ",")
        }
    }

    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::new();
        if self.style == 1 {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(if self.style == 1 { b';' } else { b',' })
            .from_writer(out);
        for r in &self.rows {
            w.write_record(r)?;
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

const MODELS: [(&str, i64, &str, &str, i64); 11] = [
    ("Toyota Camry 2.5Q", 5, "sedan", "Xe con", 1050),
    ("Toyota Corolla Altis", 5, "sedan", "Xe con", 850),
    ("Toyota Fortuner", 7, "suv", "Xe gầm cao", 1100),
    ("Mitsubishi Pajero Sport", 7, "suv", "Xe gầm cao", 1150),
    ("Ford Everest", 7, "suv", "Xe gầm cao", 1080),
    ("Toyota Innova", 8, "van", "Xe van", 1000),
    ("Ford Transit", 16, "minibus", "Xe khách", 1350),
    ("Hyundai Solati", 16, "minibus", "Xe khách", 1300),
    ("Hyundai County", 29, "minibus", "Xe khách", 1800),
    ("Toyota Hilux", 5, "pickup", "Xe bán tải", 950),
    ("Ford Ranger", 5, "pickup", "Xe bán tải", 980),
];

/// Plates, unique over the province: 90,000 numbers per series letter.
fn plate(k: u64, seed: u64) -> String {
    let series = ["A", "B", "C", "D", "E", "F", "G", "H", "K", "L"];
    let n = 10_000 + (k % 90_000 * 7919 + seed % 90_000) % 90_000;
    let letter = series[((k / 90_000) % series.len() as u64) as usize];
    let province = 14 + k / (90_000 * series.len() as u64);
    format!("{province}{letter}-{:03}.{:02}", n / 100, n % 100)
}

fn vehicles(b: &Board, count: u64, first: u64, seed: u64, rng: &mut Rng) -> Sheet {
    let mut s = Sheet::new(
        b.style,
        &[
            "plate",
            "model",
            "seats",
            "category",
            "fuel_norm",
            "odometer_km",
            "status",
        ],
        &[
            "Biển số",
            "Nhãn hiệu",
            "Số chỗ",
            "Loại xe",
            "Định mức nhiên liệu (lít/100km)",
            "Số km",
            "Tình trạng",
        ],
    );
    for k in 0..count {
        // Mostly cars for four to seven; a few minibuses.
        let m = MODELS[rng.weighted(&[5, 4, 4, 3, 3, 2, 2, 1, 1, 2, 1])];
        let retired = rng.chance(5);
        let english = b.style == 0;
        s.push(vec![
            plate(first + k, seed),
            m.0.to_owned(),
            m.1.to_string(),
            if english { m.2 } else { m.3 }.to_owned(),
            s.hundredths(m.4),
            s.number(rng.range(20, 350) * 1000 + rng.range(0, 999)),
            match (english, retired) {
                (true, false) => "active",
                (true, true) => "retired",
                (false, false) => "Đang sử dụng",
                (false, true) => "Thanh lý",
            }
            .to_owned(),
        ]);
    }
    s
}

const FAMILY: [&str; 14] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Ngô", "Dương",
];
const MIDDLE: [&str; 8] = ["Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Ngọc"];
const GIVEN: [&str; 18] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn",
    "Thắng", "Tuấn", "Việt", "Hòa", "Lâm", "Trung",
];

fn drivers(b: &Board, count: u64, first: u64, year: i32, seed: u64, rng: &mut Rng) -> Sheet {
    let mut s = Sheet::new(
        b.style,
        &[
            "full_name",
            "licence_number",
            "licence_class",
            "licence_expires_on",
            "phone",
            "status",
        ],
        &[
            "Họ và tên",
            "Số GPLX",
            "Hạng",
            "Ngày hết hạn",
            "Điện thoại",
            "Tình trạng",
        ],
    );
    for k in 0..count {
        let name = format!(
            "{} {} {}",
            rng.pick(&FAMILY),
            rng.pick(&MIDDLE),
            rng.pick(&GIVEN)
        );
        let number = 100_000_000_000 + ((first + k) * 48_271 + seed * 13) % 899_999_999_999;
        let class = ["B2", "C", "D", "D", "E", "D2"][rng.weighted(&[4, 3, 4, 2, 1, 1])];
        let expires = NaiveDate::from_ymd_opt(year + 1 + rng.range(0, 9) as i32, 1, 1)
            .unwrap_or_default()
            + Duration::days(rng.range(0, 364));
        let inactive = rng.chance(4);
        s.push(vec![
            name,
            number.to_string(),
            class.to_owned(),
            s.date(expires),
            format!("09{:08}", rng.below(100_000_000)),
            match (b.style == 0, inactive) {
                (true, false) => "active",
                (true, true) => "inactive",
                (false, false) => "Đang làm việc",
                (false, true) => "Nghỉ việc",
            }
            .to_owned(),
        ]);
    }
    s
}

/// Category code, label code, Vietnamese name, names, cost range in
/// thousands of đồng, rate in hundredths of a percent.
type AssetKind = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    (i64, i64),
    i64,
);

const ASSET_KINDS: [AssetKind; 4] = [
    (
        "computer",
        "MT",
        "Máy vi tính, máy tính xách tay",
        &[
            "Máy vi tính để bàn Dell OptiPlex",
            "Máy tính xách tay HP ProBook",
            "Máy vi tính để bàn HP ProDesk",
        ],
        (12_000, 28_000),
        2000,
    ),
    (
        "projector",
        "MC",
        "Máy chiếu",
        &[
            "Máy chiếu Epson EB-X51",
            "Máy chiếu Panasonic PT-LB",
            "Màn chiếu điện",
        ],
        (8_000, 30_000),
        2000,
    ),
    (
        "office_equipment",
        "TB",
        "Máy in, máy photocopy, thiết bị văn phòng",
        &[
            "Máy in Canon LBP 2900",
            "Máy photocopy Ricoh MP",
            "Máy hủy tài liệu",
            "Máy scan Fujitsu",
        ],
        (4_000, 85_000),
        1250,
    ),
    (
        "furniture",
        "BG",
        "Bàn ghế, tủ, đồ gỗ văn phòng",
        &[
            "Bộ bàn ghế họp",
            "Tủ tài liệu gỗ",
            "Bàn làm việc",
            "Bộ bàn ghế tiếp khách",
        ],
        (3_000, 45_000),
        1250,
    ),
];

const ROOMS: [&str; 8] = [
    "Phòng họp 1",
    "Phòng họp 2",
    "Hội trường",
    "Phòng làm việc tầng 2",
    "Phòng làm việc tầng 3",
    "Phòng văn thư",
    "Phòng lãnh đạo",
    "Kho",
];

fn assets(b: &Board, count: u64, year: i32, rng: &mut Rng) -> Sheet {
    let mut s = Sheet::new(
        b.style,
        &[
            "code",
            "name",
            "category",
            "unit",
            "original_cost",
            "accumulated_wear",
            "acquired_on",
            "wear_rate",
            "location",
            "status",
        ],
        &[
            "Mã tài sản",
            "Tên tài sản",
            "Loại tài sản",
            "Đơn vị tính",
            "Nguyên giá (đồng)",
            "Hao mòn lũy kế",
            "Ngày đưa vào sử dụng",
            "Tỷ lệ hao mòn (%/năm)",
            "Vị trí",
            "Tình trạng",
        ],
    );
    let mut numbers: BTreeMap<&str, u64> = BTreeMap::new();
    for _ in 0..count {
        let (cat, label, vn, names, (lo, hi), rate) = ASSET_KINDS[rng.weighted(&[4, 1, 3, 3])];
        let n = numbers.entry(label).or_insert(0);
        *n += 1;
        let cost = rng.range(lo, hi) * 1000;
        let acquired = NaiveDate::from_ymd_opt(year - rng.range(0, 12) as i32, 1, 1)
            .unwrap_or_default()
            + Duration::days(rng.range(0, 364));
        // Straight-line wear up to the end of last year, whole đồng.
        let months = i64::from((year - 1 - acquired.year()) * 12 + (12 - acquired.month0() as i32))
            .clamp(0, 1200);
        let wear = (cost * rate * months / 12 / 10_000).min(cost);
        let idle = rng.chance(12);
        let english = b.style == 0;
        s.push(vec![
            format!("{}-{label}-{:04}", b.code, n),
            (*rng.pick(names)).to_owned(),
            if english { cat } else { vn }.to_owned(),
            if cat == "furniture" {
                "bộ"
            } else {
                "chiếc"
            }
            .to_owned(),
            s.number(cost),
            s.number(wear),
            s.date(acquired),
            s.hundredths(rate),
            (*rng.pick(&ROOMS)).to_owned(),
            match (english, idle) {
                (true, false) => "in_use",
                (true, true) => "idle",
                (false, false) => "Đang sử dụng",
                (false, true) => "Không sử dụng",
            }
            .to_owned(),
        ]);
    }
    s
}

const ALLOCATIONS_CSV: &str = include_str!("../../fixtures/demo/allocations.csv");

/// This year's allocations: the demo's for the six boards, BDV's for each
/// district office.
fn budgets(b: &Board) -> Sheet {
    let mut s = Sheet::new(
        b.style,
        &["budget_line", "amount", "reason"],
        &["Mục", "Dự toán được giao", "Ghi chú"],
    );
    let source = if b.code.starts_with("HU") {
        "BDV"
    } else {
        &b.code
    };
    for line in ALLOCATIONS_CSV.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() == 4 && cells[0] == source {
            let amount: i64 = cells[2].parse().unwrap_or(0);
            s.push(vec![
                cells[1].to_owned(),
                s.number(amount),
                cells[3].to_owned(),
            ]);
        }
    }
    s
}

const PURPOSES: [&str; 8] = [
    "Công tác cơ sở",
    "Kiểm tra, giám sát",
    "Dự hội nghị",
    "Đưa đón đoàn công tác",
    "Khảo sát thực tế",
    "Làm việc với Huyện ủy",
    "Dự lễ kỷ niệm",
    "Tiếp xúc cử tri",
];
const PLACES: [&str; 13] = [
    "TP. Hạ Long",
    "TP. Cẩm Phả",
    "TP. Uông Bí",
    "TP. Móng Cái",
    "TX. Quảng Yên",
    "TX. Đông Triều",
    "Huyện Vân Đồn",
    "Huyện Tiên Yên",
    "Huyện Bình Liêu",
    "Huyện Đầm Hà",
    "Huyện Hải Hà",
    "Huyện Ba Chẽ",
    "Hà Nội",
];

/// The first day of Tết (lunar new year) in the years the office plans for.
pub fn tet(year: i32) -> NaiveDate {
    let (m, d) = match year {
        2024 => (2, 10),
        2025 => (1, 29),
        2026 => (2, 17),
        2027 => (2, 6),
        2028 => (1, 26),
        2029 => (2, 13),
        2030 => (2, 3),
        _ => (2, 5),
    };
    NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default()
}

/// How busy a day is, in integer weights: Mondays most, weekends little,
/// quarter ends more, Tết almost nothing.
fn day_weight(d: NaiveDate) -> u64 {
    let mut w: u64 = match d.weekday() {
        Weekday::Mon => 160,
        Weekday::Tue | Weekday::Wed | Weekday::Thu => 100,
        Weekday::Fri => 90,
        Weekday::Sat => 15,
        Weekday::Sun => 5,
    };
    let quarter_end = matches!(d.month(), 3 | 6 | 9 | 12) && d.day() >= 15;
    if quarter_end {
        w = w * 14 / 10;
    }
    let t = tet(d.year());
    if d >= t - Duration::days(3) && d < t + Duration::days(7) {
        w = w.div_ceil(50);
    } else if d >= t - Duration::days(10) && d < t - Duration::days(3) {
        w = w * 6 / 10;
    }
    w
}

/// Bookings of the year: `board_code,starts_at,ends_at,passengers,purpose,destination,category_wish,status`.
/// `status` is empty for a request that went ahead, else `cancelled` (7 %,
/// withdrawn by the board) or `rejected` (1 %, refused by a manager); it is
/// drawn from a stream of its own, so the requests themselves are the same
/// with or without it.
fn write_bookings(
    path: &Path,
    boards: &[Board],
    vehicle_counts: &[u64],
    total: u64,
    year: i32,
    rng: &mut Rng,
    fates: &mut Rng,
) -> anyhow::Result<u64> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).context("year out of range")?;
    let days: Vec<NaiveDate> = (0..366)
        .map(|i| first + Duration::days(i))
        .filter(|d| d.year() == year)
        .collect();
    let weights: Vec<u64> = days.iter().map(|d| day_weight(*d)).collect();
    let mut per_day = vec![0u64; days.len()];
    for _ in 0..total {
        per_day[rng.weighted_fast(&weights)] += 1;
    }
    let file = std::fs::File::create(path)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record([
        "board_code",
        "starts_at",
        "ends_at",
        "passengers",
        "purpose",
        "destination",
        "category_wish",
        "status",
    ])?;
    // Morning peak, a smaller one after lunch.
    let hours: [(u32, u64); 10] = [
        (7, 10),
        (8, 30),
        (9, 20),
        (10, 10),
        (11, 4),
        (13, 14),
        (14, 14),
        (15, 8),
        (16, 3),
        (17, 1),
    ];
    let hour_weights: Vec<u64> = hours.iter().map(|h| h.1).collect();
    for (day, count) in days.iter().zip(&per_day) {
        let mut trips: Vec<(u32, u32, Vec<String>)> = Vec::with_capacity(*count as usize);
        for _ in 0..*count {
            let board = &boards[rng.weighted(vehicle_counts)];
            let hour = hours[rng.weighted(&hour_weights)].0;
            let minute = [0, 15, 30, 45][rng.below(4) as usize];
            let long = rng.chance(3);
            let minutes = if long {
                rng.range(1, 3) * 24 * 60
            } else {
                [60, 90, 120, 180, 240, 480][rng.weighted(&[10, 12, 14, 10, 6, 4])]
            };
            let passengers = [
                rng.range(1, 3),
                rng.range(4, 6),
                rng.range(7, 14),
                rng.range(15, 25),
            ][rng.weighted(&[70, 20, 8, 2])];
            let wish = if passengers >= 15 {
                "minibus"
            } else if rng.chance(5) {
                "pickup"
            } else {
                ""
            };
            let destination = if long {
                "Hà Nội"
            } else {
                rng.pick(&PLACES[..12])
            };
            let start = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
            let end = start + Duration::minutes(minutes);
            trips.push((
                hour,
                minute,
                vec![
                    board.code.clone(),
                    format!("{}+07:00", start.format("%Y-%m-%dT%H:%M:%S")),
                    format!("{}+07:00", end.format("%Y-%m-%dT%H:%M:%S")),
                    passengers.to_string(),
                    (*rng.pick(&PURPOSES)).to_owned(),
                    destination.to_owned(),
                    wish.to_owned(),
                ],
            ));
        }
        trips.sort_by_key(|t| (t.0, t.1));
        for mut t in trips {
            let status = match fates.below(100) {
                0..=6 => "cancelled",
                7 => "rejected",
                _ => "",
            };
            t.2.push(status.to_owned());
            w.write_record(&t.2)?;
        }
    }
    w.flush()?;
    Ok(total)
}

impl Rng {
    /// Like [`Rng::weighted`], by binary search over running sums (for
    /// many draws from the same long list).
    fn weighted_fast(&mut self, weights: &[u64]) -> usize {
        thread_local! {
            static SUMS: std::cell::RefCell<(usize, Vec<u64>)> = const { std::cell::RefCell::new((0, Vec::new())) };
        }
        let key = weights.as_ptr() as usize;
        SUMS.with(|s| {
            let mut s = s.borrow_mut();
            if s.0 != key || s.1.len() != weights.len() {
                let mut acc = 0;
                s.1 = weights
                    .iter()
                    .map(|w| {
                        acc += w;
                        acc
                    })
                    .collect();
                s.0 = key;
            }
            let total = *s.1.last().unwrap_or(&1);
            let x = self.below(total);
            s.1.partition_point(|&c| c <= x)
        })
    }
}

/// Writes the province into `out`; returns each file and its data rows.
pub fn write(out: &Path, settings: &Settings) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    let scale = u64::from(settings.scale.max(1));
    let seed = settings.seed;
    let year = settings.year;
    let boards = boards(settings.scale);
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = Vec::new();
    let mut list = csv::Writer::from_writer(Vec::new());
    list.write_record(["code", "name"])?;
    for b in &boards {
        list.write_record([&b.code, &b.name])?;
    }
    let path = out.join("boards.csv");
    std::fs::write(
        &path,
        list.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?;
    written.push((path, boards.len() as u64));

    let vehicle_counts = spread(20 * scale, &VEHICLE_WEIGHTS, boards.len());
    let driver_counts = spread(24 * scale, &DRIVER_WEIGHTS, boards.len());
    let asset_counts = spread(300 * scale, &ASSET_WEIGHTS, boards.len());
    let mut first_vehicle = 0;
    let mut first_driver = 0;
    for (i, b) in boards.iter().enumerate() {
        let dir = out.join(&b.code);
        std::fs::create_dir_all(&dir)?;
        let mut rng = Rng::new(seed, i as u64 + 1);
        let sheets = [
            (
                "vehicles.csv",
                vehicles(b, vehicle_counts[i], first_vehicle, seed, &mut rng),
            ),
            (
                "drivers.csv",
                drivers(b, driver_counts[i], first_driver, year, seed, &mut rng),
            ),
            ("assets.csv", assets(b, asset_counts[i], year, &mut rng)),
            ("budgets.csv", budgets(b)),
        ];
        first_vehicle += vehicle_counts[i];
        first_driver += driver_counts[i];
        for (name, sheet) in sheets {
            let path = dir.join(name);
            let mut f = std::fs::File::create(&path)?;
            f.write_all(&sheet.bytes()?)?;
            written.push((path, sheet.rows.len() as u64 - 1));
        }
    }
    if settings.bookings {
        let path = out.join("bookings.csv");
        let mut rng = Rng::new(seed, 0);
        let mut fates = Rng::new(seed, u64::MAX);
        let n = write_bookings(
            &path,
            &boards,
            &vehicle_counts,
            20_000 * scale,
            year,
            &mut rng,
            &mut fates,
        )?;
        written.push((path, n));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_are_unique_and_valid() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..200_000 {
            let p = plate(k, 7);
            assert!(
                crate::domain::fleet::vehicle::Plate::parse(&p).is_ok(),
                "{p}"
            );
            assert!(seen.insert(p));
        }
    }

    #[test]
    fn counts_are_spread_exactly() {
        assert_eq!(spread(20, &VEHICLE_WEIGHTS, 6), [7, 4, 3, 2, 2, 2]);
        assert_eq!(
            spread(2000, &VEHICLE_WEIGHTS, 105).iter().sum::<u64>(),
            2000
        );
    }

    #[test]
    fn weekdays_outweigh_weekends_and_tet_is_quiet() {
        let monday = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
        assert!(day_weight(monday) > day_weight(monday + Duration::days(5)));
        assert!(day_weight(tet(2025)) < day_weight(monday) / 20);
        let quarter_end = NaiveDate::from_ymd_opt(2025, 3, 24).unwrap();
        assert!(day_weight(quarter_end) > day_weight(monday));
    }
}
