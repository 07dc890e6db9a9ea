//! `calibrate SCENARIO`: fit device-profile constants to a reference table.

use super::{CalibrateArgs, CliError};
use crate::report::calibrate::{self, Constant};
use crate::scenario::{self, workload::Workload};
use std::io::Write;

/// `calibrate`.
pub fn calibrate(
    a: &CalibrateArgs,
    workload: &dyn Workload,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut loaded = scenario::load(&a.scenario).map_err(CliError::input)?;
    loaded.scenario.sweep = None;
    loaded.scenario.seq_sweep = None;
    let constants: Vec<Constant> = a
        .fit
        .iter()
        .map(|c| Constant::parse(c))
        .collect::<Result<_, _>>()
        .map_err(CliError::input)?;
    let (reference, is_paper) = match &a.reference {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                CliError::input(format!("cannot read the reference {}: {e}", p.display()))
            })?;
            (
                calibrate::read_reference(&text).map_err(CliError::input)?,
                false,
            )
        }
        None => (calibrate::paper_reference(), true),
    };
    let rows = if a.rows.is_empty() {
        loaded.scenario.device.calibrated_on.clone()
    } else {
        a.rows.clone()
    };
    if rows.is_empty() {
        return Err(CliError::input(
            "no rows to fit: give --rows method@network,... or list them in device.calibrated_on",
        ));
    }
    if is_paper && rows.len() > 2 {
        return Err(CliError::input(format!(
            "at most two of the paper's rows may be used for calibration (got {}); the others are \
             out-of-fit checks",
            rows.len()
        )));
    }
    super::run::check_workload(&loaded, workload)?;
    let results = super::run::compute(&loaded, workload)?;
    let cal =
        calibrate::calibrate(&results, &reference, &constants, &rows).map_err(CliError::input)?;
    let _ = writeln!(
        out,
        "fit of {} on {} ({} reference)\n",
        a.fit.join(", "),
        rows.join(", "),
        if is_paper { "the paper's" } else { "the given" }
    );
    let _ = write!(out, "{}", cal.render(&constants));
    Ok(())
}
