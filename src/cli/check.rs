//! `check BASELINE --scenario FILE`: recompute the counts and compare with the baseline.

use super::{CheckArgs, CliError};
use crate::report::{check, output, tables};
use crate::scenario::{self, workload::Workload};
use std::io::Write;

/// `check`.
pub fn check(a: &CheckArgs, workload: &dyn Workload, out: &mut dyn Write) -> Result<(), CliError> {
    let mut loaded = scenario::load(&a.scenario).map_err(CliError::input)?;
    // Only the counts matter: no sweeps, no plots.
    loaded.scenario.sweep = None;
    loaded.scenario.seq_sweep = None;
    super::run::check_workload(&loaded, workload)?;
    let baseline_text = if a.update {
        None
    } else {
        Some(std::fs::read_to_string(&a.baseline).map_err(|e| {
            CliError::input(format!(
                "cannot read the baseline {}: {e} (create it with --update)",
                a.baseline.display()
            ))
        })?)
    };
    if a.update
        && let Some(dir) = a.baseline.parent().filter(|d| !d.as_os_str().is_empty())
    {
        output::prepare_dir(dir).map_err(CliError::input)?;
    }
    let results = super::run::compute(&loaded, workload)?;
    let current = tables::ops(&results);
    let current_text = String::from_utf8(current.bytes.clone()).expect("CSV is UTF-8");
    match baseline_text {
        None => {
            let mut staging = output::Staging::new();
            staging
                .write(&a.baseline, &current.bytes)
                .map_err(CliError::input)?;
            staging.commit().map_err(CliError::input)?;
            let _ = writeln!(out, "wrote baseline {}", a.baseline.display());
            Ok(())
        }
        Some(base) => {
            let diff = check::compare(&base, &current_text).map_err(CliError::input)?;
            if diff.is_empty() {
                let _ = writeln!(
                    out,
                    "check passed: every count of {} matches {}",
                    a.scenario.display(),
                    a.baseline.display()
                );
                Ok(())
            } else {
                let _ = writeln!(
                    out,
                    "check FAILED: {} count(s) of {} differ from {} (baseline -> recomputed):",
                    diff.len(),
                    a.scenario.display(),
                    a.baseline.display()
                );
                let name = &loaded.scenario.name;
                let written_for = check::baseline_scenarios(&base);
                if !written_for.is_empty() && !written_for.iter().any(|n| n == name) {
                    let _ = writeln!(
                        out,
                        "  note: the baseline was written for scenario `{}`, this is `{name}`",
                        written_for.join("`, `")
                    );
                }
                for d in &diff {
                    let _ = writeln!(out, "  {d}");
                }
                Err(CliError {
                    code: 1,
                    message: format!(
                        "{} protocol count(s) changed; if intended, rerun with --update",
                        diff.len()
                    ),
                })
            }
        }
    }
}
