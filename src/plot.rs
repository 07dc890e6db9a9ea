//! Plots of a run, each written as PNG **and** SVG (plotters, no system fonts: DejaVu Sans is
//! compiled into the binary from `assets/fonts/` and registered before the first chart).
//!
//! Charts: time and communication per method (log axis, the paper's values marked), the paper's
//! speed-up and reduction ratios (12x / 16x / 17x / 20x marked), a stacked phase breakdown, a
//! per-operation breakdown, the sweep heatmap (speed-up over bandwidth x latency), and cost
//! against sequence length. Every chart is a plain data structure ([`bars::BarChart`],
//! [`heatmap::Heatmap`], [`lines::LineChart`]) built from [`Results`] by [`charts`].

pub mod bars;
pub mod heatmap;
pub mod lines;
pub mod trajectory;

use crate::report::output::{OutputError, Staging};
use crate::report::paper::{self, Metric};
use crate::report::{Results, tables};
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;
use std::sync::OnceLock;

/// The font every chart uses (DejaVu Sans; licence in `assets/fonts/LICENSE-DejaVu.txt`).
pub const FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// The family name it is registered under.
pub const FONT: &str = "sans-serif";

/// Registers the compiled-in font (once per process). Every chart calls it first.
pub fn ensure_font() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            .map_err(|_| "the compiled-in DejaVu Sans font could not be loaded".to_string())
    })
    .clone()
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// Pixel size (width, height).
    fn size(&self) -> (u32, u32) {
        (1100, 650)
    }
    /// Draws on `area`.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), String>;
}

/// Maps a plotters error to text.
pub fn perr<E: std::fmt::Debug>(e: E) -> String {
    format!("plot error: {e:?}")
}

/// Draws `chart` to `<dir>/<name>.png` and `<dir>/<name>.svg` through `staging` (written under
/// temporary names; visible only when the staging set is committed).
pub fn save(
    chart: &impl Chart,
    dir: &Path,
    name: &str,
    staging: &mut Staging,
) -> Result<(), OutputError> {
    ensure_font().map_err(|m| OutputError {
        path: dir.to_path_buf(),
        message: m,
    })?;
    let size = chart.size();
    let png = dir.join(format!("{name}.png"));
    let tmp = staging.temp_path(&png)?;
    let oe = |p: &Path, m: String| OutputError {
        path: p.to_path_buf(),
        message: m,
    };
    {
        let root = BitMapBackend::new(&tmp, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| oe(&png, perr(e)))?;
        chart.draw(&root).map_err(|m| oe(&png, m))?;
        root.present().map_err(|e| oe(&png, perr(e)))?;
    }
    let svg = dir.join(format!("{name}.svg"));
    let tmp = staging.temp_path(&svg)?;
    {
        let root = SVGBackend::new(&tmp, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| oe(&svg, perr(e)))?;
        chart.draw(&root).map_err(|m| oe(&svg, m))?;
        root.present().map_err(|e| oe(&svg, perr(e)))?;
    }
    Ok(())
}

