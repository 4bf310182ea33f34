//! Drawing with `plotters` into SVG: the few kinds of chart the reports need (lines with
//! confidence bands, stacked areas, bars with intervals, annotated heat maps), in the Okabe–Ito
//! palette, which colour-blind readers tell apart, on a page width that prints on A4.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The Okabe–Ito palette (Okabe & Ito 2008), black last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

pub fn colour(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// A figure's size in pixels: the width of an A4 page's text at 96 dpi.
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 400;

const FONT: &str = "sans-serif";

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Res<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// One line of an XY chart, with an optional band `(x, low, high)`.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Vec<(f64, f64, f64)>,
    pub colour: usize,
    /// Points only (a scatter), not a line.
    pub scatter: bool,
}

/// An XY chart: lines, bands, and marks (vertical lines for events, horizontal for levels).
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Vertical marks `(x, label)`.
    pub marks: Vec<(f64, String)>,
    /// Horizontal levels `(y, label, colour)`.
    pub levels: Vec<(f64, String, usize)>,
    /// Fixed y range (else from the data).
    pub y_range: Option<(f64, f64)>,
    /// Put the legend at the lower left rather than the upper right.
    pub legend_low: bool,
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        0.04 * (hi - lo)
    } else {
        lo.abs().max(1.0) * 0.1
    };
    // Values near the largest double would pad to infinity, and an axis over an infinite range
    // never ends drawing its ticks: keep such a range finite.
    let (a, b) = (lo - pad, hi + pad);
    if a.is_finite() && b.is_finite() && (b - a).is_finite() {
        (a, b)
    } else {
        (lo.max(-f64::MAX / 4.0), hi.min(f64::MAX / 4.0))
    }
}

/// Where a mark's label starts: right of the mark, or left of it near the right edge (about
/// 6 px a character of a 640 px plot).
fn label_at(x: f64, label: &str, x0: f64, x1: f64) -> f64 {
    let width = label.len() as f64 * 6.0 / 640.0 * (x1 - x0);
    let gap = 0.005 * (x1 - x0);
    if x + width > x1 {
        x - width - gap
    } else {
        x + gap
    }
}

/// Draw one chart on an area.
/// A titled panel with numeric axes, their labels and a light grid: what `xy` and `stacked`
/// draw on.
///
/// A tick's label as plotters writes it, but never a negative zero ("-0.0", from a tick a
/// rounding error below 0).
fn tick(x: &f64) -> String {
    use plotters::coord::ranged1d::ValueFormatter;
    let label = <RangedCoordf64 as ValueFormatter<f64>>::format(x);
    // "500.0" is "500": the shorter label does not run into its neighbours.
    let label = match label.strip_suffix(".0") {
        Some(whole) if !whole.is_empty() => whole.to_string(),
        _ => label,
    };
    match label.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => label,
    }
}

fn axes<'a, 'b>(
    area: &'a Area<'b>,
    [title, x_label, y_label]: [&str; 3],
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Res<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 16))
        .margin(10)
        .x_label_area_size(38)
        .y_label_area_size(58)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .label_style((FONT, 12))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Above this many points a line, band or stack is drawn from `thin`'s selection: a figure is
/// a few hundred pixels wide, and 100,000 bins would make a figure of megabytes.
const BUCKETS: usize = 500;

/// The indices of the points to draw of a curve at `xs` with values `ys` (one or more series
/// on the same x): all of them up to `BUCKETS`; above, in each of `BUCKETS` equal slices of x,
/// the first and last point and each series' lowest and highest, so that every jump and peak
/// stays where it is.
pub fn thin(xs: &[f64], ys: &[&[f64]]) -> Vec<usize> {
    let n = xs.len();
    if n <= 4 * BUCKETS {
        return (0..n).collect();
    }
    let (x0, x1) = range(xs.iter().copied());
    let width = (x1 - x0) / BUCKETS as f64;
    let bucket = |x: f64| (((x - x0) / width) as usize).min(BUCKETS - 1);
    let mut keep = Vec::new();
    let mut start = 0;
    while start < n {
        let b = bucket(xs[start]);
        let mut end = start + 1;
        while end < n && bucket(xs[end]) == b {
            end += 1;
        }
        keep.extend([start, end - 1]);
        for y in ys {
            let slice = &y[start..end];
            let pick = |better: fn(f64, f64) -> bool| {
                (0..slice.len()).fold(0, |m, i| if better(slice[i], slice[m]) { i } else { m })
            };
            keep.extend([start + pick(|a, b| a < b), start + pick(|a, b| a > b)]);
        }
        start = end;
    }
    keep.sort_unstable();
    keep.dedup();
    keep
}

