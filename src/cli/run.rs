//! `run`, `sweep` and `networks`.

use super::{CliError, RunArgs, SweepArgs};
use crate::net::presets::PRESETS;
use crate::report::{self, Results, output, tables};
use crate::scenario::workload::Workload;
use crate::scenario::{self, LoadedScenario, SweepSpec};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;

fn load(path: &std::path::Path) -> Result<LoadedScenario, CliError> {
    scenario::load(path).map_err(CliError::input)
}

/// Checks the model-specific parts of a scenario (methods, preset, options) before anything is
/// written.
pub(super) fn check_workload(
    loaded: &LoadedScenario,
    workload: &dyn Workload,
) -> Result<(), CliError> {
    let s = &loaded.scenario;
    workload
        .check(&s.model, &s.methods, &s.options, s.mode)
        .map_err(|e| CliError::input(loaded.error(e.field, e.message)))?;
    if let Some(sq) = &s.seq_sweep {
        workload
            .check(&s.model, &sq.methods, &s.options, s.mode)
            .map_err(|e| {
                CliError::input(loaded.error(format!("seq_sweep.{}", e.field), e.message))
            })?;
    }
    Ok(())
}

/// Computes with a progress bar on stderr (drawn only when stderr is a terminal).
pub(super) fn compute(
    loaded: &LoadedScenario,
    workload: &dyn Workload,
) -> Result<Results, CliError> {
    let s = &loaded.scenario;
    let units = s.methods.len()
        + usize::from(s.sweep.is_some())
        + s.seq_sweep
            .as_ref()
            .map_or(0, |q| q.seq.len() * q.methods.len());
    let bar = ProgressBar::new(units as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut first = true;
    let r = report::compute(loaded, workload, &mut |label| {
        if !first {
            bar.inc(1);
        }
        first = false;
        bar.set_message(label.to_string());
    });
    bar.finish_and_clear();
    r.map_err(|e| CliError::input(e.0))
}

fn folders(
    loaded: &LoadedScenario,
    results_root: &Option<PathBuf>,
    plots_root: &Option<PathBuf>,
    no_plots: bool,
) -> Result<(PathBuf, Option<PathBuf>), CliError> {
    let name = &loaded.scenario.name;
    let results = match results_root {
        Some(r) => r.join(name),
        None => loaded.results_folder(),
    };
    let plots = if no_plots || !loaded.scenario.output.plots {
        None
    } else {
        Some(match plots_root {
            Some(p) => p.join(name),
            None => loaded.plots_folder(),
        })
    };
    output::prepare_dir(&results).map_err(CliError::input)?;
    if let Some(p) = &plots {
        output::prepare_dir(p).map_err(CliError::input)?;
    }
    Ok((results, plots))
}

/// `run SCENARIO`.
pub fn run(
    a: &RunArgs,
    workload: &dyn Workload,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<(), CliError> {
    let loaded = load(&a.scenario)?;
    check_workload(&loaded, workload)?;
    let (results_dir, plots_dir) = folders(&loaded, &a.results_dir, &a.plots_dir, a.no_plots)?;
    let results = compute(&loaded, workload)?;
    let written =
        report::write_run(&results, &results_dir, plots_dir.as_deref()).map_err(CliError::input)?;
    if !a.quiet {
        if let Some(w) = &loaded.scenario.model.weights {
            let _ = writeln!(
                out,
                "model weights: {} (shared by the model owner; exec mode computes with them)\n",
                w.display()
            );
        }
        let _ = write!(out, "{}", tables::comparison_table(&results));
        let _ = writeln!(out, "\nwrote {} files:", written.len());
        for w in &written {
            let _ = writeln!(out, "  {}", w.display());
        }
    }
    Ok(())
}

/// `sweep SCENARIO`.
pub fn sweep(
    a: &SweepArgs,
    workload: &dyn Workload,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<(), CliError> {
    let mut loaded = load(&a.scenario)?;
    let s = &mut loaded.scenario;
    let base = s.sweep.clone();
    let pick = |given: &Vec<f64>, from: Option<&Vec<f64>>, what: &str| {
        if !given.is_empty() {
            Ok(given.clone())
        } else {
            from.cloned().ok_or_else(|| {
                CliError::input(format!(
                    "no {what}: give --{what} or a [sweep] table in the scenario"
                ))
            })
        }
    };
    let spec = SweepSpec {
        bandwidth_mbps: pick(
            &a.bandwidth_mbps,
            base.as_ref().map(|b| &b.bandwidth_mbps),
            "bandwidth-mbps",
        )?,
        one_way_latency_ms: pick(
            &a.latency_ms,
            base.as_ref().map(|b| &b.one_way_latency_ms),
            "latency-ms",
        )?,
        reference: a
            .reference
            .clone()
            .or(base.as_ref().map(|b| b.reference.clone()))
            .unwrap_or_else(|| "sft".into()),
        target: a
            .target
            .clone()
            .or(base.as_ref().map(|b| b.target.clone()))
            .unwrap_or_else(|| "secp_tuning".into()),
    };
    s.sweep = Some(spec);
    s.seq_sweep = None;
    loaded.revalidate().map_err(CliError::input)?;
    check_workload(&loaded, workload)?;
    let (results_dir, plots_dir) = folders(&loaded, &a.results_dir, &a.plots_dir, a.no_plots)?;
    let results = compute(&loaded, workload)?;
    let mut staging = output::Staging::new();
    if let Some(f) = tables::sweep(&results) {
        staging
            .write(&results_dir.join(&f.name), &f.bytes)
            .map_err(CliError::input)?;
    }
    if let Some(dir) = &plots_dir {
        for (name, c) in crate::plot::charts(&results) {
            if let crate::plot::AnyChart::Heatmap(h) = c {
                crate::plot::save(&h, dir, &name, &mut staging).map_err(CliError::input)?;
            }
        }
    }
    let written = staging.commit().map_err(CliError::input)?;
    let sw = results.loaded.scenario.sweep.as_ref().expect("set above");
    let _ = writeln!(
        out,
        "speed-up of {} over {} (time ratio); rows: one-way latency (ms), columns: bandwidth (Mbit/s)",
        sw.target, sw.reference
    );
    let _ = write!(out, "{:>10}", "");
    for b in &sw.bandwidth_mbps {
        let _ = write!(out, "{b:>10}");
    }
    let _ = writeln!(out);
    for l in &sw.one_way_latency_ms {
        let _ = write!(out, "{l:>10}");
        for b in &sw.bandwidth_mbps {
            let t = |m: &str| {
                results
                    .sweep
                    .iter()
                    .find(|p| p.method == m && p.bandwidth_mbps == *b && p.one_way_latency_ms == *l)
                    .map(|p| p.timeline.total.0 as f64)
            };
            let v = match (t(&sw.reference), t(&sw.target)) {
                (Some(x), Some(y)) if y > 0.0 => format!("{:.1}x", x / y),
                _ => "-".into(),
            };
            let _ = write!(out, "{v:>10}");
        }
        let _ = writeln!(out);
    }
    for w in &written {
        let _ = writeln!(out, "wrote {}", w.display());
    }
    Ok(())
}

/// `networks`.
pub fn networks(out: &mut dyn Write) -> Result<(), CliError> {
    let _ = writeln!(out, "name,bandwidth_mbps,one_way_latency_ms,source");
    for p in PRESETS {
        let _ = writeln!(
            out,
            "{},{},{},\"{}\"",
            p.name, p.bandwidth_mbps, p.one_way_latency_ms, p.source
        );
    }
    Ok(())
}
