//! `tune SCENARIO`: forward-only prompt tuning for real (the data owner's CMA-ES loop driving
//! exec-mode MPC forward passes), one run per seed, then the whole-run cost the measured query
//! count implies in the paper's setting.

use super::{CliError, TuneArgs};
use crate::plot::trajectory::TrajectoryChart;
use crate::report::output::{self, Staging};
use crate::report::tuning::{self as rt, TuneResults};
use crate::scenario::tune;
use crate::scenario::workload::Workload;
use crate::tuning::{Progress, run_tuning};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

/// `tune SCENARIO`.
pub fn tune(a: &TuneArgs, workload: &dyn Workload, out: &mut dyn Write) -> Result<(), CliError> {
    let mut loaded = tune::load(&a.scenario).map_err(CliError::input)?;
    if !a.seeds.is_empty() {
        let mut s = a.seeds.clone();
        s.sort_unstable();
        if let Some(w) = s.windows(2).find(|w| w[0] == w[1]) {
            return Err(CliError::input(format!(
                "--seeds: seed {} appears twice",
                w[0]
            )));
        }
        loaded.seeds = a.seeds.clone();
    }
    // Everything that can fail on input is checked before the (long) runs and before any write.
    let per_query = rt::per_query_costs(&loaded, workload).map_err(|e| CliError::input(e.0))?;
    let name = &loaded.scenario.name;
    let results_dir = match &a.results_dir {
        Some(r) => r.join(name),
        None => loaded.results_folder(),
    };
    let plots_dir = if a.no_plots || !loaded.scenario.output.plots {
        None
    } else {
        Some(match &a.plots_dir {
            Some(p) => p.join(name),
            None => loaded.plots_folder(),
        })
    };
    output::prepare_dir(&results_dir).map_err(CliError::input)?;
    if let Some(p) = &plots_dir {
        output::prepare_dir(p).map_err(CliError::input)?;
    }

    let o = &loaded.scenario.tuning;
    let generations = o.generations();
    if !a.quiet {
        let _ = writeln!(
            out,
            "tuning scenario {name} ({}), hash {}: {}, {} attention, seeds {:?}",
            loaded.file,
            loaded.hash,
            match o.server {
                crate::tuning::options::ServerKind::Mpc => "two MPC servers (exec mode)",
                crate::tuning::options::ServerKind::Plain => "one plaintext f64 server",
            },
            match o.attention {
                crate::tuning::options::AttentionChoice::Softmax => "softmax",
                crate::tuning::options::AttentionChoice::Rfa => "random feature",
            },
            loaded.seeds
        );
        let _ = writeln!(
            out,
            "CMA-ES: d = {}, population {}, budget {} queries ({generations} generations); task: {} \
             shots per class, prompt of {} tokens; model: {} layer(s), hidden {}, {} heads",
            o.cmaes.dim,
            o.cmaes.population,
            o.cmaes.budget,
            o.task.shots_per_class,
            o.task.prompt_tokens,
            o.arch.layers,
            o.arch.hidden,
            o.arch.heads
        );
    }
    let bar = ProgressBar::new(generations * loaded.seeds.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} generations {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut runs = Vec::with_capacity(loaded.seeds.len());
    for &seed in &loaded.seeds {
        let opts = loaded.options(seed);
        let quiet = a.quiet;
        let mut on_progress = |p: &Progress| {
            bar.inc(1);
            bar.set_message(format!("seed {seed}, best loss {:.4}", p.best_loss));
            if let (Some(acc), false) = (p.dev_accuracy, quiet) {
                bar.suspend(|| {
                    let _ = writeln!(
                        out,
                        "seed {seed}: generation {:>4}/{}  queries {:>6}  best train loss {:.4}  dev accuracy {acc:.3}",
                        p.generation, p.generations, p.queries, p.best_loss
                    );
                });
            }
        };
        let report = run_tuning(&opts, &mut on_progress)
            .map_err(|e| CliError::input(loaded.error("tuning", e.to_string())))?;
        runs.push(report);
    }
    bar.finish_and_clear();
    let whole_run = rt::whole_run_rows(&per_query, &runs, &loaded);
    let results = TuneResults {
        loaded,
        runs,
        whole_run,
    };

    let mut staging = Staging::new();
    for f in rt::all(&results).map_err(|e| CliError::input(e.0))? {
        staging
            .write(&results_dir.join(&f.name), &f.bytes)
            .map_err(CliError::input)?;
    }
    if let Some(dir) = &plots_dir {
        crate::plot::save(&TrajectoryChart::of(&results), dir, "tuning", &mut staging)
            .map_err(CliError::input)?;
    }
    let written = staging.commit().map_err(CliError::input)?;
    if !a.quiet {
        let _ = write!(out, "{}", rt::report_text(&results));
        let _ = writeln!(out, "\nwrote {} files:", written.len());
        for w in &written {
            let _ = writeln!(out, "  {}", w.display());
        }
    }
    Ok(())
}