/// A series' band `(x, low, high)` as one shaded polygon, thinned.
fn band(b: &[(f64, f64, f64)], col: RGBColor) -> Polygon<(f64, f64)> {
    let xs: Vec<f64> = b.iter().map(|p| p.0).collect();
    let lo: Vec<f64> = b.iter().map(|p| p.1).collect();
    let hi: Vec<f64> = b.iter().map(|p| p.2).collect();
    let kept: Vec<(f64, f64, f64)> = thin(&xs, &[&lo, &hi]).into_iter().map(|i| b[i]).collect();
    let mut poly: Vec<(f64, f64)> = kept.iter().map(|p| (p.0, p.2)).collect();
    poly.extend(kept.iter().rev().map(|p| (p.0, p.1)));
    Polygon::new(poly, col.mix(0.18).filled())
}

/// Where a chart has no finite point and no level, say so instead of drawing empty axes (the
/// caption says why); `true` if it did.
fn nothing_to_show(area: &Area, c: &Chart) -> Res<bool> {
    let nothing = c
        .series
        .iter()
        .all(|s| !s.points.iter().any(|p| p.1.is_finite()))
        && c.levels.is_empty();
    if nothing {
        area.draw(&Text::new(c.title.clone(), (20, 20), (FONT, 16)))
            .map_err(err)?;
        let (w, h) = area.dim_in_pixel();
        area.draw(&Text::new(
            "nothing to show here: see the caption".to_string(),
            (w as i32 / 2 - 130, h as i32 / 2),
            (FONT, 14).into_font().color(&RGBColor(110, 110, 110)),
        ))
        .map_err(err)?;
    }
    Ok(nothing)
}

pub fn xy(area: &Area, c: &Chart) -> Res<()> {
    if nothing_to_show(area, c)? {
        return Ok(());
    }
    let xs = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(c.marks.iter().map(|m| m.0));
    let (x0, x1) = range(xs);
    let (y0, y1) = c.y_range.unwrap_or_else(|| {
        range(
            c.series
                .iter()
                .flat_map(|s| {
                    s.points
                        .iter()
                        .map(|p| p.1)
                        .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
                })
                .chain(c.levels.iter().map(|l| l.0)),
        )
    });
    let mut chart = axes(area, [&c.title, &c.x_label, &c.y_label], x0..x1, y0..y1)?;
    for s in &c.series {
        let col = colour(s.colour);
        if !s.band.is_empty() {
            chart
                .draw_series(std::iter::once(band(&s.band, col)))
                .map_err(err)?;
        }
        let points: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|p| p.1.is_finite())
            .collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
        let points: Vec<(f64, f64)> = thin(&xs, &[&ys]).into_iter().map(|i| points[i]).collect();
        let drawn = if s.scatter {
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, col.filled())))
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(points, col.stroke_width(2)))
                .map_err(err)?
        };
        if !s.name.is_empty() {
            drawn.label(s.name.as_str()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], col.stroke_width(3))
            });
        }
    }
    for (x, label) in &c.marks {
        let grey = RGBColor(110, 110, 110);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, y0), (*x, y1)],
                grey.stroke_width(1),
            )))
            .map_err(err)?;
        let at = label_at(*x, label, x0, x1);
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (at, y1 - 0.06 * (y1 - y0)),
                (FONT, 11).into_font().color(&grey),
            )))
            .map_err(err)?;
    }
    for (y, label, k) in &c.levels {
        let col = colour(*k);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, *y), (x1, *y)],
                col.stroke_width(1),
            )))
            .map_err(err)?
            .label(label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], col.stroke_width(1)));
    }
    if c.series.iter().any(|s| !s.name.is_empty()) || !c.levels.is_empty() {
        let position = if c.legend_low {
            SeriesLabelPosition::LowerLeft
        } else {
            SeriesLabelPosition::UpperRight
        };
        chart
            .configure_series_labels()
            .position(position)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// One curve of a stack: its name, colour and points.
pub type Layer = (String, usize, Vec<(f64, f64)>);

/// Curves stacked from 0: each band between the sum of those below it and its own top.
pub struct Stack {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// `(name, colour, points)`, all on the same x.
    pub layers: Vec<Layer>,
    pub marks: Vec<(f64, String)>,
}

pub fn stacked(area: &Area, s: &Stack) -> Res<()> {
    let xs: Vec<f64> = s
        .layers
        .first()
        .map_or(vec![0.0, 1.0], |l| l.2.iter().map(|p| p.0).collect());
    let (x0, x1) = range(xs.iter().copied().chain(s.marks.iter().map(|m| m.0)));
    let mut chart = axes(area, [&s.title, &s.x_label, &s.y_label], x0..x1, 0.0..1.0)?;
    // The tops of the layers, thinned together (they share their x).
    let mut tops: Vec<Vec<f64>> = Vec::new();
    let mut sum = vec![0.0; xs.len()];
    for (_, _, points) in &s.layers {
        for (t, p) in sum.iter_mut().zip(points) {
            *t += p.1;
        }
        tops.push(sum.clone());
    }
    let keep = thin(&xs, &tops.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let xs: Vec<f64> = keep.iter().map(|&i| xs[i]).collect();
    let mut below = vec![0.0; xs.len()];
    for ((name, k, _), top) in s.layers.iter().zip(&tops) {
        let top: Vec<f64> = keep.iter().map(|&i| top[i]).collect();
        let mut poly: Vec<(f64, f64)> = xs.iter().copied().zip(top.iter().copied()).collect();
        poly.extend(xs.iter().copied().zip(below.iter().copied()).rev());
        let col = colour(*k);
        chart
            .draw_series(std::iter::once(Polygon::new(poly, col.mix(0.75).filled())))
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], col.filled()));
        below = top;
    }
    for (x, label) in &s.marks {
        let grey = RGBColor(60, 60, 60);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, 0.0), (*x, 1.0)],
                grey.stroke_width(1),
            )))
            .map_err(err)?;
        let at = label_at(*x, label, x0, x1);
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (at, 0.96),
                (FONT, 11).into_font(),
            )))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .label_font((FONT, 12))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Horizontal bars with intervals: `(label, value, low, high, colour)`.
