//! A small SVG writer for the report charts, and the two charts.
//!
//! Charts are drawn by hand rather than with a plotting crate: the usual
//! ones need a font backend (for measuring text) that this service does not
//! ship, and two simple charts do not need one. Every text is escaped;
//! geometry is in whole pixels (integers), so no floating point is used;
//! the viewer's fonts render the Vietnamese labels.

use std::fmt::Write;

/// Escapes text for SVG content and attribute values.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An SVG document being written.
pub struct Svg {
    out: String,
}

impl Svg {
    pub fn new(width: i64, height: i64, title: &str) -> Self {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\" font-family=\"Arial, 'Noto Sans', sans-serif\" \
             role=\"img\" aria-label=\"{t}\"><title>{t}</title>\
             <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>",
            t = escape(title)
        );
        Self { out }
    }

    /// A rectangle; `tip` becomes its tooltip.
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, fill: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{}\" stroke=\"#ffffff\"",
            escape(fill)
        );
        match tip {
            Some(t) => {
                let _ = write!(self.out, "><title>{}</title></rect>", escape(t));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// Text at a baseline; `anchor` is start, middle or end.
    pub fn text(&mut self, x: i64, y: i64, size: i64, anchor: &str, bold: bool, content: &str) {
        let _ = write!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{}\"{} fill=\"#222222\">{}</text>",
            escape(anchor),
            if bold { " font-weight=\"bold\"" } else { "" },
            escape(content)
        );
    }

    pub fn line(&mut self, x1: i64, y1: i64, x2: i64, y2: i64, stroke: &str) {
        let _ = write!(
            self.out,
            "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"{}\"/>",
            escape(stroke)
        );
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// A colour between two, `share` of the way (0–100).
fn mix(from: (i64, i64, i64), to: (i64, i64, i64), share: i64) -> String {
    let s = share.clamp(0, 100);
    let c = |a: i64, b: i64| a + (b - a) * s / 100;
    format!(
        "#{:02x}{:02x}{:02x}",
        c(from.0, to.0),
        c(from.1, to.1),
        c(from.2, to.2)
    )
}

/// One weekday × hour cell of the heat map.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Hours of the period falling in this cell.
    pub hours: u32,
    pub shortage: u32,
    pub surplus: u32,
}

const WEEKDAYS_VI: [&str; 7] = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ Nhật",
];

/// The weekday × hour heat map of shortage (red) and surplus (green).
pub fn balance_heatmap(title: &str, subtitle: &str, cells: &[[Cell; 24]; 7]) -> String {
    let (left, top, cw, ch) = (90, 80, 34, 30);
    let width = left + 24 * cw + 20;
    let height = top + 7 * ch + 90;
    let mut svg = Svg::new(width, height, title);
    svg.text(left, 28, 18, "start", true, title);
    svg.text(left, 50, 12, "start", false, subtitle);
    for h in 0..24 {
        svg.text(
            left + h * cw + cw / 2,
            top - 8,
            11,
            "middle",
            false,
            &format!("{h}h"),
        );
    }
    for (d, row) in cells.iter().enumerate() {
        let y = top + d as i64 * ch;
        svg.text(left - 8, y + ch / 2 + 4, 12, "end", false, WEEKDAYS_VI[d]);
        for (h, c) in row.iter().enumerate() {
            let x = left + h as i64 * cw;
            let n = i64::from(c.hours);
            let (fill, label) = if n == 0 {
                ("#ffffff".to_owned(), String::new())
            } else if c.shortage > 0 {
                let share = 20 + 80 * i64::from(c.shortage) / n;
                (
                    mix((253, 224, 221), (192, 57, 43), share),
                    c.shortage.to_string(),
                )
            } else if i64::from(c.surplus) * 2 >= n {
                let share = 20 + 80 * i64::from(c.surplus) / n;
                (mix((229, 245, 224), (39, 174, 96), share), String::new())
            } else {
                ("#eeeeee".to_owned(), String::new())
            };
            let tip = format!(
                "{} {h}h: {} giờ thiếu xe, {} giờ thừa xe trên {} giờ",
                WEEKDAYS_VI[d], c.shortage, c.surplus, c.hours
            );
            svg.rect(x, y, cw, ch, &fill, Some(&tip));
            if !label.is_empty() {
                svg.text(x + cw / 2, y + ch / 2 + 4, 11, "middle", true, &label);
            }
        }
    }
    let ly = top + 7 * ch + 30;
    svg.text(
        left,
        ly - 6,
        11,
        "start",
        false,
        "Giờ trong ngày (giờ văn phòng)",
    );
    for (i, (fill, label)) in [
        ("#c0392b", "Thiếu xe (số giờ thiếu)"),
        ("#27ae60", "Thừa xe"),
        ("#eeeeee", "Cân đối"),
    ]
    .iter()
    .enumerate()
    {
        let x = left + i as i64 * 220;
        svg.rect(x, ly + 10, 18, 18, fill, None);
        svg.text(x + 26, ly + 24, 12, "start", false, label);
    }
    svg.finish()
}

