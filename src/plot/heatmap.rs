//! A heatmap over two categorical axes, each cell labelled with its value.

use super::{Chart, FONT, perr};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A heatmap: `values[y][x]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    /// Caption.
    pub title: String,
    /// X axis description.
    pub x_desc: String,
    /// Y axis description.
    pub y_desc: String,
    /// Labels of the columns.
    pub x_labels: Vec<String>,
    /// Labels of the rows.
    pub y_labels: Vec<String>,
    /// Cell values, row-major (`None` leaves the cell blank).
    pub values: Vec<Vec<Option<f64>>>,
}

fn label_at(labels: &[String], v: f64) -> String {
    let i = (v - 0.5).round();
    if (v - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
        labels[i as usize].clone()
    } else {
        String::new()
    }
}

impl Chart for Heatmap {
    fn size(&self) -> (u32, u32) {
        (1000, 700)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let nx = self.x_labels.len().max(1);
        let ny = self.y_labels.len().max(1);
        let all: Vec<f64> = self.values.iter().flatten().flatten().copied().collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, (FONT, 22))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .map_err(perr)?;
        let xl = self.x_labels.clone();
        let yl = self.y_labels.clone();
        let fx = move |v: &f64| label_at(&xl, *v);
        let fy = move |v: &f64| label_at(&yl, *v);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(4 * nx + 1)
            .y_labels(4 * ny + 1)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .x_desc(&self.x_desc)
            .y_desc(&self.y_desc)
            .label_style((FONT, 15))
            .draw()
            .map_err(perr)?;
        let shade = |v: f64| {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            // White to blue.
            let c = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            RGBColor(c(240.0, 8.0), c(246.0, 81.0), c(255.0, 156.0))
        };
        for (y, row) in self.values.iter().enumerate() {
            for (x, v) in row.iter().enumerate() {
                let Some(v) = *v else { continue };
                let (x0, y0) = (x as f64, y as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, y0), (x0 + 1.0, y0 + 1.0)],
                        shade(v).filled(),
                    )))
                    .map_err(perr)?;
                let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                let text_color = if t > 0.55 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{v:.1}x"),
                        (x0 + 0.5, y0 + 0.5),
                        (FONT, 16)
                            .into_font()
                            .color(&text_color)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )))
                    .map_err(perr)?;
            }
        }
        Ok(())
    }
}