pub struct Bars {
    pub title: String,
    pub x_label: String,
    pub bars: Vec<(String, f64, f64, f64, usize)>,
}

pub fn bars(area: &Area, b: &Bars) -> Res<()> {
    let n = b.bars.len().max(1) as f64;
    let (lo, hi) = range(b.bars.iter().flat_map(|x| [x.1, x.2, x.3]).chain([0.0]));
    let label_width = b.bars.iter().map(|x| x.0.len()).max().unwrap_or(4) as u32 * 7 + 10;
    let mut chart = ChartBuilder::on(area)
        .caption(&b.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(38)
        .y_label_area_size(label_width.min(300))
        .build_cartesian_2d(lo..hi, 0.0..n)
        .map_err(err)?;
    let labels: Vec<String> = b.bars.iter().map(|x| x.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(b.x_label.as_str())
        .y_labels(b.bars.len() * 2 + 1)
        .y_label_formatter(&|y: &f64| {
            let k = (n - y - 0.5).round();
            if (y.fract() - 0.5).abs() < 1e-9 && k >= 0.0 && (k as usize) < labels.len() {
                labels[k as usize].clone()
            } else {
                String::new()
            }
        })
        .light_line_style(RGBColor(235, 235, 235))
        .label_style((FONT, 12))
        .draw()
        .map_err(err)?;
    for (k, (_, v, l, h, c)) in b.bars.iter().enumerate() {
        let y = n - k as f64 - 1.0;
        let col = colour(*c);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0f64.max(lo), y + 0.2), (*v, y + 0.8)],
                col.mix(0.8).filled(),
            )))
            .map_err(err)?;
        if l.is_finite() && h.is_finite() {
            let black = RGBColor(0, 0, 0);
            chart
                .draw_series([
                    PathElement::new(vec![(*l, y + 0.5), (*h, y + 0.5)], black.stroke_width(2)),
                    PathElement::new(vec![(*l, y + 0.35), (*l, y + 0.65)], black.stroke_width(2)),
                    PathElement::new(vec![(*h, y + 0.35), (*h, y + 0.65)], black.stroke_width(2)),
                ])
                .map_err(err)?;
        }
    }
    Ok(())
}