/// One vehicle's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// Utilisation as a decimal string ("30", "33.33"); `None` without
    /// bookable hours.
    pub percent: Option<String>,
}

/// Hundredths of a percent from a decimal string such as "33.33".
fn hundredths(p: &str) -> i64 {
    let (int, frac) = p.split_once('.').unwrap_or((p, ""));
    let frac: String = frac.chars().chain("00".chars()).take(2).collect();
    int.parse::<i64>().unwrap_or(0) * 100 + frac.parse::<i64>().unwrap_or(0)
}

/// Horizontal bars of utilisation, one per vehicle, 0–100 %.
pub fn utilisation_bars(title: &str, subtitle: &str, bars: &[Bar]) -> String {
    let (left, top, bar_h, scale) = (220, 80, 22, 500);
    let width = left + scale + 90;
    let height = top + (bars.len().max(1) as i64) * bar_h + 60;
    let mut svg = Svg::new(width, height, title);
    svg.text(20, 28, 18, "start", true, title);
    svg.text(20, 50, 12, "start", false, subtitle);
    for pct in [0, 25, 50, 75, 100] {
        let x = left + scale * pct / 100;
        svg.line(x, top - 6, x, top + bars.len() as i64 * bar_h, "#dddddd");
        svg.text(x, top - 10, 11, "middle", false, &format!("{pct} %"));
    }
    if bars.is_empty() {
        svg.text(
            left,
            top + 16,
            12,
            "start",
            false,
            "Không có xe nào trong kỳ.",
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as i64 * bar_h;
        svg.text(left - 8, y + bar_h / 2 + 4, 12, "end", false, &b.label);
        match &b.percent {
            Some(p) => {
                let h = hundredths(p).clamp(0, 10_000);
                let w = scale * h / 10_000;
                // Two decimals in the data; on the chart as people write
                // them: 10 %, 33,33 %, 12,5 %.
                let shown = match p.split_once('.') {
                    Some((whole, decimals)) => match decimals.trim_end_matches('0') {
                        "" => whole.to_owned(),
                        d => format!("{whole},{d}"),
                    },
                    None => p.clone(),
                };
                svg.rect(
                    left,
                    y + 3,
                    w.max(1),
                    bar_h - 6,
                    "#2e86c1",
                    Some(&format!("{}: {shown} %", b.label)),
                );
                svg.text(
                    left + w + 6,
                    y + bar_h / 2 + 4,
                    11,
                    "start",
                    false,
                    &format!("{shown} %"),
                );
            }
            None => svg.text(
                left + 6,
                y + bar_h / 2 + 4,
                11,
                "start",
                false,
                "không có giờ đặt được",
            ),
        }
    }
    svg.text(
        left,
        height - 20,
        11,
        "start",
        false,
        "Tỷ lệ sử dụng = giờ đã đặt ÷ giờ có thể đặt (giờ làm việc trừ bảo dưỡng)",
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a & \"b\">'"), "&lt;a &amp; &quot;b&quot;&gt;&#39;");
        let mut s = Svg::new(10, 10, "x</title><script>");
        s.text(0, 0, 10, "start", false, "Xe <b> & \u{7}");
        let out = s.finish();
        assert!(!out.contains("<script>"));
        assert!(out.contains("Xe &lt;b&gt; &amp; "));
    }

    #[test]
    fn bars_are_whole_pixels() {
        assert_eq!(hundredths("33.33"), 3333);
        assert_eq!(hundredths("30"), 3000);
        assert_eq!(hundredths("7.5"), 750);
        let out = utilisation_bars(
            "t",
            "s",
            &[
                Bar {
                    label: "14A-123.45".into(),
                    percent: Some("30.00".into()),
                },
                Bar {
                    label: "14A-678.90".into(),
                    percent: Some("12.50".into()),
                },
            ],
        );
        // 30 % of 500 px.
        assert!(out.contains("width=\"150\""), "{out}");
        assert!(out.contains(">30 %<"), "{out}");
        assert!(out.contains(">12,5 %<"), "{out}");
    }

    #[test]
    fn the_heat_map_marks_shortage_hours() {
        let mut cells = [[Cell::default(); 24]; 7];
        cells[0][9] = Cell {
            hours: 1,
            shortage: 1,
            surplus: 0,
        };
        let out = balance_heatmap("Cân đối", "Từ", &cells);
        assert!(out.contains("Thứ Hai 9h: 1 giờ thiếu xe"));
        assert!(out.contains("Chủ Nhật"));
        assert!(out.starts_with("<svg") && out.ends_with("</svg>"));
    }
}
