//! A minimal SVG chart: axes with round ticks (linear, or decades on a log scale), dots or
//! lines per series, shaded x intervals, and a legend. Enough for the run's two plots.

use crate::report::html::escape;
use std::fmt::Write;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 50.0;
/// A series with more points than this is thinned evenly (the file stays small).
const MAX_POINTS: usize = 20_000;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Dots,
    Line,
}

/// One named, coloured set of points.
pub struct Series {
    pub name: String,
    pub color: &'static str,
    pub points: Vec<(f64, f64)>,
}

/// A chart to render.
pub struct Chart {
    pub title: String,
    pub x_label: &'static str,
    pub y_label: &'static str,
    pub mark: Mark,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// Shaded x intervals (partitions).
    pub bands: Vec<(f64, f64)>,
}

/// The smallest and largest y over all series (0..1 when there is no point).
pub fn y_range(series: &[Series]) -> (f64, f64) {
    let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    if lo.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// Round tick values covering `[lo, hi]`.
fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 6.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

pub fn render(chart: &Chart) -> String {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_max = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(chart.bands.iter().map(|b| b.1))
        .fold(1.0f64, f64::max)
        * 1.02; // so the last points do not sit on the frame
    let (mut y_lo, mut y_hi) = y_range(&chart.series);
    let transform: Box<dyn Fn(f64) -> f64> = if chart.log_y {
        y_lo = 10f64.powf(y_lo.log10().floor());
        y_hi = 10f64.powf(y_hi.log10().ceil());
        Box::new(|y: f64| y.max(1e-9).log10())
    } else {
        y_lo = 0.0;
        y_hi = (y_hi * 1.05).max(1.0);
        Box::new(|y: f64| y)
    };
    let (t_lo, t_hi) = (transform(y_lo), transform(y_hi));
    let px = |x: f64| LEFT + x / x_max * plot_w;
    let py = |y: f64| TOP + plot_h - (transform(y) - t_lo) / (t_hi - t_lo).max(1e-9) * plot_h;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="20" font-size="15" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        escape(&chart.title)
    );
    for (a, b) in &chart.bands {
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{TOP}" width="{:.1}" height="{plot_h}" fill="#f4cccc" opacity="0.6"/>"##,
            px(*a),
            (px(*b) - px(*a)).max(1.0)
        );
    }
    let _ = writeln!(
        svg,
        r#"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>"#
    );
    for x in linear_ticks(0.0, x_max) {
        let _ = writeln!(
            svg,
            r#"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="black"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4}</text>"#,
            px(x),
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 18.0,
            number(x)
        );
    }
    let y_ticks: Vec<f64> = if chart.log_y {
        let (a, b) = (y_lo.log10().round() as i32, y_hi.log10().round() as i32);
        (a..=b).map(|e| 10f64.powi(e)).collect()
    } else {
        linear_ticks(y_lo, y_hi)
    };
    for y in y_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{0}" y1="{1:.1}" x2="{2}" y2="{1:.1}" stroke="#dddddd"/><text x="{3}" y="{4:.1}" text-anchor="end">{5}</text>"##,
            LEFT,
            py(y),
            LEFT + plot_w,
            LEFT - 6.0,
            py(y) + 4.0,
            number(y)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0,
        chart.x_label
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(18,{}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        chart.y_label
    );
    for (i, s) in chart.series.iter().enumerate() {
        let stride = s.points.len().div_ceil(MAX_POINTS).max(1);
        let points = s.points.iter().step_by(stride);
        match chart.mark {
            Mark::Dots => {
                let _ = writeln!(svg, r#"<g fill="{}" fill-opacity="0.6">"#, s.color);
                for &(x, y) in points {
                    let _ = write!(
                        svg,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="1.8"/>"#,
                        px(x),
                        py(y)
                    );
                }
                let _ = writeln!(svg, "</g>");
            }
            Mark::Line => {
                let path: Vec<String> = points
                    .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                    .collect();
                let _ = writeln!(
                    svg,
                    r#"<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>"#,
                    s.color,
                    path.join(" ")
                );
            }
        }
        let ly = TOP + 10.0 + i as f64 * 18.0;
        let lx = LEFT + plot_w + 14.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{}" y="{:.1}">{}</text>"#,
            ly - 10.0,
            s.color,
            lx + 18.0,
            ly,
            escape(&s.name)
        );
    }
    if !chart.bands.is_empty() {
        let ly = TOP + 10.0 + chart.series.len() as f64 * 18.0;
        let lx = LEFT + plot_w + 14.0;
        let _ = writeln!(
            svg,
            r##"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="#f4cccc"/><text x="{}" y="{ly:.1}">partitioned</text>"##,
            ly - 10.0,
            lx + 18.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn number(x: f64) -> String {
    if x.fract().abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}").trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        let labels = |lo, hi| {
            linear_ticks(lo, hi)
                .into_iter()
                .map(number)
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(0.0, 10.0), ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(labels(0.0, 0.9), ["0", "0.2", "0.4", "0.6", "0.8"]);
        assert_eq!(
            labels(0.0, 1234.0),
            ["0", "200", "400", "600", "800", "1000", "1200"]
        );
    }
}