/// A matrix of values with row and column labels, each cell coloured and annotated.
pub struct Heat {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `values[row][col]`.
    pub values: Vec<Vec<f64>>,
    /// Write each value in its cell.
    pub annotate: bool,
}

/// viridis at `t` in [0, 1] (a few of its colours, interpolated): dark to light.
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (68, 1, 84),
        (65, 68, 135),
        (42, 120, 142),
        (34, 168, 132),
        (122, 209, 81),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let k = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A vertical colour scale from `lo` (bottom) to `hi` (top), labelled at both ends and the
/// middle: what a heat map's colours mean.
fn colour_scale(area: &Area, lo: f64, hi: f64) -> Res<()> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (40i32, h as i32 - 50);
    let steps = 40;
    let x = 8i32;
    for k in 0..steps {
        let t = (k as f64 + 0.5) / steps as f64;
        let y1 = bottom - ((bottom - top) as f64 * k as f64 / steps as f64) as i32;
        let y0 = bottom - ((bottom - top) as f64 * (k + 1) as f64 / steps as f64) as i32;
        area.draw(&Rectangle::new(
            [(x, y0), (x + 14, y1)],
            viridis(t).filled(),
        ))
        .map_err(err)?;
    }
    for (v, y) in [
        (hi, top),
        (0.5 * (lo + hi), (top + bottom) / 2),
        (lo, bottom),
    ] {
        area.draw(&Text::new(tick(&v), (x + 18, y - 6), (FONT, 11)))
            .map_err(err)?;
    }
    Ok(())
}

pub fn heat(area: &Area, h: &Heat) -> Res<()> {
    let (nr, nc) = (h.rows.len().max(1), h.cols.len().max(1));
    // The colours span the values themselves (no padding: a probability's scale ends at 1).
    let (lo, hi) = h
        .values
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let (width, _) = area.dim_in_pixel();
    let (area, scale) = area.split_horizontally(width.saturating_sub(70));
    colour_scale(&scale, lo, hi)?;
    let area = &area;
    let label_width = h.rows.iter().map(|x| x.len()).max().unwrap_or(4) as u32 * 7 + 10;
    let mut chart = ChartBuilder::on(area)
        .caption(&h.title, (FONT, 16))
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(label_width.min(260))
        .build_cartesian_2d(0.0..nc as f64, 0.0..nr as f64)
        .map_err(err)?;
    let (rows, cols) = (h.rows.clone(), h.cols.clone());
    let at = |labels: &[String], v: f64, flip: bool| {
        let k = if flip {
            labels.len() as f64 - v - 0.5
        } else {
            v - 0.5
        };
        if (v.fract() - 0.5).abs() < 1e-9 && k >= 0.0 && (k.round() as usize) < labels.len() {
            labels[k.round() as usize].clone()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x_label.as_str())
        .y_desc(h.y_label.as_str())
        .x_labels(nc * 2 + 1)
        .y_labels(nr * 2 + 1)
        .x_label_formatter(&|x: &f64| at(&cols, *x, false))
        .y_label_formatter(&|y: &f64| at(&rows, *y, true))
        .label_style((FONT, 11))
        .draw()
        .map_err(err)?;
    for (r, row) in h.values.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            let y = (nr - r - 1) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(c as f64, y), (c as f64 + 1.0, y + 1.0)],
                    viridis(t).filled(),
                )))
                .map_err(err)?;
            if h.annotate && v.is_finite() {
                let ink = if t > 0.55 { BLACK } else { WHITE };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{v:.3}"),
                        (c as f64 + 0.3, y + 0.55),
                        (FONT, 12).into_font().color(&ink),
                    )))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// One input's range and a box's limits on it, both scaled to [0, 1] of the range, with the text
/// written beside it.
pub struct LimitRow {
    pub label: String,
    pub low: f64,
    pub high: f64,
    pub text: String,
    /// Whether the box restricts it (drawn in colour) or leaves it free (grey).
    pub restricted: bool,
}

/// A box's limits against each input's range (PRIM's box).
pub struct Limits {
    pub title: String,
    pub rows: Vec<LimitRow>,
}

