//! The tuning trajectory: training loss (best so far) and dev accuracy of the best prompt
//! against training queries, one line per seed, in two panels on linear axes; the dev panel
//! marks chance and the target accuracy.

use super::{Chart, FONT, color, perr};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One seed's curves.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedCurves {
    /// Legend name (e.g. `seed 0`).
    pub name: String,
    /// (training queries, best training loss so far), one point per generation.
    pub loss: Vec<(f64, f64)>,
    /// (training queries, dev accuracy of the best prompt), at each dev check.
    pub dev_accuracy: Vec<(f64, f64)>,
}

/// The two-panel trajectory chart.
#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryChart {
    /// Caption.
    pub title: String,
    /// One entry per seed.
    pub seeds: Vec<SeedCurves>,
    /// Chance accuracy (a dashed line in the dev panel).
    pub chance: f64,
    /// Target dev accuracy (a dashed line), if any.
    pub target: Option<f64>,
}

/// One panel: its lines (name, points), horizontal marks (name, y, colour), axes and legend.
struct Panel<'a> {
    caption: &'a str,
    y_desc: &'a str,
    x_max: f64,
    y_range: (f64, f64),
    lines: Vec<(String, &'a [(f64, f64)])>,
    marks: Vec<(String, f64, RGBColor)>,
    legend_at: SeriesLabelPosition,
}

fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: Panel) -> Result<(), String> {
    let Panel {
        caption,
        y_desc,
        x_max,
        y_range,
        lines,
        marks,
        legend_at,
    } = p;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, y_range.0..y_range.1)
        .map_err(perr)?;
    chart
        .configure_mesh()
        .x_desc("training queries")
        .y_desc(y_desc)
        .label_style((FONT, 14))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .draw()
        .map_err(perr)?;
    for (i, (name, pts)) in lines.iter().enumerate() {
        let c = color(i);
        chart
            .draw_series(LineSeries::new(pts.to_vec(), c.stroke_width(2)))
            .map_err(perr)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
            .map_err(perr)?;
    }
    for (name, y, c) in marks {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, y), (x_max, y)],
                8,
                6,
                c.stroke_width(2),
            ))
            .map_err(perr)?
            .label(name.clone())
            .legend(move |(x, yy)| {
                PathElement::new(vec![(x, yy), (x + 18, yy)], c.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 13))
        .position(legend_at)
        .draw()
        .map_err(perr)?;
    Ok(())
}

impl Chart for TrajectoryChart {
    fn size(&self) -> (u32, u32) {
        (1300, 560)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let x_max = self
            .seeds
            .iter()
            .flat_map(|s| s.loss.iter().chain(&s.dev_accuracy))
            .map(|p| p.0)
            .fold(1.0, f64::max);
        let loss_max = self
            .seeds
            .iter()
            .flat_map(|s| s.loss.iter())
            .map(|p| p.1)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let titled = area.titled(&self.title, (FONT, 22)).map_err(perr)?;
        let (left, right) = titled.split_horizontally(titled.dim_in_pixel().0 / 2);
        let loss: Vec<(String, &[(f64, f64)])> = self
            .seeds
            .iter()
            .map(|s| (s.name.clone(), s.loss.as_slice()))
            .collect();
        panel(
            &left,
            Panel {
                caption: "best training loss so far",
                y_desc: "loss",
                x_max,
                y_range: (0.0, (loss_max * 1.1).max(1e-3)),
                lines: loss,
                marks: Vec::new(),
                legend_at: SeriesLabelPosition::UpperRight,
            },
        )?;
        let dev: Vec<(String, &[(f64, f64)])> = self
            .seeds
            .iter()
            .map(|s| (s.name.clone(), s.dev_accuracy.as_slice()))
            .collect();
        let mut marks = vec![(
            format!("chance {:.2}", self.chance),
            self.chance,
            RGBColor(120, 120, 120),
        )];
        if let Some(t) = self.target {
            marks.push((format!("target {t}"), t, RGBColor(200, 30, 30)));
        }
        panel(
            &right,
            Panel {
                caption: "dev accuracy of the best prompt",
                y_desc: "accuracy",
                x_max,
                y_range: (0.0, 1.02),
                lines: dev,
                marks,
                legend_at: SeriesLabelPosition::LowerRight,
            },
        )
    }
}

impl TrajectoryChart {
    /// The chart of a `tune` run: one line per seed.
    pub fn of(r: &crate::report::tuning::TuneResults) -> Self {
        let first = &r.runs[0];
        let server = match first.options.server {
            crate::tuning::options::ServerKind::Mpc => "MPC servers (exec mode)",
            crate::tuning::options::ServerKind::Plain => "plaintext f64 server",
        };
        let attention = match first.options.attention {
            crate::tuning::options::AttentionChoice::Softmax => "softmax attention",
            crate::tuning::options::AttentionChoice::Rfa => "random feature attention",
        };
        TrajectoryChart {
            title: format!(
                "{}: forward-only prompt tuning, {server}, {attention}",
                r.loaded.scenario.name
            ),
            seeds: r
                .runs
                .iter()
                .map(|run| SeedCurves {
                    name: format!("seed {}", run.options.seed),
                    loss: run
                        .trajectory
                        .iter()
                        .map(|g| (g.queries as f64, g.best_loss))
                        .collect(),
                    dev_accuracy: run
                        .trajectory
                        .iter()
                        .filter_map(|g| g.dev_accuracy.map(|a| (g.queries as f64, a)))
                        .collect(),
                })
                .collect(),
            chance: crate::report::tuning::chance_accuracy(first),
            target: first.options.target_dev_accuracy,
        }
    }
}