/// A fixed palette (Okabe-Ito first, then distinct extras), cycled.
pub fn color(i: usize) -> RGBColor {
    const C: [RGBColor; 14] = [
        RGBColor(0, 114, 178),
        RGBColor(230, 159, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(86, 180, 233),
        RGBColor(213, 94, 0),
        RGBColor(240, 228, 66),
        RGBColor(80, 80, 80),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
        RGBColor(255, 152, 150),
        RGBColor(0, 0, 0),
    ];
    C[i % C.len()]
}

/// Every chart of a run, with its file name (without extension).
pub enum AnyChart {
    /// A bar chart.
    Bars(bars::BarChart),
    /// A heatmap.
    Heatmap(heatmap::Heatmap),
    /// A line chart.
    Lines(lines::LineChart),
}

/// Draws every chart of `results` into `dir` through `staging`.
pub fn save_all(results: &Results, dir: &Path, staging: &mut Staging) -> Result<(), OutputError> {
    for (name, c) in charts(results) {
        match &c {
            AnyChart::Bars(b) => save(b, dir, &name, staging)?,
            AnyChart::Heatmap(h) => save(h, dir, &name, staging)?,
            AnyChart::Lines(l) => save(l, dir, &name, staging)?,
        }
    }
    Ok(())
}

/// Builds every chart of a run.
pub fn charts(r: &Results) -> Vec<(String, AnyChart)> {
    let mut out = Vec::new();
    let s = &r.loaded.scenario.name;
    let methods: Vec<String> = r.methods.iter().map(|m| m.method.clone()).collect();
    let nets = &r.loaded.networks;

    // Time per method, one series per network, paper values marked.
    let mut time = bars::BarChart::new(
        &format!("{s}: simulated time per iteration"),
        "seconds per iteration (log)",
        methods.clone(),
    );
    time.log_y = true;
    for (j, n) in nets.iter().enumerate() {
        let vals = r
            .methods
            .iter()
            .map(|m| Some(r.timeline(m, n).total.as_secs_f64()))
            .collect();
        time.series.push(bars::Series {
            name: n.name.clone(),
            values: vals,
        });
        for (i, m) in r.methods.iter().enumerate() {
            if let Some(p) = r.paper_row(&m.method, &n.name) {
                time.marks.push(bars::Mark {
                    group: i,
                    series: Some(j),
                    value: p.seconds,
                    label: format!("paper {:.0} s", p.seconds),
                });
            }
        }
    }
    out.push(("time".to_string(), AnyChart::Bars(time)));

    // Communication per method (network-independent), paper values marked.
    let mut comm = bars::BarChart::new(
        &format!("{s}: communication per iteration (CrypTen counter, party 0)"),
        "GB (10^9 bytes, log)",
        methods.clone(),
    );
    comm.log_y = true;
    comm.series.push(bars::Series {
        name: "simulated".into(),
        values: r
            .methods
            .iter()
            .map(|m| Some(tables::crypten_p0(m) as f64 / 1e9))
            .collect(),
    });
    for (i, m) in r.methods.iter().enumerate() {
        if let Some(p) = r.paper_comm(&m.method) {
            comm.marks.push(bars::Mark {
                group: i,
                series: Some(0),
                value: p.crypten_gb,
                label: format!("paper {:.1} GB", p.crypten_gb),
            });
        }
    }
    out.push(("communication".to_string(), AnyChart::Bars(comm)));

    // Ratios with the paper's labels.
    let ratio_groups: Vec<&paper::PaperRatio> = paper::RATIOS
        .iter()
        .filter(|p| nets.first().is_some_and(|n| r.ratio(p, n).is_some()))
        .collect();
    if !ratio_groups.is_empty() {
        let mut ratios = bars::BarChart::new(
            &format!("{s}: SecP-Tuning speed-up and communication reduction"),
            "ratio (x)",
            ratio_groups
                .iter()
                .map(|p| {
                    let what = match p.metric {
                        Metric::Time => "time",
                        Metric::CryptenBytes => "comm",
                    };
                    format!("{what} {}/{}", p.numerator, p.denominator)
                })
                .collect(),
        );
        for (j, n) in nets.iter().enumerate() {
            ratios.series.push(bars::Series {
                name: n.name.clone(),
                values: ratio_groups.iter().map(|p| r.ratio(p, n)).collect(),
            });
            for (i, p) in ratio_groups.iter().enumerate() {
                if r.loaded.scenario.compare_with_paper
                    && tables::paper_ratio_applies(p, &n.name)
                    && (j == 0 || p.metric == Metric::Time)
                {
                    ratios.marks.push(bars::Mark {
                        group: i,
                        series: if p.metric == Metric::Time {
                            Some(j)
                        } else {
                            None
                        },
                        value: p.value,
                        label: format!("paper {}", p.label),
                    });
                }
            }
        }
        out.push(("ratios".to_string(), AnyChart::Bars(ratios)));
    }

    // Stacked phases (communication) and stacked phases (time on the first network).
    let mut phase_names: Vec<String> = Vec::new();
    for m in &r.methods {
        for p in m.phases.iter().filter(|p| p.in_total && p.phase != "total") {
            if !phase_names.contains(&p.phase) {
                phase_names.push(p.phase.clone());
            }
        }
    }
    let phase_value =
        |m: &crate::report::MethodResult, ph: &str, f: &dyn Fn(&crate::net::Totals) -> f64| {
            m.phases
                .iter()
                .find(|p| p.phase == ph && p.in_total)
                .map(|p| f(&p.online))
        };
    let mut phases = bars::BarChart::new(
        &format!("{s}: communication by phase (one iteration)"),
        "GB (CrypTen counter, party 0)",
        methods.clone(),
    );
    phases.stacked = true;
    for ph in &phase_names {
        phases.series.push(bars::Series {
            name: ph.clone(),
            values: r
                .methods
                .iter()
                .map(|m| phase_value(m, ph, &|t| t.crypten_bytes[0].0 as f64 / 1e9))
                .collect(),
        });
    }
    out.push(("phases".to_string(), AnyChart::Bars(phases)));
    if let Some(n) = nets.first() {
        let mut pt = bars::BarChart::new(
            &format!("{s}: time by phase on {}", n.name),
            "seconds per iteration",
            methods.clone(),
        );
        pt.stacked = true;
        for ph in &phase_names {
            pt.series.push(bars::Series {
                name: ph.clone(),
                values: r
                    .methods
                    .iter()
                    .map(|m| {
                        phase_value(m, ph, &|t| {
                            crate::net::price(t, n, &r.loaded.compute)
                                .total
                                .as_secs_f64()
                        })
                    })
                    .collect(),
            });
        }
        out.push((format!("phases-time-{}", n.name), AnyChart::Bars(pt)));
    }

    // Per-operation breakdown (communication, all phases of the iteration summed).
    let in_total = |m: &crate::report::MethodResult, phase: &str| {
        m.phases.iter().any(|p| p.phase == phase && p.in_total)
    };
    let mut op_names: Vec<String> = Vec::new();
    for m in &r.methods {
        for o in m.ops.iter().filter(|o| in_total(m, &o.phase)) {
            if !op_names.contains(&o.op) {
                op_names.push(o.op.clone());
            }
        }
    }
    op_names.sort();
    let mut ops = bars::BarChart::new(
        &format!("{s}: communication by operation (one iteration)"),
        "GB (CrypTen counter, party 0)",
        methods.clone(),
    );
    ops.stacked = true;
    for op in &op_names {
        ops.series.push(bars::Series {
            name: op.clone(),
            values: r
                .methods
                .iter()
                .map(|m| {
                    let v: u64 = m
                        .ops
                        .iter()
                        .filter(|o| &o.op == op && in_total(m, &o.phase))
                        .map(|o| o.online.crypten_bytes[0].0)
                        .sum();
                    (v > 0).then_some(v as f64 / 1e9)
                })
                .collect(),
        });
    }
    out.push(("operations".to_string(), AnyChart::Bars(ops)));

    // Sweep heatmap.
    if let Some(sw) = &r.loaded.scenario.sweep
        && !r.sweep.is_empty()
    {
        let t = |b: f64, l: f64, m: &str| {
            r.sweep
                .iter()
                .find(|p| p.bandwidth_mbps == b && p.one_way_latency_ms == l && p.method == m)
                .map(|p| p.timeline.total.0 as f64)
        };
        let values = sw
            .one_way_latency_ms
            .iter()
            .map(|&l| {
                sw.bandwidth_mbps
                    .iter()
                    .map(|&b| match (t(b, l, &sw.reference), t(b, l, &sw.target)) {
                        (Some(x), Some(y)) if y > 0.0 => Some(x / y),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        out.push((
            "sweep".to_string(),
            AnyChart::Heatmap(heatmap::Heatmap {
                title: format!(
                    "{s}: speed-up of {} over {} (time ratio)",
                    sw.target, sw.reference
                ),
                x_desc: "bandwidth (Mbit/s)".into(),
                y_desc: "one-way latency per round (ms)".into(),
                x_labels: sw.bandwidth_mbps.iter().map(|b| b.to_string()).collect(),
                y_labels: sw
                    .one_way_latency_ms
                    .iter()
                    .map(|l| l.to_string())
                    .collect(),
                values,
            }),
        ));
    }

    // Sequence length sweep.
    if let Some(sq) = &r.loaded.scenario.seq_sweep
        && !r.seq.is_empty()
    {
        let bytes = lines::LineChart {
            title: format!("{s}: communication against sequence length"),
            x_desc: "sequence length (tokens, log2)".into(),
            y_desc: "GB per iteration (CrypTen counter, party 0, log)".into(),
            series: sq
                .methods
                .iter()
                .map(|m| lines::Line {
                    name: m.clone(),
                    points: r
                        .seq
                        .iter()
                        .filter(|p| &p.method == m)
                        .map(|p| (p.seq as f64, p.online.crypten_bytes[0].0 as f64 / 1e9))
                        .collect(),
                })
                .collect(),
        };
        out.push(("seqlen-communication".to_string(), AnyChart::Lines(bytes)));
        let attention = lines::LineChart {
            title: format!("{s}: attention non-linearity (softmax or RFA) against sequence length"),
            x_desc: "sequence length (tokens, log2)".into(),
            y_desc: "GB per iteration (CrypTen counter, party 0, log)".into(),
            series: sq
                .methods
                .iter()
                .map(|m| lines::Line {
                    name: m.clone(),
                    points: r
                        .seq
                        .iter()
                        .filter(|p| &p.method == m)
                        .map(|p| (p.seq as f64, p.attention.crypten_bytes[0].0 as f64 / 1e9))
                        .collect(),
                })
                .collect(),
        };
        out.push(("seqlen-attention".to_string(), AnyChart::Lines(attention)));
        for n in nets {
            let time = lines::LineChart {
                title: format!("{s}: time against sequence length on {}", n.name),
                x_desc: "sequence length (tokens, log2)".into(),
                y_desc: "seconds per iteration (log)".into(),
                series: sq
                    .methods
                    .iter()
                    .map(|m| lines::Line {
                        name: m.clone(),
                        points: r
                            .seq
                            .iter()
                            .filter(|p| &p.method == m)
                            .map(|p| {
                                (
                                    p.seq as f64,
                                    crate::net::price(&p.online, n, &r.loaded.compute)
                                        .total
                                        .as_secs_f64(),
                                )
                            })
                            .collect(),
                    })
                    .collect(),
            };
            out.push((format!("seqlen-time-{}", n.name), AnyChart::Lines(time)));
        }
    }
    out
}
