//! Line charts on log-log axes (x in base 2), one line per series.

use super::{Chart, FONT, color, perr};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One line: `(x, y)` points in x order.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Legend name.
    pub name: String,
    /// Points (non-positive values are skipped).
    pub points: Vec<(f64, f64)>,
}

/// A log-log line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// Caption.
    pub title: String,
    /// X axis description.
    pub x_desc: String,
    /// Y axis description.
    pub y_desc: String,
    /// The lines.
    pub series: Vec<Line>,
}

impl Chart for LineChart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let pts: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|l| l.points.iter().copied())
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &pts {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if pts.is_empty() {
            (x0, x1, y0, y1) = (1.0, 2.0, 1.0, 2.0);
        }
        if x1 <= x0 {
            x1 = x0 * 2.0;
        }
        if y1 <= y0 {
            y1 = y0 * 2.0;
        }
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, (FONT, 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(
                (x0 / 1.2..x1 * 1.2).log_scale().base(2.0),
                (y0 / 2.0..y1 * 2.0).log_scale(),
            )
            .map_err(perr)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_desc)
            .y_desc(&self.y_desc)
            .label_style((FONT, 15))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| super::bars::format_num(*v))
            .draw()
            .map_err(perr)?;
        for (i, l) in self.series.iter().enumerate() {
            let c = color(i);
            let p: Vec<(f64, f64)> = l
                .points
                .iter()
                .copied()
                .filter(|(x, y)| *x > 0.0 && *y > 0.0)
                .collect();
            chart
                .draw_series(LineSeries::new(p.clone(), c.stroke_width(3)))
                .map_err(perr)?
                .label(l.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            chart
                .draw_series(p.into_iter().map(|pt| Circle::new(pt, 5, c.filled())))
                .map_err(perr)?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 14))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(perr)?;
        Ok(())
    }
}