pub fn limits(area: &Area, l: &Limits) -> Res<()> {
    let n = l.rows.len().max(1) as f64;
    let label_width = l.rows.iter().map(|r| r.label.len()).max().unwrap_or(4) as u32 * 7 + 10;
    let mut chart = ChartBuilder::on(area)
        .caption(&l.title, (FONT, 16))
        .margin(10)
        .margin_right(20)
        .x_label_area_size(38)
        .y_label_area_size(label_width.min(300))
        .build_cartesian_2d(0.0..1.0, -0.3..n)
        .map_err(err)?;
    let labels: Vec<String> = l.rows.iter().map(|r| r.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("share of the sweep's range")
        .x_labels(6)
        .y_labels(l.rows.len() * 2 + 1)
        .y_label_formatter(&|y: &f64| {
            let k = (n - y - 0.5).round();
            if (y.fract() - 0.5).abs() < 1e-9 && k >= 0.0 && (k as usize) < labels.len() {
                labels[k as usize].clone()
            } else {
                String::new()
            }
        })
        .light_line_style(TRANSPARENT)
        .label_style((FONT, 12))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(215, 215, 215);
    for (k, r) in l.rows.iter().enumerate() {
        let y = n - k as f64 - 1.0;
        let col = if r.restricted {
            colour(0)
        } else {
            RGBColor(150, 150, 150)
        };
        chart
            .draw_series([
                Rectangle::new([(0.0, y + 0.42), (1.0, y + 0.58)], grey.filled()),
                Rectangle::new(
                    [(r.low, y + 0.3), (r.high, y + 0.7)],
                    col.mix(0.85).filled(),
                ),
            ])
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                r.text.clone(),
                (0.01, y + 0.12),
                (FONT, 11).into_font().color(&RGBColor(60, 60, 60)),
            )))
            .map_err(err)?;
    }
    Ok(())
}

/// An SVG of full-width panels one above the other, of the given heights.
pub fn svg_rows(heights: &[u32], draw: impl Fn(usize, &Area) -> Res<()>) -> Res<String> {
    let mut out = String::new();
    {
        let total: u32 = heights.iter().sum::<u32>().max(1);
        let root = SVGBackend::with_string(&mut out, (WIDTH, total)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut rest = root.clone();
        for (k, &h) in heights.iter().enumerate() {
            let (top, bottom) = rest.split_vertically(h);
            draw(k, &top)?;
            rest = bottom;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// An SVG of `panels` side by side, each drawn by `draw`.
pub fn svg(panels: usize, draw: impl Fn(usize, &Area) -> Res<()>) -> Res<String> {
    let mut out = String::new();
    {
        let height = if panels > 2 {
            HEIGHT * panels.div_ceil(2) as u32
        } else {
            HEIGHT
        };
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let areas = match panels {
            0 | 1 => vec![root.clone()],
            2 => root.split_evenly((1, 2)),
            n => root.split_evenly((n.div_ceil(2), 2)),
        };
        for (k, a) in areas.iter().enumerate().take(panels.max(1)) {
            draw(k, a)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_tick_is_never_a_negative_zero() {
        for x in [-0.0, -1e-17] {
            assert!(
                !super::tick(&x).starts_with('-'),
                "{x}: {}",
                super::tick(&x)
            );
        }
        assert!(super::tick(&-0.5).starts_with('-'));
    }

    /// Thinning keeps every step of a step curve and every spike of a noisy one: on 100,000
    /// points it keeps at most 2 + 2 per series per slice, among them the first point of each
    /// of 37 new levels (the level before is kept at its slice's start, within a pixel) and the
    /// one spike.
    #[test]
    fn thinning_keeps_every_jump_and_extreme() {
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let step: Vec<f64> = (0..n).map(|i| 1.0 - (i / 2700) as f64 / 40.0).collect();
        let mut spiky = vec![0.5; n];
        spiky[31_415] = 9.0;
        let keep = super::thin(&xs, &[&step, &spiky]);
        assert!(keep.len() <= 6 * super::BUCKETS, "{}", keep.len());
        for i in 1..n {
            if step[i] != step[i - 1] {
                assert!(keep.contains(&i), "jump at {i}");
            }
        }
        assert!(keep.contains(&31_415) && keep.contains(&0) && keep.contains(&(n - 1)));
        assert_eq!(
            super::thin(&xs[..100], &[&step[..100]]),
            (0..100).collect::<Vec<_>>()
        );
    }
}
