//! Grouped or stacked bar charts with an optional log axis and marked reference values.

use super::{Chart, FONT, color, perr};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One series: a value per group (`None` draws nothing).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One value per group.
    pub values: Vec<Option<f64>>,
}

/// A reference value drawn as a black tick over a bar (or across the whole group).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Group index.
    pub group: usize,
    /// Series index (the tick spans that bar), or `None` (the whole group).
    pub series: Option<usize>,
    /// The value.
    pub value: f64,
    /// Text drawn beside the tick.
    pub label: String,
}

/// A bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// Caption.
    pub title: String,
    /// Y axis description (with units).
    pub y_desc: String,
    /// Group names along the x axis.
    pub groups: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
    /// Reference values.
    pub marks: Vec<Mark>,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// Stack the series instead of placing them side by side.
    pub stacked: bool,
}

impl BarChart {
    /// An empty chart.
    pub fn new(title: &str, y_desc: &str, groups: Vec<String>) -> Self {
        BarChart {
            title: title.into(),
            y_desc: y_desc.into(),
            groups,
            series: Vec::new(),
            marks: Vec::new(),
            log_y: false,
            stacked: false,
        }
    }

    /// `(x0, x1, y0, y1)` of every bar, with its series index.
    fn rects(&self, floor: f64) -> Vec<(usize, f64, f64, f64, f64)> {
        let k = self.series.len().max(1);
        let mut out = Vec::new();
        for g in 0..self.groups.len() {
            let mut base = floor;
            for (j, s) in self.series.iter().enumerate() {
                let Some(v) = s.values.get(g).copied().flatten() else {
                    continue;
                };
                if !(v.is_finite() && v > 0.0) {
                    continue;
                }
                if self.stacked {
                    let (x0, x1) = (g as f64 - 0.35, g as f64 + 0.35);
                    let top = if base == floor { v } else { base + v };
                    out.push((j, x0, x1, base, top));
                    base = top;
                } else {
                    let w = 0.8 / k as f64;
                    let x0 = g as f64 - 0.4 + j as f64 * w;
                    out.push((j, x0 + 0.01, x0 + w - 0.01, floor, v));
                }
            }
        }
        out
    }

    fn bar_span(&self, group: usize, series: Option<usize>) -> (f64, f64) {
        let k = self.series.len().max(1);
        match series {
            Some(j) if !self.stacked => {
                let w = 0.8 / k as f64;
                let x0 = group as f64 - 0.4 + j as f64 * w;
                (x0, x0 + w)
            }
            _ => (group as f64 - 0.42, group as f64 + 0.42),
        }
    }
}

impl Chart for BarChart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let n = self.groups.len().max(1);
        let rects0 = self.rects(0.0);
        let mut hi = rects0.iter().map(|r| r.4).fold(0.0f64, f64::max);
        let mut lo = rects0
            .iter()
            .map(|r| r.4 - r.3)
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        for m in &self.marks {
            hi = hi.max(m.value);
            lo = lo.min(m.value);
        }
        if !hi.is_finite() || hi <= 0.0 {
            hi = 1.0;
        }
        if !lo.is_finite() || lo <= 0.0 {
            lo = hi / 10.0;
        }
        let x_range = -0.5f64..(n as f64 - 0.5);
        let groups = self.groups.clone();
        let fmt_x = move |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < groups.len() {
                groups[i as usize].clone()
            } else {
                String::new()
            }
        };
        let mut builder = ChartBuilder::on(area);
        builder
            .caption(&self.title, (FONT, 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80);
        let label_style = (FONT, 15).into_font();
        if self.log_y {
            let floor = lo / 3.0;
            let mut chart = builder
                .build_cartesian_2d(x_range, (floor..hi * 4.0).log_scale())
                .map_err(perr)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(n + 1)
                .x_label_formatter(&fmt_x)
                .x_label_style(label_style.clone())
                .y_label_style(label_style.clone())
                .y_desc(&self.y_desc)
                .y_label_formatter(&|v| format_num(*v))
                .draw()
                .map_err(perr)?;
            self.draw_content(&mut chart, floor)
        } else {
            let top = if self.stacked {
                (0..self.groups.len())
                    .map(|g| {
                        self.series
                            .iter()
                            .filter_map(|s| s.values.get(g).copied().flatten())
                            .filter(|v| v.is_finite() && *v > 0.0)
                            .sum::<f64>()
                    })
                    .fold(hi, f64::max)
            } else {
                hi
            };
            let mut chart = builder
                .build_cartesian_2d(x_range, 0.0..top * 1.15)
                .map_err(perr)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(n + 1)
                .x_label_formatter(&fmt_x)
                .x_label_style(label_style.clone())
                .y_label_style(label_style)
                .y_desc(&self.y_desc)
                .y_label_formatter(&|v| format_num(*v))
                .draw()
                .map_err(perr)?;
            self.draw_content(&mut chart, 0.0)
        }
    }
}

impl BarChart {
    fn draw_content<'a, DB: DrawingBackend + 'a, Y>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
        floor: f64,
    ) -> Result<(), String>
    where
        Y: Ranged<ValueType = f64>,
    {
        let rects = self.rects(floor);
        for (j, s) in self.series.iter().enumerate() {
            let c = color(j);
            chart
                .draw_series(
                    rects
                        .iter()
                        .filter(|r| r.0 == j)
                        .map(|&(_, x0, x1, y0, y1)| {
                            Rectangle::new([(x0, y0), (x1, y1)], c.filled())
                        }),
                )
                .map_err(perr)?
                .label(s.name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()));
        }
        for (i, m) in self.marks.iter().enumerate() {
            let (x0, x1) = self.bar_span(m.group, m.series);
            let tick = chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0, m.value), (x1, m.value)],
                    BLACK.stroke_width(3),
                )))
                .map_err(perr)?;
            if i == 0 {
                tick.label("reported (paper)").legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(3))
                });
            }
            // The text goes above the tick or the bar under it, whichever is higher, so that it
            // never sits on a bar.
            let top = rects
                .iter()
                .filter(|r| r.1 < x1 && r.2 > x0)
                .map(|r| r.4)
                .fold(m.value, f64::max);
            let style =
                (FONT, 13)
                    .into_font()
                    .color(&BLACK)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Bottom,
                    ));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x0, top)) + Text::new(m.label.clone(), (0, -4), style),
                ))
                .map_err(perr)?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 14))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(perr)?;
        Ok(())
    }
}

/// A compact number for axis labels.
pub fn format_num(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.0e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}
